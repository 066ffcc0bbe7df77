"""What the native API sends and accepts.

Output serializers are read-only views of a case; input goes through the intake form
(SystemIntakeForm) and the workflow's own cleaners, so the rules live where they always
did. The input serializers here exist to describe requests in the OpenAPI schema and to
check query parameters."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from jiefen.cases import privacy
from jiefen.cases.models import Case, Channel, Status
from jiefen.regions.models import Region

# ------------------------------------------------------------------ output


def case_links(case: Case) -> dict:
    code = case.tracking_code
    return {
        "self": reverse("api:case-detail", args=[code]),
        "events": reverse("api:case-events", args=[code]),
        "attachments": reverse("api:case-attachments", args=[code]),
        "actions": reverse("api:case-actions", args=[code]),
    }


class RegionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    division_code = serializers.CharField(allow_blank=True)


class LinksSerializer(serializers.Serializer):
    self = serializers.CharField()
    events = serializers.CharField()
    attachments = serializers.CharField()
    actions = serializers.CharField()


class CaseCreatedSerializer(serializers.Serializer):
    """The short answer to a new case: enough to track it; fetch `links.self` for the rest."""

    tracking_code = serializers.CharField()
    display_code = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_display = serializers.CharField(source="get_status_display")
    channel = serializers.ChoiceField(choices=Channel.choices)
    region = RegionRefSerializer()
    external_source = serializers.CharField(allow_blank=True)
    external_id = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    version = serializers.IntegerField()
    links = serializers.SerializerMethodField()

    def get_links(self, case) -> LinksSerializer:
        return case_links(case)


def created_body(case: Case) -> dict:
    """CaseCreatedSerializer(case).data, built by hand: the intake answer is on the hot path
    (a DRF serializer costs a deep copy of its fields per call). A test keeps the two equal."""
    region = case.region
    created = case.created_at.astimezone(timezone.get_current_timezone()).isoformat()
    return {
        "tracking_code": case.tracking_code, "display_code": case.display_code, "status": case.status,
        "status_display": str(case.get_status_display()), "channel": case.channel,
        "region": {"id": region.pk, "name": region.name, "division_code": region.division_code},
        "external_source": case.external_source, "external_id": case.external_id,
        "created_at": created[:-6] + "Z" if created.endswith("+00:00") else created,
        "version": case.version, "links": case_links(case),
    }


class PartySerializer(serializers.Serializer):
    """A party; phone and ID number are masked (as on the staff case page)."""

    id = serializers.IntegerField()
    role = serializers.CharField()
    role_display = serializers.CharField(source="get_role_display")
    name = serializers.CharField(allow_blank=True)
    phone = serializers.SerializerMethodField(help_text="masked, e.g. 138****5678")
    id_number = serializers.SerializerMethodField(help_text="masked, e.g. 3701**********1234")

    def get_phone(self, party) -> str:
        return privacy.masked(party, "phone")

    def get_id_number(self, party) -> str:
        return privacy.masked(party, "id_number")


class NamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CodedRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CaseSerializer(CaseCreatedSerializer):
    description = serializers.CharField()
    address = serializers.CharField(allow_blank=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    anonymous = serializers.BooleanField()
    group_size = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    reported_item = CodedRefSerializer(allow_null=True)
    attributes = serializers.JSONField()
    category = CodedRefSerializer(allow_null=True)
    item = CodedRefSerializer(allow_null=True)
    handling_kind = serializers.CharField()
    risk_grade = serializers.CharField()
    risk_grade_display = serializers.CharField(source="get_risk_grade_display")
    center = RegionRefSerializer()
    department = NamedRefSerializer(allow_null=True)
    respond_due = serializers.DateTimeField(allow_null=True)
    sign_due = serializers.DateTimeField(allow_null=True)
    handle_due = serializers.DateTimeField(allow_null=True)
    result_summary = serializers.CharField(allow_blank=True)
    satisfaction = serializers.IntegerField(allow_null=True)
    updated_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    parties = PartySerializer(many=True)


CASE_RELATED = ("region", "reported_item", "category", "item", "center", "department")


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.CharField()
    label = serializers.CharField()
    from_status = serializers.CharField(allow_blank=True)
    to_status = serializers.CharField(allow_blank=True)
    actor = serializers.CharField(help_text="who acted, as the timeline names them")
    reason = serializers.CharField(allow_blank=True)
    summary = serializers.CharField(allow_blank=True)
    public = serializers.BooleanField(help_text="shown to the resident on the public tracking page")
    created_at = serializers.DateTimeField()


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, att) -> str:
        return reverse("api:case-attachment-file", args=[att.case.tracking_code, att.pk])


class ActionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    target_status = serializers.CharField(allow_null=True, help_text="status after the action; null: no status change")
    public = serializers.BooleanField()


# ------------------------------------------------------------------ input (schema and query checks)


class CaseInputSerializer(serializers.Serializer):
    """Documentation of the intake body; the checks are SystemIntakeForm's."""

    description = serializers.CharField(min_length=10, max_length=2000)
    region = serializers.CharField(
        required=False, help_text="region id, or its 12-digit division code; else found from the point or the address")
    address = serializers.CharField(required=False, max_length=200)
    latitude = serializers.DecimalField(required=False, max_digits=9, decimal_places=6)
    longitude = serializers.DecimalField(required=False, max_digits=9, decimal_places=6)
    anonymous = serializers.BooleanField(required=False, default=False)
    name = serializers.CharField(required=False, max_length=60, help_text="required unless anonymous")
    phone = serializers.CharField(required=False, max_length=20, help_text="required unless anonymous")
    id_number = serializers.CharField(required=False, max_length=18)
    respondent = serializers.CharField(required=False, max_length=100)
    group_size = serializers.IntegerField(min_value=1, max_value=100000)
    amount = serializers.DecimalField(required=False, max_digits=14, decimal_places=2, min_value=0)
    item = serializers.CharField(required=False, help_text="taxonomy item code")
    attributes = serializers.DictField(required=False, help_text="the item's extra fields: code -> value")
    external_source = serializers.CharField(required=False, max_length=30)
    external_id = serializers.CharField(required=False, max_length=80)
    channel = serializers.ChoiceField(
        choices=Channel.choices, required=False, help_text="staff sessions only; an API client's channel is its own")
    photos = serializers.ListField(child=serializers.ImageField(), required=False, help_text="multipart only, up to 5")


