"""Pages of community orders: the list, the hall (抢单大厅), posting, one order with its steps
and actions, the photos, and the ranking with its Excel export. Rules live in services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiefen.taxonomy.models import Category

from . import services
from .models import OrderStatus, OrderStep, Period
from .services import PointsError

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE = 20


def _order_for(request, pk: int):
    """The order if the user may see it, else 404 (an order outside one's area does not exist)."""
    order = services.visible_orders(request.user).filter(pk=pk).first()
    if order is None:
        raise Http404(_("需求单不存在，或不在您的辖区内。"))
    return order


def _tabs(user) -> dict:
    return {"communities": services.communities_of(user), "departments": services.departments_of(user)}


def _refused(request, message: str, status: int):
    return render(request, "points/refused.html", {"message": message}, status=status)


@login_required
def orders(request):
    qs = services.visible_orders(request.user)
    status = request.GET.get("status", "")
    if status not in services.STATUS_FILTERS:
        status = ""
    if status:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-posted_at", "-id"), PAGE).get_page(request.GET.get("page"))
    return render(request, "points/orders.html", {
        "page": page, "status": status, "filters": services.STATUS_FILTERS, **_tabs(request.user),
        "counts": services.waiting_counts(request.user),
    })


@login_required
def hall(request):
    departments = services.departments_of(request.user)
    if not departments:
        return _refused(request, _("抢单大厅只对职能部门的承办人开放。"), 403)
    mine = services.visible_orders(request.user).filter(
        department__in=departments, status__in=[OrderStatus.TAKEN, OrderStatus.COMPLETED]).order_by("deadline", "id")
    return render(request, "points/hall.html", {
        "orders": services.hall(request.user)[:200], "mine": mine, **_tabs(request.user),
    })


def _form_context(request, data=None, error="", communities=None):
    communities = communities if communities is not None else services.communities_of(request.user)
    setting = services.setting_for(communities[0]) if communities else None
    return {
        "data": data or {}, "error": error, **_tabs(request.user), "communities": communities, "setting": setting,
        "categories": Category.objects.filter(active=True),
        "min_date": timezone.localdate().isoformat(),
    }


@login_required
def new(request):
    communities = services.communities_of(request.user)
    if not communities:
        return _refused(request, _("只有社区（村）的受理员、调度员、负责人或网格员可以下单。"), 403)
    if request.method == "POST":
        try:
            order = services.post_order(request.user, request.POST, request.FILES.get("photo"))
        except PointsError as exc:
            return render(request, "points/new.html", _form_context(request, request.POST, exc.message, communities),
                          status=exc.http_status)
        messages.success(request, _("需求“%(title)s”已发布，辖区职能部门可以抢单了。") % {"title": order.title})
        return redirect("points:order", pk=order.pk)
    if not any(services.enabled_for(c) for c in communities):
        return _refused(request, _("%(name)s所在区域未开通社区下单，暂不能发布需求。如需开通，请联系区级管理员。") % {
            "name": communities[0].name}, 403)
    return render(request, "points/new.html", _form_context(request, communities=communities))


@login_required
def order_detail(request, pk: int, error: str = "", status: int = 200):
    order = _order_for(request, pk)
    user = request.user
    entries = list(services.entries_of(order))
    return render(request, "points/order.html", {
        "order": order, "steps": services.steps_of(order), "entries": entries,
        "total": sum(e.amount for e in entries),
        "error": error,
        "may_take": order.status == OrderStatus.OPEN and not order.expired and bool(
            services.taker_departments(user, order)),
        "take_departments": services.taker_departments(user, order),
        "is_taker": services.is_taker(user, order),
        "is_community": services.is_community_of(user, order),
        "rules": services.rules_for(order), **_tabs(user),
    }, status=status)


def _act(request, pk: int, do, done: str):
    order = _order_for(request, pk)
    try:
        do(order)
    except PointsError as exc:
        return order_detail(request, pk, error=exc.message, status=exc.http_status)
    messages.success(request, done % {"title": order.title})
    return redirect("points:order", pk=order.pk)


@login_required
@require_POST
def take(request, pk: int):
    return _act(request, pk, lambda o: services.take(o, request.user, request.POST.get("department")),
                _("抢单成功：“%(title)s”，请按期完成。"))


@login_required
@require_POST
def complete(request, pk: int):
    return _act(request, pk, lambda o: services.complete(o, request.user, request.POST.get("note"),
                                                         request.FILES.get("photo")),
                _("已报告完成“%(title)s”，等待社区确认。"))


@login_required
@require_POST
def confirm(request, pk: int):
    return _act(request, pk, lambda o: services.confirm(o, request.user, request.POST.get("rating"),
                                                        request.POST.get("comment")),
                _("已确认“%(title)s”并评价，积分已记入承接部门。"))


@login_required
@require_POST
def send_back(request, pk: int):
    return _act(request, pk, lambda o: services.send_back(o, request.user, request.POST.get("reason")),
                _("已退回“%(title)s”，承接部门会收到退回原因。"))


@login_required
@require_POST
def cancel(request, pk: int):
    return _act(request, pk, lambda o: services.cancel(o, request.user, request.POST.get("reason")),
                _("已撤销需求“%(title)s”。"))


@login_required
def photo(request, pk: int):
    """A step's photo, for those who may see the order."""
    step = OrderStep.objects.filter(pk=pk).exclude(photo="").first()
    if step is None or not services.may_see(request.user, step.order):
        raise Http404
    return FileResponse(step.photo.open("rb"))


def _ranking(request):
    try:
        return services.ranking(request.user, request.GET), None
    except PointsError as exc:
        return None, _refused(request, exc.message, exc.http_status)


@login_required
def ranking(request):
    result, error = _ranking(request)
    if error:
        return error
    return render(request, "points/ranking.html", {
        "r": result, "periods": Period.choices, "hints": services.PERIOD_HINTS,
        **_tabs(request.user),
    })


@login_required
def ranking_export(request):
    result, error = _ranking(request)
    if error:
        return error
    return FileResponse(services.workbook(result), as_attachment=True, filename=services.file_name(result),
                        content_type=XLSX_TYPE)
