"""Server-rendered pages. Thin: parse the request, call a service, render the result."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiefen.accounts.models import Membership, Role
from jiefen.cases import privacy
from jiefen.cases.filtersets import CaseFilterSet
from jiefen.cases.models import (
    Case,
    Channel,
    Guidance,
    MediationMethod,
    MediationOutcome,
    Satisfaction,
    Status,
)
from jiefen.cases.scope import awaiting, visible_cases
from jiefen.cases.services import ActionError, perform, task_force_candidates
from jiefen.cases.workflow import ACTIONS, EVENT_LABELS, Resident, allowed_actions, is_available
from jiefen.followup.services import summary as follow_up_summary
from jiefen.intake.forms import IntakeForm, StaffIntakeForm
from jiefen.intake.services import submit_case
from jiefen.lib.codes import normalize_tracking_code
from jiefen.lib.personal import normalize_phone
from jiefen.notify import services as notify_services
from jiefen.notify.models import Notification
from jiefen.regions.models import Department, Region
from jiefen.routing.services import route
from jiefen.sla.clocks import clock_rows
from jiefen.taxonomy.models import Category, Item, RiskGrade

from .exports import may_ask_unmasked
from .regions import region_outlines, region_tree

TRACKED = "tracked_cases"


# ------------------------------------------------------------------ residents


def home(request):
    return render(request, "web/home.html")


def report(request):
    """The resident's report form (我要反映); `?region=ID` preselects the place (QR posters)."""
    return _intake_page(request, IntakeForm, Channel.WEB, "web/report.html")


def _intake_page(request, form_class, channel, template):
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        key = request.POST.get("submission_key") or None
        if form.is_valid():
            try:
                case = submit_case(
                    request.POST, request.FILES, channel=form.cleaned_data.get("channel") or _channel(request, channel),
                    actor=request.user, idempotency_key=key, form_class=form_class,
                )
            except ValidationError as exc:  # pragma: no cover - the same form already passed
                form.add_error(None, exc)
            else:
                _remember(request, case)
                if request.user.is_authenticated:
                    messages.success(request, _("案件已登记，查询码 %(code)s。") % {"code": case.display_code})
                    return redirect("case_detail", code=case.tracking_code)
                return redirect("report_done", code=case.tracking_code)
    else:
        initial = {}
        region = Region.objects.filter(pk=request.GET.get("region") or 0).first()
        if region:
            initial["region"] = region.pk
        if request.GET.get("from") == "guide":  # what the resident typed in 智能咨询
            from jiefen.knowledge.guide import SESSION_KEY

            initial["description"] = request.session.get(SESSION_KEY, "")
        form = form_class(initial=initial)
    return render(request, template, {
        "form": form,
        "regions": region_tree(),
        "submission_key": request.POST.get("submission_key") or _new_key(),
        "qr": request.GET.get("via") == "qr",
    })


def _channel(request, default):
    return Channel.QR if request.POST.get("via") == "qr" and default == Channel.WEB else default


def _new_key() -> str:
    import secrets

    return secrets.token_urlsafe(16)


def _remember(request, case: Case) -> None:
    tracked = set(request.session.get(TRACKED, []))
    tracked.add(case.pk)
    request.session[TRACKED] = sorted(tracked)


def report_done(request, code):
    case = _tracked_case(request, code)
    if case is None:
        return redirect("track")
    return render(request, "web/report_done.html", {"case": case})


def track(request):
    error = ""
    if request.method == "POST":
        code = normalize_tracking_code(request.POST.get("code", ""))
        phone = normalize_phone(request.POST.get("phone", ""))
        case = Case.objects.filter(tracking_code=code).prefetch_related("parties").first()
        if case and (case.anonymous or (case.complainant and case.complainant.phone == phone)):
            _remember(request, case)
            return redirect("track_case", code=case.tracking_code)
        error = _("查询码或手机号不正确，请核对后重试（查询码在提交成功页面和短信中）。")
    code = request.POST.get("code") or request.GET.get("code", "")  # the SMS link carries the code
    return render(request, "web/track.html", {"error": error, "code": code[:20]}, status=400 if error else 200)


def _tracked_case(request, code) -> Case | None:
    case = Case.objects.filter(tracking_code=normalize_tracking_code(code)).first()
    if case is None or case.pk not in request.session.get(TRACKED, []):
        return None
    return case


def track_case(request, code):
    case = _tracked_case(request, code)
    if case is None:
        return redirect("track")
    resident = Resident(case.pk)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("rate", "reopen"):
            try:
                perform(case, action, resident, data=request.POST.dict(), reason=request.POST.get("reason", ""),
                        expected_version=request.POST.get("version") or None)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            except ActionError as exc:
                error = exc.message
            else:
                messages.success(request, _("感谢您的评价。") if action == "rate" else _("已提交重新办理申请，我们会尽快处理。"))
                return redirect("track_case", code=case.tracking_code)
            case.refresh_from_db()
    events = case.events.filter(public=True).order_by("created_at", "id")
    return render(request, "web/track_case.html", {
        "case": case,
        "events": timeline(events),
        "can_rate": is_available(resident, case, ACTIONS["rate"]),
        "can_reopen": case.status == Status.CLOSED and case.satisfaction == Satisfaction.DISSATISFIED,
        "satisfaction_choices": Satisfaction.choices,
        "error": error,
    }, status=400 if error else 200)


