"""In Chromium: a handler sees the bell's count, opens 提醒, finds the new dispatch marked,
turns on email for assignments and the next dispatch arrives by email too."""

import pytest
from django.core import mail

from jiefen.cases.models import Status
from jiefen.testing.browser import sign_in
from jiefen.testing.factories import advance, submit

pytestmark = pytest.mark.browser


def test_handler_reads_notices_and_chooses_email(new_context, live_server, live_world, screenshot):
    w = live_world
    handler = w["hr_handler"]
    handler.email, handler.phone = "hr_handler@qinghe.gov.cn", "13900001111"
    handler.save()
    case = advance(w, submit(w), Status.DISPATCHED)  # the worker (immediate in tests) tells the handler
    assert not mail.outbox  # assignments are in-app only by default

    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, live_server.url, "hr_handler")
    assert page.locator("[data-testid=unread]").inner_text() == "1"
    page.click("header.top a:has-text('提醒')")
    row = page.locator("tr.unread")
    assert row.count() == 1 and case.display_code in row.inner_text() and "新" in row.inner_text()
    assert page.locator("[data-testid=unread]").count() == 0  # seen: the bell's count is gone
    screenshot(page, "60-notifications-unread")

    page.check("input[name='assignment:email']")
    page.click("button:has-text('保存接收方式')")
    page.wait_for_selector("text=提醒接收方式已保存")
    assert page.locator("tr.unread").count() == 0 and page.locator("[data-testid=unread]").count() == 0
    assert page.is_checked("input[name='assignment:email']")
    screenshot(page, "61-notifications-preferences-saved")

    second = advance(w, submit(w, description="小区物业公司拖欠保洁员两个月工资共一万二千元，多次讨要无果。"),
                     Status.DISPATCHED)
    assert [m.to for m in mail.outbox] == [["hr_handler@qinghe.gov.cn"]]
    assert second.display_code in mail.outbox[0].subject
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert "邮件 已发送" in page.locator("tr.unread").inner_text()
    screenshot(page, "62-notifications-email-sent-phone")
