"""Pages for follow-up visits: the visitor's task list (我的回访) and one visit's form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.cases.services import ActionError

from .forms import VisitForm
from .models import FollowUp
from .services import FollowUpError, follow_ups_for, record_visit


@login_required
def follow_up_list(request):
    tab = request.GET.get("tab", "todo")
    qs = follow_ups_for(request.user).select_related("case", "case__region", "case__item")
    if tab == "done":
        qs = qs.filter(done_at__isnull=False).order_by("-done_at", "-id")
    else:
        tab = "todo"
        qs = qs.pending().order_by("due_date", "id")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "followup/list.html", {
        "page": page, "tab": tab, "today": timezone.localdate(),
        "todo_count": follow_ups_for(request.user).pending().count(),
    })


def _follow_up_for(request, pk: int) -> FollowUp:
    fu = follow_ups_for(request.user).select_related("case", "case__region", "case__item", "done_by").filter(pk=pk).first()
    if fu is None:
        raise Http404(_("回访任务不存在，或不归您负责。"))
    return fu


@login_required
def follow_up_visit(request, pk: int):
    fu = _follow_up_for(request, pk)
    status, error = 200, ""
    if request.method == "POST" and fu.is_pending:
        form = VisitForm(request.POST)
        if form.is_valid():
            try:
                record_visit(fu, request.user, form.cleaned_data)
            except ValidationError as exc:
                error, status = " ".join(exc.messages), 400
            except (ActionError, FollowUpError) as exc:
                error, status = exc.message, getattr(exc, "http_status", 400)
            else:
                if form.cleaned_data["reopen"]:
                    messages.success(request, _("已记录回访，并代诉求人申请重新办理：案件已退回中心重新派单。"))
                else:
                    messages.success(request, _("已记录回访。"))
                return redirect("follow_up_list")
        else:
            status = 400
        fu.refresh_from_db()
    else:
        form = VisitForm()
    return render(request, "followup/visit.html", {
        "fu": fu, "case": fu.case, "form": form, "error": error, "today": timezone.localdate(),
    }, status=status)
