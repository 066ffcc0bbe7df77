"""The timeline, photos and workflow actions of a case, through the API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiefen.cases.models import Attachment, Case, Event, Status
from jiefen.cases.services import perform
from jiefen.testing.factories import case_data

from .conftest import png_bytes

pytestmark = pytest.mark.django_db

LIST = "/api/v1/cases/"


@pytest.fixture
def code(world, county_api) -> str:
    return county_api.post(LIST, case_data(world)).json()["tracking_code"]


# ------------------------------------------------------------------ actions


def test_actions_listed_are_the_callers_own(world, code, county_api, east_api):
    names = [a["name"] for a in county_api.get(f"/api/v1/cases/{code}/actions/").json()]
    assert names == ["accept", "decline", "classify", "set_risk"]
    accept = county_api.get(f"/api/v1/cases/{code}/actions/").json()[0]
    assert accept == {"name": "accept", "label": "受理", "target_status": "accepted", "public": True}
    # a street's clerk sees the case (its place) but the county center holds it
    assert east_api.get(f"/api/v1/cases/{code}/actions/").json() == []


def test_take_an_action_200_with_the_case(world, code, county_api):
    response = county_api.post(f"/api/v1/cases/{code}/actions/accept/", {"version": 1})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "accepted" and body["version"] == 2
    assert Case.objects.get().status == Status.ACCEPTED
    response = county_api.post(f"/api/v1/cases/{code}/actions/classify/",
                               {"data": {"item": world.wage_item.pk}, "version": 2})
    assert response.status_code == 200, response.content
    assert response.json()["item"] == {"code": "0501", "name": "农民工欠薪"}


def test_action_not_allowed_403(world, code, east_api):
    response = east_api.post(f"/api/v1/cases/{code}/actions/accept/", {})
    assert response.status_code == 403
    assert response.json() == {"detail": "您无权对该案件执行“受理”。"}
    assert Case.objects.get().status == Status.SUBMITTED


def test_action_in_the_wrong_status_403(world, code, county_api):
    response = county_api.post(f"/api/v1/cases/{code}/actions/sign/", {})
    assert response.status_code == 403
    assert response.json()["detail"] == "案件当前状态为“待受理”，不能执行“签收”。"


def test_stale_version_409_and_nothing_changed(world, code, county_api):
    case = Case.objects.get()
    perform(case, "classify", world["clerk"], data={"item": world.wage_item.pk})  # someone else, meanwhile
    response = county_api.post(f"/api/v1/cases/{code}/actions/accept/", {"version": 1})
    assert response.status_code == 409
    assert "已被他人处理" in response.json()["detail"]
    assert Case.objects.get().status == Status.SUBMITTED
    assert not Event.objects.filter(action="accept").exists()


def test_action_with_bad_data_400(world, code, county_api):
    response = county_api.post(f"/api/v1/cases/{code}/actions/classify/", {"item": "nope"})
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["请选择事项。"]}
    response = county_api.post(f"/api/v1/cases/{code}/actions/decline/", {"reason": ""})
    assert response.status_code == 400
    response = county_api.post(f"/api/v1/cases/{code}/actions/accept/", {"version": "two"})
    assert response.status_code == 400 and response.json() == {"version": ["版本号应为整数。"]}
    assert Case.objects.get().version == 1


def test_unknown_action_404(code, county_api):
    response = county_api.post(f"/api/v1/cases/{code}/actions/teleport/", {})
    assert response.status_code == 404
    assert response.json() == {"detail": "未知的操作。"}


def test_action_outside_scope_404(world, code, west_api):
    response = west_api.post(f"/api/v1/cases/{code}/actions/accept/", {})
    assert response.status_code == 404
    assert Case.objects.get().status == Status.SUBMITTED


# ------------------------------------------------------------------ timeline


def test_events_are_the_case_page_timeline(world, code, county_api):
    county_api.post(f"/api/v1/cases/{code}/actions/accept/", {})
    county_api.post(f"/api/v1/cases/{code}/actions/classify/", {"item": world.wage_item.pk})
    events = county_api.get(f"/api/v1/cases/{code}/events/").json()
    assert [(e["action"], e["label"], e["public"]) for e in events] == [
        ("submit", "提交诉求", True), ("accept", "受理", True), ("classify", "分类定级", False)]
    assert events[1]["from_status"] == "submitted" and events[1]["to_status"] == "accepted"
    assert events[1]["actor"].startswith("12345热线（")


# ------------------------------------------------------------------ photos


def test_upload_a_photo_then_list_and_download_it(world, code, county_api):
    url = f"/api/v1/cases/{code}/attachments/"
    response = county_api.upload(url, {"file": SimpleUploadedFile("现场.png", png_bytes(), content_type="image/png")})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "现场.png" and body["content_type"] == "image/png" and body["size"] > 0
    listed = county_api.get(url).json()
    assert [a["id"] for a in listed] == [body["id"]]
    download = county_api.get(body["url"])
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content) == png_bytes()
    assert Attachment.objects.get().uploaded_by == county_api.api_client.user
    last = county_api.get(f"/api/v1/cases/{code}/events/").json()[-1]
    assert last["action"] == "add_photo" and last["label"] == "补充照片"
    assert last["actor"].startswith(county_api.api_client.name)


def test_upload_a_fake_image_400_nothing_saved(world, code, county_api):
    url = f"/api/v1/cases/{code}/attachments/"
    fake = SimpleUploadedFile("合同.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = county_api.upload(url, {"file": fake})
    assert response.status_code == 400
    assert response.json() == {"file": ["“合同.jpg”不是可识别的图片，请上传 JPG、PNG、GIF 或 WEBP 格式的照片。"]}
    assert not Attachment.objects.exists()


def test_upload_too_large_or_missing_400(world, code, county_api, settings):
    url = f"/api/v1/cases/{code}/attachments/"
    settings.JIEFEN_MAX_UPLOAD_BYTES = 50
    big = SimpleUploadedFile("big.png", png_bytes((64, 64)), content_type="image/png")
    response = county_api.upload(url, {"file": big})
    assert response.status_code == 400 and "太大" in response.json()["file"][0]
    assert county_api.upload(url, {}).json() == {"file": ["请上传文件（表单字段 file）。"]}
    assert not Attachment.objects.exists()


def test_photos_of_a_case_out_of_scope_404(world, code, west_api, county_api):
    url = f"/api/v1/cases/{code}/attachments/"
    att = county_api.upload(url, {"file": SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")}).json()
    assert west_api.get(att["url"]).status_code == 404
    png = SimpleUploadedFile("b.png", png_bytes(), content_type="image/png")
    assert west_api.upload(url, {"file": png}).status_code == 404
    assert Attachment.objects.count() == 1


# ------------------------------------------------------------------ personal data


def test_reveal_a_phone_with_a_reason_is_logged(world, code, county_api):
    from jiefen.cases.models import PersonalDataView

    party = county_api.get(f"/api/v1/cases/{code}/").json()["parties"][0]
    url = f"/api/v1/cases/{code}/parties/{party['id']}/reveal/"
    response = county_api.post(url, {"field": "phone", "reason": ""})
    assert response.status_code == 400 and "查看事由" in response.json()["reason"][0]
    assert not PersonalDataView.objects.exists()
    response = county_api.post(url, {"field": "phone", "reason": "电话联系诉求人"})
    assert response.json() == {"field": "phone", "value": "13812345678"}
    view = PersonalDataView.objects.get()
    assert (view.viewer, view.reason) == (county_api.api_client.user, "电话联系诉求人")
    assert county_api.post(url, {"field": "password", "reason": "x"}).status_code == 400


def test_reveal_refused_to_a_post_that_may_not(world, code, east_api, west_api):
    from jiefen.cases.models import Party, PersonalDataView

    party = Party.objects.get(role="complainant")
    url = f"/api/v1/cases/{code}/parties/{party.pk}/reveal/"
    response = east_api.post(url, {"field": "phone", "reason": "想看看"})
    assert response.status_code == 403
    assert response.json() == {"detail": "您无权查看该案件当事人的完整个人信息。"}
    assert west_api.post(url, {"field": "phone", "reason": "想看看"}).status_code == 404
    assert not PersonalDataView.objects.exists()
