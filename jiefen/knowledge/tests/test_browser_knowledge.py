"""In Chromium: a mediator proposes a closed wage case as a typical case, reads the anonymised
draft, adds the lessons and submits it; the leader publishes it from the review queue; it is
in the library, and on the page of a new wage case it is the first similar case."""

import pytest

from jiefen.knowledge.defaults import load_defaults
from jiefen.knowledge.models import TypicalCase, TypicalStatus
from jiefen.notify.models import Notification
from jiefen.testing.browser import sign_in
from jiefen.testing.factories import advance, submit

from .factories import closed_wage_case

pytestmark = pytest.mark.browser


def test_propose_edit_publish_and_find_it_on_another_case(new_context, live_server, live_world, screenshot):
    w = live_world
    load_defaults()
    closed = closed_wage_case(w)
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, live_server.url, "street_mediator")
    page.goto(f"{live_server.url}/cases/{closed.tracking_code}/")
    card = page.locator("[data-testid=knowledge-card]")
    assert "推荐为典型案例" in card.inner_text()
    card.locator("[data-testid=knowledge-propose]").click()
    page.wait_for_selector("text=当事人信息已自动隐去")
    background = page.input_value("#kn-background")
    assert "王某" in background and "王建国" not in background and "13812345678" not in background
    page.fill("#kn-title", "幸福路工地十二名农民工讨薪案")
    page.fill("#kn-lessons", "抓住施工总承包单位先行清偿的责任，当场兑付，一次化解群体性欠薪。")
    screenshot(page, "60-knowledge-editor")
    page.click("[data-testid=knowledge-submit]")
    page.wait_for_selector("text=已提交审核")
    assert "待审核" in page.locator("[data-testid=knowledge-status]").inner_text()

    leader = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(leader, live_server.url, "leader")
    nav = leader.locator("[data-testid=knowledge-nav]")
    assert "1" in nav.inner_text()
    nav.click()
    leader.click("text=幸福路工地十二名农民工讨薪案")
    assert "一次化解群体性欠薪" in leader.locator("[data-testid=knowledge-lessons]").inner_text()
    screenshot(leader, "61-knowledge-review")
    leader.click("[data-testid=knowledge-publish]")
    leader.wait_for_selector("text=已发布，并已推送给辖区调解员")
    typical = TypicalCase.objects.get(source_case=closed)
    assert typical.status == TypicalStatus.PUBLISHED
    assert Notification.objects.filter(user=w["street_mediator"], kind="typical_case").exists()

    leader.goto(f"{live_server.url}/knowledge/?q=讨薪")
    entries = leader.locator("[data-testid=knowledge-entry]")
    assert entries.count() == 1 and "幸福路工地十二名农民工讨薪案" in entries.first.inner_text()
    assert "已化解" in entries.first.inner_text()
    screenshot(leader, "62-knowledge-library")

    fresh = advance(w, submit(w, description="幸福路工地的包工头拖欠我们十来个人三个月工资八万多，一直不给。"),
                    "dispatched")
    page.goto(f"{live_server.url}/cases/{fresh.tracking_code}/")
    matches = page.locator("[data-testid=knowledge-match]")
    assert matches.count() >= 1
    first = matches.first.inner_text()  # the reviewed write-up before its bare source case
    assert "典型案例" in first and "幸福路工地十二名农民工讨薪案" in first and "协议金额 86000 元" in first
    assert any("已办结案件" in m and "王建国" not in m for m in matches.all_inner_texts())
    answers = page.locator("[data-testid=knowledge-answers]")
    answers.locator("summary").click()
    assert "劳动仲裁" in answers.inner_text()
    page.locator("[data-testid=knowledge-card]").scroll_into_view_if_needed()
    screenshot(page, "63-knowledge-case-card")

    resident = new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    resident.goto(f"{live_server.url}/knowledge/public/{typical.pk}/")
    assert "一次化解群体性欠薪" in resident.locator("main").inner_text()
    assert "王建国" not in resident.content()
    screenshot(resident, "64-knowledge-public-phone")
