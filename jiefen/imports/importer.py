"""Importing a source's work orders from an Excel (.xlsx) or CSV file.

The one module behind `jiefen import` and the admin's upload page:

    report = plan(source, file, "orders.xlsx")   # read, map and check every row; writes nothing
    if report.ok or skip_bad:
        commit(report)                            # file the new, good rows

`plan` marks each row new, already imported (its work-order number is on a case from this
source: one query per 500 rows) or bad, with every reason as (row number as the
spreadsheet shows it, their column name, message). `commit` refuses to write anything when
any row is bad, unless told to skip the bad rows."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jiefen.cases.models import Case

from .mapping import columns_for, errors_by_column, file_case, intake_form, to_form_data

NEW, EXISTING, BAD = "new", "existing", "bad"
CHUNK = 500

Progress = Callable[[Iterable, int, str], Iterable]


def no_progress(items: Iterable, total: int, desc: str) -> Iterable:
    return items


class FileError(Exception):
    """The file as a whole cannot be read (format, encoding, sheet, header)."""


@dataclass
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1
    external_id: str = ""
    status: str = NEW
    errors: list[tuple[str, str]] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    tracking_code: str = ""


class CheckedRows:
    """What planning a file's import found, for any importer whose report has `rows` (each
    with a status and (column, message) errors) and `file_errors`."""

    rows: list
    file_errors: list[str]

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.count(BAD)

    def errors(self) -> list[dict]:
        """Every reason, file-level first: [{"row", "column", "message"}]."""
        out = [{"row": None, "column": "", "message": m} for m in self.file_errors]
        for row in self.rows:
            out.extend({"row": row.number, "column": c, "message": m} for c, m in row.errors)
        return out

    def file_problem(self) -> str:
        return _("文件无法导入：%(reason)s") % {"reason": "；".join(self.file_errors)}


@dataclass
class Report(CheckedRows):
    source: object
    file_name: str
    rows: list[Row] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    committed: bool = False
    created: int = 0

    @property
    def new(self) -> int:
        return self.created if self.committed else self.count(NEW)

    @property
    def existing(self) -> int:
        return self.count(EXISTING)

    @property
    def bad(self) -> int:
        return self.count(BAD)

    def summary(self) -> str:
        if self.file_errors:
            return self.file_problem()
        if self.committed:
            return _("新增%(new)d条，已导入过%(existing)d条，错误%(bad)d条。") % {
                "new": self.created, "existing": self.existing, "bad": self.bad}
        return _("将新增%(new)d条，已导入过%(existing)d条，错误%(bad)d条。") % {
            "new": self.new, "existing": self.existing, "bad": self.bad}


# --- reading ----------------------------------------------------------------------------

def decode_csv(raw: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes) or GBK/GB18030 (what Chinese Excel
    saves as "CSV"). Valid UTF-8 is taken as UTF-8: GBK text is almost never valid UTF-8."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise FileError(_("无法识别 CSV 文件的编码，请保存为 UTF-8 或 GBK 编码。")) from None


def read_table(file, file_name: str, sheet: str = "") -> tuple[list[str], Iterator[tuple[int, list]]]:
    """The header row and the data rows (row number, values) of a .xlsx or .csv file."""
    suffix = Path(file_name).suffix.lower()
    if suffix == ".csv":
        if sheet:
            raise FileError(_("CSV 文件没有工作表，请不要指定 --sheet。"))
        rows = enumerate(csv.reader(io.StringIO(decode_csv(file.read()), newline="")), start=1)
    elif suffix in (".xlsx", ".xlsm"):
        rows = enumerate(_xlsx_rows(file, sheet), start=1)
    elif suffix == ".xls":
        raise FileError(_("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 CSV。"))
    else:
        raise FileError(_("只能导入 .xlsx 或 .csv 文件。"))
    for _number, header in rows:
        names = [str(h).strip() if h is not None else "" for h in header]
        if any(names):
            return names, rows
    raise FileError(_("文件是空的：没有表头行。"))


def _xlsx_rows(file, sheet: str) -> Iterator[tuple]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        raise FileError(_("无法读取该 Excel 文件，请确认是 .xlsx 格式且未损坏。")) from None
    try:
        if sheet:
            if sheet not in book.sheetnames:
                raise FileError(_("工作表“%(sheet)s”不存在，文件中有：%(names)s。")
                                % {"sheet": sheet, "names": "、".join(book.sheetnames)})
            ws = book[sheet]
        else:
            ws = book.worksheets[0]
        yield from ws.iter_rows(values_only=True)
    finally:
        book.close()


# --- planning and committing --------------------------------------------------------------

def plan(source, file, file_name: str, *, sheet: str = "", progress: Progress = no_progress) -> Report:
    """Read, map and check every row; write nothing."""
    report = Report(source=source, file_name=file_name)
    try:
        header, rows = read_table(file, file_name, sheet)
        report.header = header
        fields = (source.mapping or {}).get("fields") or {}
        for needed, label in (("external_id", _("工单编号")), ("description", _("诉求内容"))):
            theirs = [t for t, ours in fields.items() if ours == needed]
            if not any(t in header for t in theirs):
                report.file_errors.append(_("表头中没有%(label)s列（应为：%(names)s）。")
                                          % {"label": label, "names": "、".join(theirs) or "—"})
        if report.file_errors:
            return report
        records = []
        for number, values in rows:
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            records.append((number, {h: v for h, v in zip(header, values, strict=False) if h}))
    except FileError as exc:
        report.file_errors.append(str(exc))
        return report
    except csv.Error as exc:
        report.file_errors.append(_("CSV 文件格式有误：%(reason)s") % {"reason": exc})
        return report

    columns = columns_for(source, header)
    for number, record in records:
        row = Row(number=number)
        try:
            row.data = to_form_data(source, record)
        except ValidationError as exc:
            row.status, row.errors = BAD, errors_by_column(source, exc, columns)
            row.external_id = str(record.get(_first(columns, "external_id")) or "").strip()
        else:
            row.external_id = row.data["external_id"]
        report.rows.append(row)

    _mark_existing(source, report.rows)
    seen: dict[str, int] = {}
    items: dict = {}
    for row in progress(report.rows, len(report.rows), _("检查")):
        if row.status == EXISTING:
            continue
        if row.external_id and row.external_id in seen:
            row.status = BAD
            row.errors.append((column_for(columns, "external_id"),
                               _("工单编号“%(id)s”与第%(row)d行重复。") % {"id": row.external_id, "row": seen[row.external_id]}))
            continue
        if row.external_id:
            seen[row.external_id] = row.number
        if row.status == BAD:
            continue
        form = intake_form(source, row.data, items)
        if not form.is_valid():
            row.status = BAD
            row.errors = errors_by_column(source, ValidationError(form.errors.as_data()), columns)
    return report


def commit(report: Report, *, skip_bad: bool = False, progress: Progress = no_progress) -> Report:
    """File the new rows. Writes nothing when a row is bad unless `skip_bad`."""
    if report.file_errors or (report.bad and not skip_bad):
        return report
    todo = [r for r in report.rows if r.status == NEW]
    for row in progress(todo, len(todo), _("导入")):
        try:
            case = file_case(report.source, row.data)
        except ValidationError as exc:  # the data changed since the check (an item retired, say)
            row.status, row.errors = BAD, errors_by_column(report.source, exc, names=report.header)
            continue
        row.tracking_code = case.tracking_code
        if case.created:
            report.created += 1
        else:
            row.status = EXISTING
    report.committed = True
    return report


def _mark_existing(source, rows: list[Row]) -> None:
    ids = sorted({r.external_id for r in rows if r.external_id and r.status == NEW})
    known: dict[str, str] = {}
    for start in range(0, len(ids), CHUNK):
        known.update(Case.objects.filter(external_source=source.code, external_id__in=ids[start:start + CHUNK])
                     .values_list("external_id", "tracking_code"))
    for row in rows:
        if row.status == NEW and row.external_id in known:
            row.status, row.tracking_code = EXISTING, known[row.external_id]


def _first(columns: dict, field_name: str) -> str:
    return (columns.get(field_name) or [""])[0]


def column_for(columns: dict, field_name: str) -> str:
    return "/".join(columns.get(field_name) or [field_name])
