"""In Chromium: a community posts an order with a photo, a department handler takes it from
the hall and reports it done, the community rates it 5 stars, and the county leader's
ranking shows the department's points."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from jiefen.points.models import Order, OrderStatus
from jiefen.testing.browser import sign_in

from .factories import enable

pytestmark = pytest.mark.browser


def test_community_orders_department_takes_completes_and_earns_points(new_context, live_server, live_world,
                                                                         screenshot, tmp_path):
    w = live_world
    enable(w)
    picture = tmp_path / "lamp.png"
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (240, 200, 40)).save(buffer, "PNG")
    picture.write_bytes(buffer.getvalue())

    community = new_context().new_page()
    sign_in(community, live_server.url, "east_clerk")
    community.click("[data-testid=points-nav]")
    community.click("[data-testid=points-new]")
    assert "部门完成并经社区确认得 10 分" in community.inner_text("[data-testid=points-rules]")
    community.fill("#id_title", "幸福小区路灯损坏需维修")
    community.fill("#id_description", "小区东门至3号楼之间5盏路灯不亮，老人夜间出行不便。")
    community.select_option("#id_category", label="物业服务")
    community.fill("#id_place", "幸福小区东门")
    community.fill("#id_deadline", (timezone.localdate() + dt.timedelta(days=3)).isoformat())
    community.fill("#id_offered_points", "3")
    fake = tmp_path / "notes.png"
    fake.write_text("not a picture")
    community.set_input_files("#id_photo", str(fake))  # told what is wrong; what was typed is kept
    community.click("form[data-testid=points-form] button[type=submit]")
    assert "不是可识别的图片" in community.inner_text("[data-testid=points-error]")
    assert community.input_value("#id_title") == "幸福小区路灯损坏需维修"
    assert community.input_value("#id_category") == str(w.property_item.category_id)
    community.set_input_files("#id_photo", str(picture))
    screenshot(community, "points-01-community-posts")
    community.click("form[data-testid=points-form] button[type=submit]")
    community.wait_for_selector("text=已发布")
    assert "待接单" in community.inner_text("main")
    assert community.locator("img.pt-photo").count() == 1

    handler = new_context().new_page()
    sign_in(handler, live_server.url, "hr_handler")
    nav = handler.locator("[data-testid=points-hall-nav]")
    assert "1" in nav.inner_text()
    nav.click()
    card = handler.locator("[data-testid=points-hall] [data-testid=points-order]")
    assert card.count() == 1 and "悬赏 3 分" in card.inner_text() and "东关1社区" in card.inner_text()
    screenshot(handler, "points-02-hall")
    card.locator("[data-testid=points-take]").click()
    handler.wait_for_selector("text=抢单成功")
    handler.fill("#id_note", "已更换5盏LED路灯，夜间照明恢复。")
    handler.set_input_files("#id_done_photo", str(picture))
    handler.click("[data-testid=points-complete] button[type=submit]")
    handler.wait_for_selector("text=等待社区确认")
    assert "待确认" in handler.inner_text("main")

    community.goto(f"{live_server.url}/work/")
    assert "1" in community.inner_text("[data-testid=points-nav]")
    community.click("[data-testid=points-nav]")
    community.click("[data-testid=points-orders] a:has-text('幸福小区路灯损坏需维修')")
    community.check("input[name=rating][value='5']")
    community.fill("#id_comment", "修得很快，居民满意")
    screenshot(community, "points-03-confirm")
    community.click("[data-testid=points-confirm] button[type=submit]")
    community.wait_for_selector("text=积分已记入承接部门")
    entries = community.inner_text("[data-testid=points-entries]")
    assert "+10" in entries and "+3" in entries and "+5" in entries
    screenshot(community, "points-04-confirmed")
    order = Order.objects.get()
    assert order.status == OrderStatus.CONFIRMED and order.rating == 5

    leader = new_context().new_page()
    sign_in(leader, live_server.url, "leader")
    leader.click("[data-testid=points-ranking-nav]")
    first = leader.locator("[data-testid=points-ranking-row]").first
    assert "清河区人社局" in first.inner_text() and "18" in first.inner_text()
    screenshot(leader, "points-05-ranking")
    with leader.expect_download() as download:
        leader.click("[data-testid=points-export]")
    assert download.value.suggested_filename.endswith(".xlsx")


PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def test_a_grid_worker_posts_for_the_community_on_a_phone(new_context, live_server, live_world, screenshot):
    w = live_world
    enable(w)
    page = new_context(**PHONE).new_page()
    sign_in(page, live_server.url, "grid_worker")
    page.click("[data-testid=points-nav]")
    page.click("[data-testid=points-new]")
    assert "东关1社区" in page.inner_text("form[data-testid=points-form]")
    page.fill("#id_title", "楼道堆放杂物需清理")
    page.fill("#id_description", "3号楼各单元楼道堆放纸箱和旧家具，存在消防隐患。")
    page.select_option("#id_category", label="物业服务")
    page.fill("#id_place", "3号楼")
    page.fill("#id_deadline", (timezone.localdate() + dt.timedelta(days=2)).isoformat())
    page.click("form[data-testid=points-form] button[type=submit]")
    page.wait_for_selector("text=已发布")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # nothing runs off the side of the phone
    screenshot(page, "points-06-grid-worker-phone")
    assert Order.objects.get().community == w.communities[0]
