"""A stateful property test: random sequences of actions by random people on a case.

Whatever happens, the invariants hold: each status change has exactly one event and the
events chain from "submitted" to the case's status along the state machine; the owner is
consistent with the status; an action the table does not allow to that person is refused
and changes nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from jiefen.cases.models import Case, Event, Status
from jiefen.cases.services import NotAllowed, perform
from jiefen.cases.workflow import ACTIONS, STEPS, Resident, is_available
from jiefen.taxonomy.models import HandlingKind
from jiefen.testing.factories import MEDIATION, submit

CENTER_HELD = {Status.SUBMITTED, Status.ACCEPTED, Status.RETURNED, Status.ESCALATED, Status.REOPENED}
PROGRESS = {"classify", "record_handling", "record_mediation"}  # no status change, but a way on
TABLE = {(s, a.target, name) for name, a in (ACTIONS | STEPS).items() if a.target for s in a.sources}


def action_data(world, name: str, draw) -> tuple[dict, str]:
    reason = draw(st.sampled_from(["双方已当面协商", "不属于本部门职责", ""]))
    if name == "decline":
        return {"redirect": draw(st.sampled_from(["", "请向法院咨询"]))}, reason
    if name == "classify":
        items = [world.wage_item, world.property_item, world.immediate_item, world.committed_item]
        return {"item": draw(st.sampled_from(items)).pk}, reason
    if name == "set_risk":
        return {"risk_grade": draw(st.sampled_from(["general", "significant", "major", "bad"]))}, reason
    if name in ("dispatch", "transfer"):
        target = draw(st.sampled_from(
            [{"department": world.hr.pk}, {"department": world.housing.pk}]
            + [{"center": r.pk} for r in world.streets + world.communities[:1]]
        ))
        if draw(st.booleans()):
            target["committed_date"] = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
        if draw(st.booleans()):
            target["helpers"] = [world.housing.pk]
        return target, reason
    if name == "set_helpers":
        return {"helpers": draw(st.sampled_from([[], [world.hr.pk], [world.housing.pk]]))}, reason
    if name == "assign_leader":
        return {"leader": draw(st.sampled_from([world["leader"], world["clerk"]])).pk}, reason
    if name == "record_mediation":
        return MEDIATION | {"held_at": timezone.now().isoformat()}, reason
    if name == "close_unresolved":
        return {"guidance": draw(st.sampled_from(["", "litigation", "legal_aid"]))}, reason
    if name == "rate":
        return {"satisfaction": draw(st.sampled_from([1, 2, 3, 7]))}, reason
    return {}, reason


class CaseMachine(RuleBasedStateMachine):
    world = None

    def __init__(self):
        super().__init__()
        self.case = submit(self.world, region=self.world.grids[0].pk)
        self.performed = 0

    @rule(data=st.data())
    def someone_tries_something(self, data):
        case = Case.objects.get(pk=self.case.pk)
        people = list(self.world.users.values()) + [Resident(case.pk), Resident(case.pk + 10_000)]
        open_moves = [(n, p) for n in sorted(ACTIONS) for p in people if is_available(p, case, ACTIONS[n])]
        forward = [m for m in open_moves if ACTIONS[m[0]].target or m[0] in PROGRESS
                   and not (m[0] == "classify" and case.item_id)]
        roll = data.draw(st.integers(0, 5))  # mostly moves the table allows, forward ones first, to go deep
        if forward and roll >= 2:
            name, actor = data.draw(st.sampled_from(forward))
        elif open_moves and roll >= 1:
            name, actor = data.draw(st.sampled_from(open_moves))
        else:
            name = data.draw(st.sampled_from(sorted(ACTIONS)))
            actor = data.draw(st.sampled_from(people))
        payload, reason = action_data(self.world, name, data.draw)
        allowed = is_available(actor, case, ACTIONS[name])
        before = (case.version, Event.objects.filter(case=case).count(), case.status)
        try:
            perform(case, name, actor, data=payload, reason=reason)
        except NotAllowed:
            assert not allowed, f"{name} by {actor} was refused though the table allows it"
            self.assert_unchanged(before)
        except ValidationError:
            assert allowed, f"{name} by {actor} reached validation though the table forbids it"
            self.assert_unchanged(before)
        else:
            assert allowed, f"{name} by {actor} succeeded though the table forbids it"
            fresh = Case.objects.get(pk=case.pk)
            assert fresh.version == before[0] + 1
            assert Event.objects.filter(case=case).count() > before[1]

    def assert_unchanged(self, before):
        case = Case.objects.get(pk=self.case.pk)
        assert (case.version, Event.objects.filter(case=case).count(), case.status) == before

    @invariant()
    def events_chain_along_the_state_machine(self):
        case = Case.objects.get(pk=self.case.pk)
        events = list(case.events.order_by("created_at", "id"))
        assert events[0].action == "submit" and events[0].to_status == Status.SUBMITTED
        status = Status.SUBMITTED
        for e in events[1:]:
            assert e.from_status == status, (e.action, e.from_status, status)
            if e.to_status != e.from_status:
                assert (e.from_status, e.to_status, e.action) in TABLE, (e.from_status, e.to_status, e.action)
            status = e.to_status
        assert status == case.status
        assert case.status in Status.values

    @invariant()
    def owner_is_consistent_with_status(self):
        case = Case.objects.select_related("center", "origin_center", "region").get(pk=self.case.pk)
        assert case.region.is_within(case.center)
        if case.origin_center_id:
            assert case.center.is_within(case.origin_center)
        if case.status in CENTER_HELD:
            assert case.department_id is None and not case.helper_departments.exists()
        if case.department_id:
            assert case.origin_center_id is not None
        if case.status in {Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS}:
            assert case.sign_due and case.handle_due
        if case.status in {Status.CLOSED, Status.DECLINED}:
            assert case.closed_at is not None
        if case.handling_kind == HandlingKind.COMMITTED and case.status == Status.DISPATCHED:
            assert case.committed_date is not None


@pytest.mark.django_db
def test_random_actions_by_random_people_keep_the_invariants(world):
    CaseMachine.world = world
    run_state_machine_as_test(
        CaseMachine,
        settings=settings(max_examples=80, stateful_step_count=30, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]),
    )
