"""The safety map (平安地图): figures per region from the rollups, colours and legend, the case
points and heat cells, scope and bad parameters."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from jiefen.accounts.models import Role
from jiefen.analytics import map as safety_map
from jiefen.analytics import services
from jiefen.analytics.indicators import BY_KEY
from jiefen.cases.models import Case, Status
from jiefen.cases.services import perform
from jiefen.sla.sheet_models import Sheet, SheetColour
from jiefen.testing.factories import PASSWORD, advance, staff, submit


# A point inside each grid of the test world: grid k of community c lies at
# lon 117.0 + 0.02c + 0.01k .. +0.01, lat 36.6 .. 36.62.
def spot(world, grid_index):
    return {"latitude": "36.6100", "longitude": f"{117.005 + 0.01 * grid_index:.4f}",
            "region": world.grids[grid_index].pk}


def client(user):
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def regions(user, **params):
    return client(user).get("/analytics/map/regions.json", params)


def cases(user, **params):
    return client(user).get("/analytics/map/cases.json", params)


def by_name(data):
    return {f["properties"]["name"]: f["properties"] for f in data["features"]}


def figure(props, key):
    return next(f["text"] for f in props["figures"] if f["key"] == key)


@pytest.fixture
def mapped(world):
    """East street: 3 cases (one resolved and closed), west street: 2 cases (one closed
    unresolved); the east street has 20,000 residents; one open red sheet in the west."""
    east, west = world.streets
    east.population = 20_000
    east.save()
    first = submit(world, **spot(world, 0))
    advance(world, first, Status.CLOSED)
    submit(world, **spot(world, 1))
    submit(world, **spot(world, 2))
    lost = advance(world, submit(world, **spot(world, 5)), Status.IN_PROGRESS)
    lost = perform(lost, "close_unresolved", world["hr_handler"], data={"guidance": "arbitration"},
                   reason="对方拒不到场，已引导申请劳动仲裁")
    perform(lost, "close", world["dispatcher"])
    submit(world, **spot(world, 6))
    Sheet.objects.create(case=lost, colour=SheetColour.RED, reason="超期", recipient_role=Role.LEADER,
                         recipient_label="西城街道", raised_at=timezone.now())
    services.refresh()
    return world


def test_each_street_gets_its_figures_from_the_rollups(mapped):
    r = regions(mapped["leader"], indicator="received")
    assert r.status_code == 200
    data = r.json()
    streets = by_name(data)
    assert set(streets) == {"东关街道", "西城街道"}
    east, west = streets["东关街道"], streets["西城街道"]
    assert (east["text"], west["text"]) == ("3", "2")
    assert figure(east, "success_rate") == "100.00%" and figure(west, "success_rate") == "0.00%"
    assert figure(east, "resolved") == "1" and figure(west, "unresolved") == "1"
    assert figure(east, "per_10k") == "1.50"  # 3 cases for 20,000 residents
    assert figure(west, "per_10k") == "2.00"  # 2 for 10,000
    assert figure(west, "sheets_red") == "1" and figure(east, "sheets_red") == "0"
    assert data["region"]["text"] == "5"
    # streets have no outline of their own in this world: the union of their communities'
    assert east["id"] == mapped.streets[0].pk
    geometry = next(f["geometry"] for f in data["features"] if f["properties"]["name"] == "东关街道")
    xs = [p[0] for p in geometry["coordinates"][0]]
    assert min(xs) == pytest.approx(117.0) and max(xs) == pytest.approx(117.04)
    # the street with more cases is the darker one
    assert east["colour"] != west["colour"]
    assert [c["label"] for c in data["legend"]] == ["2", "3"]


def test_an_indicator_colours_the_map_and_no_data_is_grey(mapped):
    data = regions(mapped["leader"], indicator="satisfaction").json()
    streets = by_name(data)
    assert streets["东关街道"]["text"] == "—" and streets["东关街道"]["colour"] == safety_map.NO_DATA
    assert data["legend"][-1]["label"] == "无数据"
    data = regions(mapped["leader"], indicator="success_rate").json()
    streets = by_name(data)
    assert streets["东关街道"]["colour"] == safety_map.GOOD[-1]  # 100%: the darkest green
    assert streets["西城街道"]["colour"] == safety_map.GOOD[0]


def test_drill_down_into_a_street_shows_its_communities(mapped):
    east = mapped.streets[0]
    data = regions(mapped["leader"], region=east.pk).json()
    communities = by_name(data)
    assert set(communities) == {"东关1社区", "东关2社区"}
    assert communities["东关1社区"]["text"] == "2" and communities["东关2社区"]["text"] == "1"
    assert data["region"]["frame"] is not None  # the street's outline drawn around them
    urls = communities["东关1社区"]["urls"]
    assert urls["drill"].startswith("/analytics/map/?region=")
    assert f"region={mapped.communities[0].pk}" in urls["cases"] and urls["cases"].startswith("/work/")
    # a grid has no children: the map shows the grid itself, with no drill link
    data = regions(mapped["leader"], region=mapped.grids[0].pk).json()
    (grid,) = data["features"]
    assert grid["properties"]["text"] == "1" and "drill" not in grid["properties"]["urls"]


def test_legend_classes():
    received = BY_KEY["received"]
    legend = safety_map.legend_for(received, [0, 3, 1, None])
    assert [c["label"] for c in legend.classes] == ["0", "1", "3"]
    assert legend.colour(None) == safety_map.NO_DATA and legend.colour(3) == safety_map.MORE[-1]
    legend = safety_map.legend_for(received, [0, 5, 10, 20, 30, 40, 50])
    assert [c["label"] for c in legend.classes] == ["0 – 9", "10 – 19", "20 – 29", "30 – 39", "40 – 50"]
    assert legend.colour(19) == legend.classes[1]["colour"] and legend.colour(50) == safety_map.MORE[-1]
    rate = safety_map.legend_for(BY_KEY["success_rate"], [0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
    assert rate.classes[0]["label"] == "50.00% – 60.00%" and rate.classes[-1]["colour"] == safety_map.GOOD[-1]


def test_a_street_leader_sees_only_their_street(mapped):
    east, west = mapped.streets
    leader = staff(Role.LEADER, region=east)
    data = regions(leader).json()
    assert set(by_name(data)) == {"东关1社区", "东关2社区"} and data["region"]["text"] == "3"
    r = regions(leader, region=west.pk)
    assert r.status_code == 400 and "不在您的辖区内" in r.json()["error"]
    r = client(leader).get("/analytics/map/", {"region": mapped.county.pk})
    assert r.status_code == 400 and "不在您的辖区内" in r.content.decode()
    assert {p[2] for p in cases(leader).json()["points"]} == set(
        Case.objects.filter(region_path__startswith=east.path).values_list("tracking_code", flat=True))


def test_the_map_agrees_with_the_dashboard(mapped):
    """The same figures for the same region and period as the dashboard's drill-down table."""
    page = client(mapped["leader"]).get("/analytics/")
    table = {c["region"].name: c["figures"] for c in page.context["d"].children}
    streets = by_name(regions(mapped["leader"]).json())
    for name, figures in table.items():
        keys = [i.key for i in list(BY_KEY.values())[:6]]
        assert [figure(streets[name], k) for k in keys] == figures


