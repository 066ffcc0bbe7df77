"""Argon2 hashing with old hashes upgraded at login; the password policy speaks Chinese."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from jiefen.accounts.models import User

pytestmark = pytest.mark.django_db


def messages_for(password, user=None):
    with translation.override("zh-hans"):
        try:
            validate_password(password, user)
        except ValidationError as exc:
            return " ".join(exc.messages)
    return ""


def test_policy_refuses_short_common_numeric_and_similar_passwords_in_chinese():
    user = User(username="wangjianguo", full_name="王建国")
    assert "至少需要 10 个字符" in messages_for("Ab3$xy9", user)
    assert "太常见" in messages_for("password123")
    assert "只包含数字" in messages_for("20261130123456")
    assert "相似" in messages_for("wangjianguo1", user)
    assert messages_for("调解-河畔-2026-绿萝", user) == ""


def test_admin_user_form_shows_the_policy_message(client):
    admin = User.objects.create_superuser("root", password="x")
    client.force_login(admin)
    response = client.post("/admin/accounts/user/add/", {
        "username": "newclerk", "password1": "12345", "password2": "12345",
        "usable_password": "true",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
    })
    page = response.content.decode()
    assert response.status_code == 200
    assert "至少需要 10 个字符" in page and "只包含数字" in page
    assert not User.objects.filter(username="newclerk").exists()


def test_old_hash_is_accepted_and_upgraded_to_argon2_at_login(client, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = User(username="oldclerk")
    from django.contrib.auth.hashers import make_password

    user.password = make_password("调解-河畔-2026", hasher="pbkdf2_sha256")
    user.save()
    assert user.password.startswith("pbkdf2_sha256$")

    response = client.post("/accounts/login/", {"username": "oldclerk", "password": "调解-河畔-2026"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2")
    assert user.check_password("调解-河畔-2026")


def test_new_passwords_use_argon2(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = User.objects.create_user("newone", password="调解-河畔-2026")
    assert user.password.startswith("argon2$argon2id$")
