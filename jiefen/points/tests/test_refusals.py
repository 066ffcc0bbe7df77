"""Who may do what, and bad input: a Chinese message, the right status, nothing written."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jiefen.accounts.models import Role
from jiefen.notify.models import Notification
from jiefen.points import services
from jiefen.points.models import Order, OrderStatus, OrderStep, PointsEntry, PointsSetting
from jiefen.testing.factories import PASSWORD, staff

from .factories import enable, order_data, posted

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def test_a_region_without_points_cannot_order(client, world):
    as_user(client, staff(Role.LEADER, region=world.communities[1], username="c2"))
    response = client.get(reverse("points:new"))
    assert response.status_code == 403 and "未开通社区下单" in response.content.decode()
    response = client.post(reverse("points:new"), order_data(world))
    assert response.status_code == 403 and "东关2社区所在区域未开通社区下单" in response.content.decode()
    assert not Order.objects.exists() and not Notification.objects.exists()


def test_a_street_may_switch_off_what_the_county_enabled(client, world):
    enable(world)
    PointsSetting.objects.create(region=world.streets[0], enabled=False)
    response = as_user(client, world["east_clerk"]).post(reverse("points:new"), order_data(world))
    assert response.status_code == 403 and "未开通社区下单" in response.content.decode()
    assert not Order.objects.exists()
    posted(world, "west_clerk")  # the west street still follows the county
    assert services.setting_for(world.grids[0]).region == world.streets[0]
    assert services.setting_for(world.communities[2]).region == world.county


def test_only_a_communitys_staff_may_post(client, world):
    enable(world)
    for user in (world["hr_handler"], world["street_dispatcher"]):
        response = as_user(client, user).post(reverse("points:new"), order_data(world))
        assert response.status_code == 403 and "只有社区（村）" in response.content.decode()
    grid_worker = world["grid_worker"]  # in a grid of 东关1社区: posts for that community
    order = services.post_order(grid_worker, order_data(world))
    assert order.community == world.communities[0]
    assert Order.objects.count() == 1


@pytest.mark.parametrize("field,value,message", [
    ("title", "", "请填写标题"),
    ("title", "灯" * 61, "标题不能超过60个字"),
    ("description", "  ", "请填写需求说明"),
    ("category", "999999", "请选择需求类别"),
    ("category", "9" * 25, "请选择需求类别"),
    ("deadline", "下周", "请填写完成期限"),
    ("deadline", "2020-01-01", "完成期限不能早于今天"),
    ("offered_points", "-3", "悬赏积分应为不小于 0 的整数"),
    ("offered_points", "21", "悬赏积分不能超过20分"),
    ("place", "", "请填写地点"),
])
def test_bad_orders_are_refused_with_a_message(client, world, field, value, message):
    enable(world)
    response = as_user(client, world["east_clerk"]).post(reverse("points:new"), order_data(world, **{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Order.objects.exists() and not OrderStep.objects.exists()


def test_a_photo_that_is_not_an_image_is_refused(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    enable(world)
    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = as_user(client, world["east_clerk"]).post(reverse("points:new"), order_data(world) | {"photo": bad})
    assert response.status_code == 400 and "不是可识别的图片" in response.content.decode()
    assert not Order.objects.exists()


def test_who_may_take_complete_and_confirm(client, world):
    enable(world)
    order = posted(world)
    # the community cannot take its own order; the west street's department does not cover it
    assert as_user(client, world["east_clerk"]).post(reverse("points:take", args=[order.pk])).status_code == 403
    assert as_user(client, world["west_handler"]).post(reverse("points:take", args=[order.pk])).status_code == 404
    services.take(order, world["hr_handler"])
    response = as_user(client, world["housing_handler"]).post(reverse("points:complete", args=[order.pk]),
                                                              {"note": "我们也修了"})
    assert response.status_code == 403 and "只有承接该需求的部门" in response.content.decode()
    response = as_user(client, world["hr_handler"]).post(reverse("points:complete", args=[order.pk]), {"note": ""})
    assert response.status_code == 400 and "请填写完成情况" in response.content.decode()
    services.complete(order, world["hr_handler"], "已修好")
    response = as_user(client, world["hr_handler"]).post(reverse("points:confirm", args=[order.pk]), {"rating": "5"})
    assert response.status_code == 403  # a department does not rate itself
    for bad in ("0", "6", "五", ""):
        response = as_user(client, world["east_clerk"]).post(reverse("points:confirm", args=[order.pk]), {"rating": bad})
        assert response.status_code == 400 and "请选择 1 到 5 星的评分" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED and not PointsEntry.objects.exists()
    assert as_user(client, world["east_clerk"]).get(reverse("points:take", args=[order.pk])).status_code == 405


def test_an_order_past_its_deadline_cannot_be_taken(client, world):
    enable(world)
    order = posted(world)
    Order.objects.filter(pk=order.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    response = as_user(client, world["hr_handler"]).post(reverse("points:take", args=[order.pk]))
    assert response.status_code == 409 and "已过完成期限" in response.content.decode()
    assert "幸福小区" not in client.get(reverse("points:hall")).content.decode()
    assert Order.objects.get().status == OrderStatus.OPEN


def test_each_sees_the_orders_of_their_area(client, world):
    enable(world)
    east = posted(world, title="东关路灯")
    west = posted(world, "west_clerk", title="西城垃圾清运")
    street_leader = staff(Role.LEADER, region=world.streets[1], username="west_leader")
    seen = {
        "east_clerk": {east.pk}, "west_clerk": {west.pk}, "hr_handler": {east.pk, west.pk},
        "west_handler": {west.pk}, "leader": {east.pk, west.pk}, "west_leader": {west.pk},
        "street_dispatcher": set(), "grid_worker": {east.pk},
    }
    users = world.users | {"west_leader": street_leader}
    for name, expected in seen.items():
        assert set(services.visible_orders(users[name]).values_list("pk", flat=True)) == expected, name
    as_user(client, world["east_clerk"])
    assert client.get(reverse("points:order", args=[west.pk])).status_code == 404
    listing = client.get(reverse("points:orders")).content.decode()
    assert "东关路灯" in listing and "西城垃圾清运" not in listing
    hall = as_user(client, world["west_handler"]).get(reverse("points:hall")).content.decode()
    assert "西城垃圾清运" in hall and "东关路灯" not in hall
    assert as_user(client, world["east_clerk"]).get(reverse("points:hall")).status_code == 403


def test_a_photo_is_shown_only_to_those_who_see_the_order(client, world):
    from .factories import png

    enable(world)
    order = services.post_order(world["east_clerk"], order_data(world), png())
    step = order.steps.get()
    assert as_user(client, world["hr_handler"]).get(reverse("points:photo", args=[step.pk])).status_code == 200
    assert as_user(client, world["west_clerk"]).get(reverse("points:photo", args=[step.pk])).status_code == 404
