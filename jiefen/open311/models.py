"""Open311 tokens: the spec lets a server answer a new request with a token before the
request has an id. Our intake commits at once, so every answer carries the id, and a token
as well, for clients written to poll `tokens/{token}`."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return secrets.token_hex(16)


class Token(models.Model):
    token = models.CharField(_("令牌"), max_length=40, unique=True, default=new_token, editable=False)
    case = models.OneToOneField("cases.Case", models.CASCADE, related_name="open311_token", verbose_name=_("案件"))
    client = models.ForeignKey(
        "api.ApiClient", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("接口调用方")
    )
    account_id = models.CharField(_("调用方账号"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("Open311令牌")
        verbose_name_plural = _("Open311令牌")

    def __str__(self) -> str:
        return self.token
