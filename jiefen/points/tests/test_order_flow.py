"""A community posts an order, a department takes it (a second taker is refused), reports it
done, the community confirms with a rating and the department's points follow the rules."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jiefen.notify.models import Notification
from jiefen.points import services
from jiefen.points.models import EntryKind, Order, OrderStatus, OrderStep, PointsEntry
from jiefen.testing.factories import PASSWORD

from .factories import enable, order_data, png, posted

pytestmark = pytest.mark.django_db


def login(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def test_post_take_complete_confirm_gives_points_by_the_rules(client, world):
    enable(world)
    login(client, world["east_clerk"])
    data = order_data(world) | {"photo": png()}
    response = client.post(reverse("points:new"), data)
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("points:order", args=[order.pk])
    assert order.status == OrderStatus.OPEN and order.community == world.communities[0]
    assert order.steps.get().photo  # the community's photo is kept with the posting step
    # the covering departments' handlers are told, the poster is not
    told = set(Notification.objects.filter(kind="points").values_list("user__username", flat=True))
    assert {"hr_handler", "housing_handler"} <= told and "east_clerk" not in told
    assert "west_handler" not in told  # the west street's department does not cover an east community

    hall = login(client, world["hr_handler"]).get(reverse("points:hall"))
    assert "幸福小区路灯损坏需维修" in hall.content.decode()
    response = client.post(reverse("points:take", args=[order.pk]))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.TAKEN and order.department == world.hr and order.taken_by == world["hr_handler"]
    assert Notification.objects.filter(user=world["east_clerk"], text__contains="已由清河区人社局接单").exists()

    # the second department is too late: a clear 409, nothing changed
    second = login(client, world["housing_handler"]).post(reverse("points:take", args=[order.pk]))
    assert second.status_code == 409
    assert "已被清河区人社局抢走" in second.content.decode()
    order.refresh_from_db()
    assert order.department == world.hr and order.steps.filter(action="take").count() == 1
    assert "幸福小区" not in client.get(reverse("points:hall")).content.decode()  # gone from the hall

    login(client, world["hr_handler"])
    response = client.post(reverse("points:complete", args=[order.pk]), {"note": "已更换5盏LED路灯。", "photo": png("done.png")})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    done = order.steps.get(action="complete")
    assert done.photo and done.note == "已更换5盏LED路灯。"
    assert client.get(reverse("points:photo", args=[done.pk])).status_code == 200
    assert Notification.objects.filter(user=world["east_clerk"], text__contains="请确认并评价").exists()

    login(client, world["east_clerk"])
    response = client.post(reverse("points:confirm", args=[order.pk]), {"rating": "5", "comment": "很及时"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED and order.rating == 5
    entries = {e.kind: e.amount for e in PointsEntry.objects.filter(order=order)}
    assert entries == {EntryKind.COMPLETION: 10, EntryKind.OFFERED: 3, EntryKind.RATING_BONUS: 5}
    assert set(PointsEntry.objects.values_list("department", flat=True)) == {world.hr.pk}
    assert Notification.objects.filter(user=world["hr_handler"], text__contains="得 +18 分").exists()
    page = client.get(reverse("points:order", args=[order.pk])).content.decode()
    assert "+10" in page and "好评（5 星）" in page
    assert '<th class="num" data-testid="points-total">+18</th>' in page


def test_an_average_rating_gives_no_bonus_and_entries_are_never_changed(world):
    enable(world)
    order = posted(world, offered_points="0")
    services.take(order, world["hr_handler"])
    services.complete(order, world["hr_handler"], "已处理")
    entries = services.confirm(order, world["east_clerk"], "3")
    assert [(e.kind, e.amount) for e in entries] == [(EntryKind.COMPLETION, 10)]
    entry = entries[0]
    entry.amount = 100
    with pytest.raises(Exception, match="只能新增"):
        entry.save()
    with pytest.raises(Exception, match="只能新增"):
        entry.delete()
    assert PointsEntry.objects.get().amount == 10


def test_late_completion_is_penalised_once(world):
    enable(world)
    order = posted(world, deadline=timezone.localdate().isoformat(), offered_points="0")
    services.take(order, world["hr_handler"])
    Order.objects.filter(pk=order.pk).update(deadline=timezone.localdate() - dt.timedelta(days=2))  # days went by
    order.refresh_from_db()
    services.complete(order, world["hr_handler"], "拖了两天才修好")
    entries = services.confirm(order, world["east_clerk"], "4")
    assert {e.kind: e.amount for e in entries} == {
        EntryKind.COMPLETION: 10, EntryKind.RATING_BONUS: 5, EntryKind.LATE_PENALTY: -5}
    assert "逾期完成" in next(e.reason for e in entries if e.kind == EntryKind.LATE_PENALTY)


def test_the_worker_penalises_an_unfinished_order_after_its_deadline_once(world):
    enable(world, late_penalty=8)
    order = posted(world, deadline=timezone.localdate().isoformat())
    services.take(order, world["hr_handler"])
    assert services.penalise_overdue() == 0  # the deadline day is not over yet
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert services.penalise_overdue(tomorrow) == 1
    assert services.penalise_overdue(tomorrow) == 0
    penalty = PointsEntry.objects.get(order=order)
    assert (penalty.kind, penalty.amount, penalty.department) == (EntryKind.LATE_PENALTY, -8, world.hr)
    assert OrderStep.objects.filter(order=order, action="overdue").count() == 1
    assert Notification.objects.filter(user=world["hr_handler"], text__contains="扣 8 分").exists()
    # completed late afterwards: no second penalty at confirmation
    Order.objects.filter(pk=order.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    order.refresh_from_db()
    services.complete(order, world["hr_handler"], "补办完成")
    services.confirm(order, world["east_clerk"], "2")
    assert PointsEntry.objects.filter(order=order, kind=EntryKind.LATE_PENALTY).count() == 1


def test_send_back_returns_the_order_to_the_department(client, world):
    enable(world)
    order = posted(world)
    services.take(order, world["hr_handler"])
    services.complete(order, world["hr_handler"], "已处理")
    login(client, world["east_clerk"])
    empty = client.post(reverse("points:send_back", args=[order.pk]), {"reason": " "})
    assert empty.status_code == 400 and "请填写退回原因" in empty.content.decode()
    response = client.post(reverse("points:send_back", args=[order.pk]), {"reason": "还有两盏灯不亮"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.TAKEN and not PointsEntry.objects.exists()
    assert Notification.objects.filter(user=world["hr_handler"], text__contains="还有两盏灯不亮").exists()
    again = client.post(reverse("points:confirm", args=[order.pk]), {"rating": "5"})
    assert again.status_code == 409 and "办理中" in again.content.decode()


def test_an_open_order_can_be_cancelled_and_then_not_taken(client, world):
    enable(world)
    order = posted(world)
    login(client, world["east_clerk"])
    assert client.post(reverse("points:cancel", args=[order.pk]), {"reason": "居民已自行解决"}).status_code == 302
    response = login(client, world["hr_handler"]).post(reverse("points:take", args=[order.pk]))
    assert response.status_code == 409 and "已撤销" in response.content.decode()


def test_without_a_penalty_an_overdue_order_is_marked_once(world):
    enable(world, late_penalty=0)
    order = posted(world, deadline=timezone.localdate().isoformat())
    services.take(order, world["hr_handler"])
    later = timezone.localdate() + dt.timedelta(days=3)
    assert [services.penalise_overdue(later) for _ in range(2)] == [1, 0]
    assert OrderStep.objects.get(order=order, action="overdue").note.endswith("。")
    assert not PointsEntry.objects.exists()
