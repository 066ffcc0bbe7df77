"""The escalation ladder at work (提级规则).

A case held by a center (no department) climbs the region tree when its level has used up
what the level's rule allows (`ladder_models.EscalationRule`, nearest ancestor's rule wins):

- attempts: after each failed mediation recorded at the center, once the case's failed
  mediations at that level reach the rule's number (checked after commit, in a task);
- time: once the case has spent the rule's working days at the center since it was sent
  there (checked by the worker's tick, `check_budgets`); a case not yet in progress there
  (dispatched or signed only) is proposed, not escalated, whatever the rule says.

An automatic rule escalates through `perform(case, "escalate", System())`, never inside
another transition's transaction; otherwise a non-public `propose_escalation` event goes on
the timeline and the center's dispatchers and leader are told."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.cases.models import Case, Event, MediationOutcome, Status
from jiefen.cases.signals import event_committed
from jiefen.cases.workflow import System

from .calendar import add_working_days
from .ladder_models import EscalationRule, rule_for

log = logging.getLogger(__name__)

ATTEMPTS, TIME = "attempts", "time"
WORKING = [Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS]


def failed_attempts(case: Case, level: int, up_to_event_id: int | None = None) -> int:
    """Failed (not resolved) mediations the case had while a center of `level` held it."""
    events = Event.objects.filter(case=case, action="record_mediation")
    if up_to_event_id is not None:
        events = events.filter(pk__lte=up_to_event_id)
    return sum(
        1 for data in events.values_list("data", flat=True)
        if data.get("level") == level and data.get("center_id") and data.get("outcome") != MediationOutcome.RESOLVED
    )


def _rule_text(rule: EscalationRule) -> str:
    return _("%(region)s提级规则：%(level)s级%(summary)s") % {
        "region": rule.region.name, "level": rule.get_level_display(), "summary": rule.summary,
    }


# ---------------------------------------------------------------- after a failed mediation


def on_event_committed(sender, event: Event, **kwargs) -> None:
    """A failed mediation at a center: look at the ladder in a task, after the commit."""
    data = event.data or {}
    if event.action == "record_mediation" and data.get("center_id") and data.get("outcome") != MediationOutcome.RESOLVED:
        from .tasks import climb_after_mediation

        climb_after_mediation.enqueue(event.pk)


def after_mediation(event_id: int) -> str | None:
    """Apply the rule after the failed mediation `event_id`; returns "escalated", "proposed"
    or None (no rule, attempts left, or the case has moved on)."""
    event = Event.objects.filter(pk=event_id, action="record_mediation").first()
    if event is None:
        return None
    case = Case.objects.select_related("center").get(pk=event.case_id)
    level = event.data.get("level")
    if case.department_id or case.center_id != event.data.get("center_id") or case.status != Status.IN_PROGRESS:
        return None  # the case has left the center (or the level) since
    rule = rule_for(case.center, level)
    if rule is None or not rule.max_attempts:
        return None
    used = failed_attempts(case, level, up_to_event_id=event.pk)
    if used < rule.max_attempts:
        return None
    if rule.automatic:
        reason = _("本级已调解%(n)d次未成功，按规则自动提级（%(rule)s）") % {"n": used, "rule": _rule_text(rule)}
    else:
        reason = _("本级已调解%(n)d次未成功，按规则建议提级") % {"n": used}
    data = {"trigger": ATTEMPTS, "attempts": used, "source_event_id": event.pk}
    return _act(case, rule, reason, data, timezone.now())


# ---------------------------------------------------------------- the time budget, on tick


def check_budgets(now: dt.datetime | None = None) -> int:
    """Escalate or propose the center-held cases that have spent their level's working days.
    Run by the worker beside the sheets' tick; a case is acted on once per stay at a center."""
    now = now or timezone.now()
    rules = EscalationRule.objects.filter(enabled=True, budget_days__isnull=False)
    spans = list(rules.values_list("level", "budget_days"))
    if not spans:
        return 0
    levels = {level for level, _days in spans}
    shortest = min(days for _level, days in spans)
    arrived = Event.objects.filter(case=OuterRef("pk"), action__in=["dispatch", "transfer"]).order_by("-created_at", "-id")
    proposed = Event.objects.filter(
        case=OuterRef("pk"), action="propose_escalation", data__trigger=TIME, created_at__gte=OuterRef("arrived_at"),
    )
    candidates = (
        Case.objects.filter(status__in=WORKING, department__isnull=True, center__level__in=levels)
        .annotate(arrived_at=Subquery(arrived.values("created_at")[:1]))
        # working days are never shorter than calendar days: a cheap first cut in the database
        .filter(arrived_at__lte=now - dt.timedelta(days=shortest))
        .exclude(Exists(proposed))
        .select_related("center")
        .order_by("arrived_at", "pk")
    )
    rules_by_center: dict[int, EscalationRule | None] = {}
    acted = 0
    for case in candidates:
        if case.center_id not in rules_by_center:
            rules_by_center[case.center_id] = rule_for(case.center)
        rule = rules_by_center[case.center_id]
        if rule is None or not rule.budget_days or now < add_working_days(case.arrived_at, rule.budget_days):
            continue
        automatic = rule.automatic and case.status == Status.IN_PROGRESS  # else only proposed
        if automatic and case.center.parent_center() is None:
            continue
        if automatic:
            reason = _("本级办理已满%(d)d个工作日仍未化解，按规则自动提级（%(rule)s）") % {
                "d": rule.budget_days, "rule": _rule_text(rule)}
        else:
            reason = _("本级办理已满%(d)d个工作日仍未化解，按规则建议提级") % {"d": rule.budget_days}
        data = {"trigger": TIME, "budget_days": rule.budget_days, "arrived_at": case.arrived_at.isoformat()}
        if _act(case, rule, reason, data, now, automatic=automatic):
            acted += 1
    return acted


