"""In Debian's Chromium on a phone: the address in a poster's QR code opens the report form
with the street, community and grid already chosen, and the report is filed as 扫码报事."""

import pytest

from jiefen.cases.models import Case, Channel
from jiefen.posters.services import short_code

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def test_scan_report_and_get_a_tracking_code(new_context, live_server, live_world, screenshot):
    grid = live_world.grids[1]
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.goto(f"{live_server.url}/q/{short_code(grid)}/")
    assert page.url.endswith(f"/report/?region={grid.pk}&via=qr")
    picked = page.locator(".place-picker select[data-level='5'] option:checked")
    picked.wait_for(state="attached")
    assert picked.inner_text() == grid.name
    assert page.locator(".place-picker select[data-level='3'] option:checked").inner_text() == "东关街道"
    page.fill("#id_description", "小区门口的垃圾桶好几天没人清运，气味很大，请尽快处理一下。")
    page.fill("#id_address", "幸福路22号小区南门")
    page.fill("#id_name", "刘芳")
    page.fill("#id_phone", "13900002222")
    screenshot(page, "posters-01-scanned-report-form")
    page.click("button[type=submit]")
    code = page.locator("[data-testid=tracking-code]").inner_text()
    case = Case.objects.get()
    assert code == case.display_code
    assert (case.channel, case.region) == (Channel.QR, grid)


def test_unknown_code_in_the_browser(new_context, live_server, live_world):
    page = new_context(viewport=PHONE, is_mobile=True).new_page()
    response = page.goto(f"{live_server.url}/q/NOPE/")
    assert response.status == 404
    assert "没有找到这个二维码" in page.inner_text("main")
    page.click("text=我要反映")
    page.wait_for_url("**/report/")