def timeline(events) -> list[tuple]:
    """Timeline rows: the event, its label and a one-line summary where the data has one."""
    rows = []
    for e in events:
        summary = ""
        if e.action == "record_mediation" and e.data.get("method"):
            parts = [str(MediationMethod(e.data["method"]).label), str(MediationOutcome(e.data["outcome"]).label)]
            if e.data.get("amount"):
                parts.append(_("协议金额 %(amount)s 元") % {"amount": e.data["amount"]})
            if e.data.get("judicial_confirmation"):
                parts.append(str(_("申请司法确认")))
            summary = " · ".join(parts)
        elif e.action == "raise_sheet":
            summary = f"{e.data.get('number', '')} → {e.data.get('recipient', '')}"
        elif e.action == "set_task_force":
            summary = _("专班：%(members)s") % {"members": "、".join(e.data.get("members", []))}
        elif e.action == "urge":
            summary = f"{e.data.get('number', '')} → {e.data.get('to', '')}"
        elif e.action == "follow_up":
            summary = follow_up_summary(e.data)
        elif e.action == "schedule_follow_up":
            summary = f"{e.data.get('due_date', '')} · {e.data.get('assignee', '')}"
        rows.append((e, EVENT_LABELS.get(e.action, e.action), summary))
    return rows


def region_children(request):
    return JsonResponse({"regions": region_tree()})


def region_outline(request, pk: int):
    region = get_object_or_404(Region, pk=pk)
    response = JsonResponse(region_outlines(region), content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


# ------------------------------------------------------------------ staff


def worklist_cases(user, params) -> tuple[str, CaseFilterSet, object]:
    """The worklist's cases for these GET parameters (tab and filters), within the user's
    jurisdiction: (tab, filterset, queryset). The worklist page and the export both use it."""
    base = visible_cases(user)
    tab = params.get("tab", "todo")
    if tab == "todo":
        base = awaiting(user)
    elif tab == "led":  # 领导包案 and 专班: the cases this person has taken on
        base = base.filter(Q(leader=user) | Q(task_force=user)).distinct()
    filterset = CaseFilterSet(params or None, queryset=base)
    qs = filterset.qs if filterset.is_bound else base
    if not filterset.is_bound:
        filterset = CaseFilterSet(queryset=base)
    return tab, filterset, qs.order_by("-created_at")


@login_required
def worklist(request):
    tab, filterset, qs = worklist_cases(request.user, request.GET)
    qs = qs.select_related("region", "category", "item", "department", "center")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "web/worklist.html", {
        "filter": filterset,
        "page": page,
        "tab": tab,
        "params": params.urlencode(),
        "now": timezone.now(),
        "todo_count": awaiting(request.user).count(),
        "led_count": visible_cases(request.user).filter(Q(leader=request.user) | Q(task_force=request.user)).distinct().count(),
        "can_export_full": may_ask_unmasked(request.user),
    })


@login_required
def staff_new(request):
    if not request.user.has_role(Role.CLERK, Role.DISPATCHER, Role.LEADER, Role.GRID_WORKER, Role.MEDIATOR):
        messages.error(request, _("您的岗位不能登记案件。"))
        return redirect("worklist")
    return _intake_page(request, StaffIntakeForm, Channel.WINDOW, "web/staff_new.html")


def _case_for(request, code) -> Case:
    qs = visible_cases(request.user).select_related(
        "region", "category", "item", "center", "origin_center", "department", "leader"
    ).prefetch_related("parties", "attachments", "helper_departments", "mediations")
    case = qs.filter(tracking_code=normalize_tracking_code(code)).first()
    if case is None:
        raise Http404(_("案件不存在，或不在您的管辖范围内。"))
    return case


@login_required
def case_detail(request, code, errors=None, status=200):
    case = _case_for(request, code)
    actions = allowed_actions(request.user, case)
    events = case.events.select_related("actor").order_by("created_at", "id")
    return render(request, "web/case_detail.html", {
        "case": case,
        "parties": [_party_view(p) for p in case.parties.all()],
        "can_unmask": privacy.may_unmask(request.user, case),
        "events": timeline(events),
        "clocks": clock_rows(case, timezone.now()),
        "sheets": case.sheets.all(),
        "actions": actions,
        "errors": errors or {},
        "other_errors": [m for name, msgs in (errors or {}).items() if name not in {a.name for a in actions} for m in msgs],
        "options": _action_options(case, {a.name for a in actions}),
        "now": timezone.now(),
    }, status=status)


