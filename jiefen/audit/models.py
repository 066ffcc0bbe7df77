"""Models of the audit app: the chain of links (AuditLink) sealed after the fact over the
append-only source rows, and two of those sources written here: permission changes
(AccessChange) and sign-in events (AuthEvent). See docs/audit.md."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """An audit row was about to be updated or deleted through the ORM."""


class AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only")


class AuditLink(AppendOnly):
    """One link of the chain: the content hash of one source row, chained to the previous link."""

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    source = models.CharField(_("来源"), max_length=20)
    source_id = models.BigIntegerField(_("来源编号"))
    content_hash = models.CharField(_("内容哈希"), max_length=64)
    prev_hash = models.CharField(_("前一哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64)
    sealed_at = models.DateTimeField(_("封存时间"), default=timezone.now)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("审计链节点")
        verbose_name_plural = _("审计链节点")
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="auditlink_source_unique")
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.source}:{self.source_id}"


class AccessChange(AppendOnly):
    """A change of someone's permissions: a post (Membership) added, changed or removed, or the
    user's is_superuser / is_staff / is_active flag changed."""

    class What(models.TextChoices):
        MEMBERSHIP_ADDED = "membership_added", _("新增岗位")
        MEMBERSHIP_CHANGED = "membership_changed", _("变更岗位")
        MEMBERSHIP_REMOVED = "membership_removed", _("撤销岗位")
        USER_FLAGS = "user_flags", _("账号权限标志变更")

    # Plain ids, not foreign keys: the record outlives the user and the post.
    user_id = models.BigIntegerField(_("用户编号"), null=True)
    username = models.CharField(_("用户名"), max_length=150)
    what = models.CharField(_("变更"), max_length=30, choices=What.choices)
    before = models.JSONField(_("变更前"), default=dict, blank=True)
    after = models.JSONField(_("变更后"), default=dict, blank=True)
    # Who changed it: the signed-in user of the request (the admin page); empty for a command.
    changed_by_id = models.BigIntegerField(_("操作人编号"), null=True, blank=True)
    changed_by = models.CharField(_("操作人"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("权限变更记录")
        verbose_name_plural = _("权限变更记录")

    def __str__(self) -> str:
        return f"{self.username} {self.get_what_display()}"


class AuthEvent(AppendOnly):
    """A sign-in, sign-out or failed sign-in. Never holds a password."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGOUT = "logout", _("退出")
        LOGIN_FAILED = "login_failed", _("登录失败")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    user_id = models.BigIntegerField(_("用户编号"), null=True)
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    ip = models.CharField(_("IP 地址"), max_length=45, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("登录记录")
        verbose_name_plural = _("登录记录")

    def __str__(self) -> str:
        return f"{self.username} {self.get_kind_display()}"
