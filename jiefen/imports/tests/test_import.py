import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from jiefen.cases.models import Case, Channel, PartyRole
from jiefen.imports.models import BatchStatus, ImportBatch

HEADER = ["工单编号", "受理时间", "来电人", "来电号码", "是否匿名", "诉求标题", "诉求内容", "问题分类", "事发地址", "涉及人数", "涉及金额"]
TEXT = "我们在幸福路工地干了三个月活，包工头一直拖着不给工资，一共欠了我们十二个人八万多块钱。"
GOOD_1 = ["GD001", "2026-11-29 09:30:00", "王建国", 13812345678, "否", "工地欠薪", TEXT, "劳动保障/拖欠工资", "幸福路18号工地", 12, 86000]
GOOD_2 = [20261129002, "2026/11/29 10:00", "", "", "是", "", "小区物业长期不清理垃圾，电梯坏了一个月也没人修，业主意见很大。", "住房保障/物业服务", "锦绣小区", 30, None]
BAD_PHONE = ["GD003", "2026-11-29 11:00:00", "李秀英", "12345", "否", "", "邻居家装修把我家天花板弄漏水了，找他们协商不理睬。", "劳动保障/拖欠工资", "", 1, ""]
BAD_CATEGORY = ["GD004", "2026-11-29 12:00:00", "赵强", "13900001111", "否", "", "公交线路调整后我们小区出行非常不方便，希望恢复原线路。", "交通出行/公交线路", "", 1, ""]
BAD_SHORT = ["GD005", "2026-11-29 13:00:00", "钱芳", "13900002222", "否", "", "太短了", "劳动保障/拖欠工资", "", "很多", ""]


def write_xlsx(path: Path, rows, *, sheet="工单") -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def write_csv(path: Path, rows, encoding: str) -> Path:
    import csv

    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def run(path, *args) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("import_cases", str(path), "--source", "12345", "--no-progress", *args, stdout=out, stderr=io.StringIO())
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


@pytest.fixture
def mixed(tmp_path, source):
    # rows 2 and 5 good; 3, 4 and 6 bad (a blank row between counts as none but keeps numbering)
    return write_xlsx(tmp_path / "12345导出.xlsx", [GOOD_1, BAD_PHONE, BAD_CATEGORY, GOOD_2, BAD_SHORT])


def test_a_dry_run_lists_every_bad_row_by_number_column_and_reason_and_writes_nothing(mixed):
    out, error = run(mixed, "--dry-run")
    assert error is not None and error.returncode == 1  # exit code non-zero
    assert "第3行 [来电号码]" in out
    assert "第4行 [问题分类] 12345政务服务便民热线的分类“交通出行/公交线路”没有对应的事项" in out
    assert "第6行 [诉求标题/诉求内容] 诉求内容太短" in out
    assert "第6行 [涉及人数] 涉及人数应为整数。" in out
    assert "第2行" not in out and "第5行" not in out
    assert "将新增2条，已导入过0条，错误3条。" in out
    assert not Case.objects.exists() and not ImportBatch.objects.exists()


def test_a_real_run_with_bad_rows_writes_nothing(mixed):
    out, error = run(mixed)
    assert error is not None
    assert "未导入任何工单" in out
    assert not Case.objects.exists()


def test_skip_bad_imports_the_good_rows_and_a_second_import_creates_nothing(mixed, world):
    out, error = run(mixed, "--skip-bad")
    assert error is not None  # still reports the bad rows with a non-zero exit
    assert "新增2条，已导入过0条，错误3条。" in out
    cases = {c.external_id: c for c in Case.objects.all()}
    assert set(cases) == {"GD001", "20261129002"}  # a number cell is the number, not 20261129002.0
    first = cases["GD001"]
    assert first.channel == Channel.HOTLINE_12345 and first.external_source == "12345"
    assert first.reported_item == world.wage_item
    assert first.parties.get(role=PartyRole.COMPLAINANT).phone == "13812345678"
    assert cases["20261129002"].anonymous and cases["20261129002"].reported_item == world.property_item
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.new, batch.existing, batch.bad, batch.rows) == (BatchStatus.DONE, 2, 0, 3, 5)
    assert {e["row"] for e in batch.errors} == {3, 4, 6}

    out, _error = run(mixed, "--skip-bad")
    assert "新增0条，已导入过2条，错误3条。" in out
    assert Case.objects.count() == 2


def test_a_clean_file_imports_with_exit_code_zero_and_reimporting_creates_nothing(tmp_path, source):
    path = write_xlsx(tmp_path / "good.xlsx", [GOOD_1, GOOD_2])
    out, error = run(path)
    assert error is None, out
    assert "新增2条，已导入过0条，错误0条。" in out
    out, error = run(path)
    assert error is None
    assert "新增0条，已导入过2条，错误0条。" in out
    assert Case.objects.count() == 2


