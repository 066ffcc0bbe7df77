"""Group-dispute bursts (群体性), after Danzhou: 130 workers, 3.05 million yuan unpaid at one
site. Many wage-arrears cases naming one employer in one street within the window raise one
group warning at the rule's threshold, listing its cases; later cases join it."""

from decimal import Decimal

import pytest

from jiefen.incidents.defaults import load_defaults
from jiefen.incidents.models import BurstRule, GroupWarning, Subject
from jiefen.notify.models import Notification
from jiefen.testing.factories import PASSWORD

EMPLOYER = "鑫源建设工程有限公司"
TEXTS = [
    "在鑫源的海棠湾项目干了半年钢筋，工资一分没拿到，项目经理说等开发商回款。",
    "我们班组十几个人在海棠湾工地做模板，鑫源欠了我们大半年的工钱。",
    "海棠湾工地停工了，总包鑫源公司拖欠农民工工资，老板电话打不通。",
    "我是海棠湾项目的电焊工，鑫源建设拖欠工资五个多月，家里等着钱用。",
    "鑫源公司在海棠湾的工地欠我们木工班的工资，去要了好几次都说没钱。",
    "海棠湾工地的水电班组也被欠薪了，鑫源说年底结，现在人都找不到。",
]
PEOPLE = [30, 25, 20, 25, 18, 12]
AMOUNTS = ["700000", "600000", "450000", "550000", "450000", "300000"]


@pytest.fixture
def rules(db):
    load_defaults()
    return BurstRule.objects.get(subject=Subject.RESPONDENT)


def wage_case(world, judged, n, **overrides):
    grid = world.grids[n % 4]  # the east street's four grids, two communities
    return judged(world, description=TEXTS[n], region=grid.pk, respondent=EMPLOYER, name=f"工人{n}",
                  phone=f"1390000{n:04d}", group_size=PEOPLE[n], amount=AMOUNTS[n], address="",
                  **overrides)


def test_one_warning_at_the_threshold_listing_its_cases(world, judged, rules, client):
    cases = [wage_case(world, judged, n) for n in range(4)]
    assert not GroupWarning.objects.exists()
    assert not any(c.events.filter(action="group_warning").exists() for c in cases)

    cases.append(wage_case(world, judged, 4))  # the fifth: the rule's minimum
    [warning] = GroupWarning.objects.all()
    assert warning.rule == rules and warning.region == world.streets[0]
    assert set(warning.cases.values_list("pk", flat=True)) == {c.pk for c in cases}
    assert EMPLOYER in warning.subject_label
    for case in cases:
        event = case.events.get(action="group_warning")
        assert not event.public and "东关街道" in event.reason and "5 件" in event.reason
    notified = set(Notification.objects.filter(event__action="group_warning").values_list("user__username", flat=True))
    assert notified == {"street_dispatcher", "dispatcher", "leader"}

    sixth = wage_case(world, judged, 5)  # joins the open warning: still one
    assert GroupWarning.objects.count() == 1
    assert warning.cases.count() == 6
    assert "并入群体性预警" in sixth.events.get(action="group_warning").reason
    assert Notification.objects.filter(event__action="group_warning").count() == 3

    client.login(username="dispatcher", password=PASSWORD)
    html = client.get("/incidents/warnings/").content.decode()
    assert EMPLOYER in html and "6 件" in html
    assert "涉及人数 130" in html and "3050000.00" in html
    assert all(c.display_code in html for c in cases)
    assert 'data-testid="incidents-open">1<' in html
    assert "群体性预警" in client.get(f"/cases/{sixth.tracking_code}/").content.decode()


def test_the_other_street_and_an_old_case_do_not_count(world, judged, rules, client):
    import datetime as dt

    from django.utils import timezone

    from jiefen.cases.models import Case

    old = wage_case(world, judged, 0)
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(hours=73))
    for n in range(1, 4):
        wage_case(world, judged, n)
    judged(world, description=TEXTS[4], region=world.grids[6].pk, respondent=EMPLOYER, phone="13955550000")
    assert not GroupWarning.objects.exists()  # 3 in the window in 东关, 1 in 西城

    client.login(username="west_dispatcher", password=PASSWORD)
    assert "目前没有处置中的群体性预警" in client.get("/incidents/warnings/").content.decode()


def test_closing_a_warning_and_the_scope_of_the_page(world, judged, rules, client):
    for n in range(5):
        wage_case(world, judged, n)
    warning = GroupWarning.objects.get()
    client.login(username="west_dispatcher", password=PASSWORD)
    assert EMPLOYER not in client.get("/incidents/warnings/").content.decode()
    assert client.post(f"/incidents/warnings/{warning.pk}/close/", {"note": "x"}).status_code == 404

    client.login(username="leader", password=PASSWORD)
    response = client.post(f"/incidents/warnings/{warning.pk}/close/", {"note": " "})
    assert response.status_code == 400 and "请填写解除预警的说明" in response.content.decode()
    response = client.post(f"/incidents/warnings/{warning.pk}/close/", {"note": "已组建专班，工资已分批发放。"})
    assert response.status_code == 302
    warning.refresh_from_db()
    assert warning.status == "closed" and warning.closed_by == world["leader"]
    html = client.get("/incidents/warnings/").content.decode()
    assert "目前没有处置中的群体性预警" in html and 'data-testid="incidents-open"' not in html
    assert "已组建专班" in client.get("/incidents/warnings/?tab=closed").content.decode()


def test_totals_are_the_cases_own(world, judged, rules):
    from jiefen.incidents.bursts import totals

    for n in range(6):
        wage_case(world, judged, n)
    t = totals(GroupWarning.objects.get())
    assert t["people"] == 130 and t["amount"] == Decimal("3050000.00")


def test_one_person_filing_again_and_again_is_not_a_group(world, judged, rules):
    for n in range(5):
        judged(world, description=TEXTS[n], region=world.grids[0].pk, respondent=EMPLOYER, name="工人甲",
               phone="13900001111", address="")
    assert not GroupWarning.objects.exists()  # five cases, one complainant
    for n in range(4):
        wage_case(world, judged, n)
    [warning] = GroupWarning.objects.all()  # now five different people
    assert warning.cases.count() == 9
