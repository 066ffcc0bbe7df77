"""In-app notifications: the staff who now hold a case are told what happened to it, and
notices about other things (a report ready, a typical case published, a mediator ordered), which
carry a link of their own instead of a case event."""

from django.conf import settings
from django.core.validators import URLValidator
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


def new_secret() -> str:
    import secrets

    return secrets.token_urlsafe(32)


class Preference(models.Model):
    """The channels besides in-app a user wants for one kind of notice (no row: the kind's
    defaults, see kinds.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notice_preferences")
    kind = models.CharField(_("类别"), max_length=30)
    channels = models.JSONField(_("渠道"), default=list, blank=True)

    class Meta:
        verbose_name = _("提醒方式")
        verbose_name_plural = _("提醒方式")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind")]

    def __str__(self):
        return f"{self.user} · {self.kind}"


class WebhookEndpoint(models.Model):
    """An address that receives notices as signed JSON POSTs: one person's, a department's
    (every notice told to its handlers) or a region's (every notice told to staff there)."""

    name = models.CharField(_("名称"), max_length=100)
    url = models.URLField(_("接收地址"), max_length=300, validators=[URLValidator(schemes=["http", "https"])])
    secret = models.CharField(_("签名密钥"), max_length=100, default=new_secret,
                              help_text=_("接收方用它校验 X-Jiefen-Signature（HMAC-SHA256）。"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, null=True, blank=True,
                             related_name="webhook_endpoints", verbose_name=_("用户"))
    department = models.ForeignKey("regions.Department", models.CASCADE, null=True, blank=True,
                                   related_name="+", verbose_name=_("部门"))
    region = models.ForeignKey("regions.Region", models.CASCADE, null=True, blank=True,
                               related_name="+", verbose_name=_("区域"))
    kinds = models.JSONField(_("提醒类别"), default=list, blank=True,
                             help_text=_("留空则接收全部类别，例如 [\"warning\", \"sheet\"]。"))
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Webhook 接收地址")
        verbose_name_plural = _("Webhook 接收地址")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, department__isnull=True, region__isnull=True)
                    | models.Q(user__isnull=True, department__isnull=False, region__isnull=True)
                    | models.Q(user__isnull=True, department__isnull=True, region__isnull=False)
                ),
                name="webhook_has_one_owner",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if sum(x is not None for x in (self.user_id, self.department_id, self.region_id)) != 1:
            raise ValidationError(_("请只选择一个归属：用户、部门或区域。"))

    def wants(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


class Delivery(models.Model):
    """One sending of a notice on a channel other than in-app, with its result. `key` makes a
    sending happen once however often the task that asks for it runs."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("失败待重试")
        GAVE_UP = "gave_up", _("已放弃")

    key = models.CharField(max_length=80, unique=True)
    channel = models.CharField(_("渠道"), max_length=10)
    kind = models.CharField(_("类别"), max_length=30, blank=True)
    notification = models.ForeignKey(Notification, models.CASCADE, null=True, blank=True,
                                     related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, null=True, blank=True,
                             related_name="+", verbose_name=_("用户"))
    case = models.ForeignKey("cases.Case", models.CASCADE, null=True, blank=True, related_name="+")
    event = models.ForeignKey("cases.Event", models.CASCADE, null=True, blank=True, related_name="+")
    endpoint = models.ForeignKey(WebhookEndpoint, models.SET_NULL, null=True, blank=True,
                                 related_name="deliveries")
    target = models.CharField(_("发送对象"), max_length=120, blank=True)  # masked
    text = models.TextField(_("内容"))
    url = models.CharField(_("链接"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    next_try_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        indexes = [models.Index(fields=["status", "next_try_at"], name="delivery_due_idx")]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.target}"

    def get_channel_display(self) -> str:
        from .kinds import CHANNELS

        return str(CHANNELS.get(self.channel, self.channel))