def test_a_street_dispatcher_sees_only_their_street(mapped):
    east, west = mapped.streets
    user = mapped["street_dispatcher"]
    data = regions(user).json()
    assert set(by_name(data)) == {"东关1社区", "东关2社区"}
    r = regions(user, region=west.pk)
    assert r.status_code == 400 and "不在您的辖区内" in r.json()["error"]
    r = cases(user, region=mapped.county.pk)
    assert r.status_code == 400
    codes = {p[2] for p in cases(user).json()["points"]}
    assert codes == set(Case.objects.filter(region_path__startswith=east.path).values_list("tracking_code", flat=True))
    assert len(codes) == 3


def test_who_may_not_see_the_map(mapped):
    grid = staff(Role.GRID_WORKER, region=mapped.grids[0])
    r = regions(grid)
    assert r.status_code == 403 and "平安地图" in r.json()["error"]
    assert client(grid).get("/analytics/map/").status_code == 403
    assert Client().get("/analytics/map/regions.json").status_code == 403
    assert Client().get("/analytics/map/").status_code == 302  # to the sign-in page


def test_a_department_handler_maps_their_department_cases(mapped):
    data = regions(mapped["hr_handler"]).json()
    streets = by_name(data)
    # the two cases the HR department led (advance() dispatches to it): one per street
    assert (streets["东关街道"]["text"], streets["西城街道"]["text"]) == ("1", "1")
    assert regions(mapped["hr_handler"], department=mapped.housing.pk).status_code == 400


