"""POST requests: a keyed client files a case through the one intake; bad input is refused
in the spec's error format and writes nothing."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from jiefen.api.models import ApiClient
from jiefen.cases.models import Case, Channel, PartyRole

from ..models import Token
from .conftest import BASE, body, errors_of, wage_request


def test_post_with_attributes_then_read_it_back(client, world, wage, api_key):
    response = client.post(BASE + "requests.json", wage_request(api_key, account_id="u-77"))
    assert response.status_code == 200, response.content.decode()
    [answer] = body(response)
    case = Case.objects.get()
    assert answer["service_request_id"] == str(case.pk)
    assert answer["account_id"] == "u-77"
    assert case.display_code in answer["service_notice"]  # the caller may tell the resident
    assert answer["token"] == Token.objects.get(case=case).token
    assert case.reported_item == world.wage_item
    assert case.channel == Channel.OPEN311
    assert case.region == world.grids[0]
    assert str(case.latitude) == "36.610512"
    assert case.attributes == {"workers": "12", "stopped": "2026-10-31T18:00:00+08:00", "employer": "builder",
                               "proof": ["contract", "chat"]}
    assert case.anonymous  # no phone given

    [row] = body(client.get(BASE + f"requests/{case.pk}.json"))
    assert row["service_request_id"] == str(case.pk)
    assert row["service_code"] == "0501"
    assert row["status"] == "open"
    [row] = body(client.get(BASE + f"tokens/{answer['token']}.json"))
    assert row == {"service_request_id": str(case.pk), "token": answer["token"]}
    root = body(client.get(BASE + f"tokens/{answer['token']}.xml"))
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == str(case.pk)
    assert root.findtext("request/token") == answer["token"]


def test_post_xml_answer(client, world, wage, api_key):
    response = client.post(BASE + "requests.xml", wage_request(api_key))
    assert response.status_code == 200
    root = body(response)
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert request.findtext("service_request_id") == str(Case.objects.get().pk)
    assert request.find("account_id") is not None and not request.findtext("account_id")
    root = body(client.get(BASE + f"requests/{request.findtext('service_request_id')}.xml"))
    assert root.findtext("request/service_code") == "0501"


def test_contact_names_in_chinese_order(client, world, wage, api_key):
    data = wage_request(api_key, first_name="建国", last_name="王", phone="138 1234 5678", address_string="东关街道幸福路18号")
    del data["lat"], data["long"]
    assert client.post(BASE + "requests.json", data).status_code == 200
    case = Case.objects.get()
    assert not case.anonymous
    party = case.parties.get(role=PartyRole.COMPLAINANT)
    assert (party.name, party.phone) == ("王建国", "13812345678")
    assert case.region == world.streets[0]  # found from the address
    assert case.address == "东关街道幸福路18号"


def test_address_id_is_a_division_code(client, world, wage, api_key):
    world.communities[1].division_code = "370102001002"
    world.communities[1].save()
    data = wage_request(api_key, address_id="370102001002", lat=None, long=None)
    assert client.post(BASE + "requests.json", data).status_code == 200
    assert Case.objects.get().region == world.communities[1]


def test_media_url_reaches_the_staff(client, world, wage, api_key):
    data = wage_request(api_key, media_url="https://img.example.cn/a.jpg")
    assert client.post(BASE + "requests.json", data).status_code == 200
    assert "https://img.example.cn/a.jpg" in Case.objects.get().description


def test_a_client_with_its_own_channel_keeps_it(client, world, wage):
    _c, key = ApiClient.issue("12345热线", world.county, channel=Channel.HOTLINE_12345)
    assert client.post(BASE + "requests.json", wage_request(key)).status_code == 200
    assert Case.objects.get().channel == Channel.HOTLINE_12345


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_missing_key_is_403(client, world, wage, fmt):
    response = client.post(BASE + f"requests.{fmt}", wage_request(None))
    assert response.status_code == 403
    assert errors_of(response)[0][0] == 403
    assert not Case.objects.exists()


def test_bad_and_revoked_keys_are_403(client, world, wage):
    api_client, key = ApiClient.issue("旧系统", world.county)
    assert client.post(BASE + "requests.json", wage_request(key[:-2] + "xx")).status_code == 403
    api_client.revoke()
    response = client.post(BASE + "requests.xml", wage_request(key))
    assert response.status_code == 403
    assert "api_key" in errors_of(response)[0][1]
    assert client.get(BASE + "services.json", {"api_key": key}).status_code == 403
    assert not Case.objects.exists()


@pytest.mark.parametrize(("missing", "param"), [
    ("service_code", "service_code"), ("description", "description"), (("lat", "long"), "location"),
])
def test_missing_required_field_is_400(client, world, wage, api_key, missing, param):
    data = wage_request(api_key)
    for name in (missing if isinstance(missing, tuple) else (missing,)):
        del data[name]
    response = client.post(BASE + "requests.json", data)
    assert response.status_code == 400
    assert [d for code, d in errors_of(response) if code == 400 and d.startswith(param + ":")]
    assert not Case.objects.exists()


def test_short_description_says_ten_characters(client, world, wage, api_key):
    response = client.post(BASE + "requests.xml", wage_request(api_key, description="没发工资"))
    assert response.status_code == 400
    [(code, description)] = errors_of(response)
    assert code == 400 and description.startswith("description:") and "10" in description


def test_unknown_service_code_is_400(client, world, api_key):
    response = client.post(BASE + "requests.json", wage_request(api_key, service_code="9999"))
    assert response.status_code == 400
    assert "9999" in errors_of(response)[0][1]


def test_bad_attributes_one_error_per_message(client, world, wage, api_key):
    data = wage_request(api_key, **{"attribute[workers]": None, "attribute[employer]": "farm"})
    response = client.post(BASE + "requests.xml", data)
    assert response.status_code == 400
    messages = [d for _c, d in errors_of(response)]
    assert len(messages) == 2
    assert all(m.startswith("attribute:") for m in messages)
    assert any("workers" in m for m in messages) and any("farm" in m for m in messages)
    assert not Case.objects.exists() and not Token.objects.exists()


def test_bad_phone_and_place_outside_the_client_region(client, world, wage):
    _c, key = ApiClient.issue("西城街道App", world.streets[1])
    world.communities[0].division_code = "370102001001"
    world.communities[0].save()
    response = client.post(BASE + "requests.json", wage_request(
        key, phone="12345", first_name="建国", last_name="王", address_id="370102001001", lat=None, long=None))
    assert response.status_code == 400
    params = {d.split(":")[0] for _c, d in errors_of(response)}
    assert {"phone", "address_id"} <= params  # the place is in 东关, the client serves 西城
    assert not Case.objects.exists()


def test_idempotent_retry_returns_the_first_case(client, world, wage, api_key):
    headers = {"Idempotency-Key": "order-1"}
    first = body(client.post(BASE + "requests.json", wage_request(api_key), headers=headers))
    again = body(client.post(BASE + "requests.json", wage_request(api_key), headers=headers))
    assert first == again
    assert Case.objects.count() == 1 and Token.objects.count() == 1
    _c, other_key = ApiClient.issue("另一个App", world.county)
    other = body(client.post(BASE + "requests.json", wage_request(other_key), headers=headers))
    assert other[0]["service_request_id"] != first[0]["service_request_id"]  # keys are per client


def test_keyed_calls_are_throttled_per_client(client, world, wage, api_key, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"anon": "100/minute", "user": "2/minute"}}
    cache.clear()
    for _i in range(2):
        assert client.post(BASE + "requests.json", wage_request(api_key)).status_code == 200
    response = client.post(BASE + "requests.xml", wage_request(api_key))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert errors_of(response)[0][0] == 429
    assert Case.objects.count() == 2
    assert client.get(BASE + "services.json").status_code == 200  # the public is counted apart


def test_wrong_keys_count_against_the_address(client, world, wage, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": "100/minute"}}
    codes = [client.post(BASE + "requests.json", wage_request(f"jf_guess_{i}")).status_code for i in range(3)]
    assert codes == [403, 403, 429]
