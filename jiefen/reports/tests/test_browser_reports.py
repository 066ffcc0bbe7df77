"""In Chromium: the county leader opens 稳定专报, generates October's monthly report, reads it
and downloads its PDF and Excel; a period not yet over is refused with a message."""

import pytest

from jiefen.testing.browser import sign_in

from .factories import october

pytestmark = pytest.mark.browser


def test_leader_generates_reads_and_downloads_a_report(new_context, live_server, live_world, screenshot,
                                                      django_capture_on_commit_callbacks):
    w = live_world
    october(w, django_capture_on_commit_callbacks)
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server.url, "leader")
    page.click("[data-testid=reports-nav]")
    assert "还没有专报" in page.locator("[data-testid=reports-archive]").inner_text()

    form = page.locator("[data-testid=reports-generate]")
    form.locator("select[name=region]").select_option(str(w.county.pk))
    form.locator("select[name=kind]").select_option("monthly")
    form.locator("input[name=date]").fill("2999-01-15")
    form.locator("button[type=submit]").click()
    assert "该期间尚未结束" in page.locator("[data-testid=reports-error]").inner_text()
    assert errors == ["Failed to load resource: the server responded with a status of 400 (Bad Request)"]
    errors.clear()

    form.locator("input[name=date]").fill("2026-10-15")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=report-body]")
    body = page.locator("[data-testid=report-body]").inner_text()
    assert "清河区矛盾纠纷稳定专报" in body and "2026年第10期（月报）" in body
    assert "清河区共登记矛盾纠纷8件，较上期上升300.0%" in body
    assert page.locator("[data-testid=report-figures] tr[data-key=received]").inner_text().split()[1:3] == ["8", "2"]
    screenshot(page, "reports-detail")

    with page.expect_download() as pdf:
        page.click("[data-testid=download-pdf]")
    with open(pdf.value.path(), "rb") as fh:
        assert fh.read(4) == b"%PDF"
    assert pdf.value.suggested_filename.endswith(".pdf") and "稳定专报" in pdf.value.suggested_filename
    with page.expect_download() as xlsx:
        page.click("[data-testid=download-xlsx]")
    assert xlsx.value.suggested_filename.endswith(".xlsx")

    page.click("text=← 稳定专报")
    rows = page.locator("[data-testid=report-row]")
    assert rows.count() == 1 and "2026年第10期（月报）" in rows.first.inner_text()
    assert "leader" in rows.first.inner_text() or "职员" in rows.first.inner_text()
    screenshot(page, "reports-archive")
    assert not errors, errors
