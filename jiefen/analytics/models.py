"""Models of the analytics app: one fact row per case, daily rollups of those facts, and two
coarser rollups for the dashboard's usual questions.

`CaseFact` remembers what each case last contributed to the rollups (its dimensions and its
list of dated contributions), so `refresh()` can take the old contribution out and put the new
one in: the rollups always equal a recomputation from scratch. `Rollup` rows are keyed by
(day, region, category, item, channel, risk grade, lead department, mediator); dimensions
are plain integers with 0 for "none" so the unique key also holds on PostgreSQL.

`MonthRollup` holds the same counters keyed only by (month, community, category, channel,
risk grade): no matter, department or mediator, and the region cut at community level (a
case above community level keeps its own region). Its size is bounded by the district
(communities × categories × channels × grades per month), not by the number of cases. It answers whole months for a region at community level or
above without a department or mediator filter (see services._collect). `DayRollup` keeps
them by (day, community) alone, for totals and days."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Handling-time histogram: upper bounds in hours of buckets h0..h11 (the last is open).
HOUR_BUCKETS = [4, 8, 24, 48, 72, 120, 168, 240, 360, 720, 1440, None]
CLOCK_KINDS = ["respond", "sort", "sign", "handle"]

COUNTERS = (
    ["received", "accepted", "declined", "closed", "resolved", "unresolved", "handled",
     "satisfied", "rated", "reopened", "repeats"]
    + [f"{k}_met" for k in CLOCK_KINDS] + [f"{k}_stopped" for k in CLOCK_KINDS]
    + [f"h{i}" for i in range(len(HOUR_BUCKETS))]
)
DIMENSIONS = ["day", "region_id", "region_path", "category_id", "item_id", "channel", "risk_grade",
              "department_id", "mediator_id"]


class CaseFact(models.Model):
    case = models.OneToOneField("cases.Case", models.CASCADE, primary_key=True, related_name="+")
    key = models.JSONField(default=dict)  # the dimensions (without the day)
    contributions = models.JSONField(default=list)  # [[iso day, counter, amount], ...]

    class Meta:
        verbose_name = _("案件统计事实")
        verbose_name_plural = _("案件统计事实")

    def __str__(self) -> str:
        return str(self.case_id)


class Counters(models.Model):
    """The summed counters every rollup row carries (see COUNTERS)."""

    received = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    declined = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    unresolved = models.IntegerField(default=0)
    handled = models.IntegerField(default=0)
    handle_hours = models.FloatField(default=0)
    satisfied = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)
    repeats = models.IntegerField(default=0)
    respond_met = models.IntegerField(default=0)
    respond_stopped = models.IntegerField(default=0)
    sort_met = models.IntegerField(default=0)
    sort_stopped = models.IntegerField(default=0)
    sign_met = models.IntegerField(default=0)
    sign_stopped = models.IntegerField(default=0)
    handle_met = models.IntegerField(default=0)
    handle_stopped = models.IntegerField(default=0)
    h0 = models.IntegerField(default=0)
    h1 = models.IntegerField(default=0)
    h2 = models.IntegerField(default=0)
    h3 = models.IntegerField(default=0)
    h4 = models.IntegerField(default=0)
    h5 = models.IntegerField(default=0)
    h6 = models.IntegerField(default=0)
    h7 = models.IntegerField(default=0)
    h8 = models.IntegerField(default=0)
    h9 = models.IntegerField(default=0)
    h10 = models.IntegerField(default=0)
    h11 = models.IntegerField(default=0)

    class Meta:
        abstract = True


class Rollup(Counters):
    day = models.DateField(_("日期"))
    region_id = models.IntegerField(_("地区"))
    region_path = models.CharField(max_length=255)
    category_id = models.IntegerField(default=0)
    item_id = models.IntegerField(default=0)
    channel = models.CharField(max_length=20)
    risk_grade = models.CharField(max_length=20)
    department_id = models.IntegerField(default=0)
    mediator_id = models.IntegerField(default=0)
    class Meta:
        verbose_name = _("日统计")
        verbose_name_plural = _("日统计")
        constraints = [models.UniqueConstraint(
            fields=["day", "region_id", "category_id", "item_id", "channel", "risk_grade",
                    "department_id", "mediator_id"], name="rollup_key")]
        indexes = [
            models.Index(fields=["region_path", "day"], name="rollup_path_day",
                         opclasses=["varchar_pattern_ops", "date_ops"]),
            models.Index(fields=["day"], name="rollup_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.region_path}"


class MonthRollup(Counters):
    month = models.DateField(_("月份"))  # the first day of the month
    region_id = models.IntegerField(_("地区"))  # the community (or the case's own region above it)
    region_path = models.CharField(max_length=255)
    category_id = models.IntegerField(default=0)
    channel = models.CharField(max_length=20)
    risk_grade = models.CharField(max_length=20)

    class Meta:
        verbose_name = _("月统计")
        verbose_name_plural = _("月统计")
        constraints = [models.UniqueConstraint(
            fields=["month", "region_id", "category_id", "channel", "risk_grade"], name="month_rollup_key")]
        indexes = [
            models.Index(fields=["region_path", "month"], name="month_rollup_path",
                         opclasses=["varchar_pattern_ops", "date_ops"]),
            models.Index(fields=["month"], name="month_rollup_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.region_path}"


class DayRollup(Counters):
    """The same counters by (day, community) alone: totals and days for a region at community
    level or above, with no department, mediator or channel filter."""

    day = models.DateField(_("日期"))
    region_id = models.IntegerField(_("地区"))  # the community (or the case's own region above it)
    region_path = models.CharField(max_length=255)

    class Meta:
        verbose_name = _("社区日统计")
        verbose_name_plural = _("社区日统计")
        constraints = [models.UniqueConstraint(fields=["day", "region_id"], name="day_rollup_key")]
        indexes = [models.Index(fields=["region_path", "day"], name="day_rollup_path",
                                opclasses=["varchar_pattern_ops", "date_ops"])]

    def __str__(self) -> str:
        return f"{self.day} {self.region_path}"


class Watermark(models.Model):
    """One row: the last cases.Event id folded in, when the last refresh ran, and a stamp
    changed whenever a rollup row changes (the key of the cached figures)."""

    last_event_id = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    stamp = models.CharField(max_length=32, default="", blank=True)

    def __str__(self) -> str:
        return f"{self.last_event_id}"


class LawsuitCount(models.Model):
    """Lawsuits filed at the courts in a region in a month (成诉数), from the courts' own
    statistics, imported with `jiefen analytics lawsuits FILE`: the numerator of 万人成诉率."""

    region = models.ForeignKey("regions.Region", models.CASCADE, related_name="+", verbose_name=_("地区"))
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    count = models.PositiveIntegerField(_("成诉数"))
    source = models.CharField(_("来源"), max_length=100, blank=True)
    imported_at = models.DateTimeField(_("导入时间"), auto_now=True)

    class Meta:
        ordering = ["-month", "region__path"]
        verbose_name = _("法院成诉数")
        verbose_name_plural = _("法院成诉数")
        constraints = [models.UniqueConstraint(fields=["region", "month"], name="lawsuit_count_once")]

    def __str__(self) -> str:
        return f"{self.region} {self.month:%Y-%m} {self.count}"
