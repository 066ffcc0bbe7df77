"""The case state machine as a table: each action, the statuses it starts from, where it
leads, who may take it and whether the resident sees it on the public timeline.

`allowed_actions(user, case)` is the single answer to "what may this person do now"; the
transition function in services.py checks the same table before it changes anything."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jiefen.accounts.models import Role
from jiefen.taxonomy.models import HandlingKind

from .models import TERMINAL_STATUSES, Case, Channel, Status

S = Status


class Resident:
    """A member of the public acting on one case, proven by its tracking code and phone."""

    is_authenticated = False
    is_superuser = False

    def __init__(self, case_id: int) -> None:
        self.case_id = case_id

    def __str__(self) -> str:
        return str(_("诉求人"))


class System:
    """The platform itself, acting on a rule an administrator set: it may escalate (the
    escalation ladder) and raise a case's risk grade (an early-warning signal in its words),
    nothing else; its events carry no user."""

    is_authenticated = False
    is_superuser = False
    may = frozenset({"escalate", "set_risk"})

    def __str__(self) -> str:
        return str(_("系统"))


# Who, relative to the case, may take an action:
#   center  – staff of the center that holds the case now (case.center)
#   origin  – staff of the center that dispatched it (case.origin_center, else case.center)
#   holder  – whoever holds it: the lead department's handlers, or the center's staff when
#             no department leads it
#   worker  – the holder, or a handler of a helper department (joint handling)
#   resident – the complainant, through the tracking code
#   visit    – the complainant; or, on their behalf, the origin center's staff, or a staff
#              member an app vouches for (VISITORS: the grid worker of a pending follow-up)
#   reporter – the staff member who filed the case, holding one of the roles at a region
#              whose subtree holds its place (the grid worker's own patrol report)
CENTER, ORIGIN, HOLDER, WORKER, RESIDENT = "center", "origin", "holder", "worker", "resident"
VISIT, REPORTER = "visit", "reporter"

STAFF = frozenset({Role.CLERK, Role.DISPATCHER, Role.LEADER})
DISPATCH = frozenset({Role.DISPATCHER, Role.LEADER})
CENTER_HANDLING = frozenset({Role.DISPATCHER, Role.LEADER, Role.MEDIATOR, Role.CLERK})
OPEN = frozenset(s for s in Status if s not in TERMINAL_STATUSES)
WORKING = frozenset({S.DISPATCHED, S.SIGNED, S.IN_PROGRESS})


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: frozenset
    target: str | None  # None: an event that does not change the status
    who: str
    roles: frozenset = frozenset()
    public: bool = False
    style: str = ""  # "danger" for actions that end or undo something
    when: Callable[[Case], bool] | None = None  # a further condition on the case


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action("accept", _("受理"), frozenset({S.SUBMITTED}), S.ACCEPTED, CENTER, STAFF, True),
        Action("decline", pgettext_lazy("action", "不予受理"), frozenset({S.SUBMITTED}), S.DECLINED, CENTER, STAFF, True, "danger"),
        Action(
            "classify", _("分类定级"),
            frozenset({S.SUBMITTED, S.ACCEPTED, S.RETURNED, S.ESCALATED, S.REOPENED}),
            None, CENTER, STAFF,
        ),
        Action("set_risk", _("调整风险等级"), OPEN, None, ORIGIN, STAFF),
        Action(
            "resolve_immediately", _("即办办结"), frozenset({S.ACCEPTED}), S.RESOLVED, CENTER,
            frozenset({Role.CLERK, Role.DISPATCHER}), True,
            when=lambda c: c.handling_kind == HandlingKind.IMMEDIATE,
        ),
        # 就地化解: the grid worker mediated the matter where they found it and files it resolved;
        # nobody at a center has touched it yet, so it closes at once like an immediate matter.
        Action(
            "resolve_on_spot", _("就地化解"), frozenset({S.SUBMITTED}), S.RESOLVED, REPORTER,
            frozenset({Role.GRID_WORKER}), True,
            when=lambda c: c.channel == Channel.GRID,
        ),
        Action(
            "dispatch", _("派单"), frozenset({S.ACCEPTED, S.RETURNED, S.ESCALATED, S.REOPENED}),
            S.DISPATCHED, CENTER, DISPATCH, True,
        ),
        Action("sign", _("签收"), frozenset({S.DISPATCHED}), S.SIGNED, HOLDER, CENTER_HANDLING, True),
        Action("return", _("退单"), frozenset({S.DISPATCHED}), S.RETURNED, HOLDER, CENTER_HANDLING, False, "danger"),
        Action("record_handling", _("记录办理情况"), frozenset({S.SIGNED, S.IN_PROGRESS}), None, WORKER, CENTER_HANDLING),
        Action("record_mediation", _("记录调解"), frozenset({S.SIGNED, S.IN_PROGRESS}), None, WORKER, CENTER_HANDLING, True),
        Action(
            "pause_clock", _("暂停计时"), frozenset({S.SIGNED, S.IN_PROGRESS}), None, HOLDER, CENTER_HANDLING, True,
            when=lambda c: c.clock_paused_at is None,
        ),
        Action(
            "resume_clock", _("恢复计时"), frozenset({S.SIGNED, S.IN_PROGRESS}), None, HOLDER, CENTER_HANDLING, True,
            when=lambda c: c.clock_paused_at is not None,
        ),
        Action("resolve", _("化解办结"), frozenset({S.IN_PROGRESS}), S.RESOLVED, HOLDER, CENTER_HANDLING, True),
        Action(
            "close_unresolved", _("未化解并引导"), frozenset({S.IN_PROGRESS}), S.UNRESOLVED, HOLDER,
            CENTER_HANDLING, True, "danger",
        ),
        Action(
            "escalate", _("提级"), frozenset({S.IN_PROGRESS}), S.ESCALATED, HOLDER,
            DISPATCH | {Role.MEDIATOR}, True,
            when=lambda c: c.department_id is None and c.center.parent_center() is not None,
        ),
        Action("close", _("审核办结"), frozenset({S.RESOLVED, S.UNRESOLVED}), S.CLOSED, ORIGIN, STAFF, True),
        Action("transfer", _("转办"), WORKING, S.DISPATCHED, ORIGIN, DISPATCH, True),
        Action("set_helpers", _("联办"), WORKING, None, ORIGIN, DISPATCH),
        Action("assign_leader", _("领导包案"), OPEN, None, ORIGIN, DISPATCH),
        Action(
            "set_task_force", _("组建专班"), OPEN, None, ORIGIN, DISPATCH,
            when=lambda c: c.is_serious,
        ),
        Action(
            "rate", _("评价"), frozenset({S.CLOSED}), None, RESIDENT, public=True,
            when=lambda c: c.satisfaction is None,
        ),
        Action("reopen", _("申请重启"), frozenset({S.CLOSED}), S.REOPENED, VISIT, STAFF, public=True),
    ]
}

# Steps the machine takes by itself inside an action, each written as its own event:
# the first handling record starts the handling; an immediate matter closes as it resolves.
STEPS = {
    "start": Action("start", _("开始办理"), frozenset({S.SIGNED}), S.IN_PROGRESS, WORKER, public=True),
    "auto_close": Action("auto_close", _("办结"), frozenset({S.RESOLVED}), S.CLOSED, CENTER, public=True),
}

# Events written by the follow-up visits (followup), not by a transition.
FOLLOW_UP_EVENTS = {"schedule_follow_up": _("安排回访"), "follow_up": _("回访")}

# Checks `(user, case) -> bool` that apps add (in their ready()) for who="visit".
VISITORS: list[Callable] = []

# Events written by the supervision side (sla), not by a transition.
SUPERVISION_EVENTS = {"raise_sheet": _("发出督办单"), "urge": _("催办"), "propose_escalation": _("建议提级")}

EVENT_LABELS = (
    {name: a.label for name, a in (ACTIONS | STEPS).items()}
    | {"submit": _("提交诉求"), "add_photo": _("补充照片"), "anonymise": _("个人信息匿名化")} | SUPERVISION_EVENTS
    | FOLLOW_UP_EVENTS
)


def add_event_labels(labels: dict) -> None:
    """Name the events an app writes of its own (the judgement's proposals, warnings …) for the
    timeline and the notifications; called from the app's AppConfig.ready()."""
    for action, label in labels.items():
        EVENT_LABELS.setdefault(action, label)


PUBLIC_EVENTS = {name for name, a in (ACTIONS | STEPS).items() if a.public} | {"submit"}


def _center_roles(user, region_id) -> set[str]:
    return {m.role for m in user.memberships_cached() if m.region_id == region_id and m.role != Role.HANDLER}


def _handles_for(user, department_id) -> bool:
    return any(m.role == Role.HANDLER and m.department_id == department_id for m in user.memberships_cached())


def _helper_ids(case: Case) -> set[int]:
    if not hasattr(case, "_helper_ids"):
        case._helper_ids = set(case.helper_departments.values_list("id", flat=True))
    return case._helper_ids


def actor_may(user, case: Case, action: Action) -> bool:
    if action.who == RESIDENT or (action.who == VISIT and isinstance(user, Resident)):
        return isinstance(user, Resident) and user.case_id == case.pk
    if isinstance(user, System):
        return action.name in user.may
    if isinstance(user, Resident) or not user.is_authenticated:
        return False
    if action.who == VISIT:
        origin = bool(_center_roles(user, case.origin_center_id or case.center_id) & action.roles)
        return origin or any(check(user, case) for check in VISITORS)
    if action.who == REPORTER:
        return case.created_by_id == user.pk and any(
            m.role in action.roles and m.region_id and case.region_path.startswith(m.region.path)
            for m in user.memberships_cached()
        )
    if action.who == CENTER:
        return bool(_center_roles(user, case.center_id) & action.roles)
    if action.who == ORIGIN:
        return bool(_center_roles(user, case.origin_center_id or case.center_id) & action.roles)
    if action.who in (HOLDER, WORKER):
        if case.department_id:
            if _handles_for(user, case.department_id):
                return True
            return action.who == WORKER and any(_handles_for(user, d) for d in _helper_ids(case))
        return bool(_center_roles(user, case.center_id) & action.roles)
    return False


def is_available(user, case: Case, action: Action) -> bool:
    return (
        case.status in action.sources
        and (action.when is None or action.when(case))
        and actor_may(user, case, action)
    )


def allowed_actions(user, case: Case) -> list[Action]:
    return [a for a in ACTIONS.values() if is_available(user, case, a)]
