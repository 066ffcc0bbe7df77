"""Issuing, rotating and revoking keys: in the admin and with `jiefen api_client`."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from jiefen.accounts.models import User
from jiefen.api.models import ApiClient
from jiefen.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db

KEY_RE = re.compile(r"jf_[0-9a-f]{12}_[A-Za-z0-9_-]+")


def works(key: str) -> bool:
    return Client().get("/api/v1/cases/", headers={"Authorization": f"Token {key}"}).status_code == 200


def shown_key(response) -> str:
    keys = {m.message for m in response.context["messages"]} if response.context else set()
    found = KEY_RE.findall(" ".join(keys) or response.content.decode())
    assert len(found) == 1, keys
    return found[0]


@pytest.fixture
def admin(client, world):
    User.objects.create_superuser("root", password=PASSWORD)
    assert client.login(username="root", password=PASSWORD)
    return client


def test_admin_issue_shows_the_key_once(admin, world):
    response = admin.post("/admin/api/apiclient/add/", {
        "name": "110指挥中心", "channel": "110", "region": world.county.pk, "role": "clerk"}, follow=True)
    assert response.status_code == 200
    key = shown_key(response)
    assert works(key)
    client = ApiClient.objects.get(name="110指挥中心")
    assert client.user.memberships.get().region == world.county
    # never again: not on the list or the change page
    for url in ("/admin/api/apiclient/", f"/admin/api/apiclient/{client.pk}/change/"):
        assert key not in admin.get(url).content.decode()
        assert not KEY_RE.search(admin.get(url).content.decode())


def test_admin_rotate_and_revoke_actions(admin, world):
    client, old = ApiClient.issue("法院系统", world.county, channel="court")
    response = admin.post("/admin/api/apiclient/", {"action": "rotate", "_selected_action": [client.pk]}, follow=True)
    new = shown_key(response)
    assert new != old and works(new) and not works(old)
    admin.post("/admin/api/apiclient/", {"action": "revoke", "_selected_action": [client.pk]}, follow=True)
    assert not works(new)
    assert ApiClient.objects.get().revoked_at is not None


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("api_client", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_command_issue_list_rotate_revoke(world):
    world.streets[0].division_code = "370102001000"
    world.streets[0].save()
    key, note = run("issue", "--name", "东关网格通", "--region", "370102001000", "--channel", "grid")
    assert KEY_RE.fullmatch(key) and "shown once" in note
    assert works(key)
    client = ApiClient.objects.get(name="东关网格通")
    assert (client.region, client.channel, client.role) == (world.streets[0], "grid", "clerk")
    listing, _ = run("list")
    assert "东关网格通" in listing and "active" in listing and key not in listing
    new, _ = run("rotate", "--name", "东关网格通")
    assert works(new) and not works(key)
    out, _ = run("revoke", "--name", "东关网格通")
    assert out == "Revoked 东关网格通." and not works(new)
    assert "revoked" in run("list")[0]


def test_command_refuses_bad_input(world):
    with pytest.raises(CommandError, match="no region"):
        run("issue", "--name", "x", "--region", "999999999999")
    run("issue", "--name", "x", "--region", str(world.county.pk))
    with pytest.raises(CommandError, match="exists already"):
        run("issue", "--name", "x", "--region", str(world.county.pk))
    with pytest.raises(CommandError, match="no active client"):
        run("revoke", "--name", "nobody")
    assert ApiClient.objects.count() == 1


def test_a_key_revoked_by_another_server_process_stops_working_within_the_check_time(world, monkeypatch):
    import time

    from django.utils import timezone

    from jiefen.api import models

    client, key = ApiClient.issue("12345热线", world.county, channel="12345")
    assert works(key)
    now = [time.monotonic()]
    monkeypatch.setattr(models.time, "monotonic", lambda: now[0])
    # another process revokes it: no signal reaches this one, which trusts its check briefly
    ApiClient.objects.filter(pk=client.pk).update(revoked_at=timezone.now())
    assert works(key)
    now[0] += models.KEY_CACHE_SECONDS + 0.01
    assert not works(key)
