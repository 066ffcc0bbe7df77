"""The escalation ladder as data: a region's rule says how many failed mediations (and how
many working days) a case may spend at a level before it goes up, automatically or as a
proposal to the center. Time is not slept: the budget check takes the moment to act at."""

import datetime as dt

import pytest
from django.core.management import call_command

from jiefen.accounts.models import Role
from jiefen.cases.models import Event, Status
from jiefen.cases.services import NotAllowed, perform
from jiefen.cases.workflow import EVENT_LABELS, System
from jiefen.notify.models import Notification
from jiefen.regions.models import Level
from jiefen.sla.calendar import add_working_days
from jiefen.sla.ladder import after_mediation, check_budgets, escalate_by_system, failed_attempts
from jiefen.sla.ladder_defaults import load_ladder, read_ladders
from jiefen.sla.ladder_models import EscalationRule, rule_for
from jiefen.testing.factories import MEDIATION, advance, staff, submit

MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def village(world):
    """Staff of the first community's center (东关1社区, under 东关街道)."""
    community = world.communities[0]
    return {
        "dispatcher": staff(Role.DISPATCHER, region=community, username="village_dispatcher"),
        "leader": staff(Role.LEADER, region=community, username="village_leader"),
        "mediator": staff(Role.MEDIATOR, region=community, username="village_mediator"),
    }


def held_by(world, center, signer, *, grid=None):
    """A case the county sends to a lower center, signed there: held by that center."""
    case = advance(world, submit(world, region=(grid or world.grids[0]).pk), Status.ACCEPTED)
    case = perform(case, "classify", world["clerk"], data={"item": world.property_item.pk})
    case = perform(case, "dispatch", world["dispatcher"], data={"center": center.pk})
    return perform(case, "sign", signer)


def mediate(case, who, outcome="failed"):
    held_at = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()
    return perform(case, "record_mediation", who, data=MEDIATION | {
        "held_at": held_at, "outcome": outcome, "agreement_text": "", "agreement_amount": ""})


def xiangxi(region):
    return load_ladder(read_ladders()["xiangxi-321"], region)


def test_321_escalates_after_the_third_failed_village_attempt_not_the_second(
    world, village, django_capture_on_commit_callbacks
):
    xiangxi(world.county)
    case = held_by(world, world.communities[0], village["dispatcher"])
    with django_capture_on_commit_callbacks(execute=True):
        case = mediate(case, village["mediator"])
        case = mediate(case, village["mediator"], outcome="partial")  # partly agreed is not resolved
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and case.center == world.communities[0], "two attempts: it stays"
    assert failed_attempts(case, Level.COMMUNITY) == 2

    with django_capture_on_commit_callbacks(execute=True):
        mediate(case, village["mediator"])
    case.refresh_from_db()
    assert case.status == Status.ESCALATED and case.center == world.streets[0]
    escalation = case.events.get(action="escalate")
    assert escalation.actor is None and escalation.actor_label == "系统" and escalation.public
    assert "本级已调解3次未成功" in escalation.reason and "清河区提级规则" in escalation.reason
    assert "村社区级调解3次未成功即自动提级" in escalation.reason
    assert escalation.data["to_center_id"] == world.streets[0].pk
    assert Notification.objects.filter(user=world["street_dispatcher"], event=escalation).exists()
    assert not case.events.filter(action="propose_escalation").exists()


def test_321_street_level_goes_up_after_two(world, django_capture_on_commit_callbacks):
    xiangxi(world.county)
    case = held_by(world, world.streets[0], world["street_dispatcher"])
    with django_capture_on_commit_callbacks(execute=True):
        case = mediate(case, world["street_mediator"])
    assert Event.objects.filter(case=case, action="escalate").count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        mediate(case, world["street_mediator"])
    case.refresh_from_db()
    assert case.status == Status.ESCALATED and case.center == world.county
    assert "本级已调解2次未成功" in case.events.get(action="escalate").reason


