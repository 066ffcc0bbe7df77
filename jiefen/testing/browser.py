"""Helpers for the Playwright tests."""

from __future__ import annotations

from .factories import PASSWORD


def sign_in(page, base_url: str, username: str, password: str = PASSWORD):
    """Sign in through the login page as a person does; returns the page on the worklist."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/work/**")
    return page
