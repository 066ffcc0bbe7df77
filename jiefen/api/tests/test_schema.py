"""The OpenAPI document: valid, complete, served with offline docs; and the running API
fuzzed from it (schemathesis) without a server error."""

import collections
import re

import pytest
import schemathesis
import yaml
from django.test import Client
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiefen.api.models import ApiClient
from jiefen.testing.factories import submit

PATHS = {
    "/api/v1/cases/": {"get", "post"},
    "/api/v1/cases/{code}/": {"get"},
    "/api/v1/cases/{code}/events/": {"get"},
    "/api/v1/cases/{code}/attachments/": {"get", "post"},
    "/api/v1/cases/{code}/attachments/{id}/": {"get"},
    "/api/v1/cases/{code}/actions/": {"get"},
    "/api/v1/cases/{code}/actions/{action}/": {"post"},
    "/api/v1/cases/{code}/parties/{party}/reveal/": {"post"},
}


@pytest.fixture
def document(db):
    response = Client().get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    assert response.status_code == 200
    return response.json() if response["Content-Type"].startswith("application/vnd.oai.openapi+json") \
        else yaml.safe_load(response.content)


def test_schema_is_valid_openapi_with_every_endpoint(document):
    validate_schema(document)  # raises on an invalid document
    assert document["openapi"].startswith("3.")
    assert {p: set(ops) & {"get", "post"} for p, ops in document["paths"].items()} == PATHS


def test_schema_documents_errors_and_the_idempotency_header(document):
    create = document["paths"]["/api/v1/cases/"]["post"]
    assert {"200", "201", "400", "401", "403"} <= set(create["responses"])
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in create["parameters"])
    act = document["paths"]["/api/v1/cases/{code}/actions/{action}/"]["post"]
    assert {"200", "400", "401", "403", "404", "409"} <= set(act["responses"])
    listing = document["paths"]["/api/v1/cases/"]["get"]
    assert {"status", "channel", "updated_since", "region", "external_source", "external_id", "cursor"} <= {
        p["name"] for p in listing["parameters"]}
    assert document["components"]["securitySchemes"]["apiKey"]["name"] == "Authorization"


def test_docs_page_loads_only_local_assets(db):
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html
    # Swagger UI's start-up script comes from this same page (?script), not inline: the CSP allows it
    assert all(a.startswith("/static/") or a.startswith("/api/docs/?script") for a in assets), assets
    assert "http://" not in html and "https://" not in html.replace("https://github.com", "")


# ------------------------------------------------------------------ schemathesis against a live server


def test_api_never_fails_with_a_server_error(live_server, live_world):
    """Every operation of the schema, fuzzed with a real key; half the generated tracking
    codes are swapped for a case that exists so the deeper code runs too."""
    _client, key = ApiClient.issue("模糊测试", live_world.county)
    code = submit(live_world).tracking_code
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    failures, seen = [], []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == sum(len(ops) for ops in PATHS.values())
    for operation in operations:

        @given(case=operation.as_strategy(), real=st.booleans())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None,
                  derandomize=True)
        def run(case, real):
            if real and "code" in (case.path_parameters or {}):
                case.path_parameters["code"] = code
            response = case.call(headers={"Authorization": f"Token {key}"})
            seen.append((case.method, case.path, response.status_code))
            if response.status_code >= 500:
                failures.append((case.method, case.formatted_path, case.query, case.body, response.text[:300]))
            assert response.status_code != 401, "the key was not accepted"

        run()
    assert not failures, failures
    answered = collections.Counter((method, path) for method, path, status in seen if status < 300)
    for path, methods in PATHS.items():  # the real case was reached through every read
        if "{code}" in path and "{id}" not in path and "get" in methods:
            assert answered["GET", path], (path, seen)
