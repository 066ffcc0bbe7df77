"""Filing, reading and listing cases through the native API."""

import datetime as dt

import pytest
from django.utils import timezone

from jiefen.cases.models import Case, Channel, Event, Party, Status
from jiefen.testing.factories import advance, case_data, submit

from .conftest import png_bytes

pytestmark = pytest.mark.django_db

LIST = "/api/v1/cases/"


def test_file_a_case_201(world, county_api):
    response = county_api.post(LIST, case_data(world))
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get()
    assert body["tracking_code"] == case.tracking_code
    assert body["display_code"] == f"{case.tracking_code[:4]}-{case.tracking_code[4:]}"
    assert body["status"] == "submitted" and body["status_display"] == "待受理"
    assert body["region"] == {"id": world.grids[0].pk, "name": world.grids[0].name, "division_code": ""}
    assert body["links"]["self"] == f"/api/v1/cases/{case.tracking_code}/"
    assert body["created_at"]
    # under the client's own channel, by its service account, with the complainant
    assert case.channel == Channel.HOTLINE_12345
    assert case.created_by == county_api.api_client.user
    assert case.parties.get(role="complainant").phone == "13812345678"
    assert Event.objects.get(case=case).actor_label.startswith("12345热线")


def test_client_cannot_choose_another_channel(world, county_api):
    county_api.post(LIST, case_data(world, channel=Channel.WEB))
    assert Case.objects.get().channel == Channel.HOTLINE_12345


def test_bad_input_400_by_field_and_nothing_saved(world, county_api):
    response = county_api.post(LIST, case_data(world, description="太短", phone="12345", region=999999))
    assert response.status_code == 400
    errors = response.json()
    assert errors["description"] == ["诉求内容太短（至少10个字），请说明发生了什么事。"]
    assert errors["phone"] == ["请输入正确的手机号（11位，以1开头）或带区号的固定电话。"]
    assert errors["region"] == ["所选地点不存在，请重新选择所在的街道、社区或网格。"]
    assert not Case.objects.exists() and not Party.objects.exists() and not Event.objects.exists()


def test_body_that_is_not_an_object_400(county_api):
    response = county_api.http.post(LIST, "[1, 2]", content_type="application/json",
                                    headers={"Authorization": f"Token {county_api.key}"})
    assert response.status_code == 400
    assert response.json()["detail"] == "请求体应为 JSON 对象。"
    response = county_api.http.post(LIST, "{not json", content_type="application/json",
                                    headers={"Authorization": f"Token {county_api.key}"})
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_place_from_division_code_point_or_client_region(world, east_api):
    world.grids[1].division_code = "370102001002"
    world.grids[1].save()
    assert east_api.post(LIST, case_data(world, region="370102001002")).json()["region"]["id"] == world.grids[1].pk
    # a point in the east half of the first community: its second grid
    body = case_data(world, latitude="36.61", longitude="117.015")
    del body["region"]
    assert east_api.post(LIST, body).json()["region"]["id"] == world.grids[1].pk
    # nothing said about the place: the client's own street
    del body["latitude"], body["longitude"]
    body["address"] = "某处"
    assert east_api.post(LIST, body).json()["region"]["id"] == world.streets[0].pk


def test_client_of_one_street_cannot_file_in_another(world, east_api):
    response = east_api.post(LIST, case_data(world, region=world.grids[4].pk))  # a west grid
    assert response.status_code == 400
    assert response.json()["region"] == [
        f"事发地点“{world.grids[4].name}”不在本接口的接入区域“{world.streets[0].name}”内。"]
    assert not Case.objects.exists()


