"""A leader opens 考评, picks the department scheme and March, sees ranks and lights, reads an
indicator's definition on hover, downloads the Excel file and drills into a department."""

import io

import pytest
from openpyxl import load_workbook

from jiefen.assessment.defaults import load_defaults
from jiefen.testing.browser import sign_in

from .factories import march_cases, scheme

pytestmark = pytest.mark.browser


def test_leader_reads_the_scorecard_and_exports_it(new_context, live_server, live_world, screenshot):
    w = live_world
    march_cases(w)
    load_defaults()
    s = scheme(name="部门考评（测试）")
    page = new_context(viewport={"width": 1280, "height": 800}).new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server.url, "leader")
    page.click("[data-testid=assessment-nav]")
    page.select_option("select[name=scheme]", str(s.pk))
    page.select_option("select[name=period]", "custom")
    page.fill("input[name=start]", "2026-03-01")
    page.fill("input[name=end]", "2026-03-31")
    page.click("[data-testid=assessment-filter] button[type=submit]")
    page.wait_for_selector("[data-testid=scorecard-row]")
    rows = page.locator("[data-testid=scorecard-row]")
    assert rows.count() == 2
    first, second = rows.nth(0).inner_text(), rows.nth(1).inner_text()
    assert first.startswith("1") and "清河区住建局" in first and "92.56" in first and "绿牌" in first
    assert second.startswith("2") and "清河区人社局" in second and "60.61" in second and "黄牌" in second
    colour = rows.nth(0).locator(".as-light").evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(47, 133, 90)"
    hint = page.locator("th[data-key=success_rate] abbr").get_attribute("title")
    assert "已化解 ÷（已化解 + 未化解）" in hint and "权重60" in hint
    screenshot(page, "70-assessment-scorecard")

    with page.expect_download() as info:
        page.click("[data-testid=assessment-export]")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as fh:
        ws = load_workbook(io.BytesIO(fh.read())).active
    assert [ws.cell(3, 2).value, ws.cell(3, 11).value] == ["清河区住建局", "绿牌"]

    # The default mediator scheme needs 3 closed cases: the housing mediator has only 2.
    page.select_option("select[name=scheme]", label="调解员考评（调解员）")
    page.click("[data-testid=assessment-filter] button[type=submit]")
    page.wait_for_selector("h1:has-text('调解员考评')")
    mediators = page.locator("[data-testid=scorecard-row]")
    assert mediators.count() == 2
    assert mediators.nth(0).inner_text().startswith("1") and str(w["hr_handler"]) in mediators.nth(0).inner_text()
    assert "样本不足" in mediators.nth(1).inner_text() and str(w["housing_handler"]) in mediators.nth(1).inner_text()
    screenshot(page, "71-assessment-mediators")
    page.go_back()
    page.wait_for_selector("h1:has-text('部门考评（测试）')")

    rows.nth(1).locator("a").click()
    page.wait_for_url("**/analytics/**")
    assert "清河区人社局" in page.locator("h1").inner_text()
    assert page.locator("[data-testid=indicators] tr[data-key=success_rate] .value").inner_text() == "75.00%"
    assert not errors, errors
