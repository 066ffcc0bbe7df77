"""Online mediation: a room per case with its participants (the parties, invited by one-time
links, and the mediator), the messages between them, scheduled sessions, agreements signed
with one-time codes, judicial confirmation applications and the performance of the terms.
See docs/online-mediation.md."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Room(models.Model):
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="online_rooms", verbose_name=_("案件"))
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="online_rooms", verbose_name=_("调解员")
    )
    created_at = models.DateTimeField(_("开设时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("线上调解室")
        verbose_name_plural = _("线上调解室")

    def __str__(self) -> str:
        return f"{self.case} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Participant(models.Model):
    """A party of the case (invited by a one-time link) or the room's mediator."""

    room = models.ForeignKey(Room, models.CASCADE, related_name="participants")
    party = models.ForeignKey("cases.Party", models.PROTECT, null=True, blank=True, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    label = models.CharField(_("称呼"), max_length=120)
    # the one-time invitation: its token, when it stops working, when it was used
    token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    token_used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    # changes at every new invitation: the cookie of an earlier one stops working
    session_key = models.CharField(max_length=32, blank=True)
    joined_at = models.DateTimeField(_("进入时间"), null=True, blank=True)
    seen_upto = models.PositiveBigIntegerField(_("已读至"), default=0)
    seen_at = models.DateTimeField(_("最后查看"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("参与人")
        verbose_name_plural = _("参与人")
        constraints = [
            models.UniqueConstraint(fields=["room", "party"], name="online_participant_party_unique",
                                    condition=models.Q(party__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_mediator(self) -> bool:
        return self.party_id is None


class SeenMark(models.Model):
    """A participant saw every message up to `upto` (those shown to them) at `at`."""

    participant = models.ForeignKey(Participant, models.CASCADE, related_name="seen_marks")
    upto = models.PositiveBigIntegerField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.participant_id} ≤{self.upto} {self.at:%Y-%m-%d %H:%M}"



class OneTimeCode(models.Model):
    """A code sent by SMS: to enter the room, or to sign an agreement."""

    class Purpose(models.TextChoices):
        JOIN = "join", _("进入调解室")
        SIGN = "sign", _("签署协议")

    participant = models.ForeignKey(Participant, models.CASCADE, related_name="codes")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    agreement = models.ForeignKey("Agreement", models.CASCADE, null=True, blank=True, related_name="+")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.purpose}"



class Message(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("消息")
        FILE = "file", _("文件")
        SCHEDULE = "schedule", _("调解安排")
        NOTICE = "notice", _("提示")

    room = models.ForeignKey(Room, models.CASCADE, related_name="messages")
    sender = models.ForeignKey(Participant, models.PROTECT, null=True, blank=True, related_name="+")
    sender_label = models.CharField(max_length=120)
    # 背对背: a message between the mediator and this one party only; null: to everyone
    private_with = models.ForeignKey(Participant, models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TEXT)
    text = models.TextField(blank=True)
    file = models.FileField(upload_to="online/%Y/%m/", blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["room", "id"], name="online_msg_room_id_idx")]

    def __str__(self) -> str:
        return f"{self.sender_label}: {self.text[:30]}"



class SessionSlot(models.Model):
    """A session the mediator scheduled (time and note), shown to everyone in the room."""

    room = models.ForeignKey(Room, models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("时间"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("调解安排")
        verbose_name_plural = _("调解安排")

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} {self.note}"



class AgreementTemplate(models.Model):
    """The wording of an agreement for one item (empty item: the default for all)."""

    item = models.OneToOneField(
        "taxonomy.Item", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("事项")
    )
    title = models.CharField(_("标题"), max_length=100, default="人民调解协议书")
    facts = models.TextField(_("纠纷事实(默认)"), blank=True)
    terms = models.TextField(_("协议条款(默认，每行一条)"), blank=True)
    closing = models.TextField(_("结尾条款"), blank=True)

    class Meta:
        verbose_name = _("协议模板")
        verbose_name_plural = _("协议模板")

    def __str__(self) -> str:
        return f"{self.item or _('默认')} · {self.title}"


class Agreement(models.Model):
    class Status(models.TextChoices):
        SIGNING = "signing", _("待签署")
        SIGNED = "signed", _("已签署")
        SUPERSEDED = "superseded", _("已被新版本取代")

    room = models.ForeignKey(Room, models.PROTECT, related_name="agreements")
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="online_agreements")
    version = models.PositiveIntegerField(_("版本"), default=1)
    supersedes = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SIGNING)
    title = models.CharField(_("标题"), max_length=100)
    parties = models.JSONField(_("当事人"), default=list)  # [{"role", "name", "participant"}]
    facts = models.TextField(_("纠纷事实"))
    closing = models.TextField(_("结尾条款"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    signed_at = models.DateTimeField(_("签署完成"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    verify_code = models.CharField(_("核验码"), max_length=16, unique=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("调解协议")
        verbose_name_plural = _("调解协议")
        constraints = [models.UniqueConstraint(fields=["case", "version"], name="online_agreement_version_unique")]

    def __str__(self) -> str:
        return f"{self.case} v{self.version}"

    @property
    def total(self):
        return sum((t.amount for t in self.terms.all() if t.amount is not None), start=0)


class Term(models.Model):
    class Paid(models.TextChoices):
        UNKNOWN = "", _("待确认")
        PAID = "paid", _("已履行")
        UNPAID = "unpaid", _("未履行")

    agreement = models.ForeignKey(Agreement, models.CASCADE, related_name="terms")
    seq = models.PositiveSmallIntegerField()
    text = models.CharField(_("条款"), max_length=500)
    amount = models.DecimalField(_("金额(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    due_date = models.DateField(_("履行期限"), null=True, blank=True)
    paid = models.CharField(_("履行情况"), max_length=10, choices=Paid.choices, blank=True, default="")
    paid_noted_at = models.DateTimeField(null=True, blank=True)
    paid_noted_by = models.CharField(max_length=120, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["due_date"], name="online_term_due_idx",
                                condition=models.Q(reminded_at__isnull=True) & ~models.Q(paid="paid"))]

    def __str__(self) -> str:
        return f"{self.seq}. {self.text[:30]}"



class Signature(models.Model):
    agreement = models.ForeignKey(Agreement, models.PROTECT, related_name="signatures")
    participant = models.ForeignKey(Participant, models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["agreement", "participant"], name="online_signature_once")]

    def __str__(self) -> str:
        return f"{self.name} {self.signed_at:%Y-%m-%d %H:%M}"



class JudicialApplication(models.Model):
    """司法确认: the application made from a signed agreement, when it was sent, the answer."""

    class Answer(models.TextChoices):
        PENDING = "", _("待答复")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("不予确认")

    agreement = models.OneToOneField(Agreement, models.PROTECT, related_name="judicial")
    court = models.CharField(_("受理法院"), max_length=100)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("送达法院时间"), null=True, blank=True)
    answer = models.CharField(_("法院答复"), max_length=10, choices=Answer.choices, blank=True, default="")
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    note = models.CharField(_("答复说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("司法确认申请")
        verbose_name_plural = _("司法确认申请")

    def __str__(self) -> str:
        return f"{self.agreement} → {self.court}"
