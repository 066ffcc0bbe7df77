import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from jiefen.cases.models import Case
from jiefen.imports.models import BatchStatus, ImportBatch, Source

from .test_import import BAD_CATEGORY, BAD_PHONE, GOOD_1, GOOD_2, HEADER


def xlsx_upload(rows, name="12345导出.xlsx") -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(admin_client, source, rows, **extra):
    return admin_client.post("/admin/imports/importbatch/add/", {"source": source.pk, "file": xlsx_upload(rows), **extra})


def test_upload_preview_then_confirm_imports_once(admin_client, source, admin_user):
    page = admin_client.get("/admin/imports/importbatch/add/")
    assert page.status_code == 200 and "上传并检查" in page.content.decode()

    response = upload(admin_client, source, [GOOD_1, GOOD_2])
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/imports/importbatch/{batch.pk}/preview/"
    assert not Case.objects.exists()  # previewed, not imported
    preview = admin_client.get(response["Location"]).content.decode()
    assert "将新增" in preview and '<td id="count-new">2</td>' in preview and "确认导入" in preview
    assert (batch.file_name, batch.created_by, batch.status) == ("12345导出.xlsx", admin_user, BatchStatus.PREVIEW)

    done = admin_client.post(f"/admin/imports/importbatch/{batch.pk}/preview/", {"confirm": "1"}, follow=True)
    assert "新增2条，已导入过0条，错误0条。" in done.content.decode()
    assert Case.objects.count() == 2
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE and batch.new == 2 and batch.imported_at

    again = admin_client.post(f"/admin/imports/importbatch/{batch.pk}/preview/", {"confirm": "1"}, follow=True)
    assert "该批次已导入" in again.content.decode()
    assert Case.objects.count() == 2

    listing = admin_client.get("/admin/imports/importbatch/").content.decode()
    assert f'href="/admin/imports/importbatch/{batch.pk}/preview/"' in listing
    assert admin_client.get(f"/admin/imports/importbatch/{batch.pk}/change/").status_code == 200

    # the same file uploaded again: everything already imported
    upload(admin_client, source, [GOOD_1, GOOD_2])
    second = ImportBatch.objects.latest("created_at")
    assert (second.new, second.existing) == (0, 2)
    admin_client.post(f"/admin/imports/importbatch/{second.pk}/preview/", {"confirm": "1"})
    assert Case.objects.count() == 2


def test_bad_rows_are_listed_and_the_batch_cannot_be_confirmed(admin_client, source):
    response = upload(admin_client, source, [GOOD_1, BAD_PHONE, BAD_CATEGORY])
    preview = admin_client.get(response["Location"]).content.decode()
    assert "第3行" in preview and "来电号码" in preview
    assert "第4行" in preview and "“交通出行/公交线路”没有对应的事项" in preview
    assert "确认导入" not in preview and "有错误行，不能导入" in preview
    batch = ImportBatch.objects.get()
    forced = admin_client.post(f"/admin/imports/importbatch/{batch.pk}/preview/", {"confirm": "1"}, follow=True)
    assert "不能导入" in forced.content.decode()
    assert not Case.objects.exists()


def test_skip_bad_imports_the_good_rows_from_the_admin(admin_client, source):
    response = upload(admin_client, source, [GOOD_1, BAD_PHONE], skip_bad="on")
    preview = admin_client.get(response["Location"]).content.decode()
    assert "将跳过错误行" in preview and "确认导入" in preview
    admin_client.post(response["Location"], {"confirm": "1"})
    assert list(Case.objects.values_list("external_id", flat=True)) == ["GD001"]
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.new, batch.bad) == (BatchStatus.DONE, 1, 1)
    assert batch.errors[0]["row"] == 3


def test_a_file_that_is_not_a_spreadsheet_is_reported(admin_client, source):
    response = admin_client.post("/admin/imports/importbatch/add/",
                                 {"source": source.pk, "file": SimpleUploadedFile("notes.txt", b"hello")})
    preview = admin_client.get(response["Location"]).content.decode()
    assert "只能导入 .xlsx 或 .csv 文件" in preview and "确认导入" not in preview


def test_staff_without_admin_rights_cannot_upload(client, source, world):
    client.force_login(world["clerk"])
    response = client.get("/admin/imports/importbatch/add/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_new_source_shows_its_secret_once_and_a_bad_mapping_is_refused(admin_client, world):
    form = {"code": "hotline2", "name": "二号热线", "channel": "12345", "region": world.county.pk, "active": "on",
            "mapping": '{"fields": {"编号": "external_id", "内容": "description"}}'}
    response = admin_client.post("/admin/imports/source/add/", form, follow=True)
    source = Source.objects.get(code="hotline2")
    assert source.secret in response.content.decode()
    bad = admin_client.post("/admin/imports/source/add/", {**form, "code": "x2", "mapping": '{"fields": {"编号": "whatever"}}'})
    assert bad.status_code == 200
    assert "映射到了未知的字段“whatever”" in bad.content.decode()
    assert not Source.objects.filter(code="x2").exists()


def test_the_source_and_delivery_pages_open_without_showing_the_secret(admin_client, source, client):
    from .conftest import order, signed_post

    signed_post(client, source, order())
    for url in ("/admin/imports/source/", f"/admin/imports/source/{source.pk}/change/", "/admin/imports/delivery/",
                "/admin/imports/importbatch/"):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert source.secret not in response.content.decode()
    assert "GD20261129000123" in admin_client.get("/admin/imports/delivery/").content.decode()


def test_rotating_a_secret_in_the_admin_shows_the_new_one_once(admin_client, source):
    old = source.secret
    response = admin_client.post("/admin/imports/source/", {"action": "rotate_secret", "_selected_action": [source.pk]},
                                  follow=True)
    source.refresh_from_db()
    assert source.secret != old and source.secret in response.content.decode()
    assert source.secret not in admin_client.get("/admin/imports/source/").content.decode()
