"""Outside systems that hand us work orders (12345 hotline, non-police 110, petition office,
court pre-litigation referral), the deliveries they push to our webhook and the files staff
import from them.

A source's mapping is data (JSON), edited in the admin: which of their fields or columns is
which of our intake fields, which of their categories is which of our items, and constants.
See jiefen.imports.mapping for its format and docs/imports.md for the whole story."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiefen.cases.models import Channel

SOURCE_CHANNELS = [Channel.HOTLINE_12345, Channel.POLICE_110, Channel.PETITION, Channel.COURT]


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Source(models.Model):
    code = models.SlugField(_("来源代码"), max_length=30, unique=True,
                            help_text=_("写入案件的外部来源，如 12345；Webhook 地址为 /hooks/<代码>/"))
    name = models.CharField(_("名称"), max_length=80)
    channel = models.CharField(_("来源渠道"), max_length=20, choices=[(c.value, c.label) for c in SOURCE_CHANNELS])
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("接入区域"),
        help_text=_("工单未写明地点时的默认地点；只接收本区域内的工单"),
    )
    # HMAC needs the secret itself on both sides, so it is kept (not a hash). It is shown once,
    # when the source is created or the secret rotated in the admin.
    secret = models.CharField(_("签名密钥"), max_length=64, default=new_secret, editable=False)
    secret_rotated_at = models.DateTimeField(_("密钥生成时间"), default=timezone.now, editable=False)
    active = models.BooleanField(_("启用"), default=True)
    mapping = models.JSONField(_("字段映射"), default=dict, blank=True,
                               help_text=_("字段、分类映射和常量，格式见 docs/imports.md"))

    class Meta:
        verbose_name = _("外部来源")
        verbose_name_plural = _("外部来源")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def clean(self):
        from django.core.exceptions import ValidationError

        from .mapping import check_mapping

        problems = check_mapping(self.mapping)
        if problems:
            raise ValidationError({"mapping": problems})

    def rotate_secret(self) -> str:
        self.secret = new_secret()
        self.secret_rotated_at = timezone.now()
        self.save(update_fields=["secret", "secret_rotated_at"])
        return self.secret


class Delivery(models.Model):
    """One accepted webhook delivery. The same delivery replayed (same id, or same signature
    when the sender gives no id) finds this row and gets the first answer back."""

    source = models.ForeignKey(Source, models.CASCADE, related_name="deliveries", verbose_name=_("来源"))
    delivery_id = models.CharField(_("投递编号"), max_length=100)
    external_id = models.CharField(_("外部编号"), max_length=80, blank=True)
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("响应码"))
    result = models.JSONField(_("响应内容"), default=dict)
    case = models.ForeignKey("cases.Case", models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("案件"))

    class Meta:
        verbose_name = _("Webhook 投递")
        verbose_name_plural = _("Webhook 投递")
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["source", "delivery_id"], name="imports_delivery_unique")]

    def __str__(self) -> str:
        return f"{self.source.code}/{self.delivery_id}"


class BatchStatus(models.TextChoices):
    PREVIEW = "preview", _("待确认")
    DONE = "done", _("已导入")


def batch_upload_to(batch: ImportBatch, filename: str) -> str:
    return f"imports/{timezone.now():%Y/%m}/{filename}"


class ImportBatch(models.Model):
    """One file imported (or previewed) from a source: who, when, what came of each row."""

    source = models.ForeignKey(Source, models.PROTECT, related_name="batches", verbose_name=_("来源"))
    file = models.FileField(_("文件"), upload_to=batch_upload_to, blank=True)
    file_name = models.CharField(_("文件名"), max_length=200)
    sheet = models.CharField(_("工作表"), max_length=100, blank=True)
    skip_bad = models.BooleanField(_("跳过错误行"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.PREVIEW)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("导入人"))
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    imported_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    new = models.PositiveIntegerField(_("新增"), default=0)
    existing = models.PositiveIntegerField(_("已导入过"), default=0)
    bad = models.PositiveIntegerField(_("错误行"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.source.code}）"