# ---------------------------------------------------------------- acting on a rule


def _act(case: Case, rule: EscalationRule, reason: str, data: dict, now: dt.datetime,
         automatic: bool | None = None) -> str | None:
    if rule.automatic if automatic is None else automatic:
        return "escalated" if escalate_by_system(case, reason) is not None else None
    return "proposed" if propose(case, rule, reason, data, now) is not None else None


def escalate_by_system(case: Case, reason: str) -> Case | None:
    """Escalate as the system; None (and a log line) if the case is no longer eligible."""
    from jiefen.cases.services import ActionError, perform

    try:
        return perform(case, "escalate", System(), reason=reason)
    except ActionError as refused:
        log.info("escalation of case %s by rule refused: %s", case.pk, refused.message)
        return None


def propose(case: Case, rule: EscalationRule, reason: str, data: dict, now: dt.datetime) -> Event | None:
    """Write the proposal on the timeline (once per trigger) and tell the center after commit."""
    data = data | {"rule_id": rule.pk, "rule": _rule_text(rule), "center_id": case.center_id,
                   "center": case.center.display_center}
    with transaction.atomic():
        locked = Case.objects.select_for_update().filter(pk=case.pk).first()
        if locked is None:
            return None
        earlier = Event.objects.filter(case=case, action="propose_escalation").values_list("data", flat=True)
        key = "source_event_id" if data["trigger"] == ATTEMPTS else "arrived_at"
        if any(d.get("trigger") == data["trigger"] and d.get(key) == data[key] for d in earlier):
            return None  # proposed already (a second worker, or a task run twice)
        event = Event.objects.create(
            case=case, action="propose_escalation", from_status=locked.status, to_status=locked.status,
            actor=None, actor_label=_("系统"), reason=reason, data=data, public=False, created_at=now,
        )
        transaction.on_commit(lambda: event_committed.send(sender=Event, event=event))
    return event
