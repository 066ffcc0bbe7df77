"""The intake function: every door (resident form, staff entry, API, imports) ends here."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.cases.models import Attachment, Case, Event, Party, PartyRole, Status
from jiefen.cases.services import actor_label
from jiefen.cases.signals import case_changed
from jiefen.lib.codes import new_tracking_code

from .forms import IntakeForm
from .tasks import judge_new_case

DEFAULT_RESPOND_MINUTES = 30


def submit_case(
    data: dict,
    files=None,
    *,
    channel: str,
    actor=None,
    idempotency_key: str | None = None,
    form_class: type[IntakeForm] = IntakeForm,
    form_kwargs: dict | None = None,
) -> Case:
    """Validate, then commit a new case with its parties, photos and first event.

    Raises ValidationError (with the form's per-field messages) and writes nothing when
    the input is bad. A retry returns the first case and creates nothing: the same
    idempotency key (namespace it per caller), or the same external source and id (a work
    order pushed or imported twice). `case.created` tells the caller which it was."""
    external = (str(data.get("external_source") or ""), str(data.get("external_id") or ""))
    if "\x00" in "".join([idempotency_key or "", *external]):
        raise ValidationError({"external_id": [_("编号中含有非法字符（NUL）。")]})
    existing = already_filed(idempotency_key, *external)
    if existing:
        return existing
    form = form_class(data, files, **(form_kwargs or {}))
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return create_case(form.cleaned_data, channel=channel, actor=actor, idempotency_key=idempotency_key)


def field_messages(error: ValidationError) -> list[tuple[str, str]]:
    """The (field, message) pairs of the ValidationError submit_case raises, in order; the
    field is "__all__" for a message about the whole report. Each door names the fields its
    own way (API field names, Open311 parameters, a file's columns)."""
    if not hasattr(error, "error_dict"):
        return [("__all__", str(m)) for m in error.messages]
    return [(field, str(m)) for field, errors in error.error_dict.items() for e in errors for m in e.messages]


def add_photo(case: Case, upload, actor) -> Attachment:
    """A photo added to a filed case (a checked upload: PhotosField.clean_one), with its line on
    the timeline, in one transaction."""
    with transaction.atomic():
        attachment = Attachment.objects.create(
            case=case, file=upload, original_name=upload.name[:200],
            content_type=getattr(upload, "content_type", ""), size=upload.size, uploaded_by=actor,
        )
        Event.objects.create(
            case=case, action="add_photo", actor=actor, actor_label=actor_label(actor, case),
            data={"attachment": attachment.pk, "name": attachment.original_name},
        )
    return attachment


def already_filed(idempotency_key: str | None, external_source: str = "", external_id: str = "") -> Case | None:
    case = None
    if idempotency_key:
        case = Case.objects.filter(idempotency_key=idempotency_key).first()
    if case is None and external_id:
        case = Case.objects.filter(external_source=external_source, external_id=external_id).first()
    if case is not None:
        case.created = False
    return case


def intake_center_for(region, actor):
    """Staff file cases into their own center when it covers the place; the public's
    reports arrive at the county center (the one exit of many doors)."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        for m in actor.memberships_cached():
            if m.region_id and m.region.has_center and region.is_within(m.region):
                return m.region
    return region.intake_center()


def create_case(c: dict, *, channel: str, actor=None, idempotency_key: str | None = None) -> Case:
    region = c["region"]
    now = timezone.now()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    tracking_code=new_tracking_code(),
                    idempotency_key=idempotency_key or None,
                    channel=c.get("channel") or channel,
                    external_source=c.get("external_source") or "",
                    external_id=c.get("external_id") or "",
                    reported_item=c.get("reported_item"),
                    attributes=c.get("attributes") or {},
                    status=Status.SUBMITTED,
                    description=c["description"].strip(),
                    region=region,
                    address=c.get("address", ""),
                    latitude=c.get("latitude"),
                    longitude=c.get("longitude"),
                    anonymous=bool(c.get("anonymous")),
                    group_size=c.get("group_size") or 1,
                    amount=c.get("amount"),
                    mediation_preference=c.get("mediation_preference") or "",
                    center=intake_center_for(region, actor),
                    respond_due=now + dt.timedelta(minutes=DEFAULT_RESPOND_MINUTES),
                    created_by=actor if getattr(actor, "is_authenticated", False) else None,
                    created_at=now,
                )
                if not case.anonymous:
                    Party.objects.create(
                        case=case, role=PartyRole.COMPLAINANT, name=c.get("name", ""),
                        phone=c.get("phone", ""), id_number=c.get("id_number", ""),
                    )
                if c.get("respondent"):
                    Party.objects.create(case=case, role=PartyRole.RESPONDENT, name=c["respondent"])
                for photo in c.get("photos") or []:
                    Attachment.objects.create(
                        case=case, file=photo, original_name=photo.name[:200],
                        content_type=getattr(photo, "content_type", ""), size=photo.size,
                        uploaded_by=case.created_by,
                    )
                event = Event.objects.create(
                    case=case, action="submit", from_status="", to_status=Status.SUBMITTED,
                    actor=case.created_by,
                    actor_label=actor_label(case.created_by, case) if case.created_by else str(PartyRole.COMPLAINANT.label),
                    data={"channel": case.channel}, public=True, created_at=now,
                )
                case_changed.send(sender=Case, case=case, events=[event])
                # one queued task does everything that follows a new case (see intake.signals)
                transaction.on_commit(lambda pk=case.pk, e=event.pk: judge_new_case.enqueue(pk, e))
                case.created = True
                return case
        except IntegrityError:
            existing = already_filed(idempotency_key, c.get("external_source") or "", c.get("external_id") or "")
            if existing:
                return existing  # the same request, committed by another process meanwhile
            continue  # a tracking-code collision: draw again
    raise RuntimeError("could not allocate a tracking code")
