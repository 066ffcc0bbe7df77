"""Odd input from the wild never ends in a server error: NUL bytes, huge or non-numbers."""

from __future__ import annotations

import pytest

from jiefen.cases.models import Case

from .conftest import BASE, wage_request


@pytest.mark.parametrize("path", [
    "requests.json?service_code=05%0001", "requests.json?service_request_id=1%00", "requests.xml?status=op%00en",
    "requests.json?start_date=2026-11-01%00", "services/05%0001.json", "tokens/ab%00cd.json", "requests/1%00.xml",
])
def test_nul_bytes_in_reads(client, world, path):
    assert client.get(BASE + path).status_code in (400, 404)


@pytest.mark.parametrize("override", [
    {"lat": "NaN", "long": "117.0"}, {"lat": "Infinity", "long": "117.0"}, {"lat": "1e999999999", "long": "117"},
    {"lat": "abc", "long": "x"}, {"account_id": "a\x00b"}, {"service_code": "05\x0001"},
    {"description": "工资被拖欠了三个月\x00一直没有人管。"}, {"attribute[workers]": "1e999999999"},
    {"attribute[nope]": "1"}, {"address_id": "9" * 40, "lat": None, "long": None},
])
def test_odd_posts(client, world, wage, api_key, override):
    response = client.post(BASE + "requests.json", wage_request(api_key, **override))
    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert not Case.objects.exists()
