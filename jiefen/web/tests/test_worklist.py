"""The worklist: what waits for me, and the filters and search over my jurisdiction."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jiefen.cases.models import Case, Status
from jiefen.cases.services import perform
from jiefen.cases.workflow import allowed_actions
from jiefen.testing.factories import PASSWORD, advance, submit


@pytest.fixture
def three(world):
    wages = advance(world, submit(world), Status.DISPATCHED)
    noise = submit(world, description="楼下广场舞音响每天晚上放到十点半，孩子没法写作业，说了好几次也不听。",
                   name="李秀英", phone="13900001111", channel="hotline")
    old = submit(world, description="小区物业把消防通道租出去当停车位，着火了消防车都进不来，太危险了。",
                 name="赵大军", phone="13700002222")
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    return {"wages": wages, "noise": noise, "old": old}


def shown(client, cases, **params):
    """Which of `cases` the worklist shows with these filters."""
    page = client.get("/work/", {"tab": "all", **params}).content.decode()
    return {k for k, c in cases.items() if c.display_code in page}


@pytest.fixture
def clerk(client, world, three):
    assert client.login(username="clerk", password=PASSWORD)
    return client


def test_search_by_code_name_phone_and_text(clerk, three):
    assert shown(clerk, three, q=three["noise"].display_code) == {"noise"}
    assert shown(clerk, three, q=three["noise"].tracking_code.lower()) == {"noise"}
    assert shown(clerk, three, q="李秀英") == {"noise"}
    assert shown(clerk, three, q="137 0000 2222") == {"old"}
    assert shown(clerk, three, q="消防通道") == {"old"}
    assert shown(clerk, three, q="没有这种事") == set()


def test_filters(clerk, world, three):
    assert shown(clerk, three, status="dispatched") == {"wages"}
    assert shown(clerk, three, status="submitted") == {"noise", "old"}
    assert shown(clerk, three, category=world.wage_item.category_id) == {"wages"}
    assert shown(clerk, three, risk_grade="significant") == {"wages"}  # the item's default grade
    assert shown(clerk, three, channel="hotline") == {"noise"}
    since = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    assert shown(clerk, three, created_after=since) == {"wages", "noise"}
    assert shown(clerk, three, created_before=since) == {"old"}


def test_overdue_filter_finds_cases_past_their_sign_deadline(clerk, three):
    assert shown(clerk, three, overdue="1") == set()
    Case.objects.filter(pk=three["wages"].pk).update(sign_due=timezone.now() - dt.timedelta(hours=1))
    assert shown(clerk, three, overdue="1") == {"wages"}
    page = clerk.get("/work/", {"tab": "all"}).content.decode()
    assert 'class="overdue"' in page


def test_todo_tab_shows_what_waits_for_my_desk(client, world, three):
    assert client.login(username="hr_handler", password=PASSWORD)
    page = client.get("/work/").content.decode()
    assert three["wages"].display_code in page and "待我处理 (1)" in page
    perform(three["wages"], "sign", world["hr_handler"])
    assert "待我处理 (1)" in client.get("/work/").content.decode()  # signed: still mine to handle
    client.logout()
    assert client.login(username="clerk", password=PASSWORD)
    page = client.get("/work/").content.decode()
    assert three["noise"].display_code in page and three["wages"].display_code not in page


def test_a_leader_sees_the_cases_assigned_to_them(client, world, three):
    perform(three["noise"], "assign_leader", world["dispatcher"], data={"leader": world["leader"].pk},
            reason="群体性苗头，领导包案化解。")
    assert client.login(username="leader", password=PASSWORD)
    page = client.get("/work/").content.decode()
    assert 'data-testid="led-tab"' in page and "我包案/专班 (1)" in page
    led = client.get("/work/", {"tab": "led"}).content.decode()
    assert three["noise"].display_code in led
    assert three["old"].display_code not in led and three["wages"].display_code not in led
    client.logout()
    client.login(username="clerk", password=PASSWORD)
    assert 'data-testid="led-tab"' not in client.get("/work/").content.decode()


def test_a_task_force_for_a_group_case_finds_it_among_their_cases(client, world, three):
    wages = three["wages"]  # twelve workers: a group matter
    assert "set_task_force" in {a.name for a in allowed_actions(world["dispatcher"], wages)}
    single = submit(world, group_size=1, description="邻居家空调外机滴水，滴在我家阳台上，沟通几次没有改。")
    assert single.risk_grade == "general"
    assert "set_task_force" not in {a.name for a in allowed_actions(world["dispatcher"], single)}

    with pytest.raises(ValidationError) as refused:
        perform(wages, "set_task_force", world["dispatcher"], data={"members": [world["hr_handler"].pk]})
    assert "案发地所属中心或网格" in refused.value.messages[0]

    members = [world["street_mediator"].pk, world["grid_worker"].pk]
    assert client.login(username="dispatcher", password=PASSWORD)
    response = client.post(f"/cases/{wages.tracking_code}/act/set_task_force/",
                           {"members": members, "reason": "街道调解员牵头，网格员每日走访工友。", "version": wages.version})
    assert response.status_code == 302
    wages.refresh_from_db()
    assert set(wages.task_force.values_list("pk", flat=True)) == set(members)
    page = client.get(f"/cases/{wages.tracking_code}/").content.decode()
    assert "组建专班" in page and "专班：" in page

    client.logout()
    assert client.login(username="street_mediator", password=PASSWORD)
    led = client.get("/work/", {"tab": "led"}).content.decode()
    assert wages.display_code in led and three["noise"].display_code not in led


def test_a_region_from_the_map_narrows_the_list_to_its_subtree(clerk, world, three):
    """查看案件列表 on the safety map opens the worklist for one region: only its cases, and
    the region named with a way to drop it."""
    elsewhere = submit(world, region=world.grids[-1].pk, description="西城街道某小区电梯长期故障，物业不修。")
    cases = {**three, "elsewhere": elsewhere}
    street = world.streets[0]
    assert shown(clerk, cases, region=street.pk) == {"wages", "noise", "old"}
    assert shown(clerk, cases, region=world.streets[1].pk) == {"elsewhere"}
    page = clerk.get("/work/", {"tab": "all", "region": street.pk}).content.decode()
    assert 'data-testid="region-filter"' in page and street.name in page
    assert "该地区不存在" in clerk.get("/work/", {"tab": "all", "region": 999999}).content.decode()