def test_a_department_or_a_resolved_mediation_never_counts(world, django_capture_on_commit_callbacks):
    EscalationRule.objects.create(region=world.county, level=Level.COUNTY, max_attempts=1, automatic=True)
    with django_capture_on_commit_callbacks(execute=True):
        case = advance(world, submit(world), Status.SIGNED)  # held by the county's 人社局
        case = mediate(case, world["hr_handler"])
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and case.department == world.hr
    assert "center_id" not in case.events.get(action="record_mediation").data


def test_without_automatic_escalation_the_rule_only_proposes(world, village, django_capture_on_commit_callbacks):
    EscalationRule.objects.create(region=world.county, level=Level.COMMUNITY, max_attempts=3, automatic=False)
    case = held_by(world, world.communities[0], village["dispatcher"])
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            case = mediate(case, village["mediator"])
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and case.center == world.communities[0], "the case stays"
    proposal = case.events.get(action="propose_escalation")
    assert proposal.reason == "本级已调解3次未成功，按规则建议提级"
    assert not proposal.public and proposal.actor_label == "系统"
    assert EVENT_LABELS["propose_escalation"] == "建议提级"
    assert proposal.data["trigger"] == "attempts" and proposal.data["attempts"] == 3
    told = set(Notification.objects.filter(event=proposal).values_list("user__username", flat=True))
    assert told == {"village_dispatcher", "village_leader"}

    with django_capture_on_commit_callbacks(execute=True):
        case = mediate(case, village["mediator"])
    reasons = list(case.events.filter(action="propose_escalation").values_list("reason", flat=True))
    assert reasons[-1] == "本级已调解4次未成功，按规则建议提级", "each further failure proposes again"
    # a task run twice writes the proposal once
    last = case.events.filter(action="record_mediation").last()
    assert after_mediation(last.pk) is None
    assert case.events.filter(action="propose_escalation").count() == 2

    # the people may still escalate by hand
    case = perform(case, "escalate", village["dispatcher"], reason="按规则建议提级，同意提交街道")
    assert case.center == world.streets[0]


def test_a_deeper_regions_rule_overrides_its_ancestors(world, village, django_capture_on_commit_callbacks):
    EscalationRule.objects.create(region=world.county, level=Level.COMMUNITY, max_attempts=3, automatic=True)
    EscalationRule.objects.create(region=world.streets[0], level=Level.COMMUNITY, max_attempts=1, automatic=False)
    assert rule_for(world.communities[0]).region == world.streets[0]
    assert rule_for(world.communities[2]).region == world.county
    assert rule_for(world.streets[0]) is None, "no rule for the street level"

    east = held_by(world, world.communities[0], village["dispatcher"])
    west_staff = staff(Role.DISPATCHER, region=world.communities[2], username="west_village")
    west = held_by(world, world.communities[2], west_staff, grid=world.grids[4])
    with django_capture_on_commit_callbacks(execute=True):
        mediate(east, village["mediator"])
        mediate(west, west_staff)
    east.refresh_from_db()
    west.refresh_from_db()
    assert east.status == Status.IN_PROGRESS
    assert east.events.get(action="propose_escalation").reason == "本级已调解1次未成功，按规则建议提级"
    assert west.status == Status.IN_PROGRESS and not west.events.filter(action="propose_escalation").exists()

    EscalationRule.objects.filter(region=world.streets[0]).update(enabled=False)
    assert rule_for(world.communities[0]).region == world.county, "a disabled rule gives way"


def test_a_time_budget_proposes_on_the_tick(world, village, django_capture_on_commit_callbacks):
    EscalationRule.objects.create(region=world.county, level=Level.COMMUNITY, budget_days=2, automatic=False)
    case = held_by(world, world.communities[0], village["dispatcher"])  # signed, not started
    arrived = case.events.get(action="dispatch").created_at
    due = add_working_days(arrived, 2)

    assert check_budgets(now=due - MINUTE) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert check_budgets(now=due + MINUTE) == 1
    proposal = case.events.get(action="propose_escalation")
    assert proposal.reason == "本级办理已满2个工作日仍未化解，按规则建议提级"
    assert proposal.data["trigger"] == "time" and proposal.created_at == due + MINUTE
    assert Notification.objects.filter(user=village["leader"], event=proposal).exists()
    assert check_budgets(now=due + dt.timedelta(days=3)) == 0, "once per stay at the center"
    case.refresh_from_db()
    assert case.status == Status.SIGNED and case.center == world.communities[0]


