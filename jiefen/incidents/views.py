"""Pages of the incidents app: the clerk's decision on a suggestion (from the case page) and
the list of group warnings (群体性预警)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiefen.cases.scope import can_see, visible_cases
from jiefen.cases.services import ActionError

from .bursts import close_warning, may_close, totals, warnings_for
from .models import Suggestion, WarningStatus
from .services import IncidentError, confirm, reject

DECISIONS = {"confirm": confirm, "reject": reject}


def _refused(request, message: str, status: int, back: str):
    return render(request, "incidents/refused.html", {"message": message, "back": back}, status=status)


@login_required
@require_POST
def decide(request, pk: int, decision: str):
    s = Suggestion.objects.select_related("case", "other").filter(pk=pk).first()
    if s is None or decision not in DECISIONS or not can_see(request.user, s.case):
        raise Http404(_("该提示不存在，或不在您的管辖范围内。"))
    back = s.other if request.POST.get("from") == s.other.tracking_code else s.case
    back_url = reverse("case_detail", args=[back.tracking_code])
    try:
        DECISIONS[decision](s, request.user, request.POST.get("note", ""))
    except (IncidentError, ActionError) as exc:
        return _refused(request, exc.message, exc.http_status, back_url)
    except ValidationError as exc:
        return _refused(request, " ".join(exc.messages), 400, back_url)
    if decision == "reject":
        messages.success(request, _("已排除：不是%(what)s。") % {"what": s.get_kind_display()})
    elif s.kind == "repeat":
        messages.success(request, _("已确认为重复件并入案件 %(code)s。") % {"code": s.other.display_code})
    else:
        messages.success(request, _("已确认为同一事件，两案已并入同一事件组。"))
    return redirect(back_url)


@login_required
def warning_list(request):
    tab = "closed" if request.GET.get("tab") == "closed" else "open"
    qs = warnings_for(request.user).filter(status=WarningStatus.CLOSED if tab == "closed" else WarningStatus.OPEN)
    qs = qs.select_related("rule", "region", "closed_by").order_by("-last_case_at", "-id")
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    visible = visible_cases(request.user)
    rows = []
    for w in page:
        cases = list(visible.filter(pk__in=w.links.values("case_id")).select_related("region").order_by("created_at"))
        rows.append({"warning": w, "cases": cases, "count": w.links.count(), "totals": totals(w),
                     "may_close": w.status == WarningStatus.OPEN and may_close(request.user, w)})
    return render(request, "incidents/warnings.html", {
        "page": page, "rows": rows, "tab": tab,
        "open_count": warnings_for(request.user).filter(status=WarningStatus.OPEN).count(),
    })


@login_required
@require_POST
def warning_close(request, pk: int):
    w = warnings_for(request.user).filter(pk=pk).first()
    if w is None:
        raise Http404(_("该预警不存在，或不在您的管辖范围内。"))
    try:
        close_warning(w, request.user, request.POST.get("note", ""))
    except IncidentError as exc:
        return _refused(request, exc.message, exc.http_status, "/incidents/warnings/")
    messages.success(request, _("已解除群体性预警。"))
    return redirect("incidents:warnings")

