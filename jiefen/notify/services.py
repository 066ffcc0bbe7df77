"""Who is told about an event (the people who must act next, and the resident by SMS), and
the one way to tell them: the in-app notice, then each user's other channels by preference."""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiefen.accounts.models import Membership, Role
from jiefen.cases.models import Case, Event
from jiefen.cases.workflow import EVENT_LABELS
from jiefen.lib.personal import mask_phone

from .kinds import EMAIL, KINDS, OUTSIDE, SMS, WEBHOOK, kind_of, known
from .models import Delivery, Notification, Preference, WebhookEndpoint

log = logging.getLogger(__name__)

CENTER_DESK = [Role.CLERK, Role.DISPATCHER, Role.LEADER]
# action → who must act next
TO_DEPARTMENT = {"dispatch", "transfer", "set_helpers"}
TO_CENTER = {"submit", "return", "escalate", "reopen", "dispatch", "transfer"}
TO_ORIGIN = {"resolve", "close_unresolved"}
TO_HOLDER = {"urge"}  # whoever holds the case now: its department, or its center's desk


def recipients(event: Event) -> list:
    User = get_user_model()
    case = event.case
    q = Q(pk__in=[])
    if event.action in TO_DEPARTMENT and case.department_id:
        departments = [case.department_id, *case.helper_departments.values_list("id", flat=True)]
        q |= Q(memberships__role=Role.HANDLER, memberships__department_id__in=departments)
    if event.action in TO_CENTER and not case.department_id:
        q |= Q(memberships__role__in=CENTER_DESK, memberships__region_id=case.center_id)
    if event.action in TO_ORIGIN:
        q |= Q(memberships__role__in=CENTER_DESK, memberships__region_id=case.origin_center_id or case.center_id)
    if event.action == "assign_leader" and case.leader_id:
        q |= Q(pk=case.leader_id)
    if event.action == "set_task_force":
        q |= Q(pk__in=event.data.get("member_ids", []))
    if event.action in TO_HOLDER:
        if case.department_id:
            q |= Q(memberships__role=Role.HANDLER, memberships__department_id=case.department_id)
        else:
            q |= Q(memberships__role__in=CENTER_DESK, memberships__region_id=case.center_id)
    if event.action == "propose_escalation":  # the escalation ladder proposes: the center decides
        q |= Q(memberships__role__in=[Role.DISPATCHER, Role.LEADER], memberships__region_id=event.data.get("center_id"))
    if event.action == "schedule_follow_up":  # the grid workers who owe the visit (回访)
        q |= Q(pk__in=event.data.get("assignee_ids") or [])
    if event.action == "raise_sheet":
        from jiefen.sla.sheet_models import Sheet
        from jiefen.sla.sheets import recipients as sheet_recipients

        sheet = Sheet.objects.filter(pk=event.data.get("sheet_id")).first()
        if sheet is not None:
            q |= Q(pk__in=sheet_recipients(sheet).values("pk"))
    users = User.objects.filter(q, is_active=True).distinct()
    if event.actor_id:
        users = users.exclude(pk=event.actor_id)
    return list(users)


def superseded(event: Event) -> bool:
    """A status change someone has already acted upon needs nobody's attention any more."""
    return event.from_status != event.to_status and Event.objects.filter(
        case_id=event.case_id, id__gt=event.id
    ).exclude(to_status=F("from_status")).exists()


# What the resident is told by SMS, per public progress event (other public events, such as
# signing or pausing the clock, send nothing).
RESIDENT_TEXTS = {
    "submit": gettext_lazy("您反映的事项已登记。"),
    "accept": gettext_lazy("您反映的事项已受理。"),
    "decline": gettext_lazy("您反映的事项未予受理，原因请查看办理进度。"),
    "dispatch": gettext_lazy("您反映的事项已交由相关部门办理。"),
    "transfer": gettext_lazy("您反映的事项已交由相关部门办理。"),
    "escalate": gettext_lazy("您反映的事项已提交上级调处中心办理。"),
    "resolve": gettext_lazy("您反映的事项已办理完毕，待审核办结。"),
    "resolve_immediately": gettext_lazy("您反映的事项已办理完毕。"),
    "close_unresolved": gettext_lazy("您反映的事项未能化解，已为您提供后续途径指引，请查看办理进度。"),
    "close": gettext_lazy("您反映的事项已办结，欢迎对办理结果进行评价。"),
    "auto_close": gettext_lazy("您反映的事项已办结，欢迎对办理结果进行评价。"),
    "reopen": gettext_lazy("您反映的事项已重新办理。"),
}


