"""Assessment schemes (考评方案) as data: what is assessed, on which indicators, with which
weights, and where the red/yellow/green lights (亮牌) change. An administrator edits them in
the admin; `jiefen load-defaults` adds the default set (defaults.py)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiefen.regions.models import Level

from .indicators import ALL, BY_KEY


class SubjectKind(models.TextChoices):
    DEPARTMENT = "department", _("职能部门")
    CENTER = "center", _("综治中心")
    MEDIATOR = "mediator", _("调解员")


class Direction(models.TextChoices):
    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")


class Mapping(models.TextChoices):
    LINEAR = "linear", _("线性：起评值0分，目标值100分，之间按比例")
    STEP = "step", _("达标：达到目标值100分，否则0分")


def indicator_choices() -> list[tuple[str, str]]:
    return [(i.key, i.label) for i in ALL]


class Scheme(models.Model):
    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("考评对象"), max_length=20, choices=SubjectKind.choices)
    region_level = models.PositiveSmallIntegerField(
        _("中心层级"), choices=[(v, label) for v, label in Level.choices if v < Level.GRID], default=Level.STREET,
        help_text=_("仅对综治中心考评有效：考评哪一级的中心（其辖区内全部案件）。"))
    active = models.BooleanField(_("启用"), default=True)
    green_at = models.DecimalField(
        _("绿牌分数线"), max_digits=5, decimal_places=1, default=Decimal("85"),
        validators=[MinValueValidator(0), MaxValueValidator(100)], help_text=_("总分不低于此分为绿牌。"))
    yellow_at = models.DecimalField(
        _("黄牌分数线"), max_digits=5, decimal_places=1, default=Decimal("70"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("总分不低于此分、低于绿牌分数线为黄牌；更低为红牌。"))
    min_cases = models.PositiveIntegerField(
        _("最少办结数"), default=5, help_text=_("期间内办结案件少于此数的对象显示为“样本不足”，不参与排名。"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("考评方案")
        verbose_name_plural = _("考评方案")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.green_at is not None and self.yellow_at is not None and self.yellow_at > self.green_at:
            raise ValidationError({"yellow_at": _("黄牌分数线不能高于绿牌分数线。")})

    def light(self, total: float | None) -> str:
        if total is None:
            return ""
        if total >= float(self.green_at):
            return "green"
        return "yellow" if total >= float(self.yellow_at) else "red"


class Weight(models.Model):
    """One indicator of a scheme: its weight, and how its value maps to 0–100 points. Values of
    rate indicators are entered in percent (95 means 95%)."""

    scheme = models.ForeignKey(Scheme, models.CASCADE, related_name="weights", verbose_name=_("考评方案"))
    indicator = models.CharField(_("指标"), max_length=40, choices=indicator_choices)
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    direction = models.CharField(_("方向"), max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    mapping = models.CharField(_("计分方式"), max_length=10, choices=Mapping.choices, default=Mapping.LINEAR)
    floor = models.DecimalField(_("起评值"), max_digits=10, decimal_places=2, default=Decimal("0"),
                                help_text=_("得0分的值（比率按百分数填写）；达标计分时不使用。"))
    target = models.DecimalField(_("目标值"), max_digits=10, decimal_places=2,
                                 help_text=_("得满分的值（比率按百分数填写，如 95 表示 95%）。"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["scheme", "order", "pk"]
        verbose_name = _("考评指标权重")
        verbose_name_plural = _("考评指标权重")
        constraints = [models.UniqueConstraint(fields=["scheme", "indicator"], name="assessment_weight_unique")]

    def __str__(self) -> str:
        return f"{self.scheme} · {self.label}"

    @property
    def ind(self):
        return BY_KEY[self.indicator]

    @property
    def label(self) -> str:
        return str(self.ind.label) if self.indicator in BY_KEY else self.indicator

    def clean(self):
        if self.indicator and self.indicator not in BY_KEY:
            raise ValidationError({"indicator": _("未知的指标。")})
        if self.target is None or self.floor is None or self.mapping != Mapping.LINEAR:
            return
        if self.direction == Direction.HIGHER and self.target <= self.floor:
            raise ValidationError({"target": _("越高越好的指标，目标值应高于起评值。")})
        if self.direction == Direction.LOWER and self.target >= self.floor:
            raise ValidationError({"target": _("越低越好的指标，目标值应低于起评值。")})

    def scale(self, value: float) -> float:
        """The value in the unit the floor and target are written in (percent for rates)."""
        return value * 100 if self.ind.unit == "rate" else value

    def points(self, value: float | None) -> float | None:
        if value is None:
            return None
        v, floor, target = self.scale(value), float(self.floor), float(self.target)
        better = (lambda a, b: a >= b) if self.direction == Direction.HIGHER else (lambda a, b: a <= b)
        if self.mapping == Mapping.STEP or floor == target:
            return 100.0 if better(v, target) else 0.0
        if better(v, target):
            return 100.0
        if not better(v, floor):
            return 0.0
        return (v - floor) / (target - floor) * 100

    def rule_text(self) -> str:
        """The scoring rule in words, shown beside the indicator's definition."""
        u = "%" if self.ind.unit == "rate" else ""
        args = {"w": _num(self.weight), "dir": self.get_direction_display(), "f": _num(self.floor),
                "t": _num(self.target), "u": u}
        if self.mapping == Mapping.STEP:
            return _("权重%(w)s；%(dir)s；达到%(t)s%(u)s得100分，否则0分。") % args
        if self.direction == Direction.HIGHER:
            return _("权重%(w)s；%(dir)s；%(f)s%(u)s及以下得0分，%(t)s%(u)s及以上得100分，之间按比例。") % args
        return _("权重%(w)s；%(dir)s；%(f)s%(u)s及以上得0分，%(t)s%(u)s及以下得100分，之间按比例。") % args


def _num(d) -> str:
    text = f"{d:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
