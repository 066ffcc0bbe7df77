"""Outside records from court, police and administrative-review files: the dry run lists every
bad row before anything is written; the import creates the records once; the case page and the
register show them for the parties they match by ID number or by name and phone."""

import csv

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from jiefen.risk.defaults import load_defaults
from jiefen.risk.models import OutsideMapping, OutsideRecord, RiskPerson
from jiefen.testing.factories import PASSWORD, submit

from .factories import id_number

HER_ID = id_number("41010219850612002")
COURT_HEADER = ["案号", "当事人", "身份证号", "联系电话", "立案日期", "案由", "承办法院", "结案方式", "案情摘要"]
COURT_ROWS = [
    ["(2026)豫0102民初1234号", "刘秀英", HER_ID, "", "2026-03-02", "离婚纠纷", "清河区人民法院", "调解离婚", "双方自愿离婚"],
    ["(2026)豫0102民初2345号", "王建国", "", "138-1234-5678", "2026/05/20", "劳务合同纠纷", "清河区人民法院", "判决", ""],
    ["(2026)豫0102民初3456号", "孙丽", "", "", "2026-06-01", "民间借贷纠纷", "清河区人民法院", "撤诉", ""],
]


def write_csv(path, header, rows, encoding="utf-8-sig"):
    with open(path, "w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def run(*args):
    from io import StringIO

    out = StringIO()
    try:
        call_command("outside_records", "import", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


@pytest.fixture
def policy(db):
    load_defaults()


def test_dry_run_lists_every_bad_row_and_writes_nothing(policy, tmp_path):
    rows = [*COURT_ROWS,
            ["", "李四", "", "", "2026-01-01", "", "", "", ""],
            ["(2026)豫0102民初9999号", "赵六", "410102198506120021", "12345", "去年春天", "", "", "", ""],
            ["(2026)豫0102民初1234号", "刘秀英", "", "", "", "", "", "", ""],
            ["(2026)豫0102民初8888号", "", "", "13900000000", "", "", "", "", ""]]
    path = write_csv(tmp_path / "court.csv", COURT_HEADER, rows)
    out, error = run(path, "--kind", "court", "--dry-run")
    assert error is not None and error.returncode == 1
    assert "第5行 [案号] 缺少编号" in out
    assert "第6行 [身份证号] 身份证号码无效" in out
    assert "第6行 [联系电话] 请输入正确的手机号" in out
    assert "第6行 [立案日期] 日期格式不对" in out
    assert "第7行 [案号] 编号“(2026)豫0102民初1234号”与第2行重复" in out
    assert "第8行 [当事人] 姓名和身份证号至少要有一项" in out
    assert "将新增3条，已导入过0条，错误4条。" in out
    assert not OutsideRecord.objects.exists()

    out, error = run(path, "--kind", "court")  # not a dry run: still nothing with bad rows
    assert "有错误行，未导入任何记录" in out and error.returncode == 1
    assert not OutsideRecord.objects.exists()


def test_import_then_import_again_creates_nothing_new(policy, tmp_path, world):
    submit(world, name="王建国", phone="13812345678")
    path = write_csv(tmp_path / "court.csv", COURT_HEADER, COURT_ROWS)
    out, error = run(path, "--kind", "court")
    assert error is None and "新增3条，已导入过0条，错误0条；新记录匹配到当事人1条" in out
    record = OutsideRecord.objects.get(source_ref="(2026)豫0102民初2345号")
    assert record.phone == "13812345678" and str(record.occurred_on) == "2026-05-20" and record.kind == "court"
    out, error = run(path, "--kind", "court")
    assert error is None and "新增0条，已导入过3条" in out
    assert OutsideRecord.objects.count() == 3
    # the same number from the police is another record
    police = write_csv(tmp_path / "police.csv", ["警情编号", "当事人", "联系电话", "接警时间", "警情类别", "处理结果"],
                       [["(2026)豫0102民初1234号", "刘秀英", "13911112222", "2026-07-01 21:30:00", "家庭纠纷", "调解"]])
    out, error = run(police, "--kind", "police")
    assert error is None and OutsideRecord.objects.filter(kind="police").count() == 1


def test_excel_with_the_mapping_an_administrator_changed(policy, tmp_path):
    OutsideMapping.objects.filter(kind="review").update(columns={"案件编号": "source_ref", "姓名": "name",
                                                                  "事项": "title", "备注1": "summary", "备注2": "summary"})
    book = openpyxl.Workbook()
    book.active.append(["案件编号", "姓名", "事项", "备注1", "备注2"])
    book.active.append(["青复〔2026〕17号", "孙丽", "不服拆迁补偿决定", "申请撤销", "已受理"])
    book.save(tmp_path / "review.xlsx")
    out, error = run(str(tmp_path / "review.xlsx"), "--kind", "review")
    assert error is None, out
    record = OutsideRecord.objects.get()
    assert record.kind == "review" and record.title == "不服拆迁补偿决定" and record.summary == "申请撤销\n已受理"
    out, error = run(str(tmp_path / "review.xlsx"), "--kind", "court")  # the court's columns are not there
    assert error is not None and "表头中没有来源编号列（应为：案号）" in out


def test_records_show_on_the_case_matched_by_id_or_by_name_and_phone(policy, tmp_path, world, client):
    path = write_csv(tmp_path / "court.csv", COURT_HEADER, COURT_ROWS)
    run(path, "--kind", "court")
    by_id = submit(world, name="刘秀英", phone="13911112222", id_number=HER_ID, description="我们已经协议离婚，想请社区帮忙分房子。")
    by_phone = submit(world, name="王建国", phone="13812345678")
    namesake = submit(world, name="王建国", phone="13700000000")
    assert client.login(username="clerk", password=PASSWORD)
    page = client.get(f"/cases/{by_id.tracking_code}/").content.decode()
    assert "(2026)豫0102民初1234号" in page and "离婚纠纷" in page and "民初2345号" not in page
    page = client.get(f"/cases/{by_phone.tracking_code}/").content.decode()
    assert "(2026)豫0102民初2345号" in page and "劳务合同纠纷" in page and "民初1234号" not in page
    page = client.get(f"/cases/{namesake.tracking_code}/").content.decode()
    assert "民初2345号" not in page  # same name, another phone: not him

    person = RiskPerson.objects.create(name="刘秀英", id_number=HER_ID, region=world.grids[0], status="active")
    page = client.get(f"/risk/{person.pk}/").content.decode()
    assert "(2026)豫0102民初1234号" in page and "调解离婚" in page
    page = client.get(f"/cases/{by_id.tracking_code}/").content.decode()
    assert 'data-testid="risk-card-entry"' in page
