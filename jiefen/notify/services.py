"""Who is told about an event: the people who must act next."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.utils.translation import gettext as _

from jiefen.accounts.models import Role
from jiefen.cases.models import Event
from jiefen.cases.workflow import EVENT_LABELS

from .models import Notification

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


def notify_for_event(event_id: int) -> int:
    event = Event.objects.select_related("case").filter(pk=event_id).first()
    if event is None or superseded(event):
        return 0
    label = EVENT_LABELS.get(event.action, event.action)
    text = _("案件 %(code)s：%(label)s — %(summary)s") % {
        "code": event.case.display_code, "label": label, "summary": event.case.summary,
    }
    return tell(event, recipients(event), text)


def tell(event: Event, users: Iterable, text: str) -> int:
    """Put `text` in these users' notifications, about `event` (once per user and event: a
    task run twice adds nothing); returns how many users were told."""
    rows = [Notification(user=u, case_id=event.case_id, event=event, text=text[:300]) for u in users]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def announce(users: Iterable, text: str, *, kind: str, url: str = "", case=None) -> int:
    """Tell these users something that is not a case event (a report is ready, a typical case
    was published, a mediator was ordered): `kind` names what it is about, `url` where to look.
    Returns how many users were told."""
    rows = [Notification(user=u, case=case, kind=kind, url=url, text=text[:300]) for u in users]
    Notification.objects.bulk_create(rows)
    return len(rows)
