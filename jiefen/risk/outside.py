"""Importing outside records (court, police, administrative review) from .xlsx or .csv.

The columns are mapped by the kind's `OutsideMapping` row ({their column: our field}, our
fields in TARGETS; several columns may feed `summary`). Reading the file is the work-order
importer's (`jiefen.imports.importer.read_table`: UTF-8 or GBK CSV, .xlsx).

    report = plan("court", file, "court.xlsx")   # read and check every row; writes nothing
    if report.ok:
        commit(report)                            # create the new records, all or nothing

A record already imported (same kind and source reference) is left as it is: importing a
file again creates nothing."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiefen.imports.importer import BAD, EXISTING, NEW, CheckedRows, FileError, read_table
from jiefen.imports.mapping import parse_time, scalar
from jiefen.lib.personal import normalize_phone, validate_id_number, validate_phone

from .models import OutsideKind, OutsideMapping, OutsideRecord, RiskPerson
from .services import identity_q

TARGETS = {
    "source_ref": 80, "name": 100, "id_number": 18, "phone": 20, "occurred_on": 0, "title": 200,
    "organ": 100, "result": 200, "summary": 5000,
}
LABELS = {
    "source_ref": "来源编号", "name": "姓名", "id_number": "身份证号", "phone": "联系电话", "occurred_on": "日期",
    "title": "案由/事由", "organ": "机关", "result": "结果", "summary": "摘要",
}
CHUNK = 500


def check_fields(fields) -> list[str]:
    """What is wrong with a mapping's fields (empty when usable)."""
    if not isinstance(fields, dict) or not fields:
        return [_("列映射应为 JSON 对象：{\"对方列名\": \"本系统字段\"}。")]
    problems = [_("列“%(theirs)s”映射到了未知的字段“%(ours)s”，可用：%(known)s。")
                % {"theirs": t, "ours": o, "known": ", ".join(TARGETS)} for t, o in fields.items() if o not in TARGETS]
    targets = set(fields.values())
    if "source_ref" not in targets:
        problems.append(_("列映射中没有列对应来源编号（source_ref）。"))
    if "name" not in targets and "id_number" not in targets:
        problems.append(_("列映射中须有姓名（name）或身份证号（id_number）列。"))
    return problems


@dataclass
class Row:
    number: int
    source_ref: str = ""
    status: str = NEW
    errors: list[tuple[str, str]] = field(default_factory=list)
    data: dict = field(default_factory=dict)


@dataclass
class Report(CheckedRows):
    kind: str
    file_name: str
    rows: list[Row] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    committed: bool = False
    created: int = 0
    matched_parties: int = 0
    matched_entries: int = 0

    def summary(self) -> str:
        if self.file_errors:
            return self.file_problem()
        counts = {"new": self.created if self.committed else self.count(NEW), "existing": self.count(EXISTING),
                  "bad": self.count(BAD)}
        if self.committed:
            return _("新增%(new)d条，已导入过%(existing)d条，错误%(bad)d条；新记录匹配到当事人%(p)d条、重点人员%(e)d条。") % (
                counts | {"p": self.matched_parties, "e": self.matched_entries})
        return _("将新增%(new)d条，已导入过%(existing)d条，错误%(bad)d条。") % counts


def mapping_for(kind: str) -> dict:
    if kind not in OutsideKind.values:
        raise FileError(_("未知的外部数据类别“%(kind)s”，可用：court、police、review。") % {"kind": kind})
    row = OutsideMapping.objects.filter(kind=kind).first()
    if row is None:
        raise FileError(_("没有%(kind)s数据的列映射，请先运行 jiefen load-defaults 或在管理后台添加。")
                        % {"kind": OutsideKind(kind).label})
    problems = check_fields(row.columns)
    if problems:
        raise FileError("；".join(problems))
    return row.columns


