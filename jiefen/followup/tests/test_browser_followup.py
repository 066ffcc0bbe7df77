"""On a phone: the grid worker opens 我的回访, finds the closed case's visit and records it."""

import pytest

from jiefen.cases.models import Status
from jiefen.followup.models import FollowUp
from jiefen.testing.browser import sign_in
from jiefen.testing.factories import advance, submit

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def test_grid_worker_records_a_visit_on_a_phone(new_context, live_server, live_world, screenshot):
    w = live_world
    case = advance(w, submit(w), Status.CLOSED)
    fu = FollowUp.objects.get(case=case)

    page = new_context(**PHONE).new_page()
    sign_in(page, live_server.url, "grid_worker")
    page.click("[data-testid=follow-ups-nav]")
    tasks = page.locator("[data-testid=follow-up]")
    assert tasks.count() == 1 and case.display_code in tasks.first.inner_text()
    screenshot(page, "20-grid-follow-up-list-phone")

    tasks.first.locator("text=记录回访").click()
    page.click("button:has-text('提交回访记录')")  # nothing chosen: told what is missing
    assert "请选择是否联系上诉求人" in page.locator("main").inner_text()
    page.check("input[name=reached][value=yes]")
    page.select_option("select[name=agreement_honoured]", "yes")
    page.check("input[name=satisfaction][value='3']")
    page.fill("textarea[name=note]", "电话回访，工资已全部到账，王师傅表示满意。")
    screenshot(page, "21-grid-follow-up-form-phone")
    page.click("button:has-text('提交回访记录')")
    page.wait_for_selector("text=已记录回访")
    assert "没有待回访的案件" in page.locator("[data-testid=follow-up-list]").inner_text()
    fu.refresh_from_db()
    assert fu.done_at and fu.satisfaction == 3

    page.goto(f"{live_server.url}/cases/{case.tracking_code}/")
    assert "已履行" in page.locator("[data-testid=follow-up-card]").inner_text()
    assert "回访" in page.locator("[data-testid=timeline]").inner_text()
    screenshot(page, "22-grid-case-follow-up-phone")
