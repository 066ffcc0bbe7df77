"""Cases, their parties, attachments, mediation records and the append-only timeline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiefen.taxonomy.models import HandlingKind, RiskGrade


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    DECLINED = "declined", _("不予受理")
    DISPATCHED = "dispatched", _("已派单")
    RETURNED = "returned", _("已退单")
    SIGNED = "signed", _("已签收")
    IN_PROGRESS = "in_progress", _("办理中")
    ESCALATED = "escalated", _("已提级")
    RESOLVED = "resolved", _("已化解")
    UNRESOLVED = "unresolved", _("未化解")
    CLOSED = "closed", _("已办结")
    REOPENED = "reopened", _("已重启")


# Open311 GeoReport v2 knows only open and closed.
OPEN311_STATUS = {s: ("closed" if s in {Status.DECLINED, Status.CLOSED} else "open") for s in Status}
TERMINAL_STATUSES = {Status.DECLINED, Status.CLOSED}
SERIOUS_RISKS = {"significant", "major"}
GROUP_SIZE = 5  # 群体性: five or more people in one dispute


class Channel(models.TextChoices):
    WEB = "web", _("网上报事")
    QR = "qr", _("扫码报事")
    WINDOW = "window", _("窗口来访")
    HOTLINE = "hotline", _("电话热线")
    GRID = "grid", _("网格员上报")
    HOTLINE_12345 = "12345", _("12345热线转办")
    POLICE_110 = "110", _("110非警务警情")
    PETITION = "petition", _("信访转办")
    COURT = "court", _("法院诉前委派")
    API = "api", _("系统接口")
    OPEN311 = "open311", _("Open311接口")


class Guidance(models.TextChoices):
    LITIGATION = "litigation", _("引导诉讼")
    ARBITRATION = "arbitration", _("引导仲裁")
    ADMIN_REVIEW = "admin_review", _("引导行政复议")
    LEGAL_AID = "legal_aid", _("引导法律援助")


class MediationPreference(models.TextChoices):
    """How the resident would like to be mediated, chosen when filing (or later with the mediator)."""

    ONLINE = "online", _("线上调解")
    OFFLINE = "offline", _("线下面对面调解")


class Satisfaction(models.IntegerChoices):
    SATISFIED = 3, _("满意")
    BASICALLY = 2, _("基本满意")
    DISSATISFIED = 1, _("不满意")


class CaseQuerySet(models.QuerySet):
    def by_same_complainant(self, case: Case) -> CaseQuerySet:
        """Cases whose complainant has this case's complainant's phone or ID number (this case
        among them); none when the complainant left neither (or the report was anonymous)."""
        person = case.complainant
        if person is None or not (person.phone or person.id_number):
            return self.none()
        same = models.Q(pk__in=[])
        if person.phone:
            same |= models.Q(phone=person.phone)
        if person.id_number:
            same |= models.Q(id_number=person.id_number)
        return self.filter(pk__in=Party.objects.filter(same, role=PartyRole.COMPLAINANT).values("case_id"))

    def open(self) -> CaseQuerySet:
        return self.exclude(status__in=TERMINAL_STATUSES)

    def overdue(self, now=None) -> CaseQuerySet:
        now = now or timezone.now()
        return self.open().filter(
            models.Q(status=Status.DISPATCHED, sign_due__lt=now)
            | models.Q(
                status__in=[Status.SIGNED, Status.IN_PROGRESS], handle_due__lt=now
            )
        )


class Case(models.Model):
    tracking_code = models.CharField(_("查询码"), max_length=12, unique=True, editable=False)
    idempotency_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    # A work order pushed or imported from another system (12345, 110, petition office, court)
    # keeps that system's name and number: the same order twice is the same case.
    external_source = models.CharField(_("外部来源"), max_length=30, blank=True)
    external_id = models.CharField(_("外部编号"), max_length=80, blank=True)
    channel = models.CharField(_("来源渠道"), max_length=20, choices=Channel.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )

    description = models.TextField(_("诉求描述"))
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="cases", verbose_name=_("发生地")
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    address = models.CharField(_("详细地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    anonymous = models.BooleanField(_("匿名"), default=False)
    group_size = models.PositiveIntegerField(_("涉及人数"), default=1)
    amount = models.DecimalField(
        _("涉及金额(元)"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    # What the reporter chose (an Open311 service, a source's category mapped to ours); the
    # clerk's classification (category, item) confirms or corrects it.
    reported_item = models.ForeignKey(
        "taxonomy.Item", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("报事人所选事项")
    )
    attributes = models.JSONField(_("补充信息"), default=dict, blank=True)
    category = models.ForeignKey(
        "taxonomy.Category", models.PROTECT, null=True, blank=True, verbose_name=_("类别")
    )
    item = models.ForeignKey(
        "taxonomy.Item", models.PROTECT, null=True, blank=True, verbose_name=_("事项")
    )
    handling_kind = models.CharField(
        _("办理类型"), max_length=20, choices=HandlingKind.choices, default=HandlingKind.TIME_LIMITED
    )
    risk_grade = models.CharField(
        _("风险等级"), max_length=20, choices=RiskGrade.choices, default=RiskGrade.GENERAL
    )

    # Ownership: the center responsible now (属地), the center that dispatched it (where a
    # returned case goes back and where the result is reviewed) and the lead department.
    center = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("责任中心")
    )
    origin_center = models.ForeignKey(
        "regions.Region",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("派单中心"),
    )
    department = models.ForeignKey(
        "regions.Department",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_cases",
        verbose_name=_("牵头部门"),
    )
    helper_departments = models.ManyToManyField(
        "regions.Department", blank=True, related_name="helper_cases", verbose_name=_("协办部门")
    )
    task_force = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="task_force_cases", verbose_name=_("专班成员")
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="led_cases",
        verbose_name=_("包案领导"),
    )

    respond_due = models.DateTimeField(_("响应期限"), null=True, blank=True)
    sign_due = models.DateTimeField(_("签收期限"), null=True, blank=True, db_index=True)
    handle_due = models.DateTimeField(_("办理期限"), null=True, blank=True, db_index=True)
    committed_date = models.DateField(_("承诺办结日期"), null=True, blank=True)
    clock_paused_at = models.DateTimeField(
        _("暂停计时于"), null=True, blank=True, help_text=_("等待诉求人补充材料等期间，办理时限暂停")
    )

    result_summary = models.TextField(_("办理结果"), blank=True)
    guidance = models.CharField(_("引导途径"), max_length=20, choices=Guidance.choices, blank=True)
    mediation_preference = models.CharField(
        _("希望的调解方式"), max_length=10, choices=MediationPreference.choices, blank=True, default="",
        db_default="")  # rows written in bulk (the demo generator's COPY) leave it out
    satisfaction = models.PositiveSmallIntegerField(
        _("满意度"), choices=Satisfaction.choices, null=True, blank=True
    )
    rating_comment = models.CharField(_("评价意见"), max_length=500, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        indexes = [models.Index(fields=["center", "status"]), models.Index(fields=["department", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["external_source", "external_id"], condition=~models.Q(external_id=""),
                name="case_external_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    def save(self, *args, **kwargs):
        self.region_path = self.region.path
        super().save(*args, **kwargs)

    @property
    def is_serious(self) -> bool:
        """High risk or a group matter: the cases that get a leader and a task force."""
        return self.risk_grade in SERIOUS_RISKS or self.group_size >= GROUP_SIZE

    @property
    def is_open(self) -> bool:
        return self.status not in TERMINAL_STATUSES

    @property
    def open311_status(self) -> str:
        return OPEN311_STATUS[self.status]

    @property
    def owner(self):
        """Who holds the case now: the lead department while a department works on it,
        otherwise the center."""
        if self.department_id and self.status in {
            Status.DISPATCHED,
            Status.SIGNED,
            Status.IN_PROGRESS,
        }:
            return self.department
        return self.center

    @property
    def holder_label(self) -> str:
        return self.department.name if self.department_id else self.center.display_center

    @property
    def complainant(self) -> Party | None:
        return next((p for p in self.parties.all() if p.role == PartyRole.COMPLAINANT), None)

    @property
    def summary(self) -> str:
        text = " ".join(self.description.split())
        return text if len(text) <= 40 else text[:40] + "…"

    @property
    def display_code(self) -> str:
        return f"{self.tracking_code[:4]}-{self.tracking_code[4:]}"


class PartyRole(models.TextChoices):
    COMPLAINANT = "complainant", _("诉求人")
    RESPONDENT = "respondent", _("被反映人")
    OTHER = "other", _("其他当事人")


class Party(models.Model):
    case = models.ForeignKey(Case, models.CASCADE, related_name="parties")
    role = models.CharField(_("身份"), max_length=20, choices=PartyRole.choices)
    name = models.CharField(_("姓名/名称"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        # the worklist's search by phone or name goes straight to the party
        indexes = [models.Index(fields=["phone"], name="party_phone_idx"), models.Index(fields=["name"], name="party_name_idx")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


def attachment_path(instance: Attachment, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"cases/{instance.case.tracking_code}/{timezone.now():%Y%m%d%H%M%S%f}.{ext}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=80, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self):
        return self.original_name or self.file.name


class MediationMethod(models.TextChoices):
    FACE_TO_FACE = "face_to_face", _("面对面调解")
    SHUTTLE = "shuttle", _("背对背调解")
    ONLINE = "online", _("线上调解")


class MediationOutcome(models.TextChoices):
    RESOLVED = "resolved", _("调解成功")
    PARTIAL = "partial", _("部分达成")
    FAILED = "failed", _("调解未成")


class MediationSession(models.Model):
    case = models.ForeignKey(Case, models.CASCADE, related_name="mediations")
    held_at = models.DateTimeField(_("调解时间"))
    place = models.CharField(_("调解地点"), max_length=200)
    method = models.CharField(_("调解方式"), max_length=20, choices=MediationMethod.choices)
    mediators = models.CharField(_("调解员"), max_length=300)
    attendees = models.CharField(_("参加人员"), max_length=500, blank=True)
    outcome = models.CharField(_("调解结果"), max_length=20, choices=MediationOutcome.choices)
    agreement_text = models.TextField(_("协议内容"), blank=True)
    agreement_amount = models.DecimalField(
        _("协议金额(元)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    judicial_confirmation = models.BooleanField(_("申请司法确认"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["held_at", "id"]
        verbose_name = _("调解记录")
        verbose_name_plural = _("调解记录")

    def __str__(self):
        return f"{self.case_id} {self.held_at:%Y-%m-%d} {self.get_method_display()}"


class AppendOnlyError(Exception):
    pass


class Event(models.Model):
    """One row per thing that happened to a case. Rows are never updated or deleted."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="events")
    action = models.CharField(_("动作"), max_length=30)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("操作人"), max_length=120)
    reason = models.TextField(_("原因/说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    public = models.BooleanField(_("群众可见"), default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("事件")
        verbose_name_plural = _("事件")

    def __str__(self):
        return f"{self.case_id} {self.action} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("events are append-only")

    @property
    def is_transition(self) -> bool:
        return bool(self.to_status) and self.from_status != self.to_status


class PersonalDataView(models.Model):
    """Log of every unmasked view of a party's personal data."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="+")
    party = models.ForeignKey(Party, models.PROTECT, related_name="+")
    field = models.CharField(max_length=20)
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    reason = models.CharField(_("查看事由"), max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")

    def __str__(self):
        return f"{self.viewer_id} {self.field} {self.case_id}"


class RetentionPolicy(models.Model):
    """How long the parties' personal data of a closed case is kept before `jiefen anonymise`
    masks it (keeping the statistics). One row; an administrator edits it."""

    keep_days = models.PositiveIntegerField(
        _("保存期限(天)"), default=1095, help_text=_("办结后保存当事人个人信息的天数，期满后匿名化")
    )

    class Meta:
        verbose_name = _("个人信息保存期限")
        verbose_name_plural = _("个人信息保存期限")

    def __str__(self) -> str:
        return str(_("办结后 %(days)d 天") % {"days": self.keep_days})

    @classmethod
    def current(cls) -> RetentionPolicy:
        return cls.objects.order_by("pk").first() or cls()
