"""A leader sees an overdue case's yellow sheet, acknowledges it and urges the department;
the department finds the urging in its reminders; the case page shows its clocks."""

import datetime as dt

import pytest

from jiefen.cases.models import Status
from jiefen.sla.sheet_models import Clock, Sheet, SheetColour
from jiefen.sla.sheets import tick
from jiefen.testing.browser import sign_in
from jiefen.testing.factories import advance, submit

pytestmark = pytest.mark.browser


def login(new_context, live_server, username):
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, live_server.url, username)
    return page


def test_leader_acknowledges_and_urges_an_overdue_case(new_context, live_server, live_world, screenshot):
    w = live_world
    case = advance(w, submit(w), Status.DISPATCHED)
    sign = Clock.objects.get(case=case, kind="sign")
    assert tick(sign.due_at + dt.timedelta(minutes=5)) == 2  # blue, then yellow

    leader = login(new_context, live_server, "leader")
    assert leader.locator("[data-testid=sheets-nav] .sheet-yellow").inner_text() == "1"
    leader.click("[data-testid=sheets-nav]")
    rows = leader.locator("[data-testid=sheet-list] tbody tr")
    assert rows.count() == 1 and "签收已超期" in rows.first.inner_text()
    screenshot(leader, "10-leader-sheet-list")
    rows.first.locator("a").first.click()
    leader.click("text=签收督办单")
    leader.wait_for_selector("text=已签收督办单")
    assert "未签收" not in leader.locator("[data-testid=sheet-ack]").inner_text()
    leader.click("button:has-text('催办')")  # empty: the browser asks for the text first
    assert leader.locator("[data-testid=urgings]").inner_text().strip() == "尚无催办。"
    leader.fill("#id_note", "请今天下班前签收，并电话联系诉求人。")
    leader.click("button:has-text('催办')")
    leader.wait_for_selector("text=已催办")
    assert "请今天下班前签收" in leader.locator("[data-testid=urgings]").inner_text()
    screenshot(leader, "11-leader-sheet-urged")

    handler = login(new_context, live_server, "hr_handler")
    handler.goto(f"{live_server.url}/work/notifications/")
    assert "催办" in handler.locator("main").inner_text()
    handler.goto(f"{live_server.url}/cases/{case.tracking_code}/")
    clocks = handler.locator("[data-testid=clocks]").inner_text()
    assert "签收" in clocks and "办理" in clocks and "剩余" in clocks
    timeline = handler.locator("[data-testid=timeline]").inner_text()
    assert "发出督办单" in timeline and "催办" in timeline
    screenshot(handler, "12-handler-case-clocks")

    handler.goto(f"{live_server.url}/work/?tab=todo")
    handler.goto(f"{live_server.url}/cases/{case.tracking_code}/")
    handler.click("details[data-action=sign] > summary")
    handler.locator("details[data-action=sign] form button").click()
    handler.wait_for_selector("text=已完成：签收")
    assert not Sheet.objects.filter(case=case, cleared_at__isnull=True).exists()
    assert Sheet.objects.get(case=case, colour=SheetColour.YELLOW).cleared_reason == "已签收"
