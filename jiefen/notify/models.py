"""In-app notifications: the staff who now hold a case are told what happened to it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications")
    case = models.ForeignKey("cases.Case", models.CASCADE, related_name="+")
    event = models.ForeignKey("cases.Event", models.CASCADE, related_name="+")
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
