"""The dashboard page: figures, drill-down, scope, bad parameters."""

import pytest
from django.test import Client

from jiefen.accounts.models import Role
from jiefen.analytics import services
from jiefen.cases.models import Status
from jiefen.testing.factories import PASSWORD, advance, staff, submit


@pytest.fixture
def figures(world):
    advance(world, submit(world), Status.CLOSED)
    submit(world)
    submit(world, region=world.grids[-1].pk)
    services.refresh()
    return world


def page(user, **params):
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c.get("/analytics/", params)


def test_county_staff_see_their_subtree_with_children_and_charts(figures):
    r = page(figures["leader"])
    html = r.content.decode()
    assert r.status_code == 200
    assert 'data-key="received"' in html and "<svg" in html and "<script" not in html.split("<svg")[1]
    assert "东关街道" in html and "西城街道" in html and "调成率" in html
    received = r.context["d"].rows[0]
    assert received["ind"].key == "received" and received["value"] == "3"
    assert 'title="期间内登记的案件数（按登记时间）。"' in html
    assert "统计分析" in html  # the header link


def test_drill_down_to_a_street_and_scope(figures):
    east, west = figures.streets
    r = page(figures["leader"], region=east.pk)
    assert r.status_code == 200 and r.context["d"].rows[0]["value"] == "2"
    # the west street dispatcher sees one case, and may not look at the east street
    r = page(figures["west_dispatcher"])
    assert r.context["d"].region == west and r.context["d"].rows[0]["value"] == "1"
    r = page(figures["west_dispatcher"], region=east.pk)
    assert r.status_code == 400 and "不在您的辖区内" in r.content.decode()
    # the hr handler sees the hr department's figures only
    r = page(figures["hr_handler"])
    assert r.status_code == 200 and r.context["d"].department == figures.hr
    assert r.context["d"].rows[0]["value"] == "1"
    assert page(figures["hr_handler"], department=figures.housing.pk).status_code == 400


def test_bad_parameters_give_a_chinese_message_not_a_500(figures):
    r = page(figures["leader"], period="custom", start="2026-13-01", end="x")
    assert r.status_code == 400 and "请填写正确的开始和结束日期" in r.content.decode()
    assert page(figures["leader"], region="abc").status_code == 400
    assert page(figures["leader"], period="forever").status_code == 400
    grid = staff(Role.GRID_WORKER, region=figures.grids[0])
    r = page(grid)
    assert r.status_code == 403 and "统计分析" in r.content.decode()