def test_points_filtered_by_category_status_and_period(mapped):
    leader = mapped["leader"]
    everything = cases(leader).json()
    assert everything["count"] == 5 and not everything["capped"]
    labour = mapped.wage_item.category_id
    assert cases(leader, category=labour).json()["count"] == 2  # the two classified cases
    assert cases(leader, status="open").json()["count"] == 3
    closed = cases(leader, status=Status.CLOSED).json()["points"]
    assert len(closed) == 2 and all(p[3] == "已办结" and p[4] is False for p in closed)
    # a case registered last year is out of this month, and in a custom period covering it
    old = Case.objects.filter(region=mapped.grids[6]).get()
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    assert cases(leader).json()["count"] == 4
    day = timezone.localtime(timezone.now() - dt.timedelta(days=400)).date().isoformat()
    custom = cases(leader, period="custom", start=day, end=day).json()
    assert [p[2] for p in custom["points"]] == [old.tracking_code]
    # a case without a map point is never drawn
    submit(mapped, region=mapped.grids[0].pk)
    assert cases(leader).json()["count"] == 4


def test_points_are_capped_and_say_so(mapped, monkeypatch):
    monkeypatch.setattr(safety_map, "POINT_CAP", 2)
    data = cases(mapped["leader"]).json()
    assert data["count"] == 2 and data["capped"] and "仅显示最新登记的 2 个" in data["note"]


def test_heat_cells_count_the_cases(mapped):
    submit(mapped, **spot(mapped, 0))  # a second case in the first grid's spot
    data = cases(mapped["leader"], layer="heat").json()
    assert data["count"] == 6 and data["max"] == 2
    south, west, north, east, n = max(data["cells"], key=lambda c: c[4])
    assert south <= 36.61 < north and west <= 117.005 < east
    assert cases(mapped["leader"], layer="heat", category=mapped.wage_item.category_id).json()["count"] == 2
    assert cases(mapped["street_dispatcher"], layer="heat").json()["count"] == 4


def test_bad_parameters_give_a_chinese_message(mapped):
    leader = mapped["leader"]
    for params, words in [({"indicator": "nonsense"}, "未知的指标"), ({"region": "abc"}, "地区参数不正确"),
                          ({"period": "custom", "start": "2026-13-01"}, "请填写正确的开始和结束日期"),
                          ({"status": "lost"}, "未知的案件状态"), ({"layer": "tiles"}, "未知的图层"),
                          ({"category": 999_999}, "该类别不存在")]:
        for r in (regions(leader, **params), cases(leader, **params)):
            assert r.status_code == 400 and words in r.json()["error"], (params, r.content)
    r = client(leader).get("/analytics/map/", {"indicator": "nonsense"})
    assert r.status_code == 400 and "未知的指标" in r.content.decode()


def test_the_page_links_its_layers_and_the_dashboard(mapped):
    east = mapped.streets[0]
    r = client(mapped["leader"]).get("/analytics/map/", {"region": east.pk, "indicator": "success_rate"})
    html = r.content.decode()
    assert r.status_code == 200
    assert f'data-regions-url="/analytics/map/regions.json?region={east.pk}' in html
    assert "indicator=success_rate" in html and "leaflet/leaflet.js" in html and "analytics/map.js" in html
    assert "清河区" in html and "东关街道" in html  # the breadcrumbs
    assert 'data-testid="map-to-dashboard"' in html
    dash = client(mapped["leader"]).get("/analytics/").content.decode()
    assert 'data-testid="dashboard-to-map"' in dash and "/analytics/map/?region=" in dash
    # a department's staff: the link carries the department, and the map shows its figures
    hr = mapped["hr_handler"]
    dash = client(hr).get("/analytics/").content.decode()
    assert "/analytics/map/?period=this_month&start=" in dash and f"department={mapped.hr.pk}" in dash
    r = client(hr).get("/analytics/map/")
    assert r.status_code == 200 and "清河区人社局" in r.content.decode()
