"""In Chromium: a leader opens 平安地图 from the dashboard, sees the streets drawn and coloured
with a legend, clicks one for its figures, drills down; and the demo district looks right."""

import pytest

from jiefen.analytics.services import rebuild, refresh
from jiefen.cases.models import Status
from jiefen.testing.browser import sign_in
from jiefen.testing.factories import advance, submit

pytestmark = pytest.mark.browser

AREAS = ".leaflet-overlay-pane path.leaflet-interactive"


def watch(page):
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def test_map_draws_streets_and_shows_a_region_s_figures(new_context, live_server, live_world, screenshot):
    w = live_world
    for i in (0, 1, 2):
        submit(w, region=w.grids[i].pk, latitude="36.61", longitude=f"{117.005 + 0.01 * i:.3f}")
    advance(w, submit(w, region=w.grids[5].pk, latitude="36.61", longitude="117.055"), Status.CLOSED)
    refresh()

    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    problems = watch(page)
    sign_in(page, live_server.url, "leader")
    page.get_by_role("link", name="统计分析").click()
    page.get_by_test_id("dashboard-to-map").click()
    page.wait_for_selector(AREAS)
    assert page.locator(AREAS).count() == 2  # 东关街道 and 西城街道
    legend = page.get_by_test_id("map-legend")
    assert legend.locator("li").count() == 2 and "受理登记" in legend.inner_text()
    assert page.locator(".leaflet-tile").count() == 0  # no web tiles, ever
    page.locator("#map-case-legend", has_text="案件点位").wait_for()
    assert page.locator(".leaflet-cases-pane canvas").count() == 1
    assert "案件点位：4 个" in page.locator("#map-case-legend").inner_text()
    areas = page.get_by_test_id("map-areas")
    assert "东关街道" in areas.inner_text() and "本级合计" in areas.inner_text()

    page.locator(".leaflet-tooltip", has_text="东关街道").wait_for()
    page.get_by_test_id("map-areas").get_by_role("button", name="东关街道").click()
    panel = page.get_by_test_id("map-figures")
    assert panel.locator("h2").inner_text() == "东关街道"
    assert panel.locator("tr[data-key=received] .value").inner_text() == "3"
    screenshot(page, "91-map-streets")

    # click on the map itself, on the west street
    box = page.get_by_test_id("safety-map").bounding_box()
    west = page.locator(".leaflet-tooltip", has_text="西城街道").bounding_box()
    page.mouse.click(west["x"] + west["width"] / 2, west["y"] + west["height"] + 30)
    assert panel.locator("h2").inner_text() == "西城街道"
    assert panel.locator("tr[data-key=success_rate] .value").inner_text() == "100.00%"
    assert box["width"] > 600

    # a click on a case point opens a popup with its tracking code, linked to the case
    east = page.locator(AREAS).nth(0).bounding_box()  # 117.00-117.04 E, 36.60-36.62 N
    page.mouse.click(east["x"] + east["width"] * 0.125, east["y"] + east["height"] / 2)
    popup = page.get_by_test_id("map-case-popup")
    code = w.grids[0].cases.get().tracking_code
    assert popup.get_by_role("link").inner_text() == code and "待受理" in popup.inner_text()
    page.wait_for_timeout(400)  # the popup fades in
    screenshot(page, "91-map-case-popup")
    popup.get_by_role("link").click()
    page.wait_for_url(f"**/cases/{code}/")
    page.go_back()
    page.wait_for_selector(AREAS)
    page.get_by_test_id("map-areas").get_by_role("button", name="西城街道").click()
    page.get_by_test_id("map-figures").get_by_test_id("map-drill").click()
    page.wait_for_selector(AREAS)
    assert page.locator(AREAS).count() == 2  # 西城1社区 and 西城2社区
    assert "西城街道" in page.get_by_test_id("map-crumbs").inner_text()
    page.get_by_label("着色指标").select_option("success_rate")
    page.wait_for_url("**indicator=success_rate**")
    page.wait_for_selector(AREAS)
    assert "调成率" in page.get_by_test_id("map-legend").inner_text()
    assert problems == []


@pytest.fixture
def demo(live_server, transactional_db):
    from jiefen.demo.cases import generate_cases
    from jiefen.demo.district import build_district
    from jiefen.taxonomy.defaults import load_taxonomy

    load_taxonomy()
    district = build_district(seed=1)
    generate_cases(3000, seed=5, district=district, batch_size=1000)
    rebuild()
    return district


def test_demo_district_map(new_context, live_server, demo, screenshot):
    from jiefen.demo.district import DEMO_PASSWORD

    page = new_context(viewport={"width": 1360, "height": 1000}).new_page()
    problems = watch(page)
    sign_in(page, live_server.url, "leader", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/analytics/map/?period=this_year&indicator=per_10k&layer=points")
    page.wait_for_selector(AREAS)
    assert page.locator(AREAS).count() == 8  # the eight streets and towns
    assert page.get_by_test_id("map-legend").locator("li").count() >= 3
    page.locator("#map-case-legend", has_text="案件点位").wait_for()
    assert page.locator(".leaflet-cases-pane canvas").count() == 1
    page.locator(AREAS).first.click()
    assert page.get_by_test_id("map-figures").locator("tr[data-key=per_10k] .value").inner_text() != "—"
    screenshot(page, "92-map-demo-points")

    page.get_by_label("案件图层").select_option("heat")
    page.wait_for_url("**layer=heat**")
    page.wait_for_selector(".leaflet-cases-pane path")
    assert "热力格：共" in page.locator("#map-case-legend").inner_text()
    screenshot(page, "93-map-demo-heat")

    page.get_by_test_id("map-areas").locator("a", has_text="下钻").first.click()
    page.wait_for_selector(AREAS)
    assert page.locator(AREAS).count() >= 7  # a street's communities
    screenshot(page, "94-map-demo-street")
    assert problems == []