def test_a_work_order_pushed_by_webhook_is_already_imported(client, tmp_path, source):
    from .conftest import signed_post

    assert signed_post(client, source, dict(zip(HEADER, GOOD_1, strict=True))).status_code == 201
    out, error = run(write_xlsx(tmp_path / "good.xlsx", [GOOD_1, GOOD_2]))
    assert error is None
    assert "新增1条，已导入过1条，错误0条。" in out
    assert Case.objects.count() == 2


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_csv_files_in_gbk_or_utf8_are_read(tmp_path, source, encoding):
    path = write_csv(tmp_path / "orders.csv", [GOOD_1, BAD_PHONE], encoding)
    out, error = run(path, "--dry-run")
    assert "第3行 [来电号码]" in out
    assert "将新增1条，已导入过0条，错误1条。" in out
    out, error = run(path, "--skip-bad")
    case = Case.objects.get()
    assert case.parties.get(role=PartyRole.COMPLAINANT).name == "王建国"
    assert case.description.startswith("工地欠薪")


def test_the_same_work_order_twice_in_one_file_is_a_bad_row(tmp_path, source):
    out, error = run(write_xlsx(tmp_path / "dup.xlsx", [GOOD_1, GOOD_1]), "--dry-run")
    assert "第3行 [工单编号] 工单编号“GD001”与第2行重复。" in out


def test_a_named_sheet_is_read_and_a_missing_one_is_reported(tmp_path, source):
    path = write_xlsx(tmp_path / "book.xlsx", [GOOD_1], sheet="十一月")
    out, error = run(path, "--sheet", "十二月", "--dry-run")
    assert error is not None and "工作表“十二月”不存在，文件中有：十一月" in out
    out, error = run(path, "--sheet", "十一月")
    assert error is None and Case.objects.count() == 1


def test_files_that_cannot_be_imported_say_why(tmp_path, source):
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    out, error = run(old)
    assert error is not None and "另存为 .xlsx 或 CSV" in out
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    out, error = run(broken)
    assert error is not None and "无法读取该 Excel 文件" in out
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("编号,内容\n1,abc\n", encoding="utf-8")
    out, error = run(wrong)
    assert error is not None and "表头中没有工单编号列（应为：工单编号）" in out
    assert not Case.objects.exists()


def test_unknown_source_or_missing_file_is_an_error(tmp_path, source):
    with pytest.raises(CommandError, match="Unknown source"):
        call_command("import_cases", str(tmp_path / "x.csv"), "--source", "nosuch", stdout=io.StringIO())
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_cases", str(tmp_path / "x.csv"), "--source", "12345", stdout=io.StringIO())


def test_checking_a_file_does_not_cost_a_lookup_per_row_for_known_orders(tmp_path, source, django_assert_max_num_queries):
    from jiefen.imports import importer

    rows = [[f"GD{n:04d}", *GOOD_1[1:]] for n in range(300)]
    path = write_xlsx(tmp_path / "many.xlsx", rows)
    out, error = run(path)
    assert error is None and Case.objects.count() == 300
    with path.open("rb") as fh, django_assert_max_num_queries(5):
        report = importer.plan(source, fh, path.name)
    assert report.existing == 300


def test_checking_new_rows_looks_the_item_up_once_per_file(tmp_path, source, world, django_assert_max_num_queries):
    from jiefen.imports import importer
    from jiefen.testing.factories import wage_fields

    wage_fields(world.wage_item)
    source.mapping["fields"]["欠薪人数"] = "attributes.workers"
    source.save()
    header = [*HEADER, "欠薪人数"]
    book = openpyxl.Workbook()
    book.active.append(header)
    for n in range(100):
        book.active.append([f"GD{n:04d}", *GOOD_1[1:], 12 if n else None])  # row 2 misses the required answer
    path = tmp_path / "many.xlsx"
    book.save(path)
    # per row at most the place named in the address; the item and its fields once
    with path.open("rb") as fh, django_assert_max_num_queries(110):
        report = importer.plan(source, fh, path.name)
    assert (report.new, report.bad) == (99, 1)
    assert report.errors() == [{"row": 2, "column": "欠薪人数", "message": "请填写“被欠薪人数”（workers）。"}]


def test_a_csv_with_a_nul_or_a_huge_cell_is_reported_not_a_traceback(tmp_path, source):
    nul = tmp_path / "nul.csv"
    nul.write_bytes(",".join(HEADER).encode() + b"\nGD9,2026-11-29,\xe7\x8e\x8b\x00,13812345678,,,"
                    + TEXT.encode() + b",,,,\n")
    out, error = run(nul, "--dry-run")
    assert error is not None and ("第2行" in out or "CSV 文件格式有误" in out)
    huge = tmp_path / "huge.csv"
    huge.write_text(",".join(HEADER) + "\nGD9,\"" + "长" * 200_000 + "\"\n", encoding="utf-8")
    out, error = run(huge, "--dry-run")
    assert error is not None and ("CSV 文件格式有误" in out or "第2行" in out)
    assert not Case.objects.exists()
