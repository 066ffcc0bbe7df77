"""A source's work order (a webhook body or a spreadsheet row) turned into intake data.

The mapping is data, kept on the source (`Source.mapping`)::

    {
      "fields": {"工单编号": "external_id", "诉求标题": "description", "诉求内容": "description",
                 "问题分类": "category", "被欠薪人数": "attributes.workers", ...},
      "categories": {"劳动保障/拖欠工资": "0501", ...},
      "constants": {"group_size": 1},
      "anonymous_without_contact": true
    }

`fields` maps their field or column name to one of TARGETS (several of theirs may feed
`description`: joined line by line, in the order the record or the file's header gives them); `attributes.<code>` answers one of the item's extra
fields. `category` is looked up in `categories` (their category → our item code); a category
with no entry is an error, never a silent guess. `constants` fill fields the record leaves
empty. With `anonymous_without_contact`, a record without name and phone is an anonymous
report (else the intake form asks for them).

Both doors call `to_form_data` and then `file_case`, so a record pushed and the same record
imported are the same case (external source and id)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from jiefen.intake.forms import SystemIntakeForm
from jiefen.intake.services import field_messages, submit_case

TARGETS = {
    "description", "external_id", "name", "phone", "address", "latitude", "longitude", "region", "item",
    "category", "id_number", "amount", "group_size", "respondent", "anonymous", "created",
}
ATTRIBUTE_PREFIX = "attributes."
TRUE_WORDS = {"1", "true", "yes", "y", "是", "匿名", "t"}
FALSE_WORDS = {"", "0", "false", "no", "n", "否", "实名", "f"}
CREATED_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日")
# Our field names in messages when the source does not map them to a column of its own.
FIELD_LABELS = {
    "description": "诉求内容", "external_id": "工单编号", "name": "姓名", "phone": "联系电话", "address": "地址",
    "latitude": "纬度", "longitude": "经度", "region": "事发地点", "item": "事项", "id_number": "身份证号",
    "amount": "涉及金额", "group_size": "涉及人数", "respondent": "被反映人", "anonymous": "匿名",
    "attributes": "补充信息", "created": "登记时间", "external_source": "外部来源",
}


def check_mapping(mapping) -> list[str]:
    """What is wrong with a mapping (empty when it is usable)."""
    if not isinstance(mapping, dict):
        return [_("映射应为 JSON 对象。")]
    problems = []
    fields = mapping.get("fields")
    if not isinstance(fields, dict) or not fields:
        return [_("映射须有 fields（对方字段名 → 本系统字段）。")]
    for theirs, ours in fields.items():
        if not isinstance(ours, str) or not (ours in TARGETS or (ours.startswith(ATTRIBUTE_PREFIX) and len(ours) > 11)):
            problems.append(_("字段“%(theirs)s”映射到了未知的字段“%(ours)s”。") % {"theirs": theirs, "ours": ours})
    targets = set(fields.values())
    for needed in ("description", "external_id"):
        if needed not in targets:
            problems.append(_("映射中没有字段对应“%(field)s”（%(code)s）。") % {"field": FIELD_LABELS[needed], "code": needed})
    for key in ("categories", "constants"):
        if not isinstance(mapping.get(key, {}), dict):
            problems.append(_("%(key)s 应为 JSON 对象。") % {"key": key})
    return problems


def ordered_fields(source, names=None) -> list[tuple[str, str]]:
    """The mapping's (theirs, ours) pairs in the order of `names` (the file's header, the
    order's keys), the rest by name. A JSON column on PostgreSQL does not keep key order,
    so the mapping's own order is never relied on."""
    position = {name: i for i, name in enumerate(names or [])}
    fields = (source.mapping or {}).get("fields") or {}
    return sorted(fields.items(), key=lambda pair: (position.get(pair[0], len(position)), pair[0]))


def columns_for(source, names=None) -> dict[str, list[str]]:
    """Our field → their names for it (for messages in their words)."""
    out: dict[str, list[str]] = {}
    for theirs, ours in ordered_fields(source, names):
        key = "attributes" if ours.startswith(ATTRIBUTE_PREFIX) else ("item" if ours == "category" else ours)
        out.setdefault(key, []).append(theirs)
        if key == "attributes":
            out.setdefault(ours, []).append(theirs)  # one extra field's own column
    return out


def attribute_column(columns: dict[str, list[str]], message: str) -> str:
    """The column of the extra field a message is about (the messages name its code)."""
    for key, theirs in columns.items():
        code = key[len(ATTRIBUTE_PREFIX):]
        if key.startswith(ATTRIBUTE_PREFIX) and (f"（{code}）" in message or f"“{code}”" in message):
            return "/".join(theirs)
    return column_label(columns, "attributes")


def column_label(columns: dict[str, list[str]], field: str) -> str:
    if field in columns:
        return "/".join(columns[field])
    return FIELD_LABELS.get(field, "" if field == "__all__" else field)


