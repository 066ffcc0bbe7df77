"""Community orders for departments (社区下单、部门抢单) and the points they earn.

A region enables it with a PointsSetting (its subtree inherits the nearest one); a community
posts an Order, one department takes it, completes it, the community confirms and rates it.
Every step is an OrderStep; the points are PointsEntry rows, only ever added."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Period(models.TextChoices):
    MONTH = "month", _("月度")
    QUARTER = "quarter", _("季度")
    YEAR = "year", _("年度")


class PointsSetting(models.Model):
    """Whether the communities under a region may post orders, and the rules for points."""

    region = models.OneToOneField(
        "regions.Region", models.CASCADE, related_name="points_setting", verbose_name=_("区域"),
        help_text=_("对本区域及其下级区域生效；下级区域可另设规则"),
    )
    enabled = models.BooleanField(_("开通社区下单"), default=True)
    completion_points = models.PositiveSmallIntegerField(
        _("完成积分"), default=10, validators=[MaxValueValidator(1000)],
        help_text=_("社区确认完成后，承接部门获得的积分"),
    )
    good_rating = models.PositiveSmallIntegerField(
        _("好评星级"), default=4, validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("社区评分达到此星级及以上时加分"),
    )
    rating_bonus = models.PositiveSmallIntegerField(
        _("好评加分"), default=5, validators=[MaxValueValidator(1000)],
    )
    late_penalty = models.PositiveSmallIntegerField(
        _("逾期扣分"), default=5, validators=[MaxValueValidator(1000)],
        help_text=_("超过完成期限仍未完成，或逾期后才完成的，扣减承接部门的积分（每单一次）"),
    )
    max_offered = models.PositiveSmallIntegerField(
        _("悬赏积分上限"), default=20, validators=[MaxValueValidator(1000)],
        help_text=_("社区下单时可另外悬赏的积分上限；0 表示不允许悬赏"),
    )
    period = models.CharField(_("排名周期"), max_length=10, choices=Period.choices, default=Period.MONTH)

    class Meta:
        verbose_name = _("社区下单积分规则")
        verbose_name_plural = _("社区下单积分规则")

    def __str__(self) -> str:
        return f"{self.region} · {_('已开通') if self.enabled else _('未开通')}"


class OrderStatus(models.TextChoices):
    OPEN = "open", _("待接单")
    TAKEN = "taken", _("办理中")
    COMPLETED = "completed", _("待确认")
    CONFIRMED = "confirmed", _("已完成")
    CANCELLED = "cancelled", _("已撤销")


def photo_path(instance: OrderStep, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"points/{instance.order_id}/{timezone.now():%Y%m%d%H%M%S%f}.{ext}"


class Order(models.Model):
    """A community's request for a department's help (需求/下单)."""

    community = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="points_orders", verbose_name=_("下单社区")
    )
    title = models.CharField(_("标题"), max_length=60)
    description = models.TextField(_("需求说明"), max_length=1000)
    category = models.ForeignKey(
        "taxonomy.Category", models.PROTECT, related_name="+", verbose_name=_("类别")
    )
    place = models.CharField(_("地点"), max_length=120)
    deadline = models.DateField(_("完成期限"))
    offered_points = models.PositiveSmallIntegerField(_("悬赏积分"), default=0)
    status = models.CharField(
        _("状态"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.OPEN, db_index=True
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("下单人")
    )
    posted_at = models.DateTimeField(_("下单时间"), default=timezone.now)
    department = models.ForeignKey(
        "regions.Department", models.PROTECT, null=True, blank=True, related_name="points_orders",
        verbose_name=_("承接部门"),
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("抢单人"),
    )
    taken_at = models.DateTimeField(_("接单时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("评分"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        ordering = ["-posted_at", "-id"]
        verbose_name = _("社区需求单")
        verbose_name_plural = _("社区需求单")
        indexes = [models.Index(fields=["department", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="points_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(status="cancelled") | models.Q(department__isnull=False),
                name="points_taken_has_department",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_late(self) -> bool:
        """Completed after the deadline day, or not completed and the deadline day is over."""
        if self.status in (OrderStatus.COMPLETED, OrderStatus.CONFIRMED):
            return timezone.localdate(self.completed_at) > self.deadline
        return self.status == OrderStatus.TAKEN and timezone.localdate() > self.deadline

    @property
    def expired(self) -> bool:
        """Still open after its deadline: nobody can take it any more."""
        return self.status == OrderStatus.OPEN and timezone.localdate() > self.deadline


class StepAction(models.TextChoices):
    POST = "post", _("发布需求")
    TAKE = "take", _("抢单")
    COMPLETE = "complete", _("报告完成")
    SEND_BACK = "send_back", _("退回重办")
    CONFIRM = "confirm", _("确认评价")
    CANCEL = "cancel", _("撤销需求")
    OVERDUE = "overdue", _("逾期未完成")


class OrderStep(models.Model):
    """One step of an order's history: who did what, when, with a note and maybe a photo."""

    order = models.ForeignKey(Order, models.CASCADE, related_name="steps", verbose_name=_("需求单"))
    action = models.CharField(_("操作"), max_length=12, choices=StepAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("操作人")
    )
    actor_label = models.CharField(_("操作人（当时）"), max_length=120, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    photo = models.ImageField(_("照片"), upload_to=photo_path, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")

    def __str__(self) -> str:
        return f"{self.order_id} · {self.get_action_display()}"


class EntryKind(models.TextChoices):
    COMPLETION = "completion", _("完成")
    OFFERED = "offered", _("悬赏")
    RATING_BONUS = "rating_bonus", _("好评加分")
    LATE_PENALTY = "late_penalty", _("逾期扣分")
    ADJUSTMENT = "adjustment", _("人工调整")


ONCE_PER_ORDER = ["completion", "offered", "rating_bonus", "late_penalty"]  # a confirmed order earns each once


class PointsEntry(models.Model):
    """Points given to (or taken from) a department, and why. Never changed: a correction is
    another entry (人工调整, added in the admin with its reason)."""

    department = models.ForeignKey(
        "regions.Department", models.PROTECT, related_name="points_entries", verbose_name=_("部门")
    )
    order = models.ForeignKey(
        Order, models.PROTECT, null=True, blank=True, related_name="entries", verbose_name=_("需求单")
    )
    kind = models.CharField(_("类型"), max_length=16, choices=EntryKind.choices)
    amount = models.IntegerField(_("积分"), validators=[MinValueValidator(-1000), MaxValueValidator(1000)])
    reason = models.CharField(_("原因"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("记录人")
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("积分记录")
        verbose_name_plural = _("积分记录")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "kind"], condition=models.Q(kind__in=ONCE_PER_ORDER),
                name="points_entry_once_per_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.amount:+d} · {self.reason}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("积分记录只能新增，不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("积分记录只能新增，不能删除。"))

    def clean(self) -> None:
        if self.kind == EntryKind.ADJUSTMENT and not (self.reason or "").strip():
            raise ValidationError({"reason": _("人工调整必须写明原因。")})
