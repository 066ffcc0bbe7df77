"""In Chromium: the clerk opens a new case, sees that it looks like an earlier case of the same
resident, and confirms it as a repeat; the case is declined and the earlier one records it."""

import pytest

from jiefen.cases.models import Case, Status
from jiefen.incidents.models import Suggestion
from jiefen.testing.browser import sign_in
from jiefen.testing.factories import submit

from .test_detection import WAGE_AGAIN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_sees_and_confirms_a_repeat(new_context, live_server, live_world, screenshot):
    w = live_world
    first = submit(w)
    again = submit(w, description=WAGE_AGAIN)
    assert Suggestion.objects.filter(case=again, other=first).exists()

    page = new_context().new_page()
    sign_in(page, live_server.url, "clerk")
    page.goto(f"{live_server.url}/cases/{again.tracking_code}/")
    card = page.locator("[data-testid=incident-suggestion]")
    assert card.count() == 1
    text = card.inner_text()
    assert "疑似重复件" in text and first.display_code in text and "待确认" in text
    assert "幸福路工地" in page.locator("[data-testid=incident-words]").inner_text()
    screenshot(page, "40-clerk-incident-suggestion")

    card.locator("input[name=note]").fill("同一诉求人再次来电")
    card.locator("[data-testid=incident-confirm]").click()
    page.wait_for_selector("text=已确认为重复件并入案件")
    assert page.locator("[data-testid=status]").inner_text() == "不予受理"
    assert "已确认" in page.locator("[data-testid=incident-status]").inner_text()
    assert f"重复件，已并入 {first.display_code}" in page.locator("[data-testid=timeline]").inner_text()
    screenshot(page, "41-clerk-incident-confirmed")

    page.locator("[data-testid=incident-other]").click()
    page.wait_for_url(f"**/cases/{first.tracking_code}/")
    assert "诉求人再次反映" in page.locator("[data-testid=timeline]").inner_text()
    assert Case.objects.get(pk=again.pk).status == Status.DECLINED
