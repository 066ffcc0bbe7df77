"""On a phone (390×844): the grid worker's patrol report with a camera photo and the phone's
location, on-the-spot resolution, proxy filing, a resend after a dropped connection, the
draft kept over a reload, and 我的任务 nearest first."""

import datetime as dt

import pytest
from django.utils import timezone

from jiefen.cases.models import Case, Channel, MediationSession, Status
from jiefen.field.models import ProxyFiling
from jiefen.testing.browser import sign_in
from jiefen.testing.factories import advance, submit

from .factories import IN_GRID, follow_up_at, photo_bytes, risk_visit_in

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
HERE = {"latitude": float(IN_GRID[0]), "longitude": float(IN_GRID[1])}


def phone(new_context, live_server, where=HERE):
    page = new_context(**PHONE, geolocation=where, permissions=["geolocation"]).new_page()
    sign_in(page, live_server.url, "grid_worker")
    return page


def fill_report(page, description="锦绣小区3号楼楼道堆放杂物堵塞消防通道，物业多次劝说无果。"):
    page.click("button.quick:has-text('物业服务')")
    page.check("label.quick-item:has-text('物业服务纠纷') input")
    page.fill("#id_description", description)
    page.wait_for_function("document.getElementById('id_latitude').value !== ''")


def test_patrol_report_with_a_photo_and_the_location(new_context, live_server, live_world, screenshot, tmp_path):
    w = live_world
    picture = tmp_path / "现场.jpg"
    picture.write_bytes(photo_bytes())
    page = phone(new_context, live_server)
    page.click("[data-testid=field-nav]")
    page.click(".field-links >> text=巡查上报")
    assert page.locator("input[name=photos]").get_attribute("capture") == "environment"
    assert page.locator("#id_region").evaluate("s => s.options[s.selectedIndex].text") == w.grids[0].name
    assert page.locator(".quick-items:visible").count() == 0  # items show after a category tap
    fill_report(page)
    page.set_input_files("input[name=photos]", str(picture))
    assert "36.605" in page.locator("[data-testid=locate-status]").inner_text()
    screenshot(page, "60-field-patrol-report-phone")
    page.click("#send")
    page.wait_for_url("**/cases/**")
    assert "已上报，查询码" in page.locator(".messages").inner_text()
    screenshot(page, "61-field-patrol-report-filed-phone")
    case = Case.objects.get()
    assert (case.channel, case.region, case.status) == (Channel.GRID, w.grids[0], Status.SUBMITTED)
    assert case.attachments.count() == 1 and float(case.latitude) == pytest.approx(36.605)
    assert case.reported_item == w.property_item


def test_resolved_on_the_spot_closes_the_case_with_the_mediation(new_context, live_server, live_world, screenshot):
    page = phone(new_context, live_server)
    page.goto(f"{live_server.url}/field/report/")
    fill_report(page, "3号楼楼上装修噪音扰民，楼上楼下两户发生争吵，现场劝解。")
    assert not page.locator("#id_result").is_visible()
    page.check("#id_on_spot")
    page.fill("#id_result", "现场调解，楼上住户承诺晚十点后不施工，双方握手言和。")
    page.fill("#id_attendees", "楼上李某、楼下赵某")
    screenshot(page, "62-field-on-the-spot-phone")
    page.click("#send")
    page.wait_for_url("**/cases/**")
    text = page.locator("main").inner_text()
    assert "已就地化解并办结" in text and "就地化解" in text and "已办结" in text
    screenshot(page, "63-field-on-the-spot-closed-phone")
    case = Case.objects.get()
    assert case.status == Status.CLOSED and "握手言和" in case.result_summary
    session = MediationSession.objects.get(case=case)
    assert session.outcome == "resolved" and session.attendees == "楼上李某、楼下赵某"


def test_proxy_filing_shows_the_resident_and_the_worker(new_context, live_server, live_world, screenshot):
    w = live_world
    page = phone(new_context, live_server)
    page.goto(f"{live_server.url}/field/proxy/new/")
    page.fill("#id_name", "王奶奶")
    page.fill("#id_phone", "13912345678")
    page.fill("#id_proxy_reason", "年老行动不便，不会使用手机")
    fill_report(page, "王奶奶家楼上漏水一个多月，物业推诿不修，老人行动不便无法自己反映。")
    screenshot(page, "64-field-proxy-form-phone")
    page.click("#send")
    page.wait_for_url("**/cases/**")
    main = page.locator("main").inner_text()
    assert "王奶奶" in main and "网格员代办" in main and str(w["grid_worker"]) in main
    screenshot(page, "65-field-proxy-case-phone")
    page.goto(f"{live_server.url}/field/proxy/")
    row = page.locator("[data-testid=proxy-case]")
    assert row.count() == 1 and "王奶奶" in row.inner_text() and "139****5678" in row.inner_text()
    screenshot(page, "66-field-proxy-list-phone")
    assert ProxyFiling.objects.get().worker == w["grid_worker"]


