"""The ranking of departments by points per month, quarter or year, and its Excel file."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from jiefen.points import services
from jiefen.points.models import Order, Period, PointsSetting
from jiefen.testing.factories import PASSWORD

from .factories import enable, posted

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def done(world, taker, rating, *, day, late=False, user="east_clerk", offered="0"):
    """An order posted and taken on `day`, completed (after its deadline if `late`) and
    confirmed the next day."""
    with time_machine.travel(dt.datetime(*day, 9, 0, tzinfo=TZ), tick=False) as t:
        order = posted(world, user, offered_points=offered, deadline=dt.date(*day).isoformat())
        services.take(order, world[taker])
        if not late:
            services.complete(order, world[taker], "已办结")
        t.shift(dt.timedelta(days=1))
        if late:
            services.complete(order, world[taker], "晚了一天")
        services.confirm(order, world[user], rating)
    return order


@pytest.fixture
def november(world):
    enable(world)
    done(world, "hr_handler", "5", day=(2026, 11, 3), offered="3")  # 10 + 3 + 5 = 18
    done(world, "housing_handler", "4", day=(2026, 11, 5))  # 10 + 5 = 15
    done(world, "housing_handler", "2", day=(2026, 11, 9), late=True)  # 10 − 5 = 5
    done(world, "west_handler", "3", day=(2026, 11, 12), user="west_clerk")  # 10
    done(world, "west_handler", "5", day=(2026, 10, 20), user="west_clerk")  # October: 15
    return world


def rows(r):
    return [(row.rank, row.department.name, row.points, row.taken, row.on_time, row.rating) for row in r.rows]


def test_the_county_leader_sees_departments_ranked_by_points(november):
    w = november
    r = services.ranking(w["leader"], {"period": "month", "at": "2026-11"})
    assert (r.start, r.end) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert rows(r) == [
        (1, "清河区住建局", 20, 2, 1, 3.0),
        (2, "清河区人社局", 18, 1, 1, 5.0),
        (3, "西城街道城管办", 10, 1, 1, 3.0),
    ]
    quarter = services.ranking(w["leader"], {"period": "quarter", "at": "2026-Q4"})
    assert [(row.department.name, row.points) for row in quarter.rows] == [
        ("西城街道城管办", 25), ("清河区住建局", 20), ("清河区人社局", 18)]
    year = services.ranking(w["leader"], {"period": "year", "at": "2026"})
    assert [row.points for row in year.rows] == [25, 20, 18]
    assert [row.points for row in services.ranking(w["leader"], {"period": "month", "at": "2026-12"}).rows] == [0, 0, 0]


def test_ties_share_a_rank_and_a_community_sees_only_its_own_points(november):
    w = november
    r = services.ranking(w["west_clerk"], {"period": "year", "at": "2026"})
    assert r.area == w.communities[2]
    assert [(row.rank, row.department.name, row.points) for row in r.rows] == [
        (1, "西城街道城管办", 25), (2, "清河区人社局", 0), (2, "清河区住建局", 0)]
    handler = services.ranking(w["west_handler"], {"period": "year", "at": "2026"})  # the west street
    assert [row.department.name for row in handler.rows] == ["西城街道城管办", "清河区人社局", "清河区住建局"]


def test_the_setting_chooses_the_default_period(november):
    w = november
    PointsSetting.objects.filter(region=w.county).update(period=Period.QUARTER)
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=TZ), tick=False):
        r = services.ranking(w["leader"], {})
    assert (r.kind, r.label, r.start, r.end) == ("quarter", "2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))


def test_ranking_page_and_excel_cells(client, november):
    client.login(username="leader", password=PASSWORD)
    page = client.get(reverse("points:ranking"), {"period": "month", "at": "2026-11"})
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("清河区住建局") < html.index("清河区人社局") < html.index("西城街道城管办")
    response = client.get(reverse("points:ranking_export"), {"period": "month", "at": "2026-11"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert "清河区社区下单积分排名" in ws["A1"].value and "2026-11" in ws["A1"].value
    assert [c.value for c in ws[2]] == ["排名", "部门", "积分", "接单数", "按期完成数", "平均评分"]
    assert [c.value for c in ws[3]] == [1, "清河区住建局", 20, 2, 1, 3]
    assert [c.value for c in ws[5]] == [3, "西城街道城管办", 10, 1, 1, 3]
    assert ws.max_row == 5


@pytest.mark.parametrize("params,message", [
    ({"period": "week"}, "排名周期只能是月度、季度或年度"),
    ({"period": "month", "at": "2026-13"}, "月份格式应为"),
    ({"period": "quarter", "at": "2026-Q5"}, "季度格式应为"),
    ({"period": "year", "at": "二〇二六"}, "年份格式应为"),
])
def test_bad_periods_are_refused(client, november, params, message):
    client.login(username="leader", password=PASSWORD)
    for name in ("points:ranking", "points:ranking_export"):
        response = client.get(reverse(name), params)
        assert response.status_code == 400 and message in response.content.decode()


def test_the_ranking_is_only_for_those_with_an_area(client, november):
    w = november
    client.login(username="street_dispatcher", password=PASSWORD)
    response = client.get(reverse("points:ranking"))
    assert response.status_code == 403 and "没有查看社区下单积分排名的权限" in response.content.decode()
    client.login(username="west_clerk", password=PASSWORD)
    response = client.get(reverse("points:ranking"), {"area": w.county.pk})
    assert response.status_code == 403 and "不在您的管辖范围内" in response.content.decode()
    assert Order.objects.count() == 5
