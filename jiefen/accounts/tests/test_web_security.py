"""Login lockout, idle timeout, security headers and per-address rate limits, as a user meets them."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from jiefen.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username, password, ip="10.0.0.7"):
    return client.post("/accounts/login/", {"username": username, "password": password},
                       REMOTE_ADDR=ip)


def test_five_failures_lock_the_username_at_that_address(client, world):
    for _ in range(4):
        assert login(client, "clerk", "wrong-password").status_code == 200
    locked = login(client, "clerk", "wrong-password")
    assert locked.status_code == 429
    assert "账号已暂时锁定" in locked.content.decode() and "30 分钟" in locked.content.decode()
    # Even the right password is refused while locked; another address is not locked.
    assert login(client, "clerk", PASSWORD).status_code == 429
    assert login(client, "clerk", PASSWORD, ip="10.0.0.8").status_code == 302

    call_command("axes_reset_username", "clerk")
    assert login(client, "clerk", PASSWORD).status_code == 302


def test_a_successful_login_resets_the_failures(client, world):
    for _ in range(4):
        login(client, "clerk", "wrong-password")
    assert login(client, "clerk", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert login(client, "clerk", "wrong-password").status_code == 200


def test_lockout_expires_after_the_cool_off(client, world):
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            login(client, "clerk", "wrong-password")
        assert login(client, "clerk", PASSWORD).status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        assert login(client, "clerk", PASSWORD).status_code == 302


def test_an_idle_session_ends_and_says_why(client, world):
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        assert login(client, "clerk", PASSWORD).status_code == 302
        assert client.get("/work/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=25), tick=False):
        assert client.get("/work/").status_code == 200  # activity keeps it alive
    with time_machine.travel(start + dt.timedelta(minutes=54), tick=False):
        assert client.get("/work/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=85), tick=False):
        response = client.get("/work/", follow=True)
        assert response.redirect_chain[0][0].startswith("/accounts/login/?next=/work/")
        assert "已自动退出" in response.content.decode()
        assert client.get("/work/").status_code == 302


def test_pages_carry_csp_and_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_report_posts_are_limited_per_address(client, settings, world):
    settings.JIEFEN_RATE_LIMITS = {"report": (3, 3600)}
    for _ in range(3):
        assert client.post("/report/", {}, REMOTE_ADDR="10.1.1.1").status_code != 429
    refused = client.post("/report/", {}, REMOTE_ADDR="10.1.1.1")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "操作过于频繁" in refused.content.decode()
    assert client.post("/report/", {}, REMOTE_ADDR="10.1.1.2").status_code != 429
    assert client.get("/report/", REMOTE_ADDR="10.1.1.1").status_code == 200  # reading is free


def test_tracking_lookups_are_limited(client, settings):
    settings.JIEFEN_RATE_LIMITS = {"track": (5, 600)}
    for _ in range(5):
        assert client.post("/track/", {"code": "AAAA-BBBB", "phone": "13800000000"}).status_code == 400
    refused = client.post("/track/", {"code": "AAAA-BBBB", "phone": "13800000000"})
    assert refused.status_code == 429 and "分钟后再试" in refused.content.decode()


def test_login_posts_are_limited_per_address_across_usernames(client, settings, world):
    settings.JIEFEN_RATE_LIMITS = {"login": (3, 600)}
    for name in ("a1", "a2", "a3"):
        assert login(client, name, "x").status_code == 200
    assert login(client, "clerk", PASSWORD).status_code == 429
    assert not client.session.get("_auth_user_id")


def test_limits_count_the_forwarded_address_only_behind_a_proxy(client, settings):
    settings.JIEFEN_RATE_LIMITS = {"track": (1, 600)}
    data = {"code": "AAAA-BBBB", "phone": "1"}
    client.post("/track/", data, HTTP_X_FORWARDED_FOR="1.1.1.1")
    # No proxy configured: a forged header does not give a fresh count.
    assert client.post("/track/", data, HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    assert client.post("/track/", data, HTTP_X_FORWARDED_FOR="3.3.3.3").status_code == 400
