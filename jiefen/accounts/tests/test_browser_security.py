"""In Chromium under the content security policy: the pages run their scripts with no CSP
violation, the language menu still switches, and a locked-out login shows the Chinese page."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from jiefen.testing.browser import sign_in
from jiefen.testing.factories import submit

pytestmark = pytest.mark.browser


def watch(page):
    problems = []
    page.on("console", lambda m: problems.append(m.text)
            if "Content Security Policy" in m.text or "Content-Security-Policy" in m.text else None)
    return problems


def test_pages_run_under_the_csp_and_lockout_page(new_context, live_server, live_world, screenshot):
    cache.clear()
    case = submit(live_world)
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    problems = watch(page)

    page.goto(f"{live_server.url}/report/")
    # intake.js ran: the place picker's first list is filled from the embedded regions.
    page.wait_for_function("document.querySelector('.place-picker select').options.length > 1")
    with page.expect_navigation():  # the inline onchange handler, allowed by its hash
        page.select_option("select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    with page.expect_navigation():
        page.select_option("select[name=language]", "zh-hans")

    sign_in(page, live_server.url, "supervisor")
    page.goto(f"{live_server.url}/cases/{case.tracking_code}/")
    page.wait_for_selector("[data-testid=status]")
    assert problems == []

    other = new_context().new_page()
    for _ in range(5):
        other.goto(f"{live_server.url}/accounts/login/")
        other.fill("#id_username", "clerk")
        other.fill("#id_password", "wrong-password")
        other.click("button[type=submit]")
        other.wait_for_load_state("load")
    assert "账号已暂时锁定" in other.locator("main").inner_text()
    screenshot(other, "80-login-locked")


def test_the_reveal_script_runs_for_a_user_who_may_unmask(new_context, live_server, live_world):
    case = submit(live_world)
    page = new_context().new_page()
    problems = watch(page)
    sign_in(page, live_server.url, "dispatcher")
    page.goto(f"{live_server.url}/cases/{case.tracking_code}/")
    page.wait_for_selector("[data-testid=status]")
    phone = case.complainant.phone
    shown = page.locator('span.pii[data-field="phone"]')
    assert shown.inner_text() != phone  # masked
    page.once("dialog", lambda dialog: dialog.accept("核实诉求人身份"))
    page.locator('button.reveal[data-field="phone"]').click()
    expect(shown).to_have_text(phone)  # the page's own script fetched and showed it
    assert problems == []


def test_the_offline_api_docs_run_under_the_csp(new_context, live_server, live_world):
    page = new_context().new_page()
    problems = watch(page)
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Jiefen" in page.locator(".swagger-ui .info .title").inner_text() or page.locator(".opblock").count() > 0
    assert problems == []