def notify_for_event(event_id: int) -> int:
    """Tell the staff who must act next, and the resident of a public step, about an event;
    returns how many staff were told. Safe to run twice."""
    event = Event.objects.select_related("case").filter(pk=event_id).first()
    if event is None:
        return 0
    told = 0
    if not superseded(event):
        label = EVENT_LABELS.get(event.action, event.action)
        text = _("案件 %(code)s：%(label)s — %(summary)s") % {
            "code": event.case.display_code, "label": label, "summary": event.case.summary,
        }
        told = tell(event, recipients(event), text)
    if event.public and event.action in RESIDENT_TEXTS and not Event.objects.filter(
        case_id=event.case_id, id__gt=event.id, action__in=RESIDENT_TEXTS
    ).exists():  # only the latest step, when several came before the worker ran
        tell_resident(event.case, str(RESIDENT_TEXTS[event.action]), event=event)
    return told


def tell(event: Event, users: Iterable, text: str) -> int:
    """Put `text` in these users' notifications, about `event`, and send it on the other
    channels each user chose for this kind of event (once per user, event and channel: a task
    run twice adds and sends nothing more); returns how many users were told."""
    users = list(users)
    kind = kind_of(event.action)
    rows = [Notification(user=u, case_id=event.case_id, event=event, kind=kind, text=text[:300]) for u in users]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    notes = Notification.objects.filter(event=event, user__in=users).select_related("user", "case")
    fan_out(list(notes), kind, shared_key=f"e{event.pk}", event=event)
    return len(rows)


def announce(users: Iterable, text: str, *, kind: str, url: str = "", case=None) -> int:
    """Tell these users something that is not a case event (a report is ready, a typical case
    was published, a mediator was ordered): `kind` names what it is about, `url` where to look.
    Sent on their other channels too, by their preferences for that kind. Returns how many
    users were told."""
    users = list(users)
    rows = [Notification(user=u, case=case, kind=kind, url=url, text=text[:300]) for u in users]
    notes = Notification.objects.bulk_create(rows)
    if notes:
        for note, user in zip(notes, users, strict=False):
            note.user = user
        fan_out(notes, kind, shared_key=f"a{notes[0].pk}")
    return len(rows)


def tell_resident(case: Case, text: str, *, event: Event | None = None) -> Delivery | None:
    """Send `text` by SMS to the case's complainant, with the tracking code and link, if they
    left a phone and did not report anonymously. About an event: once however often asked."""
    person = case.complainant
    if case.anonymous or person is None or not person.phone:
        return None
    link = tracking_link(case)
    body = _("%(text)s查询码 %(code)s，查看进度：%(link)s") % {
        "text": text, "code": case.display_code, "link": link,
    }
    key = f"r{event.pk}:sms" if event is not None else f"r{case.pk}:{uuid.uuid4().hex}"
    row = Delivery(key=key, channel=SMS, kind="progress", case=case, event=event,
                   target=mask_phone(person.phone), text=body, url=link, next_try_at=timezone.now())
    _queue([row])
    return Delivery.objects.filter(key=key).first()


def tracking_link(case: Case) -> str:
    return f"{settings.JIEFEN_PUBLIC_URL}{reverse('track')}?code={case.tracking_code}"


# ---------------------------------------------------------------- channels besides in-app


def preferences(users: Iterable, kind: str) -> dict[int, set[str]]:
    """The outside channels each user wants for this kind of notice."""
    kind = known(kind)
    chosen = {u.pk: set(KINDS[kind].defaults) for u in users}
    for pref in Preference.objects.filter(user_id__in=list(chosen), kind=kind):
        chosen[pref.user_id] = set(pref.channels)
    return chosen


def preference_table(user) -> list[dict]:
    """The 提醒 page's settings: each kind with the outside channels now on for this user."""
    chosen = {p.kind: set(p.channels) for p in Preference.objects.filter(user=user)}
    return [{"kind": k.name, "label": k.label, "on": chosen.get(k.name, set(k.defaults))}
            for k in KINDS.values()]


def channel_addresses(user) -> dict[str, str]:
    """Where each outside channel would reach this user (masked; empty: it cannot)."""
    hooks = [e.name for e in WebhookEndpoint.objects.filter(user=user, active=True)]
    return {
        EMAIL: mask_email(user.email) if user.email else "",
        SMS: mask_phone(user.phone) if user.phone else "",
        WEBHOOK: "、".join(hooks),
    }


@transaction.atomic
def save_preferences(user, data) -> None:
    """From the form: a box named "<kind>:<channel>" for each channel turned on. A channel the
    user has no address for is not on the form; its choice is kept as it was."""
    usable = {c for c, address in channel_addresses(user).items() if address}
    for row in preference_table(user):
        kept = row["on"] - usable
        posted = {c for c in OUTSIDE if c in usable and data.get(f"{row['kind']}:{c}")}
        Preference.objects.update_or_create(user=user, kind=row["kind"],
                                            defaults={"channels": sorted(kept | posted)})


def mask_email(address: str) -> str:
    name, _at, domain = address.partition("@")
    return f"{name[:1]}***@{domain}"