def _party_view(party):
    return {
        "party": party,
        "name": party.name,
        "phone": privacy.masked(party, "phone"),
        "id_number": privacy.masked(party, "id_number"),
    }


def _action_options(case: Case, names: set[str]) -> dict:
    options: dict = {}
    if "classify" in names:
        options["categories"] = Category.objects.filter(active=True).prefetch_related(
            Prefetch("items", queryset=Item.objects.filter(active=True))
        )
    if names & {"classify", "set_risk"}:
        options["risk_grades"] = RiskGrade.choices
    if names & {"dispatch", "transfer", "set_helpers"}:
        holder = case.origin_center if case.status in (Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS) and case.origin_center_id else case.center
        chain = list(holder.ancestors())
        departments = Department.objects.filter(active=True).select_related("type", "region")
        options["departments"] = [d for d in departments if any(d.region_id == r.pk for r in chain) or d.region.is_within(holder)]
        options["centers"] = [
            r for r in case.region.ancestors() if r.has_center and r.is_within(holder) and r.pk != holder.pk
        ]
        if case.item_id:  # the routing rule's answer for the item the case holds now
            routed = route(case.item, case)
            options["suggested"] = next((d for d in options["departments"] if d == routed.department), None)
            options["suggested_center"] = next((r for r in options["centers"] if r == routed.center), None)
            options["route_reason"] = routed.reason
    if "assign_leader" in names:
        paths = [r.pk for r in case.region.ancestors()]
        options["leaders"] = Membership.objects.filter(role=Role.LEADER, region_id__in=paths).select_related("user", "region")
    if "set_task_force" in names:
        options["task_force"] = task_force_candidates(case).select_related("user", "region").order_by("region__path", "role")
        options["task_force_now"] = set(case.task_force.values_list("pk", flat=True))
    if "record_mediation" in names:
        options["methods"] = MediationMethod.choices
        options["outcomes"] = MediationOutcome.choices
    if "close_unresolved" in names:
        options["guidance"] = Guidance.choices
    return options


@login_required
@require_POST
def case_act(request, code, action):
    case = _case_for(request, code)
    data = request.POST.dict() | {"helpers": request.POST.getlist("helpers"), "members": request.POST.getlist("members")}
    try:
        perform(case, action, request.user, data=data, reason=request.POST.get("reason", ""),
                expected_version=request.POST.get("version") or None)
    except ValidationError as exc:
        return case_detail(request, code, errors={action: exc.messages}, status=400)
    except ActionError as exc:
        return case_detail(request, code, errors={action: [exc.message]}, status=exc.http_status)
    label = ACTIONS[action].label
    messages.success(request, _("已完成：%(action)s。") % {"action": label})
    return redirect("case_detail", code=case.tracking_code)


@login_required
@require_POST
def case_reveal(request, code):
    case = _case_for(request, code)
    party = case.parties.filter(pk=request.POST.get("party") or 0).first()
    if party is None:
        raise Http404
    try:
        value = privacy.reveal(request.user, case, party, request.POST.get("field", ""), request.POST.get("reason", ""))
    except PermissionError as exc:
        return HttpResponse(str(exc), status=403)
    except ValueError as exc:
        return HttpResponse(str(exc), status=400)
    return HttpResponse(value, content_type="text/plain; charset=utf-8")


def attachment(request, code, pk):
    """Photos are personal: staff in scope, or the resident who proved the tracking code."""
    case = Case.objects.filter(tracking_code=normalize_tracking_code(code)).first()
    if case is None:
        raise Http404
    allowed = case.pk in request.session.get(TRACKED, []) or visible_cases(request.user).filter(pk=case.pk).exists()
    if not allowed:
        raise Http404
    att = get_object_or_404(case.attachments, pk=pk)
    return FileResponse(att.file.open("rb"), content_type=att.content_type or "application/octet-stream")


@login_required
def notifications(request):
    """The latest notices, unread ones marked (seeing them marks them read), and the user's
    choice of channels per kind of notice (POST saves it)."""
    from jiefen.notify.forms import ContactForm

    contact = ContactForm(instance=request.user)
    if request.method == "POST" and request.POST.get("form") == "contact":
        contact = ContactForm(request.POST, instance=request.user)
        if contact.is_valid():
            contact.save()
            messages.success(request, _("联系方式已保存。"))
            return redirect("notifications")
    elif request.method == "POST":
        notify_services.save_preferences(request.user, request.POST)
        messages.success(request, _("提醒接收方式已保存。"))
        return redirect("notifications")
    rows = list(Notification.objects.filter(user=request.user).select_related("case")
                .prefetch_related("deliveries")[:100])  # read before they are marked read
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "web/notifications.html", {
        "rows": rows,
        "preferences": notify_services.preference_table(request.user),
        "addresses": notify_services.channel_addresses(request.user),
        "contact": contact,
    }, status=400 if contact.errors else 200)


def healthz(request):
    Case.objects.exists()
    return HttpResponse("ok", content_type="text/plain")

