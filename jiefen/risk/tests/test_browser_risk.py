"""On a phone: the grid worker opens 重点人员走访, finds the red-level woman whose visit is due
today and records the visit in a few taps; the next visit is a week away."""

import datetime as dt

import pytest
from django.utils import timezone

from jiefen.risk import services
from jiefen.risk.models import RiskPerson, RiskVisit
from jiefen.testing.browser import sign_in

from .factories import family_items

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def test_grid_worker_records_a_risk_visit_on_a_phone(new_context, live_server, live_world, screenshot):
    w = live_world
    family_items()
    person = RiskPerson.objects.create(name="刘秀英", phone="13911112222", region=w.grids[0], level="red",
                                       reasons="家庭暴力纠纷", address="幸福路3号院2单元")
    services.accept(person, w["clerk"], grid_worker_id=w["grid_worker"].pk)
    RiskVisit.objects.filter(person=person).update(due_date=timezone.localdate())

    page = new_context(**PHONE).new_page()
    sign_in(page, live_server.url, "grid_worker")
    nav = page.locator("[data-testid=risk-visits-nav]")
    assert "1" in nav.inner_text()
    nav.click()
    visits = page.locator("[data-testid=risk-visit]")
    assert visits.count() == 1 and "刘秀英" in visits.first.inner_text() and "今天" in visits.first.inner_text()
    assert "139****2222" in visits.first.inner_text()
    screenshot(page, "40-grid-risk-visits-phone")

    visits.first.locator("text=记录走访").click()
    page.click("button:has-text('提交走访记录')")  # nothing said: told what is missing
    assert "请选择是否见到本人" in page.locator("main").inner_text()
    page.check("input[name=met][value=yes]")
    page.check("input[name=level_after][value=red]")
    page.fill("textarea[name=findings]", "本人在家，情绪稳定，丈夫已搬出，妇联已介入。")
    screenshot(page, "41-grid-risk-visit-form-phone")
    page.click("button:has-text('提交走访记录')")
    page.wait_for_selector("text=已记录对刘秀英的走访")
    item = page.locator("[data-testid=risk-visit]")
    next_due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    assert item.count() == 1 and next_due in item.first.inner_text()
    assert page.locator("[data-testid=risk-visits-nav] .badge").count() == 0
    screenshot(page, "42-grid-risk-visits-after-phone")
    done = RiskVisit.objects.get(person=person, done_at__isnull=False)
    assert done.met and "妇联已介入" in done.findings
