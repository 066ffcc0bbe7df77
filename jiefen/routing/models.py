"""Classification and routing: the policy row, the classifier's versions and the proposal
made for each new case (with what the clerk finally did with it)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiefen.taxonomy.models import RiskGrade


class RoutingPolicy(models.Model):
    """The administrator's knobs for the classifier: one row (the first) is in force."""

    name = models.CharField(_("名称"), max_length=60, default="默认")
    confidence_threshold = models.FloatField(
        _("置信度阈值"), default=0.5,
        help_text=_("系统建议的置信度低于此值时，案件进入人工分类队列（0 到 1 之间）"),
    )
    reason_terms = models.PositiveSmallIntegerField(
        _("依据词数"), default=5, help_text=_("向受理员展示的权重最高的字词片段个数")
    )
    alpha = models.FloatField(
        _("正则化系数 alpha"), default=1e-5,
        help_text=_("线性模型的正则化系数：越小越贴合训练数据，越大越平滑（一般 0.000001 到 0.001）"),
    )
    ngram_max = models.PositiveSmallIntegerField(
        _("最长字片段"), default=3, help_text=_("字符 n-gram 的最大长度（1 到 4）")
    )
    folds = models.PositiveSmallIntegerField(_("交叉验证折数"), default=5)

    class Meta:
        verbose_name = _("分类策略")
        verbose_name_plural = _("分类策略")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if not 0 <= self.confidence_threshold <= 1:
            errors["confidence_threshold"] = _("置信度阈值应在 0 到 1 之间，例如 0.5。")
        if not self.alpha or self.alpha <= 0 or self.alpha > 1:
            errors["alpha"] = _("正则化系数应大于 0 且不超过 1，例如 0.00001。")
        if not 1 <= self.ngram_max <= 4:
            errors["ngram_max"] = _("最长字片段应在 1 到 4 之间。")
        if not 2 <= self.folds <= 10:
            errors["folds"] = _("交叉验证折数应在 2 到 10 之间。")
        if not 1 <= self.reason_terms <= 20:
            errors["reason_terms"] = _("依据词数应在 1 到 20 之间。")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def current(cls) -> RoutingPolicy:
        return cls.objects.order_by("pk").first() or cls()


class ClassifierVersion(models.Model):
    number = models.PositiveIntegerField(_("版本号"), unique=True)
    created_at = models.DateTimeField(_("训练时间"))
    trained_on = models.PositiveIntegerField(_("训练样本数"))
    trained_cases = models.PositiveIntegerField(_("其中案件数"), default=0)
    trained_examples = models.PositiveIntegerField(_("其中示例数"), default=0)
    classes = models.JSONField(_("事项代码"), default=list)
    folds = models.PositiveSmallIntegerField(_("折数"), default=0)
    accuracy = models.FloatField(_("准确率"), null=True, blank=True)
    macro_f1 = models.FloatField(_("宏平均F1"), null=True, blank=True)
    category_accuracy = models.FloatField(_("类别准确率"), null=True, blank=True)
    risk_accuracy = models.FloatField(_("风险等级准确率"), null=True, blank=True)
    per_class = models.JSONField(_("分事项得分"), default=dict)
    params = models.JSONField(_("训练参数"), default=dict)
    decision = models.TextField(_("启用判断"), blank=True)
    model = models.BinaryField(_("模型"))
    active = models.BooleanField(_("启用中"), default=False)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("分类模型版本")
        verbose_name_plural = _("分类模型版本")
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=models.Q(active=True), name="one_active_classifier")
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", _("采纳")
    CORRECTED = "corrected", _("更正")


class Proposal(models.Model):
    """What the system proposed for a new case, and what the clerk then did with it."""

    case = models.OneToOneField(
        "cases.Case", models.CASCADE, related_name="routing_proposal", verbose_name=_("案件")
    )
    version = models.ForeignKey(
        ClassifierVersion, models.SET_NULL, null=True, blank=True, related_name="proposals",
        verbose_name=_("模型版本"),
    )
    item = models.ForeignKey("taxonomy.Item", models.PROTECT, related_name="+", verbose_name=_("建议事项"))
    category = models.ForeignKey("taxonomy.Category", models.PROTECT, related_name="+", verbose_name=_("建议类别"))
    risk_grade = models.CharField(_("建议风险等级"), max_length=20, choices=RiskGrade.choices)
    confidence = models.FloatField(_("置信度"))
    reasons = models.JSONField(_("依据"), default=list)
    department = models.ForeignKey(
        "regions.Department", models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("建议承办部门"),
    )
    center = models.ForeignKey(
        "regions.Region", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("建议承办中心")
    )
    route_reason = models.CharField(_("派单依据"), max_length=300, blank=True)
    needs_manual = models.BooleanField(_("需人工分类"), default=False, db_index=True)
    created_at = models.DateTimeField(_("建议时间"))

    outcome = models.CharField(_("受理员处理"), max_length=20, choices=Outcome.choices, blank=True)
    final_item = models.ForeignKey(
        "taxonomy.Item", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("最终事项")
    )
    final_risk_grade = models.CharField(_("最终风险等级"), max_length=20, choices=RiskGrade.choices, blank=True)
    decided_at = models.DateTimeField(_("分类时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("分类人")
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("分类派单建议")
        verbose_name_plural = _("分类派单建议")

    def __str__(self) -> str:
        return f"{self.case_id} → {self.item_id}"

    @property
    def confidence_percent(self) -> int:
        return int(self.confidence * 100)  # floor: 99.6% below a 100% threshold shows as 99%

    @property
    def route_label(self) -> str:
        if self.department_id:
            return self.department.name
        return self.center.display_center if self.center_id else ""
