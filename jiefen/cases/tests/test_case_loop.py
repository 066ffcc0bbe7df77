"""The case's life through the transition function, told as small stories."""

import pytest
from django.core.exceptions import ValidationError

from jiefen.cases.models import Event, Status
from jiefen.cases.services import Conflict, NotAllowed, perform
from jiefen.cases.workflow import Resident
from jiefen.testing.factories import advance, submit


def test_resident_report_arrives_at_the_county_center(world):
    case = submit(world)
    assert case.status == Status.SUBMITTED
    assert case.center == world.county
    assert len(case.tracking_code) == 8
    [event] = case.events.all()
    assert (event.action, event.from_status, event.to_status, event.public) == ("submit", "", "submitted", True)


def test_full_loop_to_department_and_back_to_resident(world):
    case = advance(world, submit(world), Status.CLOSED)
    assert case.status == Status.CLOSED
    assert case.department == world.hr and case.origin_center == world.county
    actions = list(case.events.values_list("action", flat=True))
    assert actions == ["submit", "accept", "classify", "dispatch", "sign", "start", "record_mediation", "resolve", "close",
                       "schedule_follow_up"]  # the follow-up visit (回访), by the followup app
    case = perform(case, "rate", Resident(case.pk), data={"satisfaction": 1}, reason="钱只给了一半")
    case = perform(case, "reopen", Resident(case.pk), reason="还欠四万没给")
    assert case.status == Status.REOPENED
    assert case.center == world.county and case.department is None


def test_decline_needs_a_reason_and_a_pointer(world):
    case = submit(world)
    with pytest.raises(ValidationError) as err:
        perform(case, "decline", world["clerk"], reason="已起诉")
    assert "建议的办理渠道" in " ".join(err.value.messages)
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED and case.events.count() == 1
    case = perform(case, "decline", world["clerk"], reason="该纠纷已进入诉讼程序", data={"redirect": "请向清河区人民法院咨询"})
    assert case.status == Status.DECLINED and not case.is_open


def test_dispatch_requires_classification_first(world):
    case = perform(submit(world), "accept", world["clerk"])
    with pytest.raises(ValidationError, match="分类"):
        perform(case, "dispatch", world["dispatcher"], data={"department": world.hr.pk})


def test_handler_returns_a_wrong_assignment_and_it_is_redispatched(world):
    case = advance(world, submit(world), Status.ACCEPTED)
    case = perform(case, "classify", world["clerk"], data={"item": world.wage_item.pk})
    case = perform(case, "dispatch", world["dispatcher"], data={"department": world.housing.pk})
    case = perform(case, "return", world["housing_handler"], reason="欠薪不属于住建局职责")
    assert case.status == Status.RETURNED and case.department is None and case.center == world.county
    case = perform(case, "dispatch", world["dispatcher"], data={"department": world.hr.pk})
    assert case.department == world.hr and case.sign_due is not None


def test_a_handler_of_another_department_cannot_sign(world):
    case = advance(world, submit(world), Status.DISPATCHED)
    with pytest.raises(NotAllowed):
        perform(case, "sign", world["housing_handler"])


def test_immediate_matter_closes_at_once_with_two_events(world):
    case = perform(submit(world), "accept", world["clerk"])
    case = perform(case, "classify", world["clerk"], data={"item": world.immediate_item.pk})
    case = perform(case, "resolve_immediately", world["clerk"], reason="已当场解答社保转移手续。")
    assert case.status == Status.CLOSED
    assert list(case.events.exclude(action="schedule_follow_up").values_list("action", "to_status"))[-2:] == [
        ("resolve_immediately", "resolved"), ("auto_close", "closed")]


def test_street_center_escalates_to_the_county(world):
    case = advance(world, submit(world), Status.ACCEPTED)
    case = perform(case, "classify", world["clerk"], data={"item": world.property_item.pk})
    case = perform(case, "dispatch", world["dispatcher"], data={"center": world.streets[0].pk})
    assert case.center == world.streets[0]
    case = perform(case, "sign", world["street_dispatcher"])
    case = perform(case, "record_handling", world["street_mediator"], reason="三次组织双方协商未果")
    case = perform(case, "escalate", world["street_dispatcher"], reason="村级三次、街道两次调解未果，提请区级兜底")
    assert case.status == Status.ESCALATED and case.center == world.county
    assert case.events.last().data["to_center"] == "清河区社会治理综合服务中心"


def test_joint_handling_lets_helpers_record_but_not_resolve(world):
    case = advance(world, submit(world), Status.SIGNED)
    case = perform(case, "set_helpers", world["dispatcher"], data={"helpers": [world.housing.pk]})
    case = perform(case, "record_handling", world["housing_handler"], reason="核实了工程款拨付情况")
    assert case.status == Status.IN_PROGRESS
    with pytest.raises(NotAllowed):
        perform(case, "resolve", world["housing_handler"], reason="已办结")


def test_committed_matter_needs_a_committed_date(world):
    case = perform(submit(world), "accept", world["clerk"])
    case = perform(case, "classify", world["clerk"], data={"item": world.committed_item.pk})
    with pytest.raises(ValidationError, match="承诺办结日期"):
        perform(case, "dispatch", world["dispatcher"], data={"department": world.housing.pk})
    case = perform(case, "dispatch", world["dispatcher"], data={"department": world.housing.pk, "committed_date": "2099-01-31"})
    assert str(case.committed_date) == "2099-01-31"


def test_stale_page_gets_a_conflict_and_nothing_is_written(world):
    case = advance(world, submit(world), Status.DISPATCHED)
    stale_version = case.version
    perform(case, "sign", world["hr_handler"], expected_version=stale_version)
    before = Event.objects.count()
    with pytest.raises(Conflict, match="刷新"):
        perform(case, "return", world["hr_handler"], reason="不是我们的", expected_version=stale_version)
    assert Event.objects.count() == before


def test_unresolved_needs_guidance(world):
    case = advance(world, submit(world), Status.IN_PROGRESS)
    with pytest.raises(ValidationError, match="引导途径"):
        perform(case, "close_unresolved", world["hr_handler"], reason="对方拒不到场")
    case = perform(case, "close_unresolved", world["hr_handler"], data={"guidance": "arbitration"}, reason="对方拒不到场，已引导申请劳动仲裁")
    assert case.status == Status.UNRESOLVED and case.guidance == "arbitration"


def test_leader_assignment(world):
    case = advance(world, submit(world), Status.DISPATCHED)
    case = perform(case, "assign_leader", world["dispatcher"], data={"leader": world["leader"].pk})
    assert case.leader == world["leader"]
    with pytest.raises(ValidationError):
        perform(case, "assign_leader", world["dispatcher"], data={"leader": world["hr_handler"].pk})
