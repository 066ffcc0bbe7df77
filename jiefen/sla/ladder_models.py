"""The escalation ladder (提级规则) as data: per region and per level of the holding center,
how many failed mediations (and optionally how many working days) a case may spend there
before it goes up to the parent center, automatically or as a proposal (imported by
models.py, so it belongs to sla)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jiefen.regions.models import PATH_STEP, Level, Region

CENTER_LEVELS = [(value, label) for value, label in Level.choices if value < Level.GRID]


class EscalationRule(models.Model):
    """One rung of the ladder. A rule set on a region applies to the centers of that level in
    its subtree, unless a deeper region has its own rule for the same level: the nearest
    ancestor's rule wins."""

    region = models.ForeignKey(
        "regions.Region", models.CASCADE, related_name="escalation_rules", verbose_name=_("适用区域"),
        help_text=_("规则适用于该区域及其下级区域，下级区域另有同层级规则的以下级为准"),
    )
    level = models.PositiveSmallIntegerField(
        _("办理层级"), choices=CENTER_LEVELS, help_text=_("持有案件的中心所在层级"),
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("调解次数上限"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("本级调解未成功达到该次数即提级；留空表示不按次数提级"),
    )
    budget_days = models.PositiveSmallIntegerField(
        _("本级办理时限（工作日）"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("自案件派到本级中心起计算；留空表示不按时间提级"),
    )
    automatic = models.BooleanField(
        _("自动提级"), default=False, help_text=_("勾选则由系统自动提级到上级中心；不勾选则只在时间线上建议提级并提醒本级调度员和负责人"),
    )
    enabled = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True, help_text=_("如：湘西“三二一”调解法"))

    class Meta:
        app_label = "sla"
        ordering = ["region__path", "level"]
        verbose_name = _("提级规则")
        verbose_name_plural = _("提级规则")
        constraints = [
            models.UniqueConstraint(fields=["region", "level"], name="one_escalation_rule_per_region_level"),
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.get_level_display()}"

    def clean(self) -> None:
        if self.region_id and self.level and self.level < self.region.level:
            raise ValidationError({"level": _("办理层级不能高于适用区域本身的层级。")})
        if not self.max_attempts and not self.budget_days:
            raise ValidationError(_("请至少填写调解次数上限或本级办理时限之一。"))

    @property
    def summary(self) -> str:
        parts = []
        if self.max_attempts:
            parts.append(gettext("调解%(n)d次未成功") % {"n": self.max_attempts})
        if self.budget_days:
            parts.append(gettext("满%(d)d个工作日") % {"d": self.budget_days})
        when = gettext("或").join(parts)
        if self.automatic:
            return gettext("%(when)s即自动提级") % {"when": when}
        return gettext("%(when)s即建议提级") % {"when": when}


def rule_for(center: Region, level: int | None = None) -> EscalationRule | None:
    """The enabled rule for a center at its level: the nearest ancestor's (or its own)."""
    level = center.level if level is None else level
    paths = [center.path[:i] for i in range(PATH_STEP, len(center.path) + 1, PATH_STEP)]
    return (
        EscalationRule.objects.filter(enabled=True, level=level, region__path__in=paths)
        .select_related("region")
        .order_by("-region__path")
        .first()
    )