def errors_by_column(source, error: ValidationError, columns: dict | None = None, names=None) -> list[tuple[str, str]]:
    """A ValidationError from the mapping or the intake form as (their column, message) pairs."""
    columns = columns if columns is not None else columns_for(source, names)
    return [(attribute_column(columns, m) if field == "attributes" else column_label(columns, field), m)
            for field, m in field_messages(error)]


def scalar(value) -> str | bool | None:
    """A cell or JSON value as text (numbers without a spurious .0, times in ISO 8601)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | dict):
        return value  # an attribute answer given as a list; the item's field checks it
    return str(value).strip()


def to_form_data(source, record: dict) -> dict:
    """The intake data for one of the source's work orders, or ValidationError by field
    (unmapped category, bad yes/no, bad time, no work-order number)."""
    if not isinstance(record, dict):
        raise ValidationError(_("工单应为“字段: 值”的对象。"))
    mapping = source.mapping or {}
    data: dict = {}
    description: list[str] = []
    attributes: dict = {}
    errors: dict[str, list[str]] = {}
    for theirs, ours in ordered_fields(source, list(record)):  # several parts of a text: in the record's order
        value = scalar(record.get(theirs))
        if value is None or value == "":
            continue
        if "\x00" in str(value):  # PostgreSQL text cannot hold it; submit_case looks the id up before checking
            errors.setdefault("item" if ours == "category" else ours.split(".")[0], []).append(_("含有不允许的空字符。"))
            continue
        if ours == "description":
            description.append(str(value))
        elif ours.startswith(ATTRIBUTE_PREFIX):
            attributes[ours[len(ATTRIBUTE_PREFIX):]] = value
        else:
            data[ours] = value
    if description:
        data["description"] = "\n".join(description)
    for key, value in (mapping.get("constants") or {}).items():
        if data.get(key) in (None, ""):
            data[key] = value
    if attributes:
        data["attributes"] = attributes
    data.setdefault("group_size", 1)  # the intake form's default: most orders do not say

    if "category" in data:
        category = str(data.pop("category")).strip()
        code = (mapping.get("categories") or {}).get(category)
        if code:
            data["item"] = code
        elif "item" not in data:
            errors.setdefault("item", []).append(
                _("%(source)s的分类“%(category)s”没有对应的事项，请在该来源的分类映射中添加。")
                % {"source": source.name, "category": category})
    if "anonymous" in data:
        word = str(data["anonymous"]).strip().lower() if not isinstance(data["anonymous"], bool) else data["anonymous"]
        if isinstance(word, bool):
            data["anonymous"] = word
        elif word in TRUE_WORDS:
            data["anonymous"] = True
        elif word in FALSE_WORDS:
            data["anonymous"] = False
        else:
            errors.setdefault("anonymous", []).append(_("是否匿名应填“是”或“否”。"))
    elif mapping.get("anonymous_without_contact") and not data.get("name") and not data.get("phone"):
        data["anonymous"] = True
    if "created" in data:
        moment = parse_time(str(data["created"]))
        if moment is None:
            errors.setdefault("created", []).append(_("时间格式不对，应如 2026-11-29 14:30:00。"))
        else:
            data["created"] = moment.isoformat()
    if not data.get("external_id") and "external_id" not in errors:
        errors.setdefault("external_id", []).append(_("缺少工单编号，无法防止重复接收。"))
    if errors:
        raise ValidationError(errors)
    data["external_source"] = source.code
    return data


def parse_time(text: str) -> dt.datetime | None:
    text = text.strip()
    moment = parse_datetime(text)
    if moment is None:
        for fmt in CREATED_FORMATS:
            try:
                moment = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if moment is None:
        try:
            moment = dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
        except ValueError:
            return None
    return moment


def intake_form(source, data: dict, items: dict | None = None) -> SystemIntakeForm:
    """The intake form as `file_case` will check the data (for validating without writing).
    Pass the same `items` dict for every row of a file: each item (with its extra fields)
    is then looked up once per file instead of twice per row."""
    form = SystemIntakeForm(data, **form_kwargs(source))
    if items is not None:
        field = form.fields["item"]
        lookup = field.to_python

        def cached(value, lookup=lookup):
            if value in field.empty_values:
                return None
            key = str(value).strip()
            if key not in items:
                item = lookup(value)  # a bad code raises: not cached, every row gets its message
                prefetch_related_objects([item], "extra_fields")
                items[key] = item
            return items[key]

        field.to_python = cached
    return form


def form_kwargs(source) -> dict:
    return {"within": source.region}


def file_case(source, data: dict):
    """File one mapped work order: a new case, or the first one when the order came before."""
    return submit_case(data, channel=source.channel, form_class=SystemIntakeForm, form_kwargs=form_kwargs(source))
