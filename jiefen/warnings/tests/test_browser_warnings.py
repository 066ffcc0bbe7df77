"""In Chromium: a resident's case threatens a jump; the clerk sees the red badge in the
header, the signal in 风险预警, the highlighted words on the case page, and records how it
was handled."""

import pytest

from jiefen.testing.browser import sign_in
from jiefen.testing.factories import submit
from jiefen.warnings.defaults import load_defaults
from jiefen.warnings.models import ThreatSignal

pytestmark = pytest.mark.browser


def test_clerk_sees_the_red_warning_on_the_list_and_the_case(new_context, live_server, live_world, screenshot):
    w = live_world
    load_defaults()
    case = submit(w, description="包工头拖欠我们工资半年了，再不给钱我就从楼上跳下去。")
    assert ThreatSignal.objects.filter(case=case, kind="jump").exists()

    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, live_server.url, "clerk")
    assert page.locator("[data-testid=warnings-open]").inner_text() == "1"

    page.click("[data-testid=warnings-nav]")
    rows = page.locator("[data-testid=warning-row]")
    assert rows.count() == 1
    assert "跳楼" in rows.first.inner_text() and case.display_code in rows.first.inner_text()
    screenshot(page, "40-clerk-warnings-list")

    page.click(f"text={case.display_code}")
    card = page.locator("[data-testid=warnings-card]")
    assert card.locator("mark.threat").first.inner_text() == "从楼上跳下去"
    assert "跳楼" in card.inner_text()
    red = card.locator("mark.threat").first.evaluate("e => getComputedStyle(e).color")
    assert red == "rgb(179, 38, 30)"  # the danger red
    assert "发现极端行为苗头" in page.locator("[data-testid=timeline]").inner_text()
    screenshot(page, "41-clerk-case-warning")

    card.locator("text=记录处置").click()
    page.click("button:has-text('标记为已处置')")  # nothing written: the browser asks for it
    assert page.url.endswith(f"/warnings/{ThreatSignal.objects.get(case=case).pk}/")
    page.fill("textarea[name=note]", "已联系网格员上门，当事人情绪已稳定，工资问题转人社局。")
    page.click("button:has-text('标记为已处置')")
    page.wait_for_selector("text=已记录处置情况")
    assert "没有未处置的预警" in page.locator("[data-testid=warnings-list]").inner_text()
    assert page.locator("[data-testid=warnings-open]").count() == 0
