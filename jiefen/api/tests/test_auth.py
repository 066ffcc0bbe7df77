"""Who gets in: a valid key, no key, a wrong key, a revoked key, a rotated key; staff sessions
(with CSRF)."""

import json

import pytest
from django.test import Client

from jiefen.api.models import ApiClient
from jiefen.cases.models import Case
from jiefen.testing.factories import PASSWORD, case_data

pytestmark = pytest.mark.django_db

LIST = "/api/v1/cases/"


def test_key_in_authorization_or_x_api_key(county_api):
    assert county_api.get(LIST).status_code == 200
    assert Client().get(LIST, headers={"X-Api-Key": county_api.key}).status_code == 200


@pytest.mark.parametrize("header", [None, "Token jf_nope_nope", "Token garbage", "Bearer something"])
def test_without_a_valid_key_401(world, header):
    headers = {"Authorization": header} if header else {}
    response = Client().get(LIST, headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "detail" in response.json()


def test_wrong_secret_for_a_real_key_id_401(county_api):
    key_id = county_api.api_client.key_id
    assert Client().get(LIST, headers={"Authorization": f"Token jf_{key_id}_wrongsecret"}).status_code == 401


def test_revoked_key_401_at_once(county_api):
    county_api.api_client.revoke()
    response = county_api.get(LIST)
    assert response.status_code == 401
    assert response.json()["detail"] == "接口密钥无效或已吊销。"


def test_rotate_old_key_stops_new_key_works(county_api):
    old = county_api.key
    new = county_api.api_client.rotate()
    assert Client().get(LIST, headers={"Authorization": f"Token {old}"}).status_code == 401
    assert Client().get(LIST, headers={"Authorization": f"Token {new}"}).status_code == 200


def test_staff_session_needs_csrf(world):
    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username="clerk", password=PASSWORD)
    body = json.dumps(case_data(world))
    response = browser.post(LIST, body, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Case.objects.exists()
    # with the token the page would send, the same request files the case
    browser.get("/work/")
    token = browser.cookies["csrftoken"].value
    response = browser.post(LIST, body, content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert case.created_by == world["clerk"]


def test_staff_session_reads_its_scope(world, east_api):
    browser = Client()
    browser.login(username="west_dispatcher", password=PASSWORD)
    east_api.post(LIST, case_data(world, region=world.grids[0].pk))
    assert browser.get(LIST).json()["results"] == []
    browser.login(username="street_dispatcher", password=PASSWORD)
    assert len(browser.get(LIST).json()["results"]) == 1


def test_post_that_cannot_file_gets_403(world):
    client, key = ApiClient.issue("督查系统", world.county, role="supervisor")
    response = Client().post(LIST, json.dumps(case_data(world)), content_type="application/json",
                             headers={"Authorization": f"Token {key}"})
    assert response.status_code == 403
    assert response.json()["detail"] == "您的岗位不能登记案件。"
    assert not Case.objects.exists()
