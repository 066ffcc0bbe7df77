"""Follow-up visits (回访): after a case is closed, a grid worker visits the resident to see
whether the agreement is honoured and whether they are satisfied."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiefen.cases.models import Satisfaction


class Honoured(models.TextChoices):
    YES = "yes", _("已履行")
    PARTLY = "partly", _("部分履行")
    NO = "no", _("未履行")
    NOT_APPLICABLE = "na", _("不适用")


class FollowUpQuerySet(models.QuerySet):
    def pending(self) -> FollowUpQuerySet:
        return self.filter(done_at__isnull=True, cancelled_at__isnull=True)


class FollowUp(models.Model):
    """One visit owed to the resident of a closed case.

    `region` is where the visit is owed (the case's grid, else its community): any grid
    worker of that region may record it; `assignee` is the one named on the task. Without a
    region the visit is left to the case's center (its clerks, dispatchers and leaders)."""

    case = models.ForeignKey("cases.Case", models.CASCADE, related_name="follow_ups", verbose_name=_("案件"))
    due_date = models.DateField(_("回访日期"))
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("回访网格")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="follow_ups",
        verbose_name=_("回访人"),
    )
    assignee_label = models.CharField(_("回访人"), max_length=200)
    created_at = models.DateTimeField(_("安排时间"))
    done_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("记录人")
    )
    done_by_label = models.CharField(_("记录人"), max_length=200, blank=True)
    reached = models.BooleanField(_("联系上诉求人"), null=True, blank=True)
    agreement_honoured = models.CharField(
        _("协议履行情况"), max_length=10, choices=Honoured.choices, blank=True
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("满意度"), choices=Satisfaction.choices, null=True, blank=True
    )
    note = models.TextField(_("回访情况"), blank=True)
    reopened = models.BooleanField(_("已代为申请重启"), default=False)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        indexes = [
            models.Index(fields=["region", "due_date"], name="followup_region_due_idx",
                         condition=models.Q(done_at__isnull=True, cancelled_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.due_date:%Y-%m-%d}"

    @property
    def is_pending(self) -> bool:
        return self.done_at is None and self.cancelled_at is None
