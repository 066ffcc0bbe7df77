"""The grid worker's phone pages: 我的任务, 巡查上报, 代办登记 and 我代办的."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from jiefen.cases import privacy
from jiefen.cases.services import ActionError
from jiefen.intake.services import field_messages
from jiefen.taxonomy.models import Category

from . import services
from .forms import FieldReportForm


def _worker(request):
    if not services.is_grid_worker(request.user):
        raise PermissionDenied(_("只有网格员可以使用网格工作页面。"))
    return request.user


@login_required
def tasks(request):
    user = _worker(request)
    here = services.parse_point(request.GET.get("lat"), request.GET.get("lon"))
    return render(request, "field/tasks.html", {
        "tasks": services.tasks_for(user, here), "here": here,
        "posts": services.grid_posts(user),
    })


@login_required
def report(request):
    return _report_page(request, proxy=False)


@login_required
def proxy_new(request):
    return _report_page(request, proxy=True)


def _report_page(request, *, proxy: bool):
    user = _worker(request)
    kwargs = {"worker": user, "proxy": proxy}
    status = 200
    if request.method == "POST":
        form = FieldReportForm(request.POST, request.FILES, **kwargs)
        key = request.POST.get("submission_key", "")
        if form.is_valid():
            try:
                case = services.file_report(user, request.POST, request.FILES, key=key, proxy=proxy)
            except ValidationError as exc:
                for field, message in field_messages(exc):
                    form.add_error(field if field in form.fields else None, message)
            except ActionError as exc:  # the on-the-spot step refused: nothing was filed
                form.add_error(None, exc.message)
            else:
                if not case.created:
                    messages.info(request, _("该上报此前已经提交成功（查询码 %(code)s），未重复登记。") % {"code": case.display_code})
                elif case.status == "closed":
                    messages.success(request, _("已就地化解并办结，查询码 %(code)s。") % {"code": case.display_code})
                elif proxy:
                    messages.success(request, _("已代群众登记，查询码 %(code)s，请告知群众凭查询码和手机号查询进度。")
                                     % {"code": case.display_code})
                else:
                    messages.success(request, _("已上报，查询码 %(code)s。") % {"code": case.display_code})
                if request.headers.get("X-Field-Send"):  # the page's own send: it goes there itself
                    return JsonResponse({"url": reverse("case_detail", args=[case.tracking_code])})
                return redirect("case_detail", code=case.tracking_code)
        status = 400
    else:
        posts = services.grid_posts(user)
        form = FieldReportForm(initial={"region": posts[0].pk, "mediators": str(user)}, **kwargs)
    return render(request, "field/report.html", {
        "form": form, "proxy": proxy,
        "categories": _categories(form), "chosen_item": str(form["item"].value() or ""),
        "submission_key": request.POST.get("submission_key") or secrets.token_urlsafe(16),
    }, status=status)


def _categories(form) -> list[tuple[Category, list]]:
    """The item buttons grouped under their category's quick button."""
    groups: dict = {}
    for item in form.fields["item"].queryset.order_by("category__code", "code"):
        groups.setdefault(item.category, []).append(item)
    return list(groups.items())


@login_required
def proxy_list(request):
    user = _worker(request)
    page = Paginator(services.proxy_filings(user), 30).get_page(request.GET.get("page"))
    for filing in page:
        person = filing.case.complainant
        filing.person = person.name if person else ""
        filing.phone = privacy.masked(person, "phone") if person else ""
    return render(request, "field/proxy_list.html", {"page": page})
