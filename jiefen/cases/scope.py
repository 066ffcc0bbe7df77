"""The jurisdiction scope: the one function every query of cases starts from.

Center staff see the cases whose place lies in their region's subtree; department handlers
see the cases their department leads or helps with; superusers see everything; anyone else
sees nothing."""

from __future__ import annotations

from django.db.models import Q

from jiefen.accounts.models import Role

from .models import Case, CaseQuerySet, Status


def scope_q(user) -> Q | None:
    """The filter for `user`'s jurisdiction, or None when it is unrestricted."""
    if user.is_superuser:
        return None
    q = Q(pk__in=[])
    for m in user.memberships_cached():
        if m.role == Role.HANDLER and m.department_id:
            q |= Q(department_id=m.department_id) | Q(
                pk__in=Case.helper_departments.through.objects.filter(
                    department_id=m.department_id
                ).values("case_id")
            )
        elif m.region_id:
            q |= Q(region_path__startswith=m.region.path)
    return q


def visible_cases(user) -> CaseQuerySet:
    if not user.is_authenticated:
        return Case.objects.none()
    q = scope_q(user)
    return Case.objects.all() if q is None else Case.objects.filter(q)


def can_see(user, case: Case) -> bool:
    return visible_cases(user).filter(pk=case.pk).exists()


CENTER_QUEUE = [Status.SUBMITTED, Status.ACCEPTED, Status.RETURNED, Status.ESCALATED, Status.REOPENED]
WORKING = [Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS]
REVIEW = [Status.RESOLVED, Status.UNRESOLVED]


def awaiting_q(user) -> Q:
    """Cases waiting for something this user's posts do (a subset of their scope)."""
    q = Q(pk__in=[])
    for m in user.memberships_cached():
        if m.role == Role.HANDLER:
            q |= Q(department_id=m.department_id, status__in=WORKING)
            q |= Q(status__in=WORKING, pk__in=Case.helper_departments.through.objects.filter(
                department_id=m.department_id).values("case_id"))
        elif m.role in (Role.CLERK, Role.DISPATCHER, Role.LEADER):
            q |= Q(center_id=m.region_id, status__in=CENTER_QUEUE)
            q |= Q(origin_center_id=m.region_id, status__in=REVIEW)
            q |= Q(center_id=m.region_id, department__isnull=True, status__in=WORKING)
        elif m.role == Role.MEDIATOR:
            q |= Q(center_id=m.region_id, department__isnull=True, status__in=WORKING)
    if user.has_role(Role.LEADER):
        q |= Q(leader=user, status__in=CENTER_QUEUE + WORKING + REVIEW)
    return q


def awaiting(user) -> CaseQuerySet:
    return visible_cases(user).filter(awaiting_q(user))
