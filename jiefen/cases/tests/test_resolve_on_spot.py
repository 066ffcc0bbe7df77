"""就地化解: a grid worker who settled a dispute where they found it files it resolved, and the
case closes at once with the result and the mediation record. Only the worker who filed it,
in their own grid, on a patrol report nobody at a center has touched yet."""

import pytest
from django.core.exceptions import ValidationError

from jiefen.accounts.models import Role
from jiefen.cases.models import Channel, MediationSession, Status
from jiefen.cases.services import NotAllowed, perform
from jiefen.cases.workflow import ACTIONS, allowed_actions
from jiefen.testing.factories import staff, submit

pytestmark = pytest.mark.django_db

ON_SPOT = {"mediators": "张网格", "attendees": "楼上李某、楼下赵某", "agreement_text": "李某夜间十点后不再装修。"}


def patrol(world, worker=None, **overrides):
    return submit(world, channel=Channel.GRID, actor=worker or world["grid_worker"],
                  description="三号楼楼上装修噪音扰民，楼上楼下两户发生争吵，现场劝解。", **overrides)


def test_the_grid_worker_closes_his_own_patrol_report_with_the_mediation(world):
    case = patrol(world)
    assert [a.name for a in allowed_actions(world["grid_worker"], case)] == ["resolve_on_spot"]

    case = perform(case, "resolve_on_spot", world["grid_worker"], data=ON_SPOT, reason="双方当场达成协议，已握手言和。")

    assert case.status == Status.CLOSED and case.closed_at is not None
    assert case.result_summary == "双方当场达成协议，已握手言和。"
    assert [(e.action, e.to_status, e.public) for e in case.events.order_by("id")] == [
        ("submit", "submitted", True), ("resolve_on_spot", "resolved", True), ("auto_close", "closed", True)]
    session = MediationSession.objects.get(case=case)
    assert (session.outcome, session.method, session.mediators) == ("resolved", "face_to_face", "张网格")
    assert session.place == case.address and session.recorded_by == world["grid_worker"]
    assert session.agreement_text == "李某夜间十点后不再装修。"
    assert case.events.get(action="resolve_on_spot").data["mediation_id"] == session.pk


def test_no_clock_keeps_running_on_a_case_resolved_on_the_spot(world):
    case = perform(patrol(world), "resolve_on_spot", world["grid_worker"], data=ON_SPOT, reason="当场化解。")
    assert not case.clocks.filter(stopped_at__isnull=True).exists()


def test_nobody_else_and_no_other_case_may_be_resolved_on_the_spot(world):
    other_grid_worker = staff(Role.GRID_WORKER, region=world.grids[1], username="gw2")
    mine = patrol(world)
    refused = [
        (mine, other_grid_worker),  # not the one who filed it
        (mine, world["clerk"]),  # center staff accept and dispatch instead
        (patrol(world, region=world.grids[1].pk, worker=world["grid_worker"]), world["grid_worker"]),  # not his grid
        (submit(world, channel=Channel.WEB, actor=world["grid_worker"]), world["grid_worker"]),  # not a patrol report
        (perform(patrol(world), "accept", world["clerk"]), world["grid_worker"]),  # the center has it now
    ]
    for case, actor in refused:
        assert ACTIONS["resolve_on_spot"] not in allowed_actions(actor, case)
        with pytest.raises(NotAllowed):
            perform(case, "resolve_on_spot", actor, data=ON_SPOT, reason="当场化解。")
        case.refresh_from_db()
        assert case.status in (Status.SUBMITTED, Status.ACCEPTED) and not case.mediations.exists()


def test_a_failed_mediation_or_no_result_is_refused_and_nothing_changes(world):
    case = patrol(world)
    with pytest.raises(ValidationError, match="就地化解须调解成功"):
        perform(case, "resolve_on_spot", world["grid_worker"], data=ON_SPOT | {"outcome": "failed"}, reason="没谈拢。")
    with pytest.raises(ValidationError, match="请填写化解结果"):
        perform(case, "resolve_on_spot", world["grid_worker"], data=ON_SPOT, reason="  ")
    with pytest.raises(ValidationError, match="请填写调解员"):
        perform(case, "resolve_on_spot", world["grid_worker"], data={}, reason="当场化解。")
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED and case.version == 1 and not case.mediations.exists()
