"""Repeats (重复件), same-incident groups and group-dispute bursts (群体性).

A new case is compared with recent open cases in the same or a neighbouring place; a close
match is stored as a `Suggestion` the clerk confirms or rejects. Confirmed same-incident
links form an `IncidentGroup` with one lead case. `BurstRule`s (data) raise a
`GroupWarning` when many cases about one subject arrive in one place within a window."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiefen.regions.models import Level


class DuplicatePolicy(models.Model):
    """The thresholds of duplicate detection. The active row with the lowest id is used;
    without one, the field defaults below apply."""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    active = models.BooleanField(_("启用"), default=True)
    window_days = models.PositiveIntegerField(
        _("比对时间窗(天)"), default=30, help_text=_("只与这么多天内登记、尚未办结的案件比对")
    )
    levels_up = models.PositiveSmallIntegerField(
        _("相邻范围(向上层级数)"), default=1,
        help_text=_("1：同一上级下的区域（如同一社区的各网格）；2：再上一级（如同一街道）"),
    )
    threshold = models.FloatField(
        _("相似度阈值"), default=0.5, help_text=_("文本相似度加各项加分达到此值即提示（0～1）")
    )
    min_text = models.FloatField(
        _("文本相似度下限"), default=0.0, help_text=_("文本相似度低于此值时，即使其他信息相同也不提示")
    )
    item_boost = models.FloatField(_("同一事项加分"), default=0.1)
    respondent_boost = models.FloatField(_("同一被反映人加分"), default=0.25)
    address_boost = models.FloatField(_("同一地址加分"), default=0.15)
    complainant_boost = models.FloatField(_("同一诉求人加分"), default=0.25)
    max_candidates = models.PositiveIntegerField(
        _("最多比对案件数"), default=300, help_text=_("相邻范围内最近登记的案件，超出部分不比对")
    )
    max_suggestions = models.PositiveSmallIntegerField(_("每案最多提示数"), default=3)
    ignore_phrases = models.TextField(
        _("忽略的套话"), blank=True,
        help_text=_("每行一个：问候、结束语等常见套话，比对前从文本中去掉"),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("重复件识别规则")
        verbose_name_plural = _("重复件识别规则")

    def __str__(self) -> str:
        return self.name

    @property
    def phrases(self) -> list[str]:
        lines = {line.strip() for line in self.ignore_phrases.splitlines() if line.strip()}
        return sorted(lines, key=len, reverse=True)


class Kind(models.TextChoices):
    REPEAT = "repeat", _("重复件")
    SAME_INCIDENT = "same_incident", _("同一事件")


class Decision(models.TextChoices):
    SUGGESTED = "suggested", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("已驳回")


class Suggestion(models.Model):
    """`case` (the newer one) looks like a repeat of, or the same incident as, `other`."""

    case = models.ForeignKey(
        "cases.Case", models.CASCADE, related_name="incident_suggestions", verbose_name=_("新案件")
    )
    other = models.ForeignKey(
        "cases.Case", models.CASCADE, related_name="incident_suggested_by", verbose_name=_("在先案件")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    score = models.FloatField(_("相似度"))
    text_score = models.FloatField(_("文本相似度"), default=0)
    shared_words = models.JSONField(_("相同内容"), default=list, blank=True)
    signals = models.JSONField(_("其他相同信息"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Decision.choices, default=Decision.SUGGESTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("确认人"),
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("发现时间"))

    class Meta:
        ordering = ["-score", "id"]
        verbose_name = _("疑似重复/同一事件")
        verbose_name_plural = _("疑似重复/同一事件")
        constraints = [
            models.UniqueConstraint(fields=["case", "other"], name="incident_suggestion_once"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} ~ {self.other_id} {self.kind}"


class IncidentGroup(models.Model):
    """Cases confirmed to be about one incident; `lead` is the earliest open one."""

    lead = models.ForeignKey("cases.Case", models.PROTECT, related_name="+", verbose_name=_("牵头案件"))
    created_at = models.DateTimeField(_("建立时间"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("同一事件组")
        verbose_name_plural = _("同一事件组")

    def __str__(self) -> str:
        return f"{_('同一事件组')} {self.pk}"


class GroupMember(models.Model):
    group = models.ForeignKey(IncidentGroup, models.CASCADE, related_name="members")
    case = models.OneToOneField("cases.Case", models.CASCADE, related_name="incident_membership")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["case__created_at", "id"]
        verbose_name = _("事件组成员")
        verbose_name_plural = _("事件组成员")

    def __str__(self) -> str:
        return f"{self.group_id}: {self.case_id}"


class Subject(models.TextChoices):
    ITEM = "item", _("同一事项")
    RESPONDENT = "respondent", _("同一被反映人/用工单位")
    ADDRESS = "address", _("同一地址")
    TEXT = "text", _("相似诉求")


class BurstRule(models.Model):
    """When `min_cases` cases about one subject arrive within `window_hours` in one region
    of `scope_level`, a group warning (群体性预警) is raised."""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    active = models.BooleanField(_("启用"), default=True)
    subject = models.CharField(_("同一对象"), max_length=20, choices=Subject.choices)
    scope_level = models.PositiveSmallIntegerField(
        _("统计范围"), choices=Level.choices, default=Level.STREET
    )
    window_hours = models.PositiveIntegerField(_("时间窗(小时)"), default=72)
    min_cases = models.PositiveIntegerField(
        _("案件数下限"), default=5, help_text=_("同一诉求人多次反映只算一件")
    )
    text_threshold = models.FloatField(
        _("文本相似度阈值"), default=0.5, help_text=_("仅“相似诉求”使用")
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("群体性预警规则")
        verbose_name_plural = _("群体性预警规则")

    def __str__(self) -> str:
        return self.name


class WarningStatus(models.TextChoices):
    OPEN = "open", _("处置中")
    CLOSED = "closed", _("已解除")


class GroupWarning(models.Model):
    rule = models.ForeignKey(BurstRule, models.PROTECT, related_name="warnings", verbose_name=_("规则"))
    region = models.ForeignKey("regions.Region", models.PROTECT, related_name="+", verbose_name=_("范围"))
    subject_key = models.CharField(max_length=200)
    subject_label = models.CharField(_("对象"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=10, choices=WarningStatus.choices, default=WarningStatus.OPEN, db_index=True
    )
    opened_at = models.DateTimeField(_("预警时间"))
    last_case_at = models.DateTimeField(_("最近案件时间"))
    closed_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    close_note = models.CharField(_("解除说明"), max_length=500, blank=True)
    cases = models.ManyToManyField("cases.Case", through="WarningCase", related_name="group_warnings")

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("群体性预警")
        verbose_name_plural = _("群体性预警")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "region", "subject_key"], condition=models.Q(status="open"),
                name="group_warning_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.subject_label}"


class WarningCase(models.Model):
    warning = models.ForeignKey(GroupWarning, models.CASCADE, related_name="links")
    case = models.ForeignKey("cases.Case", models.CASCADE, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["case__created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["warning", "case"], name="warning_case_once"),
        ]

    def __str__(self) -> str:
        return f"{self.warning_id}: {self.case_id}"
