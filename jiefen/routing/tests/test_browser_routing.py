"""In Chromium: the clerk opens the manual-classification queue from the header, opens the
oldest case, reads the system's proposal and adopts it with one button."""

import pytest

from jiefen.cases.models import Case
from jiefen.routing.models import Proposal, RoutingPolicy
from jiefen.testing.browser import sign_in
from jiefen.testing.factories import submit

from .factories import WAGE_TEXT, give_examples

pytestmark = pytest.mark.browser


def test_clerk_adopts_a_proposal_from_the_queue(new_context, live_server, live_world, screenshot):
    w = live_world
    give_examples(w)
    RoutingPolicy.objects.create(confidence_threshold=1.0)  # every proposal to the queue
    case = submit(w, description=WAGE_TEXT)
    assert Proposal.objects.get(case=case).needs_manual

    page = new_context().new_page()
    sign_in(page, live_server.url, "clerk")
    nav = page.locator("[data-testid=routing-nav]")
    assert "待人工分类" in nav.inner_text() and "1" in nav.inner_text()
    nav.click()
    rows = page.locator("[data-testid=queue-row]")
    assert rows.count() == 1 and "农民工欠薪" in rows.first.inner_text()
    screenshot(page, "30-routing-queue")

    rows.first.locator(f"text={case.display_code}").click()
    card = page.locator("[data-testid=routing-card]")
    assert "劳动争议与欠薪 / 农民工欠薪" in card.inner_text() and "清河区人社局" in card.inner_text()
    assert "系统建议：劳动争议与欠薪 / 农民工欠薪" in page.locator("[data-testid=timeline]").inner_text()
    screenshot(page, "31-routing-case-card")
    page.click("[data-testid=adopt-proposal]")
    page.wait_for_selector("text=已完成：分类定级")
    assert "已采纳建议" in page.locator("[data-testid=routing-outcome]").inner_text()
    case = Case.objects.get(pk=case.pk)
    assert case.item == w.wage_item and case.risk_grade == "significant"

    page.click("[data-testid=routing-nav]")
    assert "没有待人工分类的案件" in page.locator("[data-testid=routing-queue]").inner_text()