def test_an_automatic_time_budget_escalates_on_the_tick(world, village, django_capture_on_commit_callbacks):
    EscalationRule.objects.create(region=world.county, level=Level.COMMUNITY, budget_days=5, automatic=True)
    case = held_by(world, world.communities[0], village["dispatcher"])
    case = perform(case, "record_handling", village["mediator"], reason="约双方下周到社区调解室")
    due = add_working_days(case.events.get(action="dispatch").created_at, 5)
    assert check_budgets(now=due - MINUTE) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert check_budgets(now=due) == 1
    case.refresh_from_db()
    assert case.status == Status.ESCALATED and case.center == world.streets[0]
    assert "本级办理已满5个工作日仍未化解，按规则自动提级" in case.events.get(action="escalate").reason
    assert check_budgets(now=due + dt.timedelta(days=1)) == 0


def test_the_system_escalation_is_refused_once_the_case_moved_on(world, village):
    EscalationRule.objects.create(region=world.county, level=Level.COMMUNITY, max_attempts=1, automatic=True)
    case = held_by(world, world.communities[0], village["dispatcher"])
    case = mediate(case, village["mediator"])  # its after-commit task has not run yet
    event = case.events.get(action="record_mediation")
    case = perform(case, "resolve", village["dispatcher"], reason="双方自行和解。")

    assert after_mediation(event.pk) is None
    assert escalate_by_system(case, "本级已调解1次未成功，按规则自动提级") is None
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and not case.events.filter(action="escalate").exists()


def test_the_system_may_only_escalate(world, village):
    case = held_by(world, world.communities[0], village["dispatcher"])
    with pytest.raises(NotAllowed):
        perform(case, "record_handling", System(), reason="系统记录")
    with pytest.raises(NotAllowed):
        perform(case, "escalate", System(), reason="未开始办理")  # signed, not in progress


def test_the_shipped_ladders_load_once_and_keep_an_administrators_rules(world):
    ladders = read_ladders()
    assert set(ladders) == {"xiangxi-321", "xigu-4"}
    assert EscalationRule.objects.count() == 0, "nothing is active until loaded"
    call_command("load_ladder", "xigu-4", region=str(world.county.pk), stdout=open("/dev/null", "w"))
    rules = {r.level: r for r in EscalationRule.objects.filter(region=world.county)}
    assert set(rules) == {Level.COMMUNITY, Level.STREET}
    assert not any(r.automatic for r in rules.values()) and rules[Level.COMMUNITY].budget_days == 3

    EscalationRule.objects.filter(pk=rules[Level.STREET].pk).update(max_attempts=4)
    assert load_ladder(ladders["xigu-4"], world.county) == {"created": 0, "replaced": 0, "kept": 2}
    assert EscalationRule.objects.get(pk=rules[Level.STREET].pk).max_attempts == 4
    assert load_ladder(ladders["xiangxi-321"], world.county, replace=True)["replaced"] == 2
    assert all(r.automatic for r in EscalationRule.objects.all())
    assert load_ladder(ladders["xiangxi-321"], world.streets[0]) == {"created": 2, "replaced": 0, "kept": 0}


def test_the_admin_lists_and_checks_rules_in_chinese(admin_client, world):
    EscalationRule.objects.create(region=world.county, level=Level.COMMUNITY, max_attempts=3, automatic=True,
                                  note="湘西“三二一”")
    page = admin_client.get("/admin/sla/escalationrule/").content.decode()
    assert "提级规则" in page and "调解次数上限" in page and "清河区" in page
    response = admin_client.post("/admin/sla/escalationrule/add/", {
        "region": world.communities[0].pk, "level": Level.STREET, "max_attempts": "2", "enabled": "on"})
    assert "办理层级不能高于适用区域本身的层级" in response.content.decode()
    response = admin_client.post("/admin/sla/escalationrule/add/", {
        "region": world.streets[0].pk, "level": Level.COMMUNITY, "enabled": "on"})
    assert "请至少填写调解次数上限或本级办理时限之一" in response.content.decode()
    assert EscalationRule.objects.count() == 1
