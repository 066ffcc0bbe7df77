"""An Open311 client as they are written in the wild: `requests` against a running server,
form-encoded POST with `attribute[code]` keys, format by path suffix, XML read with
ElementTree; discovery first, then services, the definition, a request and the read-back."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import requests

from jiefen.api.models import ApiClient
from jiefen.testing.factories import wage_fields


def test_a_generic_client_round_trip(live_server, live_world, settings):
    settings.JIEFEN_PUBLIC_URL = live_server.url
    wage_fields(live_world.wage_item)
    _client, key = ApiClient.issue("GeoReport客户端", live_world.county)
    http = requests.Session()

    discovery = http.get(f"{live_server.url}/open311/v2/discovery.json", timeout=10).json()
    base = next(e["url"] for e in discovery["endpoints"] if "application/json" in e["formats"]).rstrip("/")

    services = http.get(f"{base}/services.json", timeout=10).json()
    wage = next(s for s in services if s["group"] == "劳动争议与欠薪")
    assert wage["metadata"] is True
    definition = http.get(f"{base}/services/{wage['service_code']}.json", timeout=10).json()
    answers = {"workers": "8", "stopped": "2026-11-01T08:00:00+08:00", "employer": "factory", "proof": ["iou"]}
    form = {"api_key": key, "service_code": wage["service_code"], "lat": 36.6151, "long": 117.0033,
            "description": "厂里拖欠我们八个人两个月的工资，老板一直躲着不见人。", "first_name": "Lei",
            "last_name": "Li", "phone": "13900001111", "email": "li@example.cn", "device_id": "abc123",
            "account_id": "acct-1"}
    for attribute in definition["attributes"]:
        suffix = "[]" if attribute["datatype"] == "multivaluelist" else ""
        form[f"attribute[{attribute['code']}]{suffix}"] = answers[attribute["code"]]

    response = http.post(f"{base}/requests.json", data=form, timeout=10)
    assert response.status_code == 200, response.text
    [created] = response.json()
    assert created["account_id"] == "acct-1"

    xml = http.get(f"{base}/requests/{created['service_request_id']}.xml", timeout=10)
    assert xml.headers["Content-Type"].startswith("text/xml")
    request = ET.fromstring(xml.content).find("request")
    assert request.findtext("service_code") == wage["service_code"]
    assert request.findtext("status") == "open"
    assert "Li" not in xml.text and "13900001111" not in xml.text

    token = http.get(f"{base}/tokens/{created['token']}.json", timeout=10).json()
    assert token == [{"service_request_id": created["service_request_id"], "token": created["token"]}]

    listing = http.get(f"{base}/requests.json", params={"service_code": wage["service_code"], "status": "open"},
                       timeout=10).json()
    assert [r["service_request_id"] for r in listing] == [created["service_request_id"]]

    refused = http.post(f"{base}/requests.xml", data={**form, "api_key": "jf_bad_key"}, timeout=10)
    assert refused.status_code == 403
    assert ET.fromstring(refused.content).findtext("error/code") == "403"
