"""Export of the worklist (导出): same cases as the worklist, in scope, masked by default."""

import csv
import io

import pytest
from django.test import override_settings
from openpyxl import load_workbook

from jiefen.cases.models import Case, PersonalDataView, Status
from jiefen.lib.personal import id_check_digit
from jiefen.testing.factories import PASSWORD, advance, submit

ID17 = "11010519491231002"
ID_NUMBER = ID17 + id_check_digit(ID17)
EXPORT = "/work/export/"


@pytest.fixture
def cases(world):
    wages = advance(world, submit(world, id_number=ID_NUMBER), Status.DISPATCHED)
    noise = submit(world, description="楼下广场舞音响每天晚上放到十点半，孩子没法写作业，说了好几次也不听。",
                   name="李秀英", phone="13900001111", channel="hotline")
    west = submit(world, description="西城小区物业公司长期不清理垃圾，电梯坏了两个月也不修，业主意见很大。",
                  name="司马乙", phone="13811110002", region=world.grids[4].pk)
    return {"wages": wages, "noise": noise, "west": west}


def login(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.content.decode()[:500]
    assert response["Content-Type"].startswith("text/csv")
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese as UTF-8
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def codes(rows) -> set[str]:
    return {r[0] for r in rows[1:]}


def export(client, **params):
    return csv_rows(client.get(EXPORT, {"tab": "all", "format": "csv", **params}))


@pytest.mark.django_db
def test_filters_carry_over_like_the_worklist(client, world, cases):
    login(client, "clerk")
    everything = export(client)
    assert codes(everything) == {c.display_code for c in cases.values()}
    assert codes(export(client, status="dispatched")) == {cases["wages"].display_code}
    assert codes(export(client, channel="hotline")) == {cases["noise"].display_code}
    assert codes(export(client, q="李秀英")) == {cases["noise"].display_code}
    assert codes(export(client, q="没有这种事")) == set()
    # the default tab is the worklist's: what waits for me
    todo = csv_rows(client.get(EXPORT, {"format": "csv"}))
    page = client.get("/work/").content.decode()
    assert codes(todo) == {c.display_code for c in cases.values() if c.display_code in page}
    assert cases["wages"].display_code not in codes(todo)  # dispatched: the department's turn


@pytest.mark.django_db
def test_the_worklist_export_form_carries_the_current_filters(client, world, cases):
    login(client, "clerk")
    page = client.get("/work/", {"tab": "all", "status": "submitted", "q": "广场舞"}).content.decode()
    form = page[page.index('data-testid="export-form"'):]
    form = form[:form.index("</form>")]
    assert 'name="tab" value="all"' in form
    assert 'name="status" value="submitted"' in form
    assert 'name="q" value="广场舞"' in form
    assert "含完整联系方式" in form
    assert "导出" in form


@pytest.mark.django_db
def test_another_streets_case_is_never_in_the_file(client, world, cases):
    login(client, "street_dispatcher")
    rows = export(client)
    assert cases["west"].display_code not in codes(rows)
    assert codes(rows) == {cases["wages"].display_code, cases["noise"].display_code}
    assert codes(export(client, q=cases["west"].tracking_code)) == set()
    assert "司马乙" not in str(rows)


@pytest.mark.django_db
def test_a_handler_exports_only_its_departments_cases(client, world, cases):
    login(client, "hr_handler")
    assert codes(export(client)) == {cases["wages"].display_code}
    login(client, "housing_handler")
    assert codes(export(client)) == set()


@pytest.mark.django_db
def test_personal_data_is_masked_by_default(client, world, cases):
    login(client, "clerk")
    rows = export(client)
    header = rows[0]
    row = next(r for r in rows[1:] if r[0] == cases["wages"].display_code)
    record = dict(zip(header, row, strict=True))
    assert record["联系电话"] == "138****5678"
    assert record["身份证号"] == "1101**********" + ID_NUMBER[-4:]
    assert record["诉求人"] == "王建国"  # as on the case page
    assert "13812345678" not in str(rows) and ID_NUMBER not in str(rows)
    assert record["发生地"] == cases["wages"].region.full_name
    assert record["承办部门"] == "清河区人社局"
    assert record["事项"] == "农民工欠薪"
    assert not PersonalDataView.objects.exists()


@pytest.mark.django_db
def test_unmask_with_a_reason_exports_full_numbers_and_logs_each_field(client, world, cases):
    clerk = world["clerk"]
    login(client, "clerk")
    rows = export(client, full="1", reason="集中电话回访")
    text = str(rows)
    assert "13812345678" in text and ID_NUMBER in text and "13900001111" in text
    logged = {(v.case_id, v.field, v.reason, v.viewer_id)
              for v in PersonalDataView.objects.filter(party__role="complainant")}
    assert logged == {
        (cases["wages"].pk, "phone", "集中电话回访", clerk.pk),
        (cases["wages"].pk, "id_number", "集中电话回访", clerk.pk),
        (cases["noise"].pk, "phone", "集中电话回访", clerk.pk),
        (cases["west"].pk, "phone", "集中电话回访", clerk.pk),
    }
    assert PersonalDataView.objects.count() == 4
    party = PersonalDataView.objects.get(case=cases["wages"], field="phone").party
    assert party.phone == "13812345678"


@pytest.mark.django_db
def test_unmask_without_a_reason_is_refused_and_nothing_exported(client, world, cases):
    login(client, "clerk")
    response = client.get(EXPORT, {"tab": "all", "format": "csv", "full": "1", "reason": "  "})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "导出完整联系方式须填写事由" in page
    assert "13812345678" not in page
    assert not PersonalDataView.objects.exists()


@pytest.mark.django_db
def test_a_post_that_may_not_unmask_is_refused_full_contacts(client, world, cases):
    login(client, "supervisor")
    assert "含完整联系方式" not in client.get("/work/?tab=all").content.decode()
    response = client.get(EXPORT, {"tab": "all", "format": "csv", "full": "1", "reason": "看看"})
    assert response.status_code == 403
    assert "您的岗位不能导出完整的联系方式" in response.content.decode()
    assert not PersonalDataView.objects.exists()
    rows = export(client)  # masked export is fine
    assert "138****5678" in str(rows) and "13812345678" not in str(rows)


@pytest.mark.django_db
def test_a_handler_unmasks_only_its_departments_cases(client, world, cases):
    login(client, "hr_handler")
    rows = export(client, full="1", reason="联系诉求人")
    assert "13812345678" in str(rows)
    assert set(PersonalDataView.objects.values_list("case_id", flat=True)) == {cases["wages"].pk}


@pytest.mark.django_db
def test_xlsx_opens_with_the_chinese_header(client, world, cases):
    login(client, "clerk")
    response = client.get(EXPORT, {"tab": "all", "format": "xlsx", "status": "dispatched"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    values = [list(r) for r in wb.active.iter_rows(values_only=True)]
    assert values[0][:4] == ["查询码", "登记时间", "来源渠道", "状态"]
    assert "满意度" in values[0] and "身份证号" in values[0]
    assert len(values) == 2
    record = dict(zip(values[0], values[1], strict=True))
    assert record["查询码"] == cases["wages"].display_code
    assert record["状态"] == "已派单"
    assert record["联系电话"] == "138****5678"
    assert record["登记时间"].year >= 2020  # a real date cell, not text


@pytest.mark.django_db
@override_settings(JIEFEN_EXPORT_MAX_ROWS=2)
def test_the_row_cap_gives_a_clear_message(client, world, cases):
    login(client, "clerk")
    response = client.get(EXPORT, {"tab": "all", "format": "xlsx"})
    assert response.status_code == 400
    assert "超过 2 件" in response.content.decode()
    assert codes(export(client, channel="hotline")) == {cases["noise"].display_code}


@pytest.mark.django_db
def test_bad_format_and_bad_filters_get_a_chinese_message(client, world, cases):
    login(client, "clerk")
    response = client.get(EXPORT, {"tab": "all", "format": "pdf"})
    assert response.status_code == 400
    assert "导出格式只能是" in response.content.decode()
    response = client.get(EXPORT, {"tab": "all", "format": "csv", "created_after": "昨天"})
    assert response.status_code == 400
    assert "筛选条件有误" in response.content.decode()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client, cases):
    response = client.get(EXPORT, {"format": "csv"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Case.objects.count() == 3


@pytest.mark.django_db
def test_text_that_looks_like_a_formula_stays_text(client, world):
    risky = submit(world, address="=HYPERLINK(\"http://x\",\"点我\")",
                   description="-2+3 小区门口的路灯坏了一个多月，晚上出门很不安全，请尽快修好。")
    login(client, "clerk")
    record = dict(zip(*export(client)[:2], strict=True))
    assert record["查询码"] == risky.display_code
    assert record["详细地址"] == "'=HYPERLINK(\"http://x\",\"点我\")"
    response = client.get(EXPORT, {"tab": "all", "format": "xlsx"})
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb.active["I2"].data_type == "s"
    assert wb.active["I2"].value.startswith("'=")
