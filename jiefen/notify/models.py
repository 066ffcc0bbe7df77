"""In-app notifications: the staff who now hold a case are told what happened to it, and
notices about other things (a report ready, a typical case published, a mediator ordered), which
carry a link of their own instead of a case event."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications")
    case = models.ForeignKey("cases.Case", models.CASCADE, related_name="+", null=True, blank=True)
    event = models.ForeignKey("cases.Event", models.CASCADE, related_name="+", null=True, blank=True)
    kind = models.CharField(_("类别"), max_length=30, blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    text = models.CharField(_("内容"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notification_once_per_event")
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.text

    @property
    def link(self) -> str:
        if self.url:
            return self.url
        if self.case_id:
            from django.urls import reverse

            return reverse("case_detail", args=[self.case.tracking_code])
        return ""
