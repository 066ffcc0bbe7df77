"""Scheduling and recording follow-up visits (回访).

A visit is scheduled when a case is closed (`close`, or `auto_close` after an immediate
resolution), from a receiver of `case_changed`, in the transaction that closed the case:
`follow_up_days` of the case's item after the close (0: no visit), owed by the grid workers
of the case's grid (else of its community; else the case's center). Recording the visit
writes a non-public event on the case's timeline; when the resident is not satisfied the
visitor may reopen the case on their behalf in the same transaction."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.accounts.models import Membership, Role
from jiefen.cases.models import Case, Event, Satisfaction, Status
from jiefen.cases.services import note
from jiefen.regions.models import Level, Region

from .models import FollowUp, Honoured

DESK = (Role.CLERK, Role.DISPATCHER, Role.LEADER)


class FollowUpError(Exception):
    def __init__(self, message: str, http_status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status


# ---------------------------------------------------------------- scheduling


def visitors_for(case: Case) -> tuple[Region | None, list]:
    """Where the visit is owed and its grid workers: the case's grid, else its community."""
    places = {r.level: r for r in case.region.ancestors()}
    for level in (Level.GRID, Level.COMMUNITY):
        place = places.get(level)
        if place is None:
            continue
        members = Membership.objects.filter(
            role=Role.GRID_WORKER, region=place, user__is_active=True
        ).select_related("user").order_by("id")
        users = list({m.user_id: m.user for m in members}.values())
        if users:
            return place, users
    return None, []


def visitors_label(region: Region, users: list) -> str:
    names = "、".join(str(u) for u in users[:3]) + ("…" if len(users) > 3 else "")
    return _("%(names)s（%(grid)s网格员）") % {"names": names, "grid": region.name}


def schedule(case: Case, closed_at: dt.datetime) -> FollowUp | None:
    item = case.item if case.item_id else None
    if item is None or not item.follow_up_days or case.follow_ups.pending().exists():
        return None
    due = timezone.localtime(closed_at).date() + dt.timedelta(days=item.follow_up_days)
    region, users = visitors_for(case)
    if users:
        label = visitors_label(region, users)
    else:
        center = case.origin_center or case.center
        label = _("%(center)s（待指派）") % {"center": center.display_center}
    follow_up = FollowUp.objects.create(
        case=case, due_date=due, region=region, assignee=users[0] if users else None,
        assignee_label=label[:200], created_at=closed_at,
    )
    _event(case, "schedule_follow_up", None, _("系统"), closed_at, "", {
        "follow_up_id": follow_up.pk, "due_date": due.isoformat(), "assignee": follow_up.assignee_label,
        "assignee_ids": [u.pk for u in users],
    })
    return follow_up


def on_case_changed(sender, case: Case, events: list[Event], **kwargs) -> None:
    for event in events:
        if event.to_status == Status.CLOSED and event.from_status != Status.CLOSED:
            schedule(case, event.created_at)
        elif event.action == "reopen":
            # the case is being worked again; a new visit follows its next close
            FollowUp.objects.filter(case=case).pending().update(cancelled_at=event.created_at)


def _event(case: Case, action: str, actor, label: str, when: dt.datetime, reason: str, data: dict) -> Event:
    return note(case, action, actor, reason=reason, data=data, label=label, when=when)


# ---------------------------------------------------------------- who sees and records


def _desk_regions(user) -> list[int]:
    return [m.region_id for m in user.memberships_cached() if m.role in DESK and m.region_id]


def _grid_regions(user) -> list[int]:
    return [m.region_id for m in user.memberships_cached() if m.role == Role.GRID_WORKER and m.region_id]


def follow_ups_for(user) -> QuerySet[FollowUp]:
    """The visits this user may record: those owed by their grid, or named to them; those
    left to their center (no grid worker) for the center's clerks, dispatchers, leaders."""
    if user.is_superuser:
        return FollowUp.objects.all()
    desks = _desk_regions(user)
    q = Q(region_id__in=_grid_regions(user)) | Q(assignee=user)
    if desks:
        q |= Q(region__isnull=True) & (Q(case__origin_center_id__in=desks) | Q(case__center_id__in=desks))
    return FollowUp.objects.filter(q)


def may_record(user, follow_up: FollowUp) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return follow_ups_for(user).filter(pk=follow_up.pk).exists()


def visits_pending(user, case: Case) -> bool:
    """For the workflow's who="visit": a pending visit of this case is this user's to record."""
    return follow_ups_for(user).filter(case_id=case.pk).pending().exists()


def has_follow_up_post(user) -> bool:
    return bool(user.is_authenticated and (_grid_regions(user) or _desk_regions(user)))


# ---------------------------------------------------------------- recording a visit


def record_visit(follow_up: FollowUp, user, cleaned: dict) -> FollowUp:
    """Record the visit; with cleaned["reopen"], reopen the case on the resident's behalf.
    All or nothing: a refused reopen leaves the visit unrecorded."""
    from jiefen.cases.services import actor_label, perform

    if not may_record(user, follow_up):
        raise FollowUpError(_("这次回访不归您负责。"), 403)
    with transaction.atomic():
        fu = FollowUp.objects.select_for_update().select_related("case").get(pk=follow_up.pk)
        if not fu.is_pending:
            raise FollowUpError(_("这次回访已经记录过或已取消，无需重复记录。"), 409)
        case, now = fu.case, timezone.now()
        label = actor_label(user, case)
        _event(case, "follow_up", user, label, now, cleaned["note"], {
            "follow_up_id": fu.pk, "reached": cleaned["reached"], "agreement_honoured": cleaned["agreement_honoured"],
            "satisfaction": cleaned["satisfaction"], "reopen": cleaned["reopen"],
        })
        if cleaned["reopen"]:
            perform(case, "reopen", user, data={"satisfaction": Satisfaction.DISSATISFIED},
                    reason=cleaned["reopen_reason"])
        fu.done_at, fu.done_by, fu.done_by_label = now, user, label[:200]
        fu.reached, fu.agreement_honoured = cleaned["reached"], cleaned["agreement_honoured"]
        fu.satisfaction, fu.note, fu.reopened = cleaned["satisfaction"], cleaned["note"], cleaned["reopen"]
        fu.cancelled_at = None  # the reopen cancels pending visits; this one was done
        fu.save()
    return fu


def summary(data: dict) -> str:
    """One line for the timeline from a follow_up event's data."""
    if not data.get("reached"):
        return _("未联系上诉求人")
    parts = [_("已联系诉求人")]
    if data.get("agreement_honoured"):
        parts.append(_("协议：%(state)s") % {"state": Honoured(data["agreement_honoured"]).label})
    if data.get("satisfaction"):
        parts.append(str(Satisfaction(data["satisfaction"]).label))
    if data.get("reopen"):
        parts.append(_("代为申请重启"))
    return " · ".join(str(p) for p in parts)
