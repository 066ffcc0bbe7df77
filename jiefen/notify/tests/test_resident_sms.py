"""The resident who left a phone is told by SMS when their case moves on (registered,
accepted, dispatched, resolved, closed), with the tracking code and the link to follow it."""

from django.test import Client

from jiefen.cases.models import Status
from jiefen.notify import sms
from jiefen.notify.models import Delivery
from jiefen.notify.services import notify_for_event
from jiefen.testing.factories import advance, submit


def run(case, action, capture):
    with capture(execute=True):
        notify_for_event(case.events.get(action=action).pk)


def test_the_resident_gets_the_code_and_link(world, django_capture_on_commit_callbacks):
    case = submit(world)
    run(case, "submit", django_capture_on_commit_callbacks)

    [message] = sms.outbox
    link = f"http://127.0.0.1:8000/track/?code={case.tracking_code}"
    assert message.phone == "13812345678"
    assert message.text == f"您反映的事项已登记。查询码 {case.display_code}，查看进度：{link}"
    delivery = Delivery.objects.get(case=case)
    assert (delivery.channel, delivery.target, delivery.status) == ("sms", "138****5678", "sent")
    assert Client().get(link).status_code == 200  # the tracking page, asking for code and phone


def test_only_the_latest_step_is_sent_when_several_came_at_once(world, django_capture_on_commit_callbacks):
    case = advance(world, submit(world), Status.DISPATCHED)  # accepted, classified, dispatched
    for action in ("submit", "accept", "classify", "dispatch"):
        run(case, action, django_capture_on_commit_callbacks)
    assert [m.text.split("。")[0] for m in sms.outbox] == ["您反映的事项已交由相关部门办理"]

    sms.outbox.clear()
    case = advance(world, submit(world), Status.CLOSED)
    with django_capture_on_commit_callbacks(execute=True):
        for event in case.events.order_by("id"):
            notify_for_event(event.pk)
    [closed] = sms.outbox  # signing, mediating and resolving before the close sent nothing more
    assert closed.text.startswith("您反映的事项已办结，欢迎对办理结果进行评价。")


def test_each_step_is_sent_once(world, django_capture_on_commit_callbacks):
    case = advance(world, submit(world), Status.ACCEPTED)
    run(case, "accept", django_capture_on_commit_callbacks)
    run(case, "accept", django_capture_on_commit_callbacks)
    assert [m.text[:10] for m in sms.outbox] == ["您反映的事项已受理。"]


def test_an_anonymous_report_gets_no_message(world, django_capture_on_commit_callbacks):
    case = submit(world, anonymous=True, name="", phone="")
    run(case, "submit", django_capture_on_commit_callbacks)
    assert sms.outbox == [] and not Delivery.objects.exists()
