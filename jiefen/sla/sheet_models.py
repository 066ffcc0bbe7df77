"""Clocks, three-colour sheets and urgings (imported by models.py, so they belong to sla)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ClockKind(models.TextChoices):
    RESPOND = "respond", _("响应")
    SORT = "sort", _("分拨")
    SIGN = "sign", _("签收")
    HANDLE = "handle", _("办理")


class Stage(models.IntegerChoices):
    NONE = 0, _("正常")
    BLUE = 1, _("蓝色预警")
    YELLOW = 2, _("黄色交办")
    RED = 3, _("红色督办")


class Clock(models.Model):
    """One run of one time limit on one case: started by an action, stopped by another.

    `next_check_at` is when the clock next changes colour (warning, deadline, serious
    overdue); the worker's tick reads only the clocks whose moment has come, through its
    partial index, so a tick costs what became due, not what is open."""

    # indexed by clock_case_kind_idx below (case first): a second index would only slow the tick
    case = models.ForeignKey("cases.Case", models.CASCADE, related_name="clocks", db_index=False)
    kind = models.CharField(_("时限"), max_length=10, choices=ClockKind.choices)
    started_at = models.DateTimeField(_("起算时间"))
    due_at = models.DateTimeField(_("期限"))
    warn_at = models.DateTimeField(_("预警时间"))
    red_at = models.DateTimeField(_("严重超期时间"))
    stopped_at = models.DateTimeField(_("停止时间"), null=True, blank=True)
    stage = models.PositiveSmallIntegerField(_("状态"), choices=Stage.choices, default=Stage.NONE)
    next_check_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "sla"
        ordering = ["started_at", "id"]
        verbose_name = _("时限")
        verbose_name_plural = _("时限")
        indexes = [
            models.Index(
                fields=["next_check_at"], name="clock_due_idx", condition=models.Q(next_check_at__isnull=False)
            ),
            models.Index(fields=["case", "kind"], name="clock_case_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()} {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def running(self) -> bool:
        return self.stopped_at is None

    @property
    def met(self) -> bool | None:
        """True if stopped in time, False if stopped late, None while running."""
        return None if self.stopped_at is None else self.stopped_at <= self.due_at


class SheetColour(models.TextChoices):
    BLUE = "blue", _("蓝色预警单")
    YELLOW = "yellow", _("黄色交办单")
    RED = "red", _("红色督办单")


SHEET_PREFIX = {SheetColour.BLUE: "YJ", SheetColour.YELLOW: "JB", SheetColour.RED: "DB"}


def sheet_number(colour: str, raised_at, pk: int) -> str:
    """e.g. DB2026-000042: the colour's prefix, the year raised, the row number."""
    return f"{SHEET_PREFIX[colour]}{raised_at:%Y}-{pk:06d}"


class Sheet(models.Model):
    """A warning, assignment or supervision sheet raised on one clock of one case, or, with
    no clock, a red supervision sheet raised on a case by a risk (an extreme-behaviour signal
    found by the warnings app), cleared when that risk is handled."""

    # A copy of clock.case for the case page's query. The clock's key already guarantees the
    # case exists, so the database checks it once, not twice, on each of the tick's inserts.
    case = models.ForeignKey("cases.Case", models.CASCADE, related_name="sheets", db_constraint=False)
    clock = models.ForeignKey(
        Clock, models.CASCADE, null=True, blank=True, related_name="sheets", db_index=False
    )  # see the unique constraint
    colour = models.CharField(_("颜色"), max_length=10, choices=SheetColour.choices)
    reason = models.CharField(_("事由"), max_length=300)
    recipient_role = models.CharField(_("接收岗位"), max_length=20)
    recipient_region = models.ForeignKey(
        "regions.Region", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("接收中心")
    )
    recipient_department = models.ForeignKey(
        "regions.Department", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("接收部门")
    )
    recipient_label = models.CharField(_("接收方"), max_length=120)
    raised_at = models.DateTimeField(_("发出时间"))
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    cleared_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    cleared_reason = models.CharField(_("解除原因"), max_length=120, blank=True)

    class Meta:
        app_label = "sla"
        ordering = ["-raised_at", "-id"]
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")
        constraints = [
            # The worker may tick twice, or two workers at once: a sheet is raised once.
            models.UniqueConstraint(fields=["clock", "colour"], name="one_sheet_per_clock_colour"),
        ]
        indexes = [models.Index(fields=["colour", "cleared_at"], name="sheet_open_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """e.g. DB2026-000042: the colour's prefix, the year raised, the row number."""
        return sheet_number(self.colour, self.raised_at, self.pk)

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None

    @property
    def has_clock(self) -> bool:
        return self.clock_id is not None


class Urging(models.Model):
    """One urging (催办) on a sheet: who urged whom, when, with what words."""

    sheet = models.ForeignKey(Sheet, models.CASCADE, related_name="urgings")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    by_label = models.CharField(_("催办人"), max_length=120)
    to_label = models.CharField(_("被催办方"), max_length=120)
    note = models.CharField(_("催办意见"), max_length=500)
    created_at = models.DateTimeField(_("催办时间"), default=timezone.now)

    class Meta:
        app_label = "sla"
        ordering = ["created_at", "id"]
        verbose_name = _("催办记录")
        verbose_name_plural = _("催办记录")

    def __str__(self) -> str:
        return f"{self.by_label} → {self.to_label}"
