"""A department's system receives the notices told to its handlers as JSON POSTs that it can
verify with the endpoint's secret."""

import hashlib
import hmac
import time

from jiefen.notify.models import Delivery, WebhookEndpoint
from jiefen.notify.services import notify_for_event

from .factories import dispatched


def test_the_department_endpoint_gets_a_signed_post(world, receiver, django_capture_on_commit_callbacks):
    endpoint = WebhookEndpoint.objects.create(name="人社局办公系统", url=receiver.url, department=world.hr)
    WebhookEndpoint.objects.create(name="住建局办公系统", url=receiver.url + "/housing", department=world.housing)
    event = dispatched(world)

    with django_capture_on_commit_callbacks(execute=True):
        notify_for_event(event.pk)

    [post] = receiver.requests  # the housing department was not told
    stamp, signed = post.headers["X-Jiefen-Timestamp"], post.headers["X-Jiefen-Signature"]
    expected = hmac.new(endpoint.secret.encode(), stamp.encode() + b"." + post.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(signed, "sha256=" + expected)
    assert abs(time.time() - int(stamp)) < 60
    wrong = hmac.new(b"not-the-secret", stamp.encode() + b"." + post.body, hashlib.sha256).hexdigest()
    assert signed != "sha256=" + wrong
    body = post.json
    assert body["case"] == event.case.display_code and body["event"] == "dispatch"
    assert body["kind"] == "assignment" and "派单" in body["text"]
    assert body["url"].endswith(f"/cases/{event.case.tracking_code}/")
    assert "13812345678" not in post.body.decode()  # the complainant's phone is not sent out
    delivery = Delivery.objects.get(endpoint=endpoint)
    assert (delivery.status, delivery.attempts, post.headers["X-Jiefen-Delivery"]) == ("sent", 1, delivery.key)


def test_a_personal_endpoint_follows_the_users_kinds(world, receiver, django_capture_on_commit_callbacks):
    WebhookEndpoint.objects.create(name="值班手机推送", url=receiver.url, user=world["hr_handler"], kinds=["warning"])
    with django_capture_on_commit_callbacks(execute=True):
        notify_for_event(dispatched(world).pk)
    assert receiver.requests == []  # an assignment, not a warning
