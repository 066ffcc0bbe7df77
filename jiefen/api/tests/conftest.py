"""Fixtures for the API tests: keyed callers at the county and at each street, and a client
that speaks JSON with a key."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from PIL import Image

from jiefen.api.models import ApiClient
from jiefen.cases.models import Channel


class KeyedClient:
    """Django's test client with `Authorization: Token <key>` on every request."""

    def __init__(self, key: str, api_client: ApiClient | None = None) -> None:
        self.key = key
        self.api_client = api_client
        self.http = Client()

    def _headers(self, headers):
        return {"Authorization": f"Token {self.key}", **(headers or {})}

    def get(self, path, data=None, headers=None):
        return self.http.get(path, data, headers=self._headers(headers))

    def post(self, path, data=None, headers=None):
        return self.http.post(path, json.dumps(data or {}), content_type="application/json",
                              headers=self._headers(headers))

    def upload(self, path, files: dict, headers=None):
        return self.http.post(path, files, headers=self._headers(headers))


@pytest.fixture
def county_api(world) -> KeyedClient:
    client, key = ApiClient.issue("12345热线", world.county, channel=Channel.HOTLINE_12345)
    return KeyedClient(key, client)


@pytest.fixture
def east_api(world) -> KeyedClient:
    client, key = ApiClient.issue("东关街道网格系统", world.streets[0], channel=Channel.GRID)
    return KeyedClient(key, client)


@pytest.fixture
def west_api(world) -> KeyedClient:
    client, key = ApiClient.issue("西城街道网格系统", world.streets[1], channel=Channel.GRID)
    return KeyedClient(key, client)


def png_bytes(size=(8, 8)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()
