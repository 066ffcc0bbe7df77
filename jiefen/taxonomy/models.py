"""The taxonomy of matters: categories → items, each item with its policy (department type,
handling kind, time limits, default risk grade). Rows an administrator edits."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class HandlingKind(models.TextChoices):
    IMMEDIATE = "immediate", _("即办件")
    TIME_LIMITED = "time_limited", _("限时件")
    COMMITTED = "committed", _("承诺件")
    PROXY = "proxy", _("代办件")


class RiskGrade(models.TextChoices):
    GENERAL = "general", _("一般")
    SIGNIFICANT = "significant", _("较大")
    MAJOR = "major", _("重大")


class Category(models.Model):
    code = models.CharField(_("代码"), max_length=10, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("类别")
        verbose_name_plural = _("类别")

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    category = models.ForeignKey(
        Category, models.PROTECT, related_name="items", verbose_name=_("类别")
    )
    code = models.CharField(_("代码"), max_length=10, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    department_type = models.ForeignKey(
        "regions.DepartmentType",
        models.PROTECT,
        related_name="items",
        verbose_name=_("责任部门类型"),
    )
    handling_kind = models.CharField(
        _("办理类型"), max_length=20, choices=HandlingKind.choices, default=HandlingKind.TIME_LIMITED
    )
    respond_minutes = models.PositiveIntegerField(
        _("响应时限(分钟)"), default=30, help_text=_("联系诉求人的时限")
    )
    sign_hours = models.PositiveIntegerField(_("签收时限(小时)"), default=24)
    handle_days = models.PositiveIntegerField(_("办理时限(工作日)"), default=15)
    warn_percent = models.PositiveSmallIntegerField(
        _("预警点(%)"), default=80, help_text=_("时限用去这一比例时发蓝色预警单")
    )
    red_percent = models.PositiveSmallIntegerField(
        _("严重超期(%)"), default=50, help_text=_("超期达到时限的这一比例时发红色督办单")
    )
    default_risk = models.CharField(
        _("默认风险等级"), max_length=20, choices=RiskGrade.choices, default=RiskGrade.GENERAL
    )
    follow_up_days = models.PositiveSmallIntegerField(
        _("回访(办结后天数)"), default=3, help_text=_("办结后第几天由网格员回访；0 表示不回访")
    )
    reopen_days = models.PositiveSmallIntegerField(
        _("可申请重启(天)"), default=30, help_text=_("办结后多少天内诉求人可以申请重新办理")
    )
    examples = models.JSONField(
        _("示例诉求"), default=list, blank=True, help_text=_("用于训练分类模型的典型诉求文本")
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("事项")
        verbose_name_plural = _("事项")

    def __str__(self) -> str:
        return f"{self.category.name} / {self.name}"


class AttributeType(models.TextChoices):
    """The kinds of extra field an item may ask for (the Open311 GeoReport v2 datatypes)."""

    STRING = "string", _("短文本")
    NUMBER = "number", _("数字")
    DATETIME = "datetime", _("日期时间")
    TEXT = "text", _("长文本")
    SINGLE = "singlevaluelist", _("单选")
    MULTI = "multivaluelist", _("多选")


class ItemAttribute(models.Model):
    """An extra field asked when a matter of this item is reported (e.g. the plate number of
    an illegally parked car, the number of workers owed wages). Every door validates the
    answers with `jiefen.intake.attributes`; Open311 publishes them as service definitions."""

    item = models.ForeignKey(Item, models.CASCADE, related_name="extra_fields", verbose_name=_("事项"))
    code = models.SlugField(_("代码"), max_length=40)
    datatype = models.CharField(_("类型"), max_length=20, choices=AttributeType.choices, default=AttributeType.STRING)
    label = models.CharField(_("提示"), max_length=200, help_text=_("向报事人提出的问题"))
    description = models.CharField(_("说明"), max_length=200, blank=True)
    required = models.BooleanField(_("必填"), default=False)
    values = models.JSONField(
        _("选项"), default=list, blank=True,
        help_text=_('单选/多选的选项，如 [{"key": "car", "name": "小汽车"}]'),
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["item", "order", "id"]
        verbose_name = _("补充字段")
        verbose_name_plural = _("补充字段")
        constraints = [models.UniqueConstraint(fields=["item", "code"], name="item_attribute_unique_code")]

    def __str__(self) -> str:
        return f"{self.item.code}.{self.code}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.datatype in (AttributeType.SINGLE, AttributeType.MULTI):
            values = self.values if isinstance(self.values, list) else None
            if not values or not all(isinstance(v, dict) and str(v.get("key", "")).strip() and v.get("name") for v in values):
                raise ValidationError({"values": _('单选/多选须列出选项，每项有 key 和 name，如 [{"key": "car", "name": "小汽车"}]。')})

    @property
    def keys(self) -> list[str]:
        return [str(v.get("key")) for v in self.values or []]
