"""On a phone: the resident opens their case with the tracking code, picks a mediator from the
list and sends the order; the mediator sees 点单待确认 and accepts; the resident sees it. After
closing, the resident rates the mediator with stars."""

import pytest

from jiefen.cases.services import perform
from jiefen.mediators.models import MediatorOrder, OrderStatus
from jiefen.testing.browser import sign_in
from jiefen.testing.factories import submit

from .factories import roster

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def open_case(page, base_url, case):
    page.goto(f"{base_url}/track/")
    page.fill("#code", case.display_code)
    page.fill("#phone", "13812345678")
    page.click("button:has-text('查询')")
    page.wait_for_selector("[data-testid=mediator-track-card]")


def test_resident_orders_a_mediator_on_a_phone_and_the_mediator_accepts(new_context, live_server, live_world,
                                                                       screenshot):
    w = live_world
    roster(w)
    case = submit(w)

    resident = new_context(**PHONE).new_page()
    resident.goto(f"{live_server.url}/mediators/public/")
    listed = resident.locator("[data-testid=public-mediators] [data-testid=mediator]")
    assert listed.count() == 3 and "钱民警" not in resident.locator("main").inner_text()  # not public
    screenshot(resident, "59-public-mediators-phone")
    open_case(resident, live_server.url, case)
    resident.click("[data-testid=choose-mediator]")
    cards = resident.locator("[data-testid=mediator]")
    assert cards.count() == 2  # 李桂兰 of the street and 赵律师 of the county; not the other street's
    assert "李桂兰" in cards.first.inner_text() and "从事人民调解二十年" in cards.first.inner_text()
    screenshot(resident, "60-resident-choose-mediator-phone")

    resident.click("button:has-text('提交点单')")  # nothing picked: the browser asks for a choice
    assert not MediatorOrder.objects.exists()
    cards.first.locator("input[type=radio]").check()
    resident.fill("#order-reason", "李老师调解过我们楼的漏水纠纷，信得过。")
    screenshot(resident, "61-resident-mediator-picked-phone")
    resident.click("button:has-text('提交点单')")
    resident.wait_for_selector("text=已点选调解员李桂兰")
    card = resident.locator("[data-testid=mediator-track-card]")
    assert "等待调解员确认" in card.inner_text()
    screenshot(resident, "62-resident-mediator-ordered-phone")

    mediator = new_context(**PHONE).new_page()
    sign_in(mediator, live_server.url, "street_mediator")
    nav = mediator.locator("[data-testid=mediators-nav]")
    assert "点单待确认" in nav.inner_text() and "1" in nav.inner_text()
    nav.click()
    order = mediator.locator("[data-testid=order]")
    assert order.count() == 1 and "信得过" in order.first.inner_text()
    screenshot(mediator, "63-mediator-orders-phone")
    order.first.locator("input[name=reason]").first.fill("明天上午九点在东关社区调解室")
    order.first.locator("button:has-text('接单')").click()
    mediator.wait_for_selector("text=已接单：案件")
    assert mediator.locator("[data-testid=current-orders]").count() == 1
    assert MediatorOrder.objects.get().status == OrderStatus.ACCEPTED

    resident.reload()
    card = resident.locator("[data-testid=mediator-track-card]")
    assert "调解员已接单" in card.inner_text()
    assert "调解员接单" in resident.locator("[data-testid=timeline]").inner_text()
    screenshot(resident, "64-resident-mediator-accepted-phone")

    # the case is handled and closed; the resident rates the mediator
    for step in (("accept", "clerk", {}), ("classify", "clerk", {"item": w.immediate_item.pk}),
                 ("resolve_immediately", "clerk", {})):
        case = perform(case, step[0], w[step[1]], data=step[2], reason="经调解双方达成协议。")
    assert case.status == "closed"
    resident.reload()
    resident.locator("label[for^=score-][title='4 星']").click()
    resident.fill("textarea[name=comment]", "耐心，讲法讲理。")
    screenshot(resident, "65-resident-rates-mediator-phone")
    resident.click("button:has-text('提交评分')")
    resident.wait_for_selector("text=感谢您对调解员李桂兰的评价")
    assert MediatorOrder.objects.get().rating == 4
    assert "★★★★" in resident.locator("[data-testid=mediator-track-card]").inner_text()


def test_dispatcher_orders_for_the_resident_and_answers_for_an_elder(new_context, live_server, live_world,
                                                                    screenshot):
    w = live_world
    people = roster(w)
    case = submit(w)
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, live_server.url, "dispatcher")
    page.goto(f"{live_server.url}/cases/{case.tracking_code}/")
    card = page.locator("[data-testid=mediator-case-card]")
    page.select_option("#order-mediator", str(people["hidden"].pk))
    page.fill("#order-reason", "涉及治安，请社区民警参与")
    screenshot(page, "66-dispatcher-orders-mediator")
    card.locator("button:has-text('点单')").click()
    page.wait_for_selector("text=已为群众点选调解员钱民警")
    assert "待确认" in card.inner_text() and "代为接单" in card.inner_text()
    card.locator("button:has-text('代为接单')").click()
    page.wait_for_selector("text=已接单：案件")
    assert "已接单" in page.locator("[data-testid=mediator-case-card]").inner_text()
    assert "调解员接单" in page.locator("[data-testid=timeline]").inner_text()
    screenshot(page, "67-dispatcher-mediator-accepted")

    page.goto(f"{live_server.url}/mediators/")
    rows = page.locator("[data-testid=mediator-directory] [data-testid=mediator]")
    assert rows.count() == 4
    assert "1/3" in page.locator("tr:has-text('钱民警') [data-testid=workload]").inner_text()
    screenshot(page, "68-mediator-directory")
