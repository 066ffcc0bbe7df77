"""Discovery, the service list and service definitions, in JSON and XML."""

from __future__ import annotations

import pytest

from jiefen.taxonomy.models import Item

from .conftest import BASE, body, errors_of


def test_discovery_json_names_the_spec_and_our_endpoint(client, world, settings):
    settings.JIEFEN_PUBLIC_URL = "https://jiefen.qinghe.gov.cn"
    response = client.get(BASE + "discovery.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = body(response)
    assert data["changeset"] and data["contact"] and data["key_service"]
    [endpoint] = data["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "https://jiefen.qinghe.gov.cn/open311/v2/"
    assert endpoint["type"] == "production"
    assert set(endpoint["formats"]) == {"application/json", "text/xml"}


def test_discovery_xml(client, world):
    response = client.get(BASE + "discovery.xml")
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = body(response)
    assert root.tag == "discovery"
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert [f.text for f in endpoint.findall("formats/format")] == ["application/json", "text/xml"]


def test_services_list_every_active_item(client, world, wage):
    Item.objects.filter(pk=world.committed_item.pk).update(active=False)
    data = body(client.get(BASE + "services.json"))
    by_code = {s["service_code"]: s for s in data}
    assert set(by_code) == {"0201", "0501", "0601"}
    wage_service = by_code["0501"]
    assert wage_service["service_name"] == "农民工欠薪"
    assert wage_service["group"] == "劳动争议与欠薪"
    assert wage_service["metadata"] is True
    assert by_code["0601"]["metadata"] is False
    assert wage_service["type"] == "realtime"
    assert "农民工欠薪" in wage_service["keywords"]
    assert "10个工作日" in wage_service["description"]


def test_services_xml(client, world, wage):
    root = body(client.get(BASE + "services.xml"))
    assert root.tag == "services"
    service = next(s for s in root.findall("service") if s.findtext("service_code") == "0501")
    assert service.findtext("metadata") == "true"
    assert service.findtext("group") == "劳动争议与欠薪"
    assert {c.tag for c in service} == {"service_code", "service_name", "description", "metadata", "type",
                                        "keywords", "group"}


def test_service_names_in_english_when_asked(client, world):
    Item.objects.filter(pk=world.wage_item.pk).update(name_en="Unpaid wages of migrant workers")
    data = body(client.get(BASE + "services.json", headers={"Accept-Language": "en"}))
    assert {s["service_code"]: s["service_name"] for s in data}["0501"] == "Unpaid wages of migrant workers"
    data = body(client.get(BASE + "services.json"))
    assert {s["service_code"]: s["service_name"] for s in data}["0501"] == "农民工欠薪"


def test_service_definition_json(client, world, wage):
    data = body(client.get(BASE + "services/0501.json"))
    assert data["service_code"] == "0501"
    attributes = {a["code"]: a for a in data["attributes"]}
    assert [a["code"] for a in data["attributes"]] == ["workers", "stopped", "employer", "proof"]
    assert attributes["workers"] == {
        "variable": True, "code": "workers", "datatype": "number", "required": True,
        "datatype_description": attributes["workers"]["datatype_description"], "order": 1,
        "description": "被欠薪人数", "values": [],
    }
    assert attributes["employer"]["datatype"] == "singlevaluelist"
    assert attributes["employer"]["values"] == [{"key": "builder", "name": "建筑施工"}, {"key": "factory", "name": "工厂"}]
    assert attributes["proof"]["datatype"] == "multivaluelist"
    assert attributes["stopped"]["required"] is False


def test_service_definition_xml(client, world, wage):
    root = body(client.get(BASE + "services/0501.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "0501"
    employer = next(a for a in root.findall("attributes/attribute") if a.findtext("code") == "employer")
    assert employer.findtext("variable") == "true"
    assert employer.findtext("required") == "false"
    assert employer.findtext("order") == "3"
    assert [(v.findtext("key"), v.findtext("name")) for v in employer.findall("values/value")] == [
        ("builder", "建筑施工"), ("factory", "工厂")]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_404_in_the_spec_error_format(client, world, fmt):
    response = client.get(BASE + f"services/9999.{fmt}")
    assert response.status_code == 404
    [(code, description)] = errors_of(response)
    assert code == 404 and "9999" in description


def test_unknown_format_is_not_served(client, world):
    assert client.get(BASE + "services.html").status_code == 404


def test_wrong_method_is_an_error_body(client, world):
    response = client.post(BASE + "services.json")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert errors_of(response)[0][0] == 405
