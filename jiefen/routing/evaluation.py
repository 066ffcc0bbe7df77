"""`jiefen classifier evaluate`: how the classifier's recipe does on a region's own labelled
file (CSV or Excel), by stratified folds within the file and its own label set."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from . import classifier as clf


class EvaluationError(Exception):
    pass


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


def _cell(value) -> str:
    return "" if value is None else str(value).strip()


def read_table(path: str | Path) -> Table:
    path = Path(path)
    if not path.is_file():
        raise EvaluationError(_("找不到文件：%(path)s") % {"path": path})
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path)
    raise EvaluationError(_("不支持的文件类型“%(suffix)s”：请使用 .csv 或 .xlsx 文件。") % {"suffix": suffix or "—"})


def _read_csv(path: Path) -> Table:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise EvaluationError(_("文件无法读取：这不是一个文本格式的 CSV 文件。"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise EvaluationError(_("文件无法读取：编码既不是 UTF-8 也不是 GBK/GB18030。"))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;") if text.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    try:
        lines = [[_cell(c) for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise EvaluationError(_("CSV 文件格式有误：%(error)s") % {"error": exc}) from None
    lines = [row for row in lines if any(row)]
    if not lines:
        raise EvaluationError(_("文件是空的：没有表头，也没有数据。"))
    return Table(lines[0], lines[1:])


def _read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise EvaluationError(_("Excel 文件无法读取（文件损坏或不是 .xlsx 格式）：%(error)s") % {"error": exc}) from None
    try:
        sheet = book.worksheets[0]
        lines = [[_cell(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    lines = [row for row in lines if any(row)]
    if not lines:
        raise EvaluationError(_("文件是空的：没有表头，也没有数据。"))
    return Table(lines[0], lines[1:])


@dataclass
class Report:
    rows: int
    skipped: int
    folds: int
    scores: dict
    texts_per_second: float


def evaluate(table: Table, text_column: str, label_column: str, *, folds: int = 5,
             params: clf.Params | None = None) -> Report:
    headers = [h.strip() for h in table.headers]
    missing = [c for c in (text_column, label_column) if c not in headers]
    if missing:
        raise EvaluationError(_("文件中没有列“%(missing)s”。现有的列：%(have)s") % {
            "missing": "”、“".join(missing), "have": "、".join(h for h in headers if h) or "—"})
    if folds < 2:
        raise EvaluationError(_("折数至少为 2。"))
    ti, li = headers.index(text_column), headers.index(label_column)
    texts, labels, skipped = [], [], 0
    for row in table.rows:
        text = row[ti] if ti < len(row) else ""
        label = row[li] if li < len(row) else ""
        if not text or not label:
            skipped += 1
            continue
        texts.append(text)
        labels.append(label)
    if not texts:
        raise EvaluationError(_("文件中没有同时填写了“%(t)s”和“%(l)s”的数据行。") % {"t": text_column, "l": label_column})
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    if len(counts) < 2:
        raise EvaluationError(_("文件中只有一个类别“%(label)s”，无法评估分类效果：至少需要两个类别。") % {
            "label": next(iter(counts))})
    few = sorted((label for label, n in counts.items() if n < folds), key=lambda x: (counts[x], x))
    if few:
        raise EvaluationError(_("以下类别的数据行少于折数 %(folds)d，无法分层交叉验证：%(few)s。请补充数据、合并或删去这些类别，或用 --folds 减少折数。") % {
            "folds": folds, "few": "、".join(f"{label}（{counts[label]} 行）" for label in few)})
    cv = clf.cross_validate(texts, labels, params or clf.Params(), folds=folds)
    return Report(
        rows=len(texts), skipped=skipped, folds=folds, scores=clf.scores(labels, cv.predicted),
        texts_per_second=len(texts) / cv.predict_seconds if cv.predict_seconds else 0.0,
    )


def format_report(report: Report) -> list[str]:
    s = report.scores
    width = max([len(label) for label in s["per_class"]] + [4])
    lines = [
        _("数据 %(rows)d 行（跳过空行 %(skipped)d 行），%(classes)d 个类别，%(folds)d 折分层交叉验证。") % {
            "rows": report.rows, "skipped": report.skipped, "classes": len(s["per_class"]), "folds": report.folds},
        "",
        f"{_('类别'):<{width}}  {_('精确率'):>6}  {_('召回率'):>6}  {'F1':>6}  {_('样本数'):>6}",
    ]
    for label, c in sorted(s["per_class"].items()):
        lines.append(f"{label:<{width}}  {c['precision']:>9.3f}  {c['recall']:>9.3f}  {c['f1']:>6.3f}  {c['support']:>9d}")
    lines += [
        "",
        _("宏平均F1：%(f1).3f") % {"f1": s["macro_f1"]},
        _("准确率：%(acc).3f") % {"acc": s["accuracy"]},
        _("预测速度：%(rate).0f 条/秒") % {"rate": report.texts_per_second},
    ]
    return lines
