"""Early warning: the warning words (data), the extreme-behaviour signals found on cases, and
the civil-to-criminal (民转刑) score with its policy (data)."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    JUMP = "jump", _("跳楼")
    SUICIDE = "suicide", _("轻生自杀")
    SELF_HARM = "self_harm", _("自残")
    KNIFE = "knife", _("持刀")
    REVENGE = "revenge", _("报复伤人")
    ARSON = "arson", _("纵火")
    PETROL = "petrol", _("汽油爆炸物")
    POISON = "poison", _("投毒")
    DOMESTIC_VIOLENCE = "domestic_violence", _("家暴")
    PERISH_TOGETHER = "perish_together", _("同归于尽")
    # Not a threat: anger and escalation words, which only weigh in the 民转刑 score.
    ANGER = "anger", _("激愤言辞")


THREAT_KINDS = frozenset(k for k in Kind.values if k != Kind.ANGER)


class Severity(models.IntegerChoices):
    NOTICE = 1, _("关注")
    SERIOUS = 2, _("较重")
    GRAVE = 3, _("严重")


class WarningTerm(models.Model):
    """One warning word, or one way of saying it (a regular expression over the text)."""

    term = models.CharField(_("词语"), max_length=60, help_text=_("界面上显示的说法，如“跳楼”"))
    pattern = models.CharField(
        _("匹配式"), max_length=300, blank=True,
        help_text=_("正则表达式，留空则按“词语”原文匹配。例：从.{0,6}楼.{0,3}跳"),
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    severity = models.PositiveSmallIntegerField(_("严重程度"), choices=Severity.choices, default=Severity.GRAVE)
    exclude = models.CharField(
        _("排除语境"), max_length=300, blank=True,
        help_text=_("正则表达式：命中处所在分句符合此式时不算，例如“打击报复”"),
    )
    active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "term", "id"]
        verbose_name = _("预警词")
        verbose_name_plural = _("预警词")
        constraints = [models.UniqueConstraint(fields=["kind", "term"], name="warning_term_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.term}"

    @property
    def regex(self) -> str:
        return self.pattern or re.escape(self.term)

    def clean(self) -> None:
        for field in ("pattern", "exclude"):
            value = getattr(self, field)
            if value:
                try:
                    compiled = re.compile(value)
                except re.error as exc:
                    raise ValidationError({field: _("匹配式写法有误：%(error)s") % {"error": exc}}) from None
                if compiled.match(""):
                    raise ValidationError({field: _("匹配式不能匹配空文字。")})


class Source(models.TextChoices):
    DESCRIPTION = "description", _("诉求内容")
    EVENT = "event", _("办理记录")


class SignalQuerySet(models.QuerySet):
    def open(self) -> SignalQuerySet:
        return self.filter(handled_at__isnull=True)


class ThreatSignal(models.Model):
    """An extreme-behaviour signal (极端行为苗头) found in a case's text: once per case and kind."""

    case = models.ForeignKey("cases.Case", models.CASCADE, related_name="threat_signals")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    severity = models.PositiveSmallIntegerField(_("严重程度"), choices=Severity.choices)
    term = models.CharField(_("预警词"), max_length=60)
    phrase = models.CharField(_("原话"), max_length=200)
    excerpt = models.CharField(_("上下文"), max_length=300)
    why = models.CharField(_("判断依据"), max_length=300)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.DESCRIPTION)
    event = models.ForeignKey("cases.Event", models.PROTECT, null=True, blank=True, related_name="+")
    sheet = models.ForeignKey("sla.Sheet", models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("发现时间"), default=timezone.now, db_index=True)
    handled_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_by_label = models.CharField(_("处置人"), max_length=120, blank=True)
    handled_note = models.CharField(_("处置情况"), max_length=500, blank=True)

    objects = SignalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("极端行为苗头")
        verbose_name_plural = _("极端行为苗头")
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="threat_signal_once_per_kind")]
        indexes = [models.Index(fields=["handled_at", "created_at"], name="threat_signal_open_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()} {self.phrase}"

    @property
    def is_open(self) -> bool:
        return self.handled_at is None


class Factor(models.TextChoices):
    THREAT = "threat", _("本案极端行为苗头")
    ANGER = "anger", _("激愤言辞")
    REPEAT = "repeat", _("同一诉求人重复反映")
    REOPEN = "reopen", _("案件重启")
    ESCALATE = "escalate", _("案件提级")
    FAILED_MEDIATION = "failed_mediation", _("调解未成")
    EARLIER_THREAT = "earlier_threat", _("诉求人此前案件有过极端言行")


class ScoreFactor(models.Model):
    """One reason the 民转刑 score counts: points for each occurrence, up to a cap."""

    code = models.CharField(_("因素"), max_length=20, choices=Factor.choices, unique=True)
    points = models.PositiveSmallIntegerField(_("每次分值"))
    cap = models.PositiveSmallIntegerField(_("最高分值"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("民转刑评分因素")
        verbose_name_plural = _("民转刑评分因素")

    def __str__(self) -> str:
        return f"{self.get_code_display()} {self.points}/{self.cap}"

    def clean(self) -> None:
        if self.cap < self.points:
            raise ValidationError({"cap": _("最高分值不能小于每次分值。")})


class ScorePolicy(models.Model):
    """Where the score applies and where its levels start (one row)."""

    codes = models.CharField(
        _("适用类别/事项代码"), max_length=300,
        help_text=_("逗号分隔的类别代码（两位）或事项代码（四位），如 01,02,10,0301"),
    )
    window_days = models.PositiveSmallIntegerField(_("重复反映统计天数"), default=180)
    medium_at = models.PositiveSmallIntegerField(_("中风险起点分"), default=30)
    high_at = models.PositiveSmallIntegerField(_("高风险起点分"), default=60)

    class Meta:
        verbose_name = _("民转刑评分规则")
        verbose_name_plural = _("民转刑评分规则")

    def __str__(self) -> str:
        return str(_("民转刑评分规则"))

    @property
    def code_list(self) -> list[str]:
        return [c.strip() for c in re.split(r"[,，\s]+", self.codes) if c.strip()]

    def clean(self) -> None:
        bad = [c for c in self.code_list if not re.fullmatch(r"\d{2}|\d{4}", c)]
        if bad:
            raise ValidationError({"codes": _("代码应为两位类别代码或四位事项代码：%(bad)s") % {"bad": "、".join(bad)}})
        if not 0 < self.medium_at < self.high_at <= 100:
            raise ValidationError(_("须满足 0 < 中风险起点分 < 高风险起点分 ≤ 100。"))


class Level(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")


class RiskScore(models.Model):
    """A case's current 民转刑 score, recomputed as the case changes."""

    case = models.OneToOneField("cases.Case", models.CASCADE, related_name="criminal_risk")
    score = models.PositiveSmallIntegerField(_("分值"))
    level = models.CharField(_("风险"), max_length=10, choices=Level.choices, db_index=True)
    reasons = models.JSONField(_("依据"), default=list)
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)
    high_notified_at = models.DateTimeField(_("高风险提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("民转刑风险")
        verbose_name_plural = _("民转刑风险")

    def __str__(self) -> str:
        return f"{self.case_id} {self.score}"
