"""Bad input on the resident form gets a clear Chinese message on the form and saves nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jiefen.cases.models import Attachment, Case, Event, Party
from jiefen.testing.factories import case_data


def png(size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def post(client, world, files=None, **overrides):
    data = case_data(world, **overrides)
    if files:
        data["photos"] = files
    return client.post("/report/", data)


def assert_nothing_saved():
    assert (Case.objects.count(), Party.objects.count(), Event.objects.count(), Attachment.objects.count()) == (0, 0, 0, 0)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"description": ""}, "请填写诉求内容"),
        ({"description": "吵"}, "诉求内容太短"),
        ({"description": "楼上噪音" * 501}, "诉求内容不能超过2000个字"),
        ({"phone": "1381234567"}, "请输入正确的手机号"),
        ({"phone": "23812345678"}, "请输入正确的手机号"),
        ({"phone": ""}, "请填写手机号"),
        ({"name": ""}, "请填写姓名"),
        ({"id_number": "110101199003071234"}, "身份证号码无效"),  # wrong check digit
        ({"id_number": "11010119900307"}, "身份证号码无效"),
        ({"region": "999999"}, "所选地点不存在"),
        ({"region": ""}, "请选择事发地点"),
        ({"group_size": "0"}, "涉及人数至少为1"),
        ({"amount": "八万"}, "金额应为数字"),
    ],
)
def test_bad_field_is_named_in_chinese_and_nothing_is_saved(client, world, overrides, message):
    response = post(client, world, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert_nothing_saved()


def test_non_image_attachment_is_refused(client, world):
    fake = SimpleUploadedFile("合同.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    response = post(client, world, files=[fake])
    assert "不是可识别的图片" in response.content.decode()
    assert_nothing_saved()


def test_oversized_attachment_is_refused(client, world, settings):
    settings.JIEFEN_MAX_UPLOAD_BYTES = 2000
    big = SimpleUploadedFile("现场.png", png((400, 400)) + b"\0" * 3000, content_type="image/png")
    response = post(client, world, files=[big])
    assert "太大" in response.content.decode() and "不能超过" in response.content.decode()
    assert_nothing_saved()


def test_typed_text_is_kept_after_an_error(client, world):
    response = post(client, world, phone="123")
    assert "幸福路工地干了三个月活" in response.content.decode()


def test_good_report_with_photo_is_saved_once_even_if_sent_twice(client, world):
    data = case_data(world, id_number="11010519491231002X")
    data["submission_key"] = "form-key-1"
    data["photos"] = [SimpleUploadedFile("现场.png", png(), content_type="image/png")]
    first = client.post("/report/", data)
    data["photos"] = [SimpleUploadedFile("现场.png", png(), content_type="image/png")]
    second = client.post("/report/", data)
    assert first.status_code == second.status_code == 302
    case = Case.objects.get()
    assert first["Location"] == second["Location"] == f"/report/done/{case.tracking_code}/"
    assert case.attachments.get().content_type == "image/png"
    assert case.complainant.id_number == "11010519491231002X"


def test_anonymous_report_needs_no_contact_and_keeps_none(client, world):
    response = post(client, world, anonymous="on", name="", phone="", id_number="")
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.anonymous and case.complainant is None
