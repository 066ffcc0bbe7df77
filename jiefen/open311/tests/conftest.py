"""Fixtures for the Open311 tests: a keyed caller, the wage item's extra fields, and helpers
that read answers the way a client does (JSON, or XML parsed with ElementTree)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache

from jiefen.api.models import ApiClient
from jiefen.testing.factories import wage_fields

BASE = "/open311/v2/"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_key(world) -> str:
    _client, key = ApiClient.issue("城市App", world.county)
    return key


@pytest.fixture
def wage(world):
    return wage_fields(world.wage_item)


def wage_request(key: str, **overrides) -> dict:
    """A form-encoded wage arrears request as an Open311 client posts it."""
    data = {
        "api_key": key,
        "service_code": "0501",
        "lat": "36.6105123456",  # full GPS precision, inside 东关1社区第1网格
        "long": "117.0052345678",
        "description": "幸福路工地拖欠我们十二个人三个月工资，一共八万多元。",
        "attribute[workers]": "12",
        "attribute[stopped]": "2026-10-31T18:00:00+08:00",
        "attribute[employer]": "builder",
        "attribute[proof][]": ["contract", "chat"],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def body(response):
    """The answer as Python data: JSON as is; XML as the root element."""
    if response["Content-Type"].startswith("text/xml"):
        return ET.fromstring(response.content)
    return json.loads(response.content)


def errors_of(response) -> list[tuple[int, str]]:
    data = body(response)
    if isinstance(data, ET.Element):
        assert data.tag == "errors"
        return [(int(e.findtext("code")), e.findtext("description")) for e in data.findall("error")]
    return [(row["code"], row["description"]) for row in data]
