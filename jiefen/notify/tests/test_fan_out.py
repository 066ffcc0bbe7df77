"""A notice reaches each user in-app, and by email or SMS when they chose that channel for
its kind; a notice of a kind they did not choose stays in-app only."""

from django.core import mail

from jiefen.notify import sms
from jiefen.notify.models import Delivery, Notification, Preference
from jiefen.notify.services import announce, notify_for_event, tell

from .factories import dispatched


def test_channels_follow_each_users_choice_for_the_kind(world, django_capture_on_commit_callbacks):
    chosen, default = world["hr_handler"], world["housing_handler"]
    for user, phone in ((chosen, "13900001111"), (default, "13900002222")):
        user.email, user.phone = f"{user.username}@qinghe.gov.cn", phone
        user.save()
    Preference.objects.create(user=chosen, kind="assignment", channels=["email", "sms"])
    event = dispatched(world)

    with django_capture_on_commit_callbacks(execute=True):
        assert notify_for_event(event.pk) == 1  # the labour department's handler

    assert Notification.objects.filter(user=chosen, event=event).exists()
    [email] = mail.outbox
    assert email.to == ["hr_handler@qinghe.gov.cn"]
    assert event.case.display_code in email.subject and "派单" in email.body
    assert f"http://127.0.0.1:8000/cases/{event.case.tracking_code}/" in email.body
    staff_sms = [m for m in sms.outbox if m.phone == "13900001111"]
    assert len(staff_sms) == 1 and "派单" in staff_sms[0].text
    assert set(Delivery.objects.filter(user=chosen).values_list("channel", "status", "target")) == {
        ("email", "sent", "h***@qinghe.gov.cn"), ("sms", "sent", "139****1111"),
    }


def test_warnings_go_by_email_and_sms_unless_turned_off(world, django_capture_on_commit_callbacks):
    on, off = world["clerk"], world["dispatcher"]
    for user, phone in ((on, "13900003333"), (off, "13900004444")):
        user.email, user.phone = f"{user.username}@qinghe.gov.cn", phone
        user.save()
    Preference.objects.create(user=off, kind="warning", channels=[])
    event = dispatched(world)
    warning = event.case.events.create(action="threat_signal", from_status=event.to_status,
                                       to_status=event.to_status, reason="扬言", data={})

    with django_capture_on_commit_callbacks(execute=True):
        tell(warning, [on, off], "案件 X：发现极端行为苗头")

    assert [m.to for m in mail.outbox] == [["clerk@qinghe.gov.cn"]]
    assert [m.phone for m in sms.outbox] == ["13900003333"]
    assert Notification.objects.filter(event=warning).count() == 2  # in-app for both, always


def test_a_channel_without_an_address_is_not_tried(world, django_capture_on_commit_callbacks):
    user = world["hr_handler"]  # no email, no phone on file
    Preference.objects.create(user=user, kind="assignment", channels=["email", "sms"])
    with django_capture_on_commit_callbacks(execute=True):
        notify_for_event(dispatched(world).pk)
    assert Notification.objects.filter(user=user).exists()
    assert not Delivery.objects.filter(user=user).exists()
    assert not mail.outbox


def test_running_the_task_twice_sends_once(world, django_capture_on_commit_callbacks):
    user = world["hr_handler"]
    user.email, user.phone = "hr@qinghe.gov.cn", "13900001111"
    user.save()
    Preference.objects.create(user=user, kind="assignment", channels=["email", "sms"])
    event = dispatched(world)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            notify_for_event(event.pk)

    assert Notification.objects.filter(user=user, event=event).count() == 1
    assert len(mail.outbox) == 1
    assert len([m for m in sms.outbox if m.phone == "13900001111"]) == 1
    assert Delivery.objects.filter(user=user).count() == 2


def test_an_announcement_goes_out_too(world, django_capture_on_commit_callbacks):
    leader = world["leader"]
    leader.email = "leader@qinghe.gov.cn"
    leader.save()
    Preference.objects.create(user=leader, kind="report", channels=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        assert announce([leader, world["clerk"]], "11月稳定专报已生成", kind="report", url="/reports/7/") == 2
    [email] = mail.outbox
    assert email.to == ["leader@qinghe.gov.cn"] and "11月稳定专报已生成" in email.subject
    assert "http://127.0.0.1:8000/reports/7/" in email.body
