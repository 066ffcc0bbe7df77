"""The optional TOTP second factor (动态验证码), as a staff user meets it: setting it up, signing in
with it, wrong codes, the requirement setting and the API."""

import time

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiefen.api.models import ApiClient
from jiefen.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def code_for(device):
    """The code an authenticator app shows for this device now (time_machine's now)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def wrong_for(device):
    return "000000" if code_for(device) != "000000" else "111111"


def login(client, username="clerk", password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def set_up(client, username="clerk"):
    """Signs in and turns the second factor on through the setup page; returns the device."""
    assert login(client, username).status_code == 302
    page = client.get("/accounts/2fa/setup/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'data-testid="totp-secret"' in html
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    done = client.post("/accounts/2fa/setup/", {"code": code_for(device)})
    assert done.status_code == 302 and done["Location"] == "/work/"
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_setup_then_sign_in_asks_for_the_code(client, world):
    start = time.time()
    with time_machine.travel(start, tick=False) as clock:
        device = set_up(client)
        assert "动态验证码已开启" in client.get("/work/").content.decode()
        client.post("/accounts/logout/")

        clock.shift(60)  # a later code: the one used to confirm cannot be used again
        answer = login(client)
        assert answer.status_code == 302 and answer["Location"] == "/work/"
        held = client.get("/work/")
        assert held.status_code == 302 and held["Location"] == "/accounts/2fa/verify/?next=%2Fwork%2F"
        assert client.get("/cases/ZZZZ/")["Location"].startswith("/accounts/2fa/verify/")
        assert client.get("/accounts/2fa/setup/")["Location"].startswith("/accounts/2fa/verify/")
        # The public pages stay open.
        assert client.get("/track/").status_code == 200

        page = client.get(held["Location"])
        assert "输入动态验证码" in page.content.decode()
        wrong = client.post("/accounts/2fa/verify/?next=/work/", {"code": wrong_for(device), "next": "/work/"})
        assert wrong.status_code == 400
        assert "验证码不正确，还可以再试 4 次" in wrong.content.decode()
        assert client.get("/work/").status_code == 302

        clock.shift(5)  # django-otp's back-off after a wrong code
        right = client.post("/accounts/2fa/verify/", {"code": code_for(device), "next": "/work/"})
        assert right.status_code == 302 and right["Location"] == "/work/"
        assert client.get("/work/").status_code == 200
        # The same code cannot be replayed to turn the factor off.
        assert client.post("/accounts/2fa/disable/", {"code": code_for(device)}).status_code == 400


def test_a_code_typed_too_soon_after_a_wrong_one_is_held_back(client, world):
    with time_machine.travel(time.time(), tick=False) as clock:
        device = set_up(client)
        client.post("/accounts/logout/")
        clock.shift(60)
        login(client)
        client.post("/accounts/2fa/verify/", {"code": "12345x"})  # malformed: not counted
        assert client.post("/accounts/2fa/verify/", {"code": "abc"}).status_code == 400
        client.post("/accounts/2fa/verify/", {"code": wrong_for(device)})
        held = client.post("/accounts/2fa/verify/", {"code": code_for(device)})
        assert held.status_code == 429 and "尝试过于频繁，请 1 秒后再输入" in held.content.decode()
        assert client.get("/work/").status_code == 302
        clock.shift(2)
        assert client.post("/accounts/2fa/verify/", {"code": code_for(device)}).status_code == 302
        assert client.get("/work/").status_code == 200


def test_five_wrong_codes_sign_the_session_out(client, world):
    with time_machine.travel(time.time(), tick=False) as clock:
        device = set_up(client)
        client.post("/accounts/logout/")
        clock.shift(60)
        login(client)
        bad = wrong_for(device)
        for n in range(4):
            answer = client.post("/accounts/2fa/verify/", {"code": bad})
            assert f"还可以再试 {4 - n} 次" in answer.content.decode()
            clock.shift(60)  # past the back-off, so every attempt is a real one
        out = client.post("/accounts/2fa/verify/", {"code": bad})
        assert out.status_code == 302 and out["Location"] == "/accounts/login/"
        page = client.get("/accounts/login/")
        assert "动态验证码连续输错 5 次，已退出登录" in page.content.decode()
        assert client.get("/work/")["Location"].startswith("/accounts/login/")


def test_wrong_code_at_setup_leaves_it_off(client, world):
    login(client)
    client.get("/accounts/2fa/setup/")
    device = TOTPDevice.objects.get(user__username="clerk")
    bad = wrong_for(device)
    answer = client.post("/accounts/2fa/setup/", {"code": bad})
    assert answer.status_code == 400 and "验证码不正确" in answer.content.decode()
    assert client.post("/accounts/2fa/setup/", {"code": "12"}).status_code == 400
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    client.post("/accounts/logout/")
    login(client)
    assert client.get("/work/").status_code == 200  # no confirmed device: no code asked


def test_a_user_without_a_device_signs_in_as_before(client, world):
    answer = login(client, "dispatcher")
    assert answer.status_code == 302 and answer["Location"] == "/work/"
    assert client.get("/work/").status_code == 200
    assert client.get("/api/v1/cases/").status_code == 200
    assert client.get("/accounts/2fa/verify/")["Location"] == "/work/"


def test_turning_it_off_needs_a_current_code(client, world):
    with time_machine.travel(time.time(), tick=False) as clock:
        device = set_up(client)
        assert 'data-testid="totp-on"' in client.get("/accounts/2fa/setup/").content.decode()
        clock.shift(30)
        bad = wrong_for(device)
        assert client.post("/accounts/2fa/disable/", {"code": bad}).status_code == 400
        clock.shift(5)
        off = client.post("/accounts/2fa/disable/", {"code": code_for(device)})
        assert off.status_code == 302 and off["Location"] == "/work/"
        assert not TOTPDevice.objects.exists()
        client.post("/accounts/logout/")
        login(client)
        assert client.get("/work/").status_code == 200


def test_requirement_setting_sends_listed_users_to_setup(client, world, settings):
    from jiefen.accounts.models import User

    settings.JIEFEN_REQUIRE_2FA_FOR = "superuser"
    User.objects.create_superuser("root", "root@example.org", PASSWORD)
    login(client, "clerk")
    assert client.get("/work/").status_code == 200  # not a superuser
    client.post("/accounts/logout/")

    login(client, "root")
    held = client.get("/work/")
    assert held["Location"] == "/accounts/2fa/setup/?next=%2Fwork%2F"
    assert "须开启动态验证码后才能继续使用" in client.get(held["Location"]).content.decode()
    assert client.get("/api/v1/cases/").status_code == 403
    client.post("/accounts/logout/")

    settings.JIEFEN_REQUIRE_2FA_FOR = "staff, superuser"
    login(client, "clerk")
    assert client.get("/work/")["Location"].startswith("/accounts/2fa/setup/")
    assert client.get("/accounts/2fa/setup/").status_code == 200
    device = TOTPDevice.objects.get(user__username="clerk")
    done = client.post("/accounts/2fa/setup/?next=/work/", {"code": code_for(device), "next": "/work/"})
    assert done["Location"] == "/work/"
    assert client.get("/work/").status_code == 200


def test_session_api_calls_wait_for_the_code_but_api_keys_do_not(client, world):
    with time_machine.travel(time.time(), tick=False) as clock:
        set_up(client)
        client.post("/accounts/logout/")
        clock.shift(60)
        login(client)
        refused = client.get("/api/v1/cases/")
        assert refused.status_code == 403
        assert "请先在网页上输入动态验证码" in refused.json()["detail"]
        _c, key = ApiClient.issue("12345热线", world.county)
        assert client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
