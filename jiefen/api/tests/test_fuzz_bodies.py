"""Odd values in otherwise good requests: always an answer the caller can use (2xx or 4xx),
never a server error, and nothing saved when the answer is 400."""

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiefen.api.models import ApiClient
from jiefen.cases.models import Case
from jiefen.cases.workflow import ACTIONS
from jiefen.testing.factories import build_world, case_data

FIELDS = ["description", "region", "address", "latitude", "longitude", "anonymous", "name", "phone", "id_number",
          "respondent", "group_size", "amount", "item", "attributes", "external_source", "external_id", "channel"]
ODD = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30), st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
    st.sampled_from(["NaN", "Infinity", "1e400", "370102001002", "0", "-1", "\x00", "0501"]),
)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)


@pytest.fixture
def setup(db):
    world = build_world()
    _c, key = ApiClient.issue("fuzz", world.county)
    return world, Client(headers={"Authorization": f"Token {key}"})


def test_odd_intake_values(setup):
    world, http = setup

    @FUZZ
    @given(st.dictionaries(st.sampled_from(FIELDS), ODD, min_size=1, max_size=4))
    def run(odd):
        before = Case.objects.count()
        response = http.post("/api/v1/cases/", json.dumps(case_data(world) | odd, allow_nan=True),
                             content_type="application/json")
        assert response.status_code in (200, 201, 400), (odd, response.content[:300])
        if response.status_code == 400:
            assert Case.objects.count() == before
            assert all(isinstance(v, list) for v in response.json().values())

    run()


def test_odd_action_bodies(setup):
    world, http = setup
    code = http.post("/api/v1/cases/", json.dumps(case_data(world)), content_type="application/json").json()["tracking_code"]
    keys = ["reason", "version", "data", "item", "risk_grade", "department", "center", "helpers", "members",
            "leader", "redirect", "committed_date", "held_at", "method", "outcome", "guidance", "satisfaction"]

    @FUZZ
    @given(st.sampled_from(sorted(ACTIONS)), st.dictionaries(st.sampled_from(keys), ODD, max_size=5))
    def run(action, body):
        response = http.post(f"/api/v1/cases/{code}/actions/{action}/", json.dumps(body, allow_nan=True),
                             content_type="application/json")
        assert response.status_code in (200, 400, 403, 409), (action, body, response.content[:300])

    run()
