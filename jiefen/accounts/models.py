"""Staff accounts, their roles and where they hold them (memberships)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", _("网格员")
    MEDIATOR = "mediator", _("调解员")
    CLERK = "clerk", _("受理员")
    DISPATCHER = "dispatcher", _("调度员")
    HANDLER = "handler", _("部门承办人")
    LEADER = "leader", _("中心负责人")
    SUPERVISOR = "supervisor", _("督查人员")
    ADMIN = "admin", _("管理员")


# Roles held at a center (a region); the handler role is held in a department.
CENTER_ROLES = {
    Role.GRID_WORKER,
    Role.MEDIATOR,
    Role.CLERK,
    Role.DISPATCHER,
    Role.LEADER,
    Role.SUPERVISOR,
    Role.ADMIN,
}


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    def memberships_cached(self) -> list[Membership]:
        if not hasattr(self, "_memberships"):
            self._memberships = list(
                self.memberships.select_related("region", "department", "department__region")
            )
        return self._memberships

    def roles(self) -> set[str]:
        return {m.role for m in self.memberships_cached()}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles() & set(roles))


class Membership(models.Model):
    """A user holds a role at a region's center, or (handlers) in a department."""

    user = models.ForeignKey(
        User, models.CASCADE, related_name="memberships", verbose_name=_("用户")
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("所在区域/中心"),
    )
    department = models.ForeignKey(
        "regions.Department",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("所在部门"),
    )

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region", "department"], name="membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.department or self.region}"

    @property
    def place(self) -> str:
        """Where the post is held: the department, or the region's center."""
        return self.department.name if self.department_id else self.region.display_center

    def clean(self) -> None:
        if self.role == Role.HANDLER and not self.department_id:
            raise ValidationError({"department": _("部门承办人必须属于一个部门。")})
        if self.role != Role.HANDLER and not self.region_id:
            raise ValidationError({"region": _("该角色必须属于一个区域。")})
