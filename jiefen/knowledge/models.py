"""The typical-case library (典型案例) and the knowledge base of plain-language answers that
the residents' guidance shows per item."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TypicalStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    REVIEW = "review", _("待审核")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class TypicalCase(models.Model):
    """An anonymised write-up of a case worth learning from. `region` is where it is
    published: its mediators are told when it is published."""

    source_case = models.ForeignKey(
        "cases.Case", models.SET_NULL, null=True, blank=True, related_name="typical_cases",
        verbose_name=_("来源案件"),
    )
    title = models.CharField(_("标题"), max_length=120)
    category = models.ForeignKey(
        "taxonomy.Category", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("类别")
    )
    item = models.ForeignKey(
        "taxonomy.Item", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("事项")
    )
    tags = models.CharField(_("标签"), max_length=200, blank=True, help_text=_("用空格或逗号分隔"))
    background = models.TextField(_("基本案情"), blank=True)
    dispute = models.TextField(_("争议焦点"), blank=True)
    mediation = models.TextField(_("调解过程"), blank=True)
    result = models.TextField(_("调解结果"), blank=True)
    lessons = models.TextField(_("经验启示"), blank=True)
    resolved = models.BooleanField(_("已化解"), default=False)
    agreement_amount = models.DecimalField(
        _("协议金额(元)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("发布范围")
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=TypicalStatus.choices, default=TypicalStatus.DRAFT, db_index=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="typical_cases", verbose_name=_("撰写人")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("审核人"),
    )
    review_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("典型案例")
        verbose_name_plural = _("典型案例")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.region_path = self.region.path
        super().save(*args, **kwargs)

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.replace("，", " ").replace(",", " ").split() if t]

    @property
    def text(self) -> str:
        """What the similar-case lookup compares."""
        return " ".join([self.title, self.background, self.dispute, self.result])


class Door(models.TextChoices):
    """The usual ways to settle a dispute, offered to residents."""

    MEDIATION = "mediation", _("人民调解")
    LABOUR_ARBITRATION = "labour_arbitration", _("劳动仲裁")
    LABOUR_INSPECTION = "labour_inspection", _("劳动监察投诉")
    CONSUMER = "consumer", _("消费者协会投诉")
    POLICE = "police", _("公安交警处理")
    ADMIN_REVIEW = "admin_review", _("行政复议")
    LITIGATION = "litigation", _("诉讼")
    LEGAL_AID = "legal_aid", _("法律援助")


class Answer(models.Model):
    """One question residents ask about an item (or a whole category), answered in plain
    language, with its legal basis and the doors usually taken."""

    category = models.ForeignKey(
        "taxonomy.Category", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("类别"),
        help_text=_("适用于整个类别时填写；只适用于某一事项时填写事项"),
    )
    item = models.ForeignKey(
        "taxonomy.Item", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("事项")
    )
    question = models.CharField(_("问题"), max_length=200)
    answer = models.TextField(_("解答"))
    legal_basis = models.TextField(_("法律依据"), blank=True)
    doors = models.JSONField(_("解决途径"), default=list, blank=True,
                             help_text=_("如 [\"mediation\", \"labour_arbitration\"]"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    published = models.BooleanField(_("发布"), default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("政策问答")
        verbose_name_plural = _("政策问答")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__isnull=False) | models.Q(item__isnull=False),
                name="knowledge_answer_has_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.question

    @property
    def door_labels(self) -> list[str]:
        return [Door(d).label for d in self.doors if d in Door.values]
