"""Administrators give a department a webhook endpoint and read every sending, which nobody
can edit."""

from jiefen.accounts.models import User
from jiefen.notify.models import Delivery, WebhookEndpoint
from jiefen.notify.services import notify_for_event
from jiefen.testing.factories import PASSWORD

from .factories import dispatched


def test_endpoints_are_added_and_sendings_read(client, world, receiver, django_capture_on_commit_callbacks):
    User.objects.create_superuser("root", password=PASSWORD)
    assert client.login(username="root", password=PASSWORD)
    form = {"name": "人社局办公系统", "url": receiver.url, "secret": "s3cret-for-the-test", "kinds": "[]",
            "active": "on", "user": "", "region": ""}

    both = client.post("/admin/notify/webhookendpoint/add/", form | {"department": world.hr.pk,
                                                                     "region": world.county.pk})
    assert "请只选择一个归属" in both.content.decode() and not WebhookEndpoint.objects.exists()
    ftp = client.post("/admin/notify/webhookendpoint/add/", form | {"department": world.hr.pk, "url": "ftp://10.0.0.1/x"})
    assert ftp.status_code == 200 and not WebhookEndpoint.objects.exists()
    assert client.post("/admin/notify/webhookendpoint/add/", form | {"department": world.hr.pk}).status_code == 302

    with django_capture_on_commit_callbacks(execute=True):
        notify_for_event(dispatched(world).pk)
    assert len(receiver.requests) == 1

    listing = client.get("/admin/notify/delivery/").content.decode()
    assert "人社局办公系统" in listing and "138****5678" in listing and "已发送" in listing
    hook = Delivery.objects.get(channel="webhook")
    page = client.get(f"/admin/notify/delivery/{hook.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    assert client.post(f"/admin/notify/delivery/{hook.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/notify/delivery/add/").status_code == 403
