"""The background worker takes follow-on work from the database queue: when a case is
dispatched, the department's handlers find it in their notifications."""

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from jiefen.cases.models import Status
from jiefen.notify.models import Delivery, Notification
from jiefen.testing.factories import PASSWORD, advance, build_world, submit


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_dispatch_reaches_the_department_through_the_worker(database_queue, client):
    world = build_world()
    case = advance(world, submit(world), Status.DISPATCHED)
    assert DBTaskResult.objects.filter(status="READY").count() >= 4  # submit, accept, classify, dispatch
    assert not Notification.objects.exists()

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()
    note = Notification.objects.get(user=world["hr_handler"])
    assert case.display_code in note.text and "派单" in note.text
    # the report, accepted and dispatched before the worker ran, no longer calls the clerk
    assert not Notification.objects.filter(user=world["clerk"]).exists()
    assert not Notification.objects.filter(user=world["housing_handler"]).exists()

    assert client.login(username="hr_handler", password=PASSWORD)
    page = client.get("/work/").content.decode()
    assert 'data-testid="unread">1<' in page
    assert case.display_code in client.get("/work/notifications/").content.decode()
    assert 'data-testid="unread"' not in client.get("/work/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_new_case_queues_one_task_that_tells_its_center(database_queue):
    world = build_world()
    case = submit(world)
    assert DBTaskResult.objects.count() == 1  # the notice and the judgement of the case, together
    assert not Notification.objects.exists()

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    # ... and that task queued the SMS telling the resident their tracking code, sent in turn
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["SUCCESSFUL"] * 2
    note = Notification.objects.get(user=world["clerk"])
    assert case.display_code in note.text
    sms = Delivery.objects.get(case=case)
    assert sms.status == Delivery.Status.SENT and case.display_code in sms.text
