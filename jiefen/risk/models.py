"""The risk-person register (重点人员): persons and families at green/yellow/red with their
visits by grid workers, the rules that propose entries from cases, and outside records
(court, police, administrative review) imported from files and matched to parties."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    GREEN = "green", _("绿色")
    YELLOW = "yellow", _("黄色")
    RED = "red", _("红色")


LEVEL_RANK = {Level.GREEN: 1, Level.YELLOW: 2, Level.RED: 3}


class PersonStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审核")
    ACTIVE = "active", _("在册")
    REJECTED = "rejected", _("不予列入")
    CLOSED = "closed", _("已销号")


class RiskPerson(models.Model):
    """One person (and their household) on the register. The same person is found again by
    ID number, or by name and phone: a new case about them is added, never a duplicate."""

    name = models.CharField(_("姓名"), max_length=100)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True, db_index=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("所在网格/社区")
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    household = models.CharField(_("家庭情况"), max_length=500, blank=True)
    level = models.CharField(_("风险等级"), max_length=10, choices=Level.choices, default=Level.YELLOW)
    reasons = models.TextField(_("列管原因"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=PersonStatus.choices, default=PersonStatus.PROPOSED, db_index=True
    )
    grid_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="risk_persons",
        verbose_name=_("责任网格员"),
    )
    cases = models.ManyToManyField("cases.Case", blank=True, related_name="risk_persons", verbose_name=_("来源案件"))
    review_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("重点人员")
        verbose_name_plural = _("重点人员")
        indexes = [models.Index(fields=["name", "phone"], name="risk_person_name_phone_idx")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.region_path = self.region.path
        super().save(*args, **kwargs)

    @property
    def rank(self) -> int:
        return LEVEL_RANK[self.level]


class VisitInterval(models.Model):
    """How often a person at a level is visited (red weekly, yellow monthly, green quarterly)."""

    level = models.CharField(_("风险等级"), max_length=10, choices=Level.choices, unique=True)
    days = models.PositiveSmallIntegerField(_("走访间隔(天)"))

    class Meta:
        ordering = ["days"]
        verbose_name = _("走访周期")
        verbose_name_plural = _("走访周期")

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.days}"


class RuleKind(models.TextChoices):
    MATTER = "matter", _("按事项/类别/词语")
    REPEAT = "repeat", _("重复信访")


class ProposalRule(models.Model):
    """When a case proposes a register entry. A matter rule matches a case whose item (or
    the reporter's item) is one of `item_codes`, or whose category is one of `category_codes`,
    and, when `words` are given, whose text contains one of them; with neither codes nor
    words it never matches. A repeat rule matches a complainant (same phone or ID number)
    with at least `min_cases` cases within `window_days`."""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=RuleKind.choices, default=RuleKind.MATTER)
    item_codes = models.JSONField(_("事项代码"), default=list, blank=True, help_text=_('如 ["0101", "0102"]'))
    category_codes = models.JSONField(_("类别代码"), default=list, blank=True, help_text=_('如 ["02"]'))
    words = models.JSONField(_("须含词语"), default=list, blank=True, help_text=_('任一出现即可，如 ["多年", "积怨"]'))
    min_cases = models.PositiveSmallIntegerField(_("案件数下限"), default=3)
    window_days = models.PositiveSmallIntegerField(_("统计天数"), default=180)
    level = models.CharField(_("建议等级"), max_length=10, choices=Level.choices)
    reason = models.CharField(_("列管原因"), max_length=200)
    include_respondent = models.BooleanField(_("同时列入被反映人"), default=False)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("列管规则")
        verbose_name_plural = _("列管规则")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        for name in ("item_codes", "category_codes", "words"):
            value = getattr(self, name)
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                errors[name] = _('应为文字列表，如 ["0101", "0102"]。')
        if self.kind == RuleKind.MATTER and not errors and not (self.item_codes or self.category_codes or self.words):
            errors["item_codes"] = _("请至少填写事项代码、类别代码或词语中的一项，否则该规则不会生效。")
        if errors:
            raise ValidationError(errors)


class RiskHistory(models.Model):
    """What happened to an entry: proposed, a case added, accepted, rejected, level changed,
    reassigned, closed. Rows are only added."""

    person = models.ForeignKey(RiskPerson, models.CASCADE, related_name="history")
    action = models.CharField(_("动作"), max_length=20)
    from_level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    to_level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    note = models.TextField(_("说明"), blank=True)
    case = models.ForeignKey("cases.Case", models.SET_NULL, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    actor_label = models.CharField(_("操作人"), max_length=120)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("重点人员记录")
        verbose_name_plural = _("重点人员记录")

    def __str__(self) -> str:
        return f"{self.person_id} {self.action}"


class RiskVisit(models.Model):
    """One visit owed to (or made to) a person on the register."""

    person = models.ForeignKey(RiskPerson, models.CASCADE, related_name="visits", verbose_name=_("重点人员"))
    due_date = models.DateField(_("应走访日期"))
    done_at = models.DateTimeField(_("走访时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("走访人")
    )
    done_by_label = models.CharField(_("走访人"), max_length=200, blank=True)
    met = models.BooleanField(_("见到本人"), null=True, blank=True)
    findings = models.TextField(_("走访情况"), blank=True)
    level_after = models.CharField(_("走访后等级"), max_length=10, choices=Level.choices, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("走访")
        verbose_name_plural = _("走访")
        indexes = [models.Index(fields=["due_date"], name="risk_visit_pending_idx",
                                condition=models.Q(done_at__isnull=True, cancelled_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.person_id} {self.due_date:%Y-%m-%d}"

    @property
    def is_pending(self) -> bool:
        return self.done_at is None and self.cancelled_at is None


class OutsideKind(models.TextChoices):
    COURT = "court", _("法院")
    POLICE = "police", _("公安")
    REVIEW = "review", _("行政复议")


class OutsideMapping(models.Model):
    """The columns of one kind of outside file: {their column: our field}. See
    jiefen/risk/outside.py for the fields."""

    kind = models.CharField(_("类别"), max_length=10, choices=OutsideKind.choices, unique=True)
    columns = models.JSONField(_("列映射"), default=dict, help_text=_('如 {"案号": "source_ref", "当事人": "name"}'))

    class Meta:
        verbose_name = _("外部数据列映射")
        verbose_name_plural = _("外部数据列映射")

    def __str__(self) -> str:
        return self.get_kind_display()


class OutsideRecord(models.Model):
    """A court case, a police call-out or an administrative review about a person. Shown on
    the cases whose parties it matches (ID number, or name and phone) and on the register."""

    kind = models.CharField(_("类别"), max_length=10, choices=OutsideKind.choices)
    source_ref = models.CharField(_("来源编号"), max_length=80, help_text=_("案号、警情编号、复议案号"))
    name = models.CharField(_("姓名"), max_length=100, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True, db_index=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    occurred_on = models.DateField(_("日期"), null=True, blank=True)
    title = models.CharField(_("案由/事由"), max_length=200, blank=True)
    organ = models.CharField(_("机关"), max_length=100, blank=True)
    result = models.CharField(_("结果"), max_length=200, blank=True)
    summary = models.TextField(_("摘要"), blank=True)
    file_name = models.CharField(_("导入文件"), max_length=200, blank=True)
    imported_at = models.DateTimeField(_("导入时间"), default=timezone.now)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("外部记录")
        verbose_name_plural = _("外部记录")
        constraints = [models.UniqueConstraint(fields=["kind", "source_ref"], name="outside_record_unique_ref")]
        indexes = [models.Index(fields=["name", "phone"], name="outside_name_phone_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.source_ref}"
