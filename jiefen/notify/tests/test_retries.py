"""A channel that fails is recorded and tried again later, each time after a longer wait, until
it works or the platform gives up; the in-app notice and the other channels do not wait for it."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from jiefen.notify import retry, sms
from jiefen.notify.models import Delivery, Notification, Preference, WebhookEndpoint
from jiefen.notify.services import attempt, deliver, fan_out, notify_for_event

from .factories import dispatched


def test_a_failing_webhook_is_retried_with_back_off_while_email_goes(
        world, receiver, django_capture_on_commit_callbacks):
    user = world["hr_handler"]
    user.email = "hr@qinghe.gov.cn"
    user.save()
    Preference.objects.create(user=user, kind="assignment", channels=["email", "webhook"])
    WebhookEndpoint.objects.create(name="个人推送", url=receiver.url, user=user)
    receiver.status = 500
    event = dispatched(world)

    with django_capture_on_commit_callbacks(execute=True):
        notify_for_event(event.pk)

    assert Notification.objects.filter(user=user, event=event).exists()
    assert len(mail.outbox) == 1
    hook = Delivery.objects.get(channel="webhook")
    assert (hook.status, hook.attempts, hook.last_error) == ("failed", 1, "RuntimeError: HTTP 500")
    first_wait = hook.next_try_at - timezone.now()
    assert timedelta(seconds=50) < first_wait <= timedelta(seconds=60)

    assert retry.once() == 0  # not due yet: nothing is sent again
    assert len(receiver.requests) == 1

    first_try = hook.next_try_at
    deliver(now=first_try)
    hook.refresh_from_db()
    assert (hook.status, hook.attempts) == ("failed", 2)
    assert hook.next_try_at - first_try == timedelta(seconds=120)
    second_try = hook.next_try_at

    receiver.status = 204
    assert deliver(now=second_try) == 1
    hook.refresh_from_db()
    assert (hook.status, hook.attempts, hook.last_error, hook.next_try_at) == ("sent", 3, "", None)
    assert len(receiver.requests) == 3
    assert len(mail.outbox) == 1  # the email was sent once, not again with the retries


def test_the_waits_double(world, receiver, settings, django_capture_on_commit_callbacks):
    settings.JIEFEN_NOTIFY_RETRY_SECONDS = 10
    receiver.status = 503
    WebhookEndpoint.objects.create(name="人社局办公系统", url=receiver.url, department=world.hr)
    with django_capture_on_commit_callbacks(execute=True):
        notify_for_event(dispatched(world).pk)
    hook = Delivery.objects.get(channel="webhook")
    waits = []
    for _ in range(3):
        tried = hook.next_try_at
        deliver(now=tried)
        hook.refresh_from_db()
        waits.append(round((hook.next_try_at - tried).total_seconds()))
    assert waits == [20, 40, 80]


def test_it_gives_up_after_the_last_attempt(world, settings, django_capture_on_commit_callbacks):
    settings.JIEFEN_NOTIFY_MAX_ATTEMPTS = 3
    settings.JIEFEN_SMS_BACKEND = "jiefen.notify.tests.factories.RefusingSms"
    user = world["hr_handler"]
    user.phone = "13900001111"
    user.save()
    Preference.objects.create(user=user, kind="assignment", channels=["sms"])
    with django_capture_on_commit_callbacks(execute=True):
        notify_for_event(dispatched(world).pk)
    text = Delivery.objects.get(user=user)
    for day in range(1, 6):
        deliver(now=timezone.now() + timedelta(days=day))
    text.refresh_from_db()
    assert (text.status, text.attempts, text.next_try_at) == ("gave_up", 3, None)
    assert text.last_error == "SmsError: provider unavailable (503)"
    assert sms.outbox == []


def test_two_workers_holding_the_same_row_send_it_once(world, receiver):
    WebhookEndpoint.objects.create(name="人社局办公系统", url=receiver.url, department=world.hr)
    note = Notification.objects.create(user=world["hr_handler"], kind="other", text="测试")
    fan_out([note], "other", shared_key="t1")  # queued; the on-commit send does not run here
    receiver.status = 500
    mine, theirs = Delivery.objects.get(), Delivery.objects.get()  # both read it as due
    assert attempt(mine, timezone.now()) is False  # sent, and failed: due again later
    # the other worker's copy is stale: even once the row is due again it does not send it
    assert attempt(theirs, timezone.now() + timedelta(days=1)) is False
    assert len(receiver.requests) == 1
    assert Delivery.objects.get().attempts == 1
