"""API clients: other government systems (12345 hotline, police, courts, a mobile front) that
call Jiefen with a key.

Each client acts through a service account of its own: a user with one post (by default an
intake clerk, 受理员) at the client's region. So the one set of rules for who may see and do
what (jiefen.cases.scope, the workflow table) applies to systems as it does to people, and
the timeline names the system. The key is shown once when issued; only its hash is kept.
Revoking a client deactivates its account: its key stops working at once in the process that
revoked it, and within KEY_CACHE_SECONDS in every other server process (each process keeps
the clients it has checked, with their posts, for that long: intake at hundreds of cases a
second then costs no key lookup per request)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiefen.accounts.models import Membership, Role, User
from jiefen.cases.models import Channel

KEY_PREFIX = "jf_"
KEY_CACHE_SECONDS = 5.0
_checked: dict[str, tuple[float, ApiClient]] = {}  # key id → (until, client), per process


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiClient(models.Model):
    name = models.CharField(_("名称"), max_length=80, unique=True)
    channel = models.CharField(_("来源渠道"), max_length=20, choices=Channel.choices, default=Channel.API)
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("接入区域"),
        help_text=_("只能在本区域内报事、查看本区域的案件"),
    )
    role = models.CharField(
        _("接口权限"), max_length=20, choices=Role.choices, default=Role.CLERK,
        help_text=_("服务账号在接入区域担任的岗位，决定可查看和办理的范围"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="api_client", editable=False
    )
    key_id = models.CharField(max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("接口调用方")
        verbose_name_plural = _("接口调用方")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @classmethod
    def issue(cls, name: str, region, *, channel: str = Channel.API, role: str = Role.CLERK, created_by=None
              ) -> tuple[ApiClient, str]:
        """Create a client with its service account; returns the client and its key (shown once)."""
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        with transaction.atomic():
            user = User.objects.create(username=f"api-{key_id}", full_name=name)
            user.set_unusable_password()
            user.save(update_fields=["password"])
            Membership.objects.create(user=user, role=role, region=region)
            client = cls.objects.create(
                name=name, channel=channel, region=region, role=role, user=user, key_id=key_id,
                key_hash=_digest(secret), created_by=created_by,
            )
        return client, f"{KEY_PREFIX}{key_id}_{secret}"

    def rotate(self) -> str:
        """A new key for the same client; the old one stops working."""
        _checked.pop(self.key_id, None)
        secret = secrets.token_urlsafe(32)
        self.key_hash = _digest(secret)
        self.save(update_fields=["key_hash"])
        return f"{KEY_PREFIX}{self.key_id}_{secret}"

    def revoke(self) -> None:
        _checked.pop(self.key_id, None)
        with transaction.atomic():
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
            User.objects.filter(pk=self.user_id).update(is_active=False)

    @classmethod
    def authenticate(cls, key: str) -> ApiClient | None:
        """The active client holding this key, or None."""
        if not key or not key.startswith(KEY_PREFIX) or "_" not in key[len(KEY_PREFIX):]:
            return None
        key_id, secret = key[len(KEY_PREFIX):].split("_", 1)
        until, client = _checked.get(key_id, (0.0, None))
        if client is None or until < time.monotonic():
            client = cls.objects.select_related("user", "region").filter(key_id=key_id, revoked_at__isnull=True).first()
            if client is None or not client.user.is_active:
                _checked.pop(key_id, None)
                return None
            client.user.memberships_cached()  # its post, read once with the client
            _checked[key_id] = (time.monotonic() + KEY_CACHE_SECONDS, client)
        if not hmac.compare_digest(client.key_hash, _digest(secret)):
            return None
        now = timezone.now()
        if client.last_used_at is None or (now - client.last_used_at).total_seconds() > 60:
            cls.objects.filter(pk=client.pk).update(last_used_at=now)  # at most once a minute
            client.last_used_at = now
        return client


def forget_checked_keys(**kwargs) -> None:
    """A client, its account or a post changed in this process: check keys afresh."""
    _checked.clear()
