"""Follow-up visits (回访), as the grid worker and the center meet them: closing a case owes
its resident a visit after the item's days; the grid worker records it; an unhappy resident's
case goes back to the center; the reopen window is the item's."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jiefen.accounts.models import Role, User
from jiefen.cases.models import Case, Satisfaction, Status
from jiefen.cases.services import NotAllowed, perform
from jiefen.cases.workflow import ACTIONS, Resident, is_available
from jiefen.followup.models import FollowUp, Honoured
from jiefen.followup.services import FollowUpError, record_visit
from jiefen.notify.models import Notification
from jiefen.testing.factories import PASSWORD, advance, staff, submit

VISIT = {"reached": True, "agreement_honoured": Honoured.YES, "satisfaction": Satisfaction.SATISFIED,
         "note": "工资已全部到账。", "reopen": False, "reopen_reason": ""}


@pytest.fixture
def closed(world, django_capture_on_commit_callbacks):
    world.wage_item.follow_up_days = 5
    world.wage_item.save()
    with django_capture_on_commit_callbacks(execute=True):
        case = advance(world, submit(world), Status.CLOSED)
    return case


def test_closing_schedules_a_visit_for_the_grid_worker_after_the_item_days(world, closed):
    [fu] = FollowUp.objects.filter(case=closed)
    assert fu.due_date == timezone.localtime(closed.closed_at).date() + dt.timedelta(days=5)
    assert fu.assignee == world["grid_worker"] and fu.region == world.grids[0]
    assert fu.is_pending and str(world["grid_worker"]) in fu.assignee_label
    event = closed.events.get(action="schedule_follow_up")
    assert not event.public and event.data["follow_up_id"] == fu.pk
    assert Notification.objects.filter(user=world["grid_worker"], event=event).exists()


def test_no_visit_when_the_item_says_zero_and_the_center_when_no_grid_worker(world):
    world.wage_item.follow_up_days = 0
    world.wage_item.save()
    case = advance(world, submit(world), Status.CLOSED)
    assert not FollowUp.objects.filter(case=case).exists()

    world.wage_item.follow_up_days = 3
    world.wage_item.save()
    case = advance(world, submit(world, region=world.grids[3].pk), Status.CLOSED)  # nobody works that grid
    [fu] = FollowUp.objects.filter(case=case)
    assert fu.assignee is None and fu.region is None and "待指派" in fu.assignee_label

    worker = staff(Role.GRID_WORKER, region=world.communities[1])  # the community's own grid worker
    case = advance(world, submit(world, region=world.grids[3].pk), Status.CLOSED)
    assert FollowUp.objects.get(case=case).assignee == worker


def test_a_visit_honoured_and_satisfied_closes_the_task(world, closed, client):
    fu = FollowUp.objects.get(case=closed)
    client.login(username="grid_worker", password=PASSWORD)
    assert fu.case.display_code in client.get("/work/followups/").content.decode()
    response = client.post(f"/work/followups/{fu.pk}/", {
        "reached": "yes", "agreement_honoured": "yes", "satisfaction": "3", "note": "工资已全部到账，表示满意。",
    })
    assert response.status_code == 302
    fu.refresh_from_db()
    assert fu.done_at and fu.done_by == world["grid_worker"] and fu.reached is True
    assert (fu.agreement_honoured, fu.satisfaction, fu.reopened) == ("yes", 3, False)
    event = closed.events.get(action="follow_up")
    assert not event.public and event.reason == "工资已全部到账，表示满意。"
    case = Case.objects.get(pk=closed.pk)
    assert case.status == Status.CLOSED
    assert "没有待回访的案件" in client.get("/work/followups/").content.decode()
    page = client.get(f"/cases/{case.tracking_code}/").content.decode()
    assert "已回访" in page and "已履行" in page and "回访" in page


def test_unsatisfied_resident_reopened_by_the_visitor_goes_back_to_the_center(world, closed, client):
    fu = FollowUp.objects.get(case=closed)
    client.login(username="grid_worker", password=PASSWORD)
    response = client.post(f"/work/followups/{fu.pk}/", {
        "reached": "yes", "agreement_honoured": "partly", "satisfaction": "1", "note": "只付了一半。",
        "reopen": "on", "reopen_reason": "包工头只付了四万，还欠四万六。",
    })
    assert response.status_code == 302
    case = Case.objects.get(pk=closed.pk)
    assert case.status == Status.REOPENED and case.center == world.county and case.department is None
    reopen = case.events.get(action="reopen")
    assert reopen.reason == "包工头只付了四万，还欠四万六。" and reopen.actor == world["grid_worker"]
    assert reopen.public
    actions = list(case.events.values_list("action", flat=True))
    assert actions[-3:] == ["schedule_follow_up", "follow_up", "reopen"]
    assert case.events.filter(action="dispatch").count() == 1, "its history is kept"
    fu.refresh_from_db()
    assert fu.done_at and fu.reopened and fu.cancelled_at is None
    assert is_available(world["dispatcher"], case, ACTIONS["dispatch"])


def test_reopen_after_the_items_window_is_refused_and_nothing_is_saved(world, closed, client):
    world.wage_item.reopen_days = 7
    world.wage_item.save()
    Case.objects.filter(pk=closed.pk).update(closed_at=timezone.now() - dt.timedelta(days=8))
    fu = FollowUp.objects.get(case=closed)
    client.login(username="grid_worker", password=PASSWORD)
    response = client.post(f"/work/followups/{fu.pk}/", {
        "reached": "yes", "agreement_honoured": "no", "satisfaction": "1", "reopen": "on", "reopen_reason": "没给钱。",
    })
    assert response.status_code == 400
    assert "案件办结已超过7天，不能申请重启；如仍有诉求请重新提交。" in response.content.decode()
    fu.refresh_from_db()
    assert fu.is_pending and not closed.events.filter(action="follow_up").exists()
    assert Case.objects.get(pk=closed.pk).status == Status.CLOSED

    # the resident too: the window is the item's, not a setting
    case = perform(Case.objects.get(pk=closed.pk), "rate", Resident(closed.pk), data={"satisfaction": 1})
    with pytest.raises(ValidationError, match="超过7天"):
        perform(case, "reopen", Resident(case.pk), reason="没给钱")
    world.wage_item.reopen_days = 30
    world.wage_item.save()
    case = perform(Case.objects.get(pk=case.pk), "reopen", Resident(case.pk), reason="没给钱")
    assert case.status == Status.REOPENED
    fu.refresh_from_db()
    assert fu.cancelled_at is not None, "the resident's reopen cancels the pending visit"


def test_only_the_grids_worker_may_record_the_visit(world, closed, client):
    fu = FollowUp.objects.get(case=closed)
    staff(Role.GRID_WORKER, region=world.grids[1], username="other_grid")
    client.login(username="other_grid", password=PASSWORD)
    assert client.get(f"/work/followups/{fu.pk}/").status_code == 404
    response = client.post(f"/work/followups/{fu.pk}/", {"reached": "yes", "agreement_honoured": "yes", "satisfaction": "3"})
    assert response.status_code == 404
    assert fu.case.display_code not in client.get("/work/followups/").content.decode()
    fu.refresh_from_db()
    assert fu.is_pending
    with pytest.raises(FollowUpError, match="不归您负责"):
        record_visit(fu, User.objects.get(username="other_grid"), VISIT)
    # nor may they reopen the case on the resident's behalf
    case = Case.objects.get(pk=closed.pk)
    with pytest.raises(NotAllowed):
        perform(case, "reopen", User.objects.get(username="other_grid"), data={"satisfaction": 1}, reason="x")


def test_bad_input_gets_chinese_errors_and_saves_nothing(world, closed, client):
    fu = FollowUp.objects.get(case=closed)
    client.login(username="grid_worker", password=PASSWORD)
    cases = [
        ({}, "请选择是否联系上诉求人"),
        ({"reached": "yes"}, "请选择协议履行情况"),
        ({"reached": "yes", "agreement_honoured": "yes", "satisfaction": "9"}, "请选择满意、基本满意或不满意"),
        ({"reached": "no"}, "未联系上诉求人时，请说明"),
        ({"reached": "yes", "agreement_honoured": "yes", "satisfaction": "3", "reopen": "on", "reopen_reason": "x"},
         "只有诉求人表示不满意时"),
        ({"reached": "yes", "agreement_honoured": "no", "satisfaction": "1", "reopen": "on"}, "请填写申请重启的理由"),
    ]
    for data, message in cases:
        response = client.post(f"/work/followups/{fu.pk}/", data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    fu.refresh_from_db()
    assert fu.is_pending and not closed.events.filter(action="follow_up").exists()


def test_a_recorded_visit_is_not_recorded_twice(world, closed):
    fu = FollowUp.objects.get(case=closed)
    record_visit(fu, world["grid_worker"], VISIT)
    with pytest.raises(FollowUpError, match="已经记录过"):
        record_visit(fu, world["grid_worker"], VISIT)
    assert closed.events.filter(action="follow_up").count() == 1


def test_the_visit_of_a_case_closed_again_is_scheduled_again(world, closed):
    fu = FollowUp.objects.get(case=closed)
    record_visit(fu, world["grid_worker"], VISIT | {
        "satisfaction": Satisfaction.DISSATISFIED, "reopen": True, "reopen_reason": "还欠钱"})
    case = Case.objects.get(pk=closed.pk)
    case = perform(case, "dispatch", world["dispatcher"], data={"department": world.hr.pk})
    case = perform(case, "sign", world["hr_handler"])
    case = perform(case, "record_handling", world["hr_handler"], reason="再次约谈包工头。")
    case = perform(case, "resolve", world["hr_handler"], reason="余款已付清。")
    case = perform(case, "close", world["dispatcher"])
    assert FollowUp.objects.filter(case=case).count() == 2
    assert FollowUp.objects.filter(case=case).pending().count() == 1


def test_header_link_for_grid_workers(world, client):
    client.login(username="grid_worker", password=PASSWORD)
    assert "我的回访" in client.get("/work/").content.decode()
    client.login(username="hr_handler", password=PASSWORD)
    assert "我的回访" not in client.get("/work/").content.decode()
