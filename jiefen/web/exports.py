"""Export of the worklist (导出): the cases the worklist shows for the same tab and filters,
within the user's jurisdiction, as an Excel workbook or a CSV file.

Personal data is masked by the pages' rule (privacy.masked). A user who may unmask
(privacy.may_unmask) can ask for the full contact with a reason: every exported party's
unmasked fields are then logged as PersonalDataView rows, in one bulk insert, before a byte
of the file leaves. Large lists are written as they are read (openpyxl write_only, CSV rows
yielded one by one) and capped by the setting JIEFEN_EXPORT_MAX_ROWS."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.accounts.models import Role
from jiefen.cases import privacy
from jiefen.cases.models import Case, Party, PartyRole, PersonalDataView

CHUNK = 2000
FORMATS = {"xlsx", "csv"}
UNMASKED_FIELDS = ("phone", "id_number")  # the fields masked by default (names show as on the page)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExportError(Exception):
    """Bad input: a Chinese message for the user and the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def max_rows() -> int:
    return int(settings.JIEFEN_EXPORT_MAX_ROWS)


def headers() -> list[str]:
    return [
        _("查询码"), _("登记时间"), _("来源渠道"), _("状态"), _("类别"), _("事项"), _("风险等级"),
        _("发生地"), _("详细地址"), _("诉求摘要"), _("诉求人"), _("联系电话"), _("身份证号"),
        _("责任中心"), _("承办部门"), _("签收期限"), _("办理期限"), _("办结时间"), _("满意度"),
    ]


def may_ask_unmasked(user) -> bool:
    """Whether the 含完整联系方式 box is offered: the user holds a post that may unmask on the
    cases it holds (the per-case decision is privacy.may_unmask's)."""
    return user.is_authenticated and (
        user.is_superuser or user.has_role(Role.HANDLER, *privacy.UNMASK_AT_CENTER)
    )


@dataclass
class Request:
    """A checked export request."""

    user: object
    case_ids: list[int]
    fmt: str
    unmask: bool
    reason: str


def prepare(user, params) -> Request:
    """Check the parameters and pick the cases (the worklist's, same tab and filters);
    raise ExportError with a Chinese message when the export cannot be made."""
    from .views import worklist_cases  # the worklist's own filtering

    fmt = params.get("format") or "csv"
    if fmt not in FORMATS:
        raise ExportError(_("导出格式只能是 Excel（xlsx）或 CSV。"))
    unmask = params.get("full") in ("1", "on", "true")
    reason = (params.get("reason") or "").strip()
    if unmask and not may_ask_unmasked(user):
        raise ExportError(_("您的岗位不能导出完整的联系方式。"), status=403)
    if unmask and not reason:
        raise ExportError(_("导出完整联系方式须填写事由，例如“集中电话回访”。"))
    _tab, filterset, qs = worklist_cases(user, params)
    if filterset.is_bound and not filterset.is_valid():
        errors = "；".join(str(m) for msgs in filterset.errors.values() for m in msgs)
        raise ExportError(_("筛选条件有误：%(errors)s") % {"errors": errors})
    limit = max_rows()
    case_ids = list(qs.values_list("pk", flat=True)[: limit + 1])
    if len(case_ids) > limit:
        raise ExportError(_("符合条件的案件超过 %(limit)s 件，无法一次导出，请缩小筛选范围（如登记日期）后再导出。")
                          % {"limit": f"{limit:,}"})
    return Request(user=user, case_ids=case_ids, fmt=fmt, unmask=unmask, reason=reason[:200])


class UnmaskRule:
    """privacy.may_unmask, asked once per distinct (center, origin center, department): the
    export's cases all lie within the user's jurisdiction, so that is all the answer depends on."""

    def __init__(self, user, enabled: bool):
        self.user = user
        self.enabled = enabled
        self._known: dict[tuple, bool] = {}

    def __call__(self, case: Case) -> bool:
        if not self.enabled:
            return False
        key = (case.center_id, case.origin_center_id, case.department_id)
        if key not in self._known:
            self._known[key] = privacy.may_unmask(self.user, case)
        return self._known[key]


