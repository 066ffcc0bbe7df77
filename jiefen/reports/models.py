"""Stability reports (稳定专报): one row per region, kind and period, with its PDF and Excel
files and the figures they were written from; and the schedule of which regions get which
reports from the worker."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    DAILY = "daily", _("日报")
    WEEKLY = "weekly", _("周报")
    MONTHLY = "monthly", _("月报")


class Report(models.Model):
    region = models.ForeignKey("regions.Region", models.PROTECT, related_name="+", verbose_name=_("地区"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveSmallIntegerField(_("期号"))
    generated_at = models.DateTimeField(_("生成时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("生成人"), help_text=_("空白表示按计划自动生成"),
    )
    pdf = models.FileField(_("PDF 文件"), upload_to="reports/%Y/%m/")
    xlsx = models.FileField(_("Excel 文件"), upload_to="reports/%Y/%m/")
    figures = models.JSONField(_("数据"), default=dict)

    class Meta:
        ordering = ["-period_start", "region__path", "kind"]
        verbose_name = _("稳定专报")
        verbose_name_plural = _("稳定专报")
        constraints = [
            # Two workers, or a worker and a person, may generate the same report at once: one wins.
            models.UniqueConstraint(fields=["region", "kind", "period_start"], name="one_report_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.get_kind_display()} {self.year}-{self.number}"

    @property
    def title(self) -> str:
        return self.figures.get("title", "")

    @property
    def issue(self) -> str:
        return self.figures.get("issue", "")


class ReportSchedule(models.Model):
    """Which reports the worker writes for a region, on its own, when they fall due."""

    region = models.OneToOneField(
        "regions.Region", models.CASCADE, related_name="+", verbose_name=_("地区"),
        limit_choices_to={"level__lt": 5},
    )
    daily = models.BooleanField(_("日报"), default=False)
    weekly = models.BooleanField(_("周报"), default=True)
    monthly = models.BooleanField(_("月报"), default=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["region__path"]
        verbose_name = _("专报计划")
        verbose_name_plural = _("专报计划")

    def __str__(self) -> str:
        return str(self.region)

    @property
    def kinds(self) -> list[str]:
        return [k for k in Kind.values if getattr(self, k)]
