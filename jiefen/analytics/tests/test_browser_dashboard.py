"""In Chromium: a dispatcher opens 统计分析 from the header and sees this month's figures, the
streets to drill into and the charts, with no error in the console."""

import pytest

from jiefen.analytics.services import refresh
from jiefen.cases.models import Status
from jiefen.testing.browser import sign_in
from jiefen.testing.factories import advance, submit

pytestmark = pytest.mark.browser


def test_dashboard_shows_the_figures_and_drills_down(new_context, live_server, live_world, screenshot):
    w = live_world
    for _ in range(3):
        submit(w, region=w.grids[0].pk)
    advance(w, submit(w, region=w.grids[-1].pk), Status.CLOSED)
    refresh()

    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server.url, "dispatcher")
    page.get_by_role("link", name="统计分析").click()
    table = page.locator("[data-testid=indicators]")
    received = table.locator("tr", has_text="受理登记").locator("td").nth(1)
    assert received.inner_text().strip() == "4"
    assert page.locator("[data-testid=charts] svg").count() == 3
    children = page.locator("[data-testid=children]")
    assert "东关街道" in children.inner_text() and "西城街道" in children.inner_text()
    screenshot(page, "90-dashboard")

    children.get_by_role("link", name="东关街道").click()
    received = page.locator("[data-testid=indicators] tr", has_text="受理登记").locator("td").nth(1)
    assert received.inner_text().strip() == "3"
    assert problems == []
