"""我的任务: the follow-up visits, risk-register visits and open cases of the worker's grids,
nearest first when the phone gives a point, else by due time; nothing outside his grids."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jiefen.accounts.models import Role
from jiefen.cases.models import Channel
from jiefen.field.services import distance_m, tasks_for
from jiefen.testing.factories import advance, staff, submit

from .factories import follow_up_at, risk_visit_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def planted(world):
    """Three tasks in the first grid, at its south edge, centre and north edge."""
    w, gw = world, world["grid_worker"]
    today = timezone.localdate()
    south = submit(w, channel=Channel.GRID, actor=gw, latitude="36.601000", longitude="117.005000",
                   description="南门口两户因停车位发生争执，需要协调。")
    closed = advance(w, submit(w, latitude="36.619000", longitude="117.005000"), "closed")
    closed.follow_ups.all().delete()  # the one closing scheduled: this test places its own
    north = follow_up_at(closed, gw, due=today + dt.timedelta(days=2))
    centre = risk_visit_in(w.grids[0], gw, due=today - dt.timedelta(days=1))  # the grid's centroid, overdue
    submit(w, region=w.grids[3].pk, description="别的网格的案件不应出现在这里，这是一条测试数据。")
    risk_visit_in(w.grids[3], None, name="外网格人员")
    return {"south": south, "north": north, "centre": centre}


def test_nearest_first_with_the_phones_point(world, planted):
    near_north = (36.6185, 117.005)
    tasks = tasks_for(world["grid_worker"], near_north)
    assert [t.kind for t in tasks] == ["follow_up", "risk_visit", "case"]
    assert [round(t.distance / 100) for t in tasks] == [1, 9, 19]  # about 55 m, 950 m, 1.95 km
    assert tasks[0].distance_label == "约60米" and tasks[2].distance_label == "约1.9公里"
    assert tasks[2].extra_label == "就地化解"  # his own patrol report, untouched by the center


def test_by_due_time_without_a_point(world, planted):
    tasks = tasks_for(world["grid_worker"])
    assert [t.kind for t in tasks] == ["risk_visit", "case", "follow_up"]  # overdue, 30 minutes, 2 days
    assert tasks[0].overdue and "外网格人员" not in " ".join(t.title for t in tasks)


def test_the_page_orders_by_the_point_it_is_given(world, planted, client):
    client.force_login(world["grid_worker"])
    page = client.get(reverse("field:tasks"), {"lat": "36.6185", "lon": "117.005"}).content.decode()
    assert "按距离排列" in page and page.index("记录回访") < page.index("记录走访") < page.index("查看办理")
    page = client.get(reverse("field:tasks"), {"lat": "north", "lon": "1e999"}).content.decode()
    assert "按期限排列" in page and page.index("记录走访") < page.index("查看办理") < page.index("记录回访")


def test_another_grids_worker_sees_none_of_these(world, planted):
    other = staff(Role.GRID_WORKER, region=world.grids[3], username="gw4")
    assert [t.title for t in tasks_for(other)] == ["别的网格的案件不应出现在这里，这是一条测试数据。", "走访重点人员 外网格人员"]


def test_distance_is_the_great_circle():
    assert round(distance_m((36.6, 117.0), (36.61, 117.0))) == 1112