def test_a_resend_after_a_dropped_connection_files_one_case(new_context, live_server, live_world, screenshot):
    page = phone(new_context, live_server)
    page.goto(f"{live_server.url}/field/report/")
    fill_report(page)
    sends = []

    def flaky(route):
        sends.append(route.request.method)
        if route.request.method != "POST" or len(sends) > 2:
            route.continue_()
        elif len(sends) == 1:
            route.abort("internetdisconnected")  # never reached the server
        else:
            route.fetch()  # reached the server and was filed, but the answer was lost
            route.abort("connectionreset")

    page.route("**/field/report/", flaky)
    for _attempt in range(2):
        page.click("#send")
        page.wait_for_selector("[data-testid=send-status]:has-text('发送失败')")
        assert page.locator("#id_description").input_value().startswith("锦绣小区")
    screenshot(page, "67-field-send-failed-phone")
    assert Case.objects.count() == 1  # the second try was filed
    page.click("#send")
    page.wait_for_url("**/cases/**")
    assert "此前已经提交成功" in page.locator(".messages").inner_text()
    assert Case.objects.count() == 1 and sends.count("POST") == 3
    assert Case.objects.get().tracking_code in page.url


def test_the_draft_survives_a_reload(new_context, live_server, live_world, screenshot):
    page = phone(new_context, live_server)
    page.goto(f"{live_server.url}/field/report/")
    fill_report(page, "幸福路菜市场门口摊贩占道经营，与过往居民发生口角。")
    page.click("details.field-parties summary")
    page.fill("#id_name", "赵大妈")
    key = page.locator("input[name=submission_key]").input_value()
    page.reload()
    assert page.locator("#id_description").input_value() == "幸福路菜市场门口摊贩占道经营，与过往居民发生口角。"
    assert page.locator("#id_name").input_value() == "赵大妈"
    assert page.locator("label.quick-item:has-text('物业服务纠纷') input").is_checked()
    assert page.locator(".quick-items:visible").count() == 1
    assert page.locator("input[name=submission_key]").input_value() == key  # a resend stays one case
    assert "已恢复上次未发送的草稿" in page.locator("[data-testid=send-status]").inner_text()
    screenshot(page, "68-field-draft-restored-phone")


def test_my_tasks_nearest_first(new_context, live_server, live_world, screenshot):
    w, gw = live_world, live_world["grid_worker"]
    today = timezone.localdate()
    submit(w, channel=Channel.GRID, actor=gw, latitude="36.601000", longitude="117.005000",
           description="南门口两户因停车位发生争执，需要协调。")
    closed = advance(w, submit(w, latitude="36.619000", longitude="117.005000"), Status.CLOSED)
    closed.follow_ups.all().delete()
    follow_up_at(closed, gw, due=today + dt.timedelta(days=2))
    risk_visit_in(w.grids[0], gw, due=today - dt.timedelta(days=1))

    page = phone(new_context, live_server, {"latitude": 36.6185, "longitude": 117.005})
    page.click("[data-testid=field-nav]")
    page.wait_for_url("**/field/?lat=*")
    assert "按距离排列" in page.locator("[data-testid=order-note]").inner_text()
    kinds = page.locator("[data-testid=field-task]").evaluate_all("els => els.map(e => e.dataset.kind)")
    assert kinds == ["follow_up", "risk_visit", "case"]
    assert page.locator("[data-testid=distance]").first.inner_text() == "约60米"
    screenshot(page, "69-field-my-tasks-phone")


def test_mistakes_are_shown_on_the_form_and_nothing_is_filed(new_context, live_server, live_world, screenshot):
    page = phone(new_context, live_server)
    page.goto(f"{live_server.url}/field/report/")
    page.fill("#id_description", "路灯坏了。")
    page.click("#send")
    page.wait_for_selector("#field-item .errorlist")
    main = page.locator("main").inner_text()
    assert "请选择事项类别。" in main and "诉求内容太短" in main
    assert page.locator("#id_description").input_value() == "路灯坏了。"
    screenshot(page, "70-field-report-mistakes-phone")
    assert not Case.objects.exists()