def fan_out(notes: list[Notification], kind: str, *, shared_key: str, event: Event | None = None) -> None:
    """Queue the deliveries of these in-app notices: each user's chosen channels, and the
    endpoints of the departments and regions the users work in (once per notice batch)."""
    if not notes:
        return
    users = {n.user_id: n.user for n in notes}
    chosen = preferences(users.values(), kind)
    personal = defaultdict(list)
    for endpoint in WebhookEndpoint.objects.filter(active=True, user_id__in=list(users)):
        personal[endpoint.user_id].append(endpoint)
    now = timezone.now()
    rows = []

    def row(key, channel, note, target, **extra):
        rows.append(Delivery(key=key, channel=channel, kind=kind, notification=note, case_id=note.case_id,
                             event=event, target=target[:120], text=note.text, url=note.link,
                             next_try_at=now, **extra))

    for note in notes:
        user, want = note.user, chosen[note.user_id]
        if EMAIL in want and user.email:
            row(f"n{note.pk}:email", EMAIL, note, mask_email(user.email), user=user)
        if SMS in want and user.phone:
            row(f"n{note.pk}:sms", SMS, note, mask_phone(user.phone), user=user)
        if WEBHOOK in want:
            for endpoint in personal[note.user_id]:
                if endpoint.wants(kind):
                    row(f"n{note.pk}:w{endpoint.pk}", WEBHOOK, note, endpoint.name, user=user, endpoint=endpoint)
    places = Membership.objects.filter(user_id__in=list(users))
    departments = places.filter(role=Role.HANDLER).exclude(department=None).values("department_id")
    regions = places.exclude(role=Role.HANDLER).exclude(region=None).values("region_id")
    shared = WebhookEndpoint.objects.filter(active=True).filter(
        Q(department_id__in=departments) | Q(region_id__in=regions))
    for endpoint in shared:
        if endpoint.wants(kind):
            row(f"{shared_key}:w{endpoint.pk}", WEBHOOK, notes[0], endpoint.name, endpoint=endpoint)
    _queue(rows)


def _queue(rows: list[Delivery]) -> None:
    if not rows:
        return
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    keys = [r.key for r in rows]

    def enqueue():
        from .tasks import deliver_now

        deliver_now.enqueue(keys)

    transaction.on_commit(enqueue)


# ---------------------------------------------------------------- sending and retrying


def backoff(attempt: int) -> timedelta:
    """How long after the `attempt`-th try the next one is due: 1, 2, 4, 8 … minutes by
    default, at most six hours."""
    base = getattr(settings, "JIEFEN_NOTIFY_RETRY_SECONDS", 60)
    return timedelta(seconds=min(base * 2 ** (attempt - 1), 6 * 3600))


def max_attempts() -> int:
    return getattr(settings, "JIEFEN_NOTIFY_MAX_ATTEMPTS", 6)


DUE = (Delivery.Status.PENDING, Delivery.Status.FAILED)


def deliver(keys: Iterable[str] | None = None, now=None, limit: int = 500) -> int:
    """Send the deliveries that are due (these, if keys are given); returns how many were
    sent. A failure is recorded and retried later with back-off; it never stops the rest."""
    now = now or timezone.now()
    due = Delivery.objects.filter(status__in=DUE, next_try_at__lte=now)
    if keys is not None:
        due = due.filter(key__in=list(keys))
    due = due.select_related("user", "case", "event", "endpoint").order_by("next_try_at", "id")[:limit]
    return sum(attempt(d, now) for d in due)


def attempt(delivery: Delivery, now) -> bool:
    from .channels import SENDERS, NoAddress

    tries = delivery.attempts + 1
    # Claim it: of two workers looking at the same row, one sends. The next try is set now so
    # that a worker dying while sending leaves it to be retried, not lost.
    claimed = Delivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts, status__in=DUE).update(
        attempts=tries, next_try_at=now + backoff(tries))
    if not claimed:
        return False
    delivery.attempts = tries
    mine = Delivery.objects.filter(pk=delivery.pk)
    try:
        SENDERS[delivery.channel](delivery)
    except NoAddress as exc:
        mine.update(status=Delivery.Status.GAVE_UP, last_error=str(exc)[:500], next_try_at=None)
        return False
    except Exception as exc:  # any channel's failure: recorded, retried, the others go on
        error = f"{type(exc).__name__}: {exc}"[:500]
        if tries >= max_attempts():
            mine.update(status=Delivery.Status.GAVE_UP, last_error=error, next_try_at=None)
            log.warning("gave up %s delivery %s after %d attempts: %s", delivery.channel, delivery.key, tries, error)
        else:
            mine.update(status=Delivery.Status.FAILED, last_error=error)
            log.info("%s delivery %s failed (attempt %d): %s", delivery.channel, delivery.key, tries, error)
        return False
    mine.update(status=Delivery.Status.SENT, sent_at=timezone.now(), last_error="", next_try_at=None)
    return True