def test_idempotent_retry_200_same_case_one_row(world, county_api):
    key = {"Idempotency-Key": "order-2026-0001"}
    first = county_api.post(LIST, case_data(world), headers=key)
    again = county_api.post(LIST, case_data(world), headers=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["tracking_code"] == first.json()["tracking_code"]
    assert Case.objects.count() == 1 and Event.objects.count() == 1
    # a new key is a new case
    assert county_api.post(LIST, case_data(world), headers={"Idempotency-Key": "order-2026-0002"}).status_code == 201
    assert Case.objects.count() == 2


def test_same_key_from_two_clients_is_two_cases(world, county_api, east_api):
    key = {"Idempotency-Key": "1"}
    a = county_api.post(LIST, case_data(world), headers=key)
    b = east_api.post(LIST, case_data(world), headers=key)
    assert (a.status_code, b.status_code) == (201, 201)
    assert a.json()["tracking_code"] != b.json()["tracking_code"]


def test_idempotency_key_too_long_400(world, county_api):
    response = county_api.post(LIST, case_data(world), headers={"Idempotency-Key": "k" * 81})
    assert response.status_code == 400
    assert response.json() == {"Idempotency-Key": ["Idempotency-Key 不能超过80个字符。"]}
    assert not Case.objects.exists()
    assert county_api.post(LIST, case_data(world), headers={"Idempotency-Key": "k" * 80}).status_code == 201


def test_same_external_order_twice_is_one_case(world, county_api):
    order = case_data(world, external_source="12345", external_id="GD20260501001")
    first = county_api.post(LIST, order)
    again = county_api.post(LIST, order)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["tracking_code"] == first.json()["tracking_code"]
    assert again.json()["external_id"] == "GD20260501001"
    assert Case.objects.count() == 1


def test_external_id_of_a_case_out_of_scope_409_without_its_details(world, east_api, west_api):
    east_api.post(LIST, case_data(world, external_source="wg", external_id="A1"))
    response = west_api.post(LIST, case_data(world, region=world.grids[4].pk, external_source="wg", external_id="A1"))
    assert response.status_code == 409
    assert set(response.json()) == {"detail"}
    assert Case.objects.count() == 1


def test_multipart_with_photos(world, county_api):
    body = case_data(world) | {"photos": [_png("a.png"), _png("b.png")], "attributes": "{}"}
    response = county_api.upload(LIST, body)
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert case.attachments.count() == 2
    assert {a.content_type for a in case.attachments.all()} == {"image/png"}


def test_multipart_with_a_fake_photo_400_nothing_saved(world, county_api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.jpg", b"not really a picture", content_type="image/jpeg")
    response = county_api.upload(LIST, case_data(world) | {"photos": [fake]})
    assert response.status_code == 400
    assert "不是可识别的图片" in response.json()["photos"][0]
    assert not Case.objects.exists()


def _png(name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


# ------------------------------------------------------------------ reading


def test_detail_masks_personal_data(world, county_api):
    code = county_api.post(LIST, case_data(world, id_number="11010519491231002X")).json()["tracking_code"]
    body = county_api.get(f"/api/v1/cases/{code[:4]}-{code[4:]}/").json()  # the display form works too
    assert body["tracking_code"] == code
    complainant = next(p for p in body["parties"] if p["role"] == "complainant")
    assert complainant["name"] == "王建国"
    assert complainant["phone"] == "138****5678"
    assert complainant["id_number"] == "1101**********002X"
    assert "13812345678" not in str(body)
    assert body["description"].startswith("我们在幸福路工地")


def test_detail_outside_scope_is_404_like_a_missing_case(world, east_api, west_api):
    code = east_api.post(LIST, case_data(world)).json()["tracking_code"]
    outside = west_api.get(f"/api/v1/cases/{code}/")
    missing = west_api.get("/api/v1/cases/ZZZZZZZZ/")
    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json() == {"detail": "案件不存在，或不在您的管辖范围内。"}
    for sub in ("events", "attachments", "actions"):
        assert west_api.get(f"/api/v1/cases/{code}/{sub}/").status_code == 404


def test_list_is_the_callers_scope(world, east_api, west_api, county_api):
    east_code = east_api.post(LIST, case_data(world)).json()["tracking_code"]
    west_code = west_api.post(LIST, case_data(world, region=world.grids[5].pk)).json()["tracking_code"]
    assert [c["tracking_code"] for c in east_api.get(LIST).json()["results"]] == [east_code]
    assert [c["tracking_code"] for c in west_api.get(LIST).json()["results"]] == [west_code]
    assert {c["tracking_code"] for c in county_api.get(LIST).json()["results"]} == {east_code, west_code}


def test_list_filters(world, county_api):
    web = submit(world)
    grid = submit(world, channel=Channel.GRID, region=world.grids[5].pk)
    accepted = advance(world, submit(world, region=world.grids[2].pk), Status.ACCEPTED)
    ext = county_api.post(LIST, case_data(world, external_source="12345", external_id="GD1")).json()["tracking_code"]
    Case.objects.filter(pk=web.pk).update(updated_at=timezone.now() - dt.timedelta(days=3))

    def codes(**params):
        response = county_api.get(LIST, params)
        assert response.status_code == 200, response.content
        return {c["tracking_code"] for c in response.json()["results"]}

    everything = {web.tracking_code, grid.tracking_code, accepted.tracking_code, ext}
    assert codes() == everything
    assert codes(status="accepted") == {accepted.tracking_code}
    assert codes(status="accepted,submitted") == everything
    assert codes(channel="grid") == {grid.tracking_code}
    assert codes(region=world.streets[1].pk) == {grid.tracking_code}
    assert codes(region=world.communities[0].pk) == {web.tracking_code, ext}
    assert codes(external_source="12345", external_id="GD1") == {ext}
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert codes(updated_since=since) == everything - {web.tracking_code}
    assert codes(updated_since="2020-01-01T00:00:00") == everything  # naive: local time


@pytest.mark.parametrize("params, field", [
    ({"updated_since": "yesterday"}, "updated_since"),
    ({"updated_since": "2026-13-45T00:00:00"}, "updated_since"),
    ({"status": "lost"}, "status"),
    ({"channel": "fax"}, "channel"),
    ({"region": "abc"}, "region"),
    ({"region": "999999"}, "region"),
])
def test_bad_filters_400_by_parameter(world, county_api, params, field):
    response = county_api.get(LIST, params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_malformed_updated_since_message(county_api):
    response = county_api.get(LIST, {"updated_since": "2026/05/01"})
    assert response.json() == {"updated_since": ["时间格式不正确，应为 ISO 8601，例如 2026-05-01T08:00:00+08:00。"]}


def test_cursor_pagination_walks_every_case_once(world, county_api):
    for _ in range(7):
        submit(world)
    seen, url, pages = [], LIST + "?page_size=3", 0
    while url:
        body = county_api.get(url).json()
        seen += [c["tracking_code"] for c in body["results"]]
        url, pages = body["next"], pages + 1
    assert pages == 3
    assert sorted(seen) == sorted(Case.objects.values_list("tracking_code", flat=True))
    assert len(seen) == 7


@pytest.mark.parametrize("tz", ["Asia/Shanghai", "UTC"])
def test_hand_built_intake_answer_equals_its_serializer(world, county_api, tz, settings):
    from django.utils import timezone as tz_module

    from jiefen.api.serializers import CaseCreatedSerializer, created_body

    settings.TIME_ZONE = tz
    with tz_module.override(tz):
        county_api.post(LIST, case_data(world, external_source="s", external_id="1"))
        case = Case.objects.select_related("region").get()
        assert created_body(case) == CaseCreatedSerializer(case).data
