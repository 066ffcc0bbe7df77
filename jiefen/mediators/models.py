"""Mediation organisations, mediators (with or without an account), the orders residents and
dispatchers place for a mediator on a case (点单), and the residents' ratings of them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    PEOPLE = "people", _("人民调解委员会")
    MEDICAL = "medical", _("医疗纠纷人民调解委员会")
    LABOUR = "labour", _("劳动争议调解委员会")
    TRAFFIC = "traffic", _("道路交通事故调解委员会")
    PROPERTY = "property", _("物业纠纷调解委员会")
    FAMILY = "family", _("婚姻家庭纠纷调解委员会")
    COMMERCIAL = "commercial", _("商事调解委员会")
    LAWYER = "lawyer", _("律师调解工作室")
    PERSONAL = "personal", _("个人调解工作室")


# 行业性专业性调解委员会: the committees of one field
INDUSTRY_KINDS = {
    OrganisationKind.MEDICAL, OrganisationKind.LABOUR, OrganisationKind.TRAFFIC,
    OrganisationKind.PROPERTY, OrganisationKind.FAMILY, OrganisationKind.COMMERCIAL,
}


class Organisation(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=OrganisationKind.choices)
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("所在区域"),
        help_text=_("组织服务的区域（街道、区县等）"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["region__path", "name"]
        verbose_name = _("调解组织")
        verbose_name_plural = _("调解组织")

    def __str__(self) -> str:
        return self.name

    @property
    def is_industry(self) -> bool:
        return self.kind in INDUSTRY_KINDS


class MediatorKind(models.TextChoices):
    FULL_TIME = "full_time", _("专职调解员")
    PART_TIME = "part_time", _("兼职调解员")
    LEGAL = "legal", _("法律明白人")
    ELDER = "elder", _("乡贤")
    LAWYER = "lawyer", _("律师")
    PSYCHOLOGIST = "psychologist", _("心理咨询师")
    JUDGE = "judge", _("法官")
    PROSECUTOR = "prosecutor", _("检察官")
    POLICE = "police", _("民警")


# Judges, prosecutors and police officers take part on call (轮值), not as staff mediators.
ON_CALL_KINDS = {MediatorKind.JUDGE, MediatorKind.PROSECUTOR, MediatorKind.POLICE}


def photo_path(instance: Mediator, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"mediators/{timezone.now():%Y%m%d%H%M%S%f}.{ext}"


class Mediator(models.Model):
    """A mediator's profile. Some have an account (a user with a 调解员 post) and answer their
    orders themselves; for the others (an elder without a phone login) the center answers."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="mediator_profile",
        verbose_name=_("登录账号"), help_text=_("有账号的调解员自己确认点单；没有账号的由中心代为确认"),
    )
    name = models.CharField(_("姓名"), max_length=60)
    kind = models.CharField(_("类型"), max_length=20, choices=MediatorKind.choices)
    organisation = models.ForeignKey(
        Organisation, models.SET_NULL, null=True, blank=True, related_name="mediators", verbose_name=_("所属组织")
    )
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("服务区域"),
        help_text=_("可为该区域及其下级区域的案件调解"),
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    specialties = models.ManyToManyField(
        "taxonomy.Category", blank=True, related_name="+", verbose_name=_("擅长领域")
    )
    bio = models.TextField(_("简介"), blank=True, max_length=1000)
    photo = models.ImageField(_("照片"), upload_to=photo_path, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True, help_text=_("仅工作人员可见"))
    public = models.BooleanField(_("向群众公开"), default=True, help_text=_("公开的调解员出现在群众可点选的名单中"))
    max_open_orders = models.PositiveSmallIntegerField(
        _("同时承接上限"), default=5, validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("待确认和已接单的点单合计不超过此数"),
    )
    active = models.BooleanField(_("在岗"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["region_path", "name", "id"]
        verbose_name = _("调解员")
        verbose_name_plural = _("调解员")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.region_path = self.region.path
        super().save(*args, **kwargs)

    @property
    def on_call(self) -> bool:
        return self.kind in ON_CALL_KINDS

    def serves(self, case) -> bool:
        """The case's place lies in this mediator's region."""
        return case.region_path.startswith(self.region_path)


class OrderStatus(models.TextChoices):
    REQUESTED = "requested", _("待确认")
    ACCEPTED = "accepted", _("已接单")
    DECLINED = "declined", _("已婉拒")
    CANCELLED = "cancelled", _("已取消")
    DONE = "done", _("已完成")


OPEN_ORDER_STATUSES = (OrderStatus.REQUESTED, OrderStatus.ACCEPTED)


class MediatorOrder(models.Model):
    """A mediator asked for on a case (点单), by the resident or by staff on their behalf."""

    case = models.ForeignKey("cases.Case", models.CASCADE, related_name="mediator_orders", verbose_name=_("案件"))
    mediator = models.ForeignKey(Mediator, models.PROTECT, related_name="orders", verbose_name=_("调解员"))
    status = models.CharField(
        _("状态"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.REQUESTED, db_index=True
    )
    by_resident = models.BooleanField(_("群众点单"), default=False)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("代为点单的工作人员"),
    )
    reason = models.CharField(_("点单理由"), max_length=500, blank=True)
    answer = models.CharField(_("答复/取消说明"), max_length=500, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("答复人")
    )
    created_at = models.DateTimeField(_("点单时间"), default=timezone.now)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("评分"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.CharField(_("评价内容"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("点单")
        verbose_name_plural = _("点单")
        indexes = [models.Index(fields=["mediator", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status__in=["requested", "accepted"]),
                name="mediator_one_open_order_per_case",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="mediator_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.mediator}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ORDER_STATUSES
