"""On a phone: a resident opens 智能咨询 from the home page, describes unpaid wages, reads that
it is a labour dispute with arbitration open and a like case settled, then chooses to file:
the report form already holds what they typed."""

import pytest

from .test_guide import WAGE, taxonomy  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.mark.django_db(transaction=True)
def test_resident_consults_then_files_with_the_text_carried_over(taxonomy, new_context, live_server, screenshot):  # noqa: F811
    page = new_context(**PHONE).new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + "/")
    page.click("text=智能咨询 >> nth=-1")
    page.click("button:has-text('咨询')")
    assert "请用几句话说明" in page.locator("[data-testid=guide-error]").inner_text()
    errors.clear()  # the browser logs the 400 of that empty form as a failed resource
    page.fill("#guide-text", WAGE)
    page.click("button:has-text('咨询')")
    assert "劳动争议与欠薪" in page.locator("[data-testid=guide-kind]").inner_text()
    doors = page.locator("[data-testid=guide-doors]").inner_text()
    assert "劳动仲裁" in doors and "法律援助" in doors
    assert "十二名农民工追讨欠薪调解案" in page.locator("[data-testid=guide-typical]").inner_text()
    screenshot(page, "66-guide-phone")
    page.click("[data-testid=guide-file]")
    page.wait_for_url("**/report/**")
    assert "欠我一万八千块" in page.input_value("textarea[name=description]")
    assert not errors, errors
