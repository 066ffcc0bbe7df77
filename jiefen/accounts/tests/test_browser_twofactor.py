"""In Chromium: a clerk turns on the second factor by the QR page, signs out, signs in again
with the password and then the 6-digit code, under the content security policy."""

import time

import pytest
import time_machine
from django.core.cache import cache
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiefen.testing.browser import sign_in
from jiefen.testing.factories import PASSWORD

pytestmark = pytest.mark.browser


def code_for(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_set_up_and_sign_in_with_the_code(new_context, live_server, live_world, screenshot):
    cache.clear()
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text)
            if "Content Security Policy" in m.text else None)
    sign_in(page, live_server.url, "clerk")

    page.goto(f"{live_server.url}/accounts/2fa/setup/")
    assert page.locator("[data-testid=totp-qr] svg").is_visible()
    secret = page.locator("[data-testid=totp-secret]").inner_text()
    device = TOTPDevice.objects.get(user__username="clerk", confirmed=False)
    assert secret.replace(" ", "") in device.config_url
    screenshot(page, "81-2fa-setup")
    page.fill("#id_code", code_for(device))
    page.click("button:has-text('确认开启')")
    page.wait_for_url("**/work/")
    assert "动态验证码已开启" in page.locator("main").inner_text()
    page.click("header button:has-text('退出')")
    page.wait_for_load_state("load")

    # A later time step: the code used to confirm cannot be replayed.
    with time_machine.travel(time.time() + 60, tick=True):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "clerk")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/accounts/2fa/verify/**")
        page.goto(f"{live_server.url}/work/")  # staff pages wait for the code
        page.wait_for_url("**/accounts/2fa/verify/**")
        page.fill("#id_code", "000000" if code_for(device) != "000000" else "111111")
        page.click("button:has-text('验证')")
        assert "验证码不正确，还可以再试 4 次" in page.locator("main").inner_text()
        screenshot(page, "82-2fa-wrong-code")
        time.sleep(1.2)  # django-otp's back-off after a wrong code
        page.fill("#id_code", code_for(device))
        page.click("button:has-text('验证')")
        page.wait_for_url("**/work/")
        assert page.locator("header").get_by_text("工作台").is_visible()
    assert problems == []