def log_unmasked(req: Request, rule: UnmaskRule) -> int:
    """One PersonalDataView row per exported party and unmasked field, in one bulk insert."""
    if not req.unmask:
        return 0
    now = timezone.now()
    rows: list[PersonalDataView] = []
    cases = Case.objects.filter(pk__in=req.case_ids).only("pk", "center_id", "origin_center_id", "department_id")
    allowed = {c.pk for c in cases.iterator(chunk_size=CHUNK) if rule(c)}
    parties = Party.objects.filter(case_id__in=allowed, role=PartyRole.COMPLAINANT).order_by("case_id", "id")
    seen: set[int] = set()
    for party in parties.iterator(chunk_size=CHUNK):
        if party.case_id in seen:  # the export carries each case's first complainant
            continue
        seen.add(party.case_id)
        rows += [PersonalDataView(case_id=party.case_id, party=party, field=field, viewer=req.user,
                                  reason=req.reason, created_at=now)
                 for field in UNMASKED_FIELDS if getattr(party, field)]
    PersonalDataView.objects.bulk_create(rows, batch_size=CHUNK)
    return len(rows)


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _cases(req: Request) -> Iterator[Case]:
    """The cases in the worklist's order, read in chunks."""
    for start in range(0, len(req.case_ids), CHUNK):
        ids = req.case_ids[start:start + CHUNK]
        chunk = Case.objects.filter(pk__in=ids).select_related(
            "region", "category", "item", "department", "center").prefetch_related("parties")
        by_id = {c.pk: c for c in chunk}
        yield from (by_id[i] for i in ids if i in by_id)


def _shown(case: Case, party: Party | None, field: str, full: bool) -> str:
    if party is None:
        return ""
    if full or (field == "name" and not case.anonymous):
        return getattr(party, field)  # names show as on the case page
    return privacy.masked(party, field)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """Text a resident typed that starts like a formula is written as text (a leading ')
    so that Excel never evaluates it (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def rows(req: Request, rule: UnmaskRule) -> Iterator[list]:
    """The data rows: dates as naive local datetimes, personal data masked unless unmasked."""
    places: dict[int, str] = {}
    for case in _cases(req):
        if case.region_id not in places:
            places[case.region_id] = case.region.full_name
        party = case.complainant
        full = party is not None and rule(case)
        yield [_cell(v) for v in [
            case.display_code, _local(case.created_at), case.get_channel_display(),
            case.get_status_display(), case.category.name if case.category_id else "",
            case.item.name if case.item_id else "", case.get_risk_grade_display(),
            places[case.region_id], case.address, case.summary,
            _shown(case, party, "name", full), _shown(case, party, "phone", full),
            _shown(case, party, "id_number", full),
            case.center.display_center, case.department.name if case.department_id else "",
            _local(case.sign_due), _local(case.handle_due), _local(case.closed_at),
            case.get_satisfaction_display() if case.satisfaction else "",
        ]]


class _Echo:
    def write(self, value):
        return value


def csv_chunks(header: list[str], data: Iterable[list]) -> Iterator[str]:
    """CSV text as rows go, starting with a BOM so Excel opens the Chinese correctly."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in data:
        yield writer.writerow(["" if v is None else (v.strftime("%Y-%m-%d %H:%M") if hasattr(v, "strftime") else v)
                               for v in row])


def xlsx_file(header: list[str], data: Iterable[list]):
    """A write-only workbook (rows go to disk as they are added) in a temporary file."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("案件"))
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    head = []
    for title in header:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = bold
        head.append(cell)
    ws.append(head)
    for row in data:
        ws.append(row)
    out = tempfile.TemporaryFile()
    wb.save(out)
    out.seek(0)
    return out


def filename(fmt: str) -> str:
    return f"jiefen-cases-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"


def build_response(req: Request):
    rule = UnmaskRule(req.user, req.unmask)
    with transaction.atomic():
        log_unmasked(req, rule)
    data = rows(req, rule)
    if req.fmt == "csv":
        response = StreamingHttpResponse(
            (chunk.encode("utf-8") for chunk in csv_chunks(headers(), data)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename("csv")}"'
        return response
    return FileResponse(xlsx_file(headers(), data), as_attachment=True, filename=filename("xlsx"),
                        content_type=XLSX_TYPE)


@login_required
def worklist_export(request):
    try:
        req = prepare(request.user, request.GET)
    except ExportError as exc:
        from .views import worklist

        messages.error(request, str(exc))
        response: HttpResponse = worklist(request)
        response.status_code = exc.status
        return response
    return build_response(req)