def plan(kind: str, file, file_name: str, *, sheet: str = "") -> Report:
    """Read and check every row; write nothing."""
    report = Report(kind=kind, file_name=file_name)
    try:
        fields = mapping_for(kind)
        header, rows = read_table(file, file_name, sheet)
        for needed in ("source_ref", "name"):
            theirs = [t for t, ours in fields.items() if ours == needed]
            if theirs and not any(t in header for t in theirs):
                report.file_errors.append(_("表头中没有%(label)s列（应为：%(names)s）。")
                                          % {"label": LABELS[needed], "names": "、".join(theirs)})
        if report.file_errors:
            return report
        records = [(n, {h: v for h, v in zip(header, values, strict=False) if h}) for n, values in rows
                   if not all(v is None or str(v).strip() == "" for v in values)]
    except FileError as exc:
        report.file_errors.append(str(exc))
        return report
    except csv.Error as exc:
        report.file_errors.append(_("CSV 文件格式有误：%(reason)s") % {"reason": exc})
        return report
    columns: dict[str, str] = {}
    for theirs, ours in sorted(fields.items(), key=lambda p: (header.index(p[0]) if p[0] in header else 999, p[0])):
        columns.setdefault(ours, theirs)
    seen: dict[str, int] = {}
    for number, record in records:
        row = Row(number=number)
        row.data, row.errors = to_data(fields, header, record, columns)
        row.source_ref = row.data.get("source_ref", "")
        if row.source_ref in seen:
            row.errors.append((columns["source_ref"], _("编号“%(ref)s”与第%(row)d行重复。")
                               % {"ref": row.source_ref, "row": seen[row.source_ref]}))
        elif row.source_ref:
            seen[row.source_ref] = number
        if row.errors:
            row.status = BAD
        report.rows.append(row)
    _mark_existing(kind, report.rows)
    return report


def to_data(fields: dict, header: list[str], record: dict, columns: dict) -> tuple[dict, list[tuple[str, str]]]:
    data: dict = {}
    errors: list[tuple[str, str]] = []
    summary = []
    for theirs in [h for h in header if h in fields]:
        ours, value = fields[theirs], scalar(record.get(theirs))
        if value is None or value == "":
            continue
        value = str(value).strip()
        if "\x00" in value:
            errors.append((theirs, _("含有不允许的空字符。")))
            continue
        if ours == "summary":
            summary.append(value)
            continue
        limit = TARGETS[ours]
        if limit and len(value) > limit:
            errors.append((theirs, _("不能超过%(n)d个字。") % {"n": limit}))
            continue
        data[ours] = value
    if summary:
        data["summary"] = "\n".join(summary)[:TARGETS["summary"]]
    col = columns.get
    if not data.get("source_ref"):
        errors.append((col("source_ref", LABELS["source_ref"]), _("缺少编号，无法防止重复导入。")))
    if not data.get("name") and not data.get("id_number"):
        errors.append((col("name", LABELS["name"]), _("姓名和身份证号至少要有一项，否则无法匹配当事人。")))
    if data.get("id_number"):
        data["id_number"] = data["id_number"].upper()
        try:
            validate_id_number(data["id_number"])
        except ValidationError as exc:
            errors.append((col("id_number"), exc.messages[0]))
    if data.get("phone"):
        try:
            validate_phone(data["phone"])
        except ValidationError as exc:
            errors.append((col("phone"), exc.messages[0]))
        else:
            data["phone"] = normalize_phone(data["phone"])
    if data.get("occurred_on"):
        moment = parse_time(data["occurred_on"])
        if moment is None:
            errors.append((col("occurred_on"), _("日期格式不对，应如 2026-11-29。")))
        else:
            data["occurred_on"] = moment.date() if isinstance(moment, dt.datetime) else moment
    return data, errors


def _mark_existing(kind: str, rows: list[Row]) -> None:
    refs = sorted({r.source_ref for r in rows if r.source_ref and r.status == NEW})
    known: set[str] = set()
    for start in range(0, len(refs), CHUNK):
        known.update(OutsideRecord.objects.filter(kind=kind, source_ref__in=refs[start:start + CHUNK])
                     .values_list("source_ref", flat=True))
    for row in rows:
        if row.status == NEW and row.source_ref in known:
            row.status = EXISTING


def commit(report: Report) -> Report:
    """Create the new records, all in one transaction; nothing when any row is bad."""
    if not report.ok:
        return report
    from jiefen.cases.models import Party

    todo = [r for r in report.rows if r.status == NEW]
    with transaction.atomic():
        created = OutsideRecord.objects.bulk_create(
            [OutsideRecord(kind=report.kind, file_name=report.file_name[:200], **r.data) for r in todo],
            ignore_conflicts=True,
        )
    report.created = len(created)
    report.committed = True
    for row in todo:
        q = identity_q(row.data.get("name", ""), row.data.get("id_number", ""), row.data.get("phone", ""))
        if q is None:
            continue
        report.matched_parties += Party.objects.filter(q).exists()
        report.matched_entries += RiskPerson.objects.filter(q).exists()
    return report
