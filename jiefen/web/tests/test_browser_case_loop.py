"""End to end in Debian's Chromium: a resident reports from a phone, staff work the case
through every desk, and the resident sees the result with the tracking code and rates it."""


import pytest
from PIL import Image

from jiefen.cases.models import Case, Status
from jiefen.testing.browser import sign_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def photo_file(tmp_path):
    path = tmp_path / "楼道堆物.jpg"
    Image.new("RGB", (640, 480), (180, 90, 40)).save(path, "JPEG")
    return str(path)


def login(new_context, live_server, username):
    context = new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_server.url, username)
    return page


def open_case(page, live_server, code):
    page.goto(f"{live_server.url}/work/?tab=todo")
    page.click(f"text={code[:4]}-{code[4:]}")
    page.wait_for_selector("[data-testid=status]")


def act(page, action):
    page.click(f"details[data-action={action}] > summary")
    return page.locator(f"details[data-action={action}] form")


def test_resident_to_resolution_and_rating(new_context, live_server, live_world, tmp_path, screenshot):
    w = live_world
    resident = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = resident.new_page()
    page.goto(f"{live_server.url}/report/")
    page.fill("#id_description", "我们十二个人在幸福路工地干了三个月，包工头一直拖欠工资八万六千元，过年回不了家，请帮帮我们。")
    page.select_option(".place-picker select[data-level='3']", label="东关街道")
    page.select_option(".place-picker select[data-level='4']", label="东关1社区")
    # The map shows the community's grids with no web tiles; tapping the west grid picks it.
    page.wait_for_selector("#place-map .leaflet-interactive")
    page.locator("#place-map path.leaflet-interactive").first.click()
    assert page.locator(".place-picker select[data-level='5'] option:checked").inner_text() == "东关1社区第1网格"
    assert 117.0 < float(page.input_value("#id_longitude")) < 117.01
    page.fill("#id_address", "幸福路18号工地")
    page.fill("#id_name", "王建国")
    page.fill("#id_phone", "13812345678")
    page.fill("#id_group_size", "12")
    page.set_input_files("#id_photos", photo_file(tmp_path))
    screenshot(page, "01-resident-report-form")
    page.click("button[type=submit]")
    code_text = page.locator("[data-testid=tracking-code]").inner_text()
    screenshot(page, "02-resident-tracking-code")
    case = Case.objects.get()
    assert code_text == case.display_code
    assert case.region == w.grids[0] and case.attachments.count() == 1
    assert 36.6 < case.latitude < 36.62

    clerk = login(new_context, live_server, "clerk")
    open_case(clerk, live_server, case.tracking_code)
    act(clerk, "accept").locator("button").click()
    clerk.wait_for_selector("text=已完成：受理")
    form = act(clerk, "classify")
    form.locator("select[name=item]").select_option(label="农民工欠薪（限时件）")
    form.locator("button").click()
    clerk.wait_for_selector("text=已完成：分类定级")
    assert "农民工欠薪" in clerk.locator("[data-testid=item]").inner_text()
    screenshot(clerk, "03-clerk-case-classified")

    dispatcher = login(new_context, live_server, "dispatcher")
    open_case(dispatcher, live_server, case.tracking_code)
    form = act(dispatcher, "dispatch")
    assert form.locator("select[name=department] option:checked").inner_text().startswith("清河区人社局")
    form.locator("button").click()
    dispatcher.wait_for_selector("text=已完成：派单")

    handler = login(new_context, live_server, "hr_handler")
    screenshot(handler, "04-handler-worklist")
    open_case(handler, live_server, case.tracking_code)
    act(handler, "sign").locator("button").click()
    handler.wait_for_selector("text=已完成：签收")
    form = act(handler, "record_mediation")
    form.locator("input[name=held_at]").fill("2026-01-10T10:00")
    form.locator("input[name=place]").fill("东关街道人民调解室")
    form.locator("select[name=method]").select_option("face_to_face")
    form.locator("input[name=mediators]").fill("李明、法律明白人张强")
    form.locator("input[name=attendees]").fill("王建国等3名工人代表、包工头刘某")
    form.locator("select[name=outcome]").select_option("resolved")
    form.locator("textarea[name=agreement_text]").fill("刘某于1月20日前一次性支付工资86000元。")
    form.locator("input[name=agreement_amount]").fill("86000")
    form.locator("button").click()
    handler.wait_for_selector("[data-testid=mediation]")
    assert "面对面调解 · 调解成功 · 协议金额 86000.00 元" in handler.locator("[data-testid=timeline]").inner_text()
    form = act(handler, "resolve")
    form.locator("textarea[name=reason]").fill("经调解达成协议，工资已足额支付。")
    form.locator("button").click()
    handler.wait_for_selector("text=已完成：化解办结")
    screenshot(handler, "05-handler-resolved")

    open_case(dispatcher, live_server, case.tracking_code)
    act(dispatcher, "close").locator("button").click()
    dispatcher.wait_for_selector("text=已完成：审核办结")
    case.refresh_from_db()
    assert case.status == Status.CLOSED

    page = resident.new_page()
    page.goto(f"{live_server.url}/track/")
    page.fill("#code", code_text)
    page.fill("#phone", "13812345678")
    page.click("button[type=submit]")
    assert page.locator("[data-testid=status]").inner_text() == "已办结"
    assert "工资已足额支付" in page.locator("[data-testid=result]").inner_text()
    timeline = page.locator("[data-testid=timeline]").inner_text()
    for step in ("提交诉求", "受理", "派单", "签收", "记录调解", "化解办结", "审核办结"):
        assert step in timeline
    assert "分类定级" not in timeline  # internal steps stay internal
    assert "调解成功" in timeline
    page.check("input[name=satisfaction][value='3']")
    page.click("text=提交评价")
    page.wait_for_selector("text=感谢您的评价")
    screenshot(page, "06-resident-result-rated")
    case.refresh_from_db()
    assert case.satisfaction == 3


def test_resident_form_shows_chinese_errors_and_saves_nothing(new_context, live_server, live_world, tmp_path):
    page = new_context(viewport=PHONE).new_page()
    page.goto(f"{live_server.url}/report/")
    page.fill("#id_description", "太吵了")
    page.fill("#id_phone", "12345")
    bad = tmp_path / "not-a-photo.jpg"
    bad.write_bytes(b"MZ this is not an image")
    page.set_input_files("#id_photos", str(bad))
    page.click("button[type=submit]")
    text = page.locator("main form").inner_text()
    assert "诉求内容太短" in text
    assert "请选择事发地点" in text
    assert "请输入正确的手机号" in text
    assert "不是可识别的图片" in text
    assert Case.objects.count() == 0
    # what was typed is kept
    assert page.input_value("#id_description") == "太吵了"
