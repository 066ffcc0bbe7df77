"""Grid field work (网格工作): what the grid worker's own reports add to a case."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProxyFiling(models.Model):
    """代办: a grid worker filed this case for a resident who could not; the resident is the
    case's complainant, the worker is recorded here and follows the case in 我代办的."""

    case = models.OneToOneField("cases.Case", models.CASCADE, related_name="proxy_filing", verbose_name=_("案件"))
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="proxy_filings", verbose_name=_("代办网格员")
    )
    worker_label = models.CharField(_("代办人"), max_length=200)
    reason = models.CharField(_("代办原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("代办时间"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("代办")
        verbose_name_plural = _("代办")

    def __str__(self) -> str:
        return f"{self.case_id} {self.worker_label}"
