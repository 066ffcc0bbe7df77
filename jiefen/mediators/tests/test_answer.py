"""The mediator answers an order (点单待确认): accept, or decline with a reason; each step on the
case's timeline and told to the center desk. Cancelling, and what happens when the case ends."""

import pytest
from django.test import Client
from django.urls import reverse

from jiefen.cases.models import Event, Status
from jiefen.cases.services import perform
from jiefen.mediators.models import MediatorOrder, OrderStatus
from jiefen.mediators.services import place_order
from jiefen.notify.models import Notification
from jiefen.testing.factories import advance, submit

from .factories import resident, roster

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_mediator_sees_the_order_waiting_and_accepts_it(world):
    people = roster(world)
    case = submit(world)
    order = place_order(case, people["east"].pk, world["dispatcher"], reason="双方都认可李老师")
    client = signed_in(world["street_mediator"])

    header = client.get(reverse("worklist")).content.decode()
    assert "点单待确认" in header and 'title="等待您答复的点单">1<' in header
    inbox = client.get(reverse("mediators:orders")).content.decode()
    assert case.display_code in inbox and "双方都认可李老师" in inbox

    response = client.post(reverse("mediators:answer", args=[order.pk, "accept"]), {"reason": "明天上午到社区调解室"})
    assert response.status_code == 302

    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED and order.answered_by == world["street_mediator"]
    event = Event.objects.get(case=case, action="mediator_accepted")
    assert event.actor == world["street_mediator"] and "明天上午" in event.reason
    assert event.from_status == event.to_status == case.status  # a step of its own, not a transition
    told = set(Notification.objects.filter(event=event).values_list("user__username", flat=True))
    assert {"clerk", "dispatcher", "leader"} <= told and "street_mediator" not in told
    assert "调解员李桂兰已接单" in Notification.objects.get(event=event, user=world["dispatcher"]).text

    staff_page = signed_in(world["dispatcher"]).get(reverse("case_detail", args=[case.tracking_code])).content.decode()
    assert "调解员接单" in staff_page and "已接单" in staff_page
    assert "调解员已接单" in resident(case).get(reverse("track_case", args=[case.tracking_code])).content.decode()
    assert 'title="等待您答复的点单"' not in client.get(reverse("worklist")).content.decode()


def test_declining_needs_a_reason_and_lets_the_resident_choose_again(world):
    people = roster(world)
    case = submit(world)
    order = resident_orders(case, people["east"])
    client = signed_in(world["street_mediator"])

    response = client.post(reverse("mediators:answer", args=[order.pk, "decline"]), {"reason": " "})
    assert response.status_code == 400 and "请填写婉拒理由" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.REQUESTED
    assert not Event.objects.filter(case=case, action="mediator_declined").exists()

    client.post(reverse("mediators:answer", args=[order.pk, "decline"]), {"reason": "与当事人是亲戚，需回避"})
    order.refresh_from_db()
    assert order.status == OrderStatus.DECLINED
    event = Event.objects.get(case=case, action="mediator_declined")
    assert Notification.objects.filter(event=event, user=world["clerk"], text__contains="需回避").exists()

    tracking = resident(case).get(reverse("track_case", args=[case.tracking_code])).content.decode()
    assert "已婉拒" in tracking and "需回避" in tracking and reverse("mediators:choose", args=[case.tracking_code]) in tracking
    again = place_order(case, people["county"].pk, world["dispatcher"])
    assert again.status == OrderStatus.REQUESTED


def resident_orders(case, mediator) -> MediatorOrder:
    resident(case).post(reverse("mediators:choose", args=[case.tracking_code]), {"mediator": mediator.pk})
    return MediatorOrder.objects.get(case=case, status=OrderStatus.REQUESTED)


def test_only_the_ordered_mediator_answers(world):
    people = roster(world)
    case = submit(world)
    order = place_order(case, people["east"].pk, world["dispatcher"])
    for user in ("dispatcher", "grid_worker", "west_dispatcher"):
        response = signed_in(world[user]).post(reverse("mediators:answer", args=[order.pk, "accept"]))
        assert response.status_code == 404, user
    assert Client().post(reverse("mediators:answer", args=[order.pk, "accept"])).status_code == 302  # to sign in
    order.refresh_from_db()
    assert order.status == OrderStatus.REQUESTED


def test_an_order_is_answered_once(world):
    people = roster(world)
    order = place_order(submit(world), people["east"].pk, world["dispatcher"])
    client = signed_in(world["street_mediator"])
    client.post(reverse("mediators:answer", args=[order.pk, "accept"]))
    response = client.post(reverse("mediators:answer", args=[order.pk, "decline"]), {"reason": "改主意了"})
    assert response.status_code == 409 and "已是“已接单”" in response.content.decode()
    assert Event.objects.filter(action__in=["mediator_accepted", "mediator_declined"]).count() == 1


def test_the_center_answers_for_a_mediator_without_an_account(world):
    people = roster(world)
    case = submit(world)
    order = place_order(case, people["county"].pk, world["clerk"])
    client = signed_in(world["dispatcher"])
    response = client.post(reverse("mediators:answer", args=[order.pk, "accept"]), {"back": "case"})
    assert response.status_code == 302 and response["Location"] == reverse("case_detail", args=[case.tracking_code])
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED and order.answered_by == world["dispatcher"]


def test_resident_withdraws_a_pending_order(world):
    people = roster(world)
    case = submit(world)
    order = resident_orders(case, people["east"])
    client = resident(case)
    response = client.post(reverse("mediators:track_cancel", args=[case.tracking_code]))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert Event.objects.get(case=case, action="mediator_cancelled").actor_label == "诉求人"
    assert Notification.objects.filter(user=world["street_mediator"], text__contains="已取消").exists()


def test_staff_cancel_an_accepted_order_with_a_reason(world):
    people = roster(world)
    case = submit(world)
    order = place_order(case, people["east"].pk, world["dispatcher"])
    signed_in(world["street_mediator"]).post(reverse("mediators:answer", args=[order.pk, "accept"]))
    client = signed_in(world["dispatcher"])
    response = client.post(reverse("mediators:case_cancel", args=[case.tracking_code]), {"reason": ""})
    assert response.status_code == 400 and "请填写取消原因" in response.content.decode()
    client.post(reverse("mediators:case_cancel", args=[case.tracking_code]), {"reason": "当事人已自行和解"})
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.answer == "当事人已自行和解"


def test_closing_the_case_completes_the_accepted_order_and_lapses_a_pending_one(world):
    people = roster(world)
    accepted_case, pending_case = advance(world, submit(world), Status.IN_PROGRESS), advance(
        world, submit(world), Status.IN_PROGRESS)
    accepted = place_order(accepted_case, people["east"].pk, world["dispatcher"])
    signed_in(world["street_mediator"]).post(reverse("mediators:answer", args=[accepted.pk, "accept"]))
    pending = place_order(pending_case, people["east"].pk, world["dispatcher"])

    for case in (accepted_case, pending_case):
        case = perform(case, "resolve", world["hr_handler"], reason="双方达成协议")
        perform(case, "close", world["dispatcher"])

    accepted.refresh_from_db()
    pending.refresh_from_db()
    assert accepted.status == OrderStatus.DONE and accepted.ended_at is not None
    assert pending.status == OrderStatus.CANCELLED and "自动取消" in pending.answer
    lapsed = Event.objects.get(case=pending_case, action="mediator_cancelled")
    assert lapsed.actor is None and lapsed.actor_label == "系统"
