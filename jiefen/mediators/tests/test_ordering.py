"""Ordering a mediator (点单): the resident from the tracking page, the dispatcher from the case
page; the mediator's workload limit and one open order per case; nobody outside the case's
jurisdiction."""

import pytest
from django.test import Client
from django.urls import reverse

from jiefen.cases.models import Event, Status
from jiefen.mediators.models import MediatorOrder, OrderStatus
from jiefen.mediators.services import place_order
from jiefen.notify.models import Notification
from jiefen.testing.factories import advance, submit

from .factories import resident, roster

pytestmark = pytest.mark.django_db


def counts(case):
    return (MediatorOrder.objects.count(), Event.objects.filter(case=case).count(), Notification.objects.count())


def test_resident_orders_a_mediator_from_the_tracking_page(world):
    people = roster(world)
    case = submit(world)
    client = resident(case)

    page = client.get(reverse("track_case", args=[case.tracking_code])).content.decode()
    assert "点选调解员" in page

    choose = client.get(reverse("mediators:choose", args=[case.tracking_code])).content.decode()
    assert "李桂兰" in choose and "赵律师" in choose  # the street's and the county's
    assert "孙乡贤" not in choose  # serves another street
    assert "钱民警" not in choose  # not public
    assert people["east"].phone not in choose

    response = client.post(reverse("mediators:choose", args=[case.tracking_code]),
                           {"mediator": people["east"].pk, "reason": "李老师调解过我们小区的事，信得过。"})
    assert response.status_code == 302

    order = MediatorOrder.objects.get(case=case)
    assert order.status == OrderStatus.REQUESTED and order.by_resident and order.ordered_by is None
    event = Event.objects.get(case=case, action="mediator_ordered")
    assert event.public and "李桂兰" in event.reason and "信得过" in event.reason

    tracking = client.get(reverse("track_case", args=[case.tracking_code])).content.decode()
    assert "等待调解员确认" in tracking and "点选调解员" in tracking  # the timeline names the step

    desk = set(Notification.objects.filter(event=event).values_list("user__username", flat=True))
    assert {"clerk", "dispatcher", "leader"} <= desk
    told = Notification.objects.get(user=world["street_mediator"], kind="mediator_order")
    assert told.url == reverse("mediators:orders") and case.display_code in told.text


def test_a_full_mediator_is_refused_and_nothing_is_written(world):
    people = roster(world)
    east = people["east"]
    for _ in range(east.max_open_orders):
        place_order(submit(world), east.pk, world["dispatcher"])
    case = submit(world)
    client = resident(case)
    before = counts(case)

    response = client.post(reverse("mediators:choose", args=[case.tracking_code]), {"mediator": east.pk})

    assert response.status_code == 409
    assert "当前承接已满（3/3）" in response.content.decode()
    assert counts(case) == before
    page = client.get(reverse("mediators:choose", args=[case.tracking_code])).content.decode()
    assert "已满" in page  # the list says so before anyone tries


def test_a_declined_order_frees_the_slot(world):
    people = roster(world)
    east = people["east"]
    east.max_open_orders = 1
    east.save()
    first = place_order(submit(world), east.pk, world["dispatcher"])
    client = Client()
    client.force_login(world["street_mediator"])
    client.post(reverse("mediators:answer", args=[first.pk, "decline"]), {"reason": "本周外出培训"})

    second = place_order(submit(world), east.pk, world["dispatcher"])
    assert second.status == OrderStatus.REQUESTED


def test_one_open_order_per_case(world):
    people = roster(world)
    case = submit(world)
    place_order(case, people["east"].pk, world["dispatcher"])
    before = counts(case)

    client = Client()
    client.force_login(world["dispatcher"])
    response = client.post(reverse("mediators:case_order", args=[case.tracking_code]),
                           {"mediator": people["county"].pk})

    assert response.status_code == 409
    assert "本案已点选调解员李桂兰" in response.content.decode()
    assert counts(case) == before


def test_dispatcher_orders_for_the_resident_from_the_case_page(world):
    people = roster(world)
    case = advance(world, submit(world), Status.IN_PROGRESS)
    client = Client()
    client.force_login(world["dispatcher"])

    page = client.get(reverse("case_detail", args=[case.tracking_code])).content.decode()
    assert "代群众点选调解员" in page and "钱民警" in page  # staff may order the on-call officer

    response = client.post(reverse("mediators:case_order", args=[case.tracking_code]),
                           {"mediator": people["hidden"].pk, "reason": "涉及治安，请民警参与"})
    assert response.status_code == 302
    order = MediatorOrder.objects.get(case=case)
    assert order.ordered_by == world["dispatcher"] and not order.by_resident
    page = client.get(reverse("case_detail", args=[case.tracking_code])).content.decode()
    assert "钱民警" in page and "待确认" in page and "代为接单" in page  # no account: the center answers


def test_resident_cannot_order_a_mediator_off_the_public_list(world):
    people = roster(world)
    case = submit(world)
    before = counts(case)
    response = resident(case).post(reverse("mediators:choose", args=[case.tracking_code]),
                                   {"mediator": people["hidden"].pk})
    assert response.status_code == 400
    assert "不在本案发生地的可选名单中" in response.content.decode()
    assert counts(case) == before


def test_another_street_cannot_order_on_a_case_it_cannot_see(world):
    people = roster(world)
    case = submit(world)  # in 东关 street
    before = counts(case)
    client = Client()
    client.force_login(world["west_dispatcher"])
    response = client.post(reverse("mediators:case_order", args=[case.tracking_code]), {"mediator": people["east"].pk})
    assert response.status_code == 404
    assert counts(case) == before


def test_a_mediator_of_the_street_sees_the_case_but_does_not_order(world):
    people = roster(world)
    case = submit(world)
    client = Client()
    client.force_login(world["street_mediator"])
    response = client.post(reverse("mediators:case_order", args=[case.tracking_code]), {"mediator": people["east"].pk})
    assert response.status_code == 403
    assert "只有管辖该案件的中心" in response.content.decode()
    assert not MediatorOrder.objects.exists()


def test_someone_else_cannot_order_on_the_residents_case(world):
    people = roster(world)
    case = submit(world)
    other = submit(world, phone="13900001111")
    stranger = resident(other, phone="13900001111")  # tracks their own case, not this one
    response = stranger.post(reverse("mediators:choose", args=[case.tracking_code]), {"mediator": people["east"].pk})
    assert response.status_code == 302 and response["Location"] == reverse("track")
    assert not MediatorOrder.objects.exists()


def test_no_order_once_the_case_is_closed(world):
    people = roster(world)
    case = advance(world, submit(world), Status.CLOSED)
    client = resident(case)
    assert "点选调解员" not in client.get(reverse("track_case", args=[case.tracking_code])).content.decode()
    before = counts(case)
    response = client.post(reverse("mediators:choose", args=[case.tracking_code]), {"mediator": people["east"].pk})
    assert response.status_code == 409 and "不能再点选调解员" in response.content.decode()
    assert counts(case) == before


def test_only_the_center_desk_gets_the_order_form(world):
    roster(world)
    case = advance(world, submit(world), Status.IN_PROGRESS)
    for user, shown in (("dispatcher", True), ("street_dispatcher", True), ("hr_handler", False),
                        ("street_mediator", False), ("grid_worker", False)):
        client = Client()
        client.force_login(world[user])
        page = client.get(reverse("case_detail", args=[case.tracking_code])).content.decode()
        assert ("代群众点选调解员" in page) == shown, user