class AttachmentInputSerializer(serializers.Serializer):
    file = serializers.ImageField(help_text="JPG, PNG, GIF or WEBP")


class ActionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, help_text="the case version you acted on (409 if stale)")
    data = serializers.DictField(required=False, help_text="the action's fields; they may also be given at the top level")


class CaseQuerySerializer(serializers.Serializer):
    """The list filters; errors come back as a 400 by parameter."""

    status = serializers.CharField(required=False, help_text="one or more statuses, comma-separated")
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    updated_since = serializers.CharField(required=False, help_text="ISO 8601 date-time")
    region = serializers.IntegerField(required=False, help_text="region id: cases in it and below")
    external_source = serializers.CharField(required=False, max_length=30)
    external_id = serializers.CharField(required=False, max_length=80)

    def validate_status(self, value: str) -> list[str]:
        statuses = [s.strip() for s in value.split(",") if s.strip()]
        unknown = [s for s in statuses if s not in Status.values]
        if unknown:
            raise serializers.ValidationError(
                _("未知的状态：%(s)s。可选：%(all)s。") % {"s": "、".join(unknown), "all": ", ".join(Status.values)})
        return statuses

    def validate_updated_since(self, value: str):
        try:
            moment = parse_datetime(value.strip())
        except ValueError:
            moment = None
        if moment is None:
            raise serializers.ValidationError(_("时间格式不正确，应为 ISO 8601，例如 2026-05-01T08:00:00+08:00。"))
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment

    def validate_region(self, value: int) -> Region:
        region = Region.objects.filter(pk=value).first()
        if region is None:
            raise serializers.ValidationError(_("区域不存在。"))
        return region


class RevealInputSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=["phone", "id_number", "name"])
    reason = serializers.CharField(help_text="why you need it, e.g. 电话联系诉求人 (logged)")


class RevealSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField(allow_blank=True)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
