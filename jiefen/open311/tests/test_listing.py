"""The public listing and single requests: what the public sees of a case, and the filters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jiefen.cases.models import Case, Status
from jiefen.intake.forms import SystemIntakeForm
from jiefen.intake.services import submit_case
from jiefen.testing.factories import advance, case_data

from .conftest import BASE, body, errors_of

PRIVATE_TEXT = "我是王建国，电话13812345678，身份证11010519491231002X，宏达公司老板李四海欠我们工资，见 http://x.cn/p?id=9"


def file(world, **overrides) -> Case:
    data = case_data(world, **overrides)
    return submit_case(data, channel="web", form_class=SystemIntakeForm)


@pytest.fixture
def private_case(world):
    return file(world, description=PRIVATE_TEXT, id_number="11010519491231002X", respondent="李四海",
                latitude="36.612345", longitude="117.004567", item="0501",
                address="幸福路18号锦绣小区3号楼")


def test_listing_never_shows_who_complained(client, world, private_case):
    for fmt in ("json", "xml"):
        response = client.get(BASE + f"requests.{fmt}")
        assert response.status_code == 200
        text = response.content.decode()
        for secret in ("王建国", "13812345678", "11010519491231002X", "李四海", "幸福路18号", "锦绣小区",
                       private_case.tracking_code, "x.cn"):
            assert secret not in text, (fmt, secret)
    [row] = body(client.get(BASE + "requests.json"))
    assert row["description"].startswith("我是王**，电话138****5678，身份证1101**********002X，宏达公司老板李**")


def test_listing_fields_json(client, world, private_case):
    [row] = body(client.get(BASE + "requests.json"))
    assert set(row) == {
        "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
        "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
        "address", "address_id", "zipcode", "lat", "long", "media_url",
    }
    assert row["service_request_id"] == str(private_case.pk)
    assert (row["lat"], row["long"]) == (36.612, 117.005)  # rounded to 3 places
    assert row["address"] == "清河区 / 东关街道 / 东关1社区 / 东关1社区第1网格"
    assert row["status"] == "open" and row["status_notes"] == "待受理"
    assert (row["service_code"], row["service_name"]) == ("0501", "农民工欠薪")
    assert row["agency_responsible"] == "清河区社会治理综合服务中心"
    assert dt.datetime.fromisoformat(row["requested_datetime"]) == private_case.created_at.replace(microsecond=0)
    assert row["requested_datetime"].endswith("+08:00")


def test_listing_xml_and_a_closed_case(client, world, private_case):
    case = advance(world, private_case, Status.CLOSED)
    root = body(client.get(BASE + "requests.xml"))
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert request.findtext("service_request_id") == str(case.pk)
    assert request.findtext("status") == "closed"
    assert request.findtext("status_notes") == "已办结"
    assert request.findtext("agency_responsible")
    assert request.findtext("lat") == "36.612"
    assert request.find("media_url") is not None


def test_single_request_and_its_deadline(client, world, private_case):
    case = advance(world, private_case, Status.SIGNED)
    [row] = body(client.get(BASE + f"requests/{case.pk}.json"))
    assert row["agency_responsible"] == "清河区人社局"
    assert dt.datetime.fromisoformat(row["expected_datetime"]) == case.handle_due.replace(microsecond=0)
    root = body(client.get(BASE + f"requests/{case.pk}.xml"))
    assert root.findtext("request/service_request_id") == str(case.pk)


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("path", ["requests/999999", "requests/ABCD2345", "tokens/nope"])
def test_unknown_request_or_token_is_404(client, world, fmt, path):
    response = client.get(BASE + f"{path}.{fmt}")
    assert response.status_code == 404
    assert errors_of(response)[0][0] == 404


def test_the_tracking_code_is_not_an_id(client, world, private_case):
    assert client.get(BASE + f"requests/{private_case.tracking_code}.json").status_code == 404


def test_anonymous_cases_are_listed(client, world):
    case = file(world, anonymous=True, name="", phone="")
    [row] = body(client.get(BASE + "requests.json"))
    assert row["service_request_id"] == str(case.pk)


def test_filter_by_ids_ignores_other_filters(client, world):
    a, _b, c = file(world), file(world), file(world)
    rows = body(client.get(BASE + "requests.json", {"service_request_id": f"{a.pk},{c.pk},x", "status": "closed"}))
    assert {r["service_request_id"] for r in rows} == {str(a.pk), str(c.pk)}


def test_filter_by_service_code(client, world):
    wage, prop, plain = file(world, item="0501"), file(world, item="0601"), file(world)
    codes = lambda q: {r["service_request_id"] for r in body(client.get(BASE + "requests.json", q))}  # noqa: E731
    assert codes({"service_code": "0501"}) == {str(wage.pk)}
    assert codes({"service_code": "0501,0601"}) == {str(wage.pk), str(prop.pk)}
    assert str(plain.pk) in codes({})
    advance(world, plain, Status.DISPATCHED, item=world.wage_item)  # classified by staff as wage arrears
    assert codes({"service_code": "0501"}) == {str(wage.pk), str(plain.pk)}


def test_filter_by_status(client, world):
    open_case, closed_case = file(world), advance(world, file(world), Status.CLOSED)
    ids = lambda q: [r["service_request_id"] for r in body(client.get(BASE + "requests.json", q))]  # noqa: E731
    assert ids({"status": "open"}) == [str(open_case.pk)]
    assert ids({"status": "closed"}) == [str(closed_case.pk)]
    assert set(ids({"status": "open,closed"})) == {str(open_case.pk), str(closed_case.pk)}
    response = client.get(BASE + "requests.xml", {"status": "pending"})
    assert response.status_code == 400 and "status" in errors_of(response)[0][1]


def test_filter_by_dates_and_the_default_window(client, world):
    now = timezone.now()
    recent, month_ago, last_year = file(world), file(world), file(world)
    Case.objects.filter(pk=month_ago.pk).update(created_at=now - dt.timedelta(days=30))
    Case.objects.filter(pk=last_year.pk).update(created_at=now - dt.timedelta(days=365))
    ids = lambda q: {r["service_request_id"] for r in body(client.get(BASE + "requests.json", q))}  # noqa: E731
    assert ids({}) == {str(recent.pk), str(month_ago.pk)}  # the last 90 days
    w3c = lambda d: timezone.localtime(now - dt.timedelta(days=d)).isoformat(timespec="seconds")  # noqa: E731
    assert ids({"start_date": w3c(400), "end_date": w3c(300)}) == {str(last_year.pk)}
    assert ids({"start_date": w3c(40), "end_date": w3c(20)}) == {str(month_ago.pk)}
    assert ids({"start_date": w3c(2)}) == {str(recent.pk)}
    assert ids({"end_date": w3c(20)}) == {str(month_ago.pk)}
    unencoded_plus = w3c(40).replace("+", " ")  # what a client that forgets to encode "+" sends
    assert ids({"start_date": unencoded_plus, "end_date": w3c(20)}) == {str(month_ago.pk)}
    assert ids({"start_date": (now - dt.timedelta(days=400)).strftime("%Y-%m-%dT%H:%M:%SZ")}) == {
        str(recent.pk), str(month_ago.pk), str(last_year.pk)}


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "2026-11-01T25:00:00"])
def test_bad_date_is_400(client, world, fmt, value):
    response = client.get(BASE + f"requests.{fmt}", {"start_date": value})
    assert response.status_code == 400
    [(code, description)] = errors_of(response)
    assert code == 400 and description.startswith("start_date")


def test_end_before_start_is_400(client, world):
    response = client.get(BASE + "requests.json", {"start_date": "2026-11-02", "end_date": "2026-11-01"})
    assert response.status_code == 400


def test_description_can_be_withheld(client, world, private_case, settings):
    settings.JIEFEN_OPEN311_DESCRIPTION = "none"
    [row] = body(client.get(BASE + "requests.json"))
    assert row["description"] == ""


def test_public_reads_are_throttled_per_address(client, world, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": "100/minute"}}
    assert client.get(BASE + "requests.json").status_code == 200
    assert client.get(BASE + "services.json").status_code == 200
    response = client.get(BASE + "requests.xml")
    assert response.status_code == 429
    assert body(response).tag == "errors"
