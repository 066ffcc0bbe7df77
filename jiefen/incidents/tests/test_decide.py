"""The clerk sees a suggestion on the case page and confirms or rejects it; the decision is
kept and written on both timelines; a confirmed repeat declines the waiting new case; a
confirmed same incident groups both cases under the earliest open one."""

from jiefen.accounts.models import Role
from jiefen.cases.models import Case, Status
from jiefen.incidents.models import Decision, GroupMember, Suggestion
from jiefen.testing.factories import PASSWORD, staff

from .test_detection import WAGE_AGAIN, WAGE_OTHER_WORKER


def page(client, case) -> str:
    return client.get(f"/cases/{case.tracking_code}/").content.decode()


def test_clerk_confirms_a_repeat_and_the_new_case_is_declined(world, judged, client):
    first = judged(world)
    again = judged(world, description=WAGE_AGAIN)
    s = Suggestion.objects.get(case=again)
    client.login(username="clerk", password=PASSWORD)
    html = page(client, again)
    assert "疑似重复件" in html and first.display_code in html and "幸福路工地" in html
    assert "确认重复件并入" in html and "同一诉求人" in html

    response = client.post(f"/incidents/suggestions/{s.pk}/confirm/", {"note": "同一人电话再次反映", "from": again.tracking_code})
    assert response.status_code == 302 and response["Location"] == f"/cases/{again.tracking_code}/"
    s.refresh_from_db()
    assert (s.status, s.decided_by, s.note) == (Decision.CONFIRMED, world["clerk"], "同一人电话再次反映")
    again = Case.objects.get(pk=again.pk)
    assert again.status == Status.DECLINED
    decline = again.events.get(action="decline")
    assert decline.reason == f"重复件，已并入 {first.display_code}" and decline.public
    assert again.events.filter(action="incident_confirmed").exists()
    repeat = first.events.get(action="incident_repeat")
    assert again.display_code in repeat.reason and "同一人电话再次反映" in repeat.reason and not repeat.public
    first.refresh_from_db()
    assert first.status == Status.SUBMITTED  # the open case goes on
    html = page(client, first)
    assert "诉求人再次反映" in html and "已确认" in html

    # twice: told it is done, nothing written again
    response = client.post(f"/incidents/suggestions/{s.pk}/confirm/")
    assert response.status_code == 409 and "无需重复操作" in response.content.decode()
    assert first.events.filter(action="incident_repeat").count() == 1


def test_clerk_rejects_and_the_decision_is_on_both_timelines(world, judged, client):
    first = judged(world)
    again = judged(world, description=WAGE_AGAIN)
    s = Suggestion.objects.get(case=again)
    client.login(username="clerk", password=PASSWORD)
    response = client.post(f"/incidents/suggestions/{s.pk}/reject/", {"note": "不是同一工地"})
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.status == Decision.REJECTED and s.decided_at is not None
    for case in (first, again):
        event = case.events.get(action="incident_rejected")
        assert "不是重复件" in event.reason and "不是同一工地" in event.reason
    assert Case.objects.get(pk=again.pk).status == Status.SUBMITTED
    html = page(client, again)
    assert "已驳回" in html and "确认重复件并入" not in html


def test_confirmed_same_incident_forms_a_group_with_the_earliest_open_lead(world, judged, client):
    first = judged(world)
    second = judged(world, description=WAGE_OTHER_WORKER, name="李强", phone="13900001111")
    third = judged(world, description=WAGE_OTHER_WORKER + "我们一共二十个人。", name="周平", phone="13900002222")
    client.login(username="clerk", password=PASSWORD)
    s = Suggestion.objects.get(case=second, other=first)
    assert s.kind == "same_incident"
    assert client.post(f"/incidents/suggestions/{s.pk}/confirm/").status_code == 302
    s3 = Suggestion.objects.get(case=third, other=second)
    assert client.post(f"/incidents/suggestions/{s3.pk}/confirm/").status_code == 302
    groups = {m.group_id for m in GroupMember.objects.all()}
    assert len(groups) == 1 and GroupMember.objects.count() == 3
    assert GroupMember.objects.first().group.lead_id == first.pk
    html = page(client, third)
    assert "同一事件组" in html and "牵头案件" in html and first.display_code in html
    assert "牵头案件 " + first.display_code in third.events.get(action="incident_confirmed").reason
    assert Case.objects.get(pk=second.pk).status == Status.SUBMITTED  # same incident: nobody is declined


def test_a_clerk_of_another_county_cannot_see_or_act(world, judged, client):
    from jiefen.regions.models import Level
    from jiefen.testing.factories import RegionFactory

    judged(world)
    again = judged(world, description=WAGE_AGAIN)
    s = Suggestion.objects.get(case=again)
    elsewhere = RegionFactory(name="别的县", level=Level.COUNTY, parent=world.county.parent)
    staff(Role.CLERK, region=elsewhere, username="far_clerk")
    client.login(username="far_clerk", password=PASSWORD)
    assert client.post(f"/incidents/suggestions/{s.pk}/confirm/").status_code == 404
    assert client.get(f"/cases/{again.tracking_code}/").status_code == 404
    # a department handler sees the case page only once it is theirs, and never decides
    client.login(username="hr_handler", password=PASSWORD)
    assert client.post(f"/incidents/suggestions/{s.pk}/confirm/").status_code == 404
    # a grid worker sees the place but is not at a desk: refused with a reason
    client.login(username="grid_worker", password=PASSWORD)
    response = client.post(f"/incidents/suggestions/{s.pk}/confirm/")
    assert response.status_code == 403 and "无权" in response.content.decode()
    s.refresh_from_db()
    assert s.status == Decision.SUGGESTED
    assert client.get(f"/incidents/suggestions/{s.pk}/confirm/").status_code == 405


def test_a_street_dispatcher_who_may_not_decline_leaves_everything_undecided(world, judged, client):
    judged(world)
    again = judged(world, description=WAGE_AGAIN)
    s = Suggestion.objects.get(case=again)
    client.login(username="street_dispatcher", password=PASSWORD)  # the case waits at the county
    response = client.post(f"/incidents/suggestions/{s.pk}/confirm/")
    assert response.status_code == 403 and "不予受理" in response.content.decode()
    s.refresh_from_db()
    assert s.status == Decision.SUGGESTED
    assert not again.events.filter(action="incident_confirmed").exists()
    assert Case.objects.get(pk=again.pk).status == Status.SUBMITTED


def test_a_note_too_long_is_refused(world, judged, client):
    judged(world)
    again = judged(world, description=WAGE_AGAIN)
    s = Suggestion.objects.get(case=again)
    client.login(username="clerk", password=PASSWORD)
    response = client.post(f"/incidents/suggestions/{s.pk}/reject/", {"note": "长" * 501})
    assert response.status_code == 400 and "不能超过500个字" in response.content.decode()
    s.refresh_from_db()
    assert s.status == Decision.SUGGESTED
