"""Pages: the staff directory and the organisations, the public list, the mediator's orders
(点单待确认), and the posts behind the cards on the case page and the resident's tracking page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiefen.cases.scope import visible_cases
from jiefen.cases.workflow import Resident
from jiefen.regions.models import Level, Region
from jiefen.taxonomy.models import Category
from jiefen.web.views import _case_for, _tracked_case, case_detail

from . import services
from .models import Mediator, MediatorKind, MediatorOrder, OrderStatus
from .services import MediatorError

PAGE = 20


def _filtered(request, qs):
    """Apply the directory filters (specialty, region, kind, name) from the query string."""
    f = {k: request.GET.get(k, "").strip() for k in ("specialty", "region", "kind", "q")}
    if f["specialty"].isdigit():
        qs = qs.filter(specialties__id=int(f["specialty"]))
    region = Region.objects.filter(pk=int(f["region"])).first() if f["region"].isdigit() else None
    if region is not None:  # serving this place: its mediators, and those of the regions above it
        ancestors = [region.path[:i] for i in range(5, len(region.path) + 1, 5)]
        qs = qs.filter(Q(region_path__startswith=region.path) | Q(region_path__in=ancestors))
    if f["kind"] in MediatorKind.values:
        qs = qs.filter(kind=f["kind"])
    if f["q"]:
        qs = qs.filter(Q(name__contains=f["q"][:30]) | Q(organisation__name__contains=f["q"][:30]))
    query = request.GET.copy()
    query.pop("page", None)
    return qs.distinct(), f, region, query.urlencode()


def _list_context(request, qs, regions):
    qs, f, region, query = _filtered(request, qs)
    qs = services.with_figures(qs).select_related("organisation", "region", "user").prefetch_related("specialties")
    page = Paginator(qs.order_by("region_path", "name", "id"), PAGE).get_page(request.GET.get("page"))
    results = services.results_for(page.object_list)
    for m in page.object_list:
        m.results = results[m.pk]
    return {
        "page": page, "f": f, "region": region, "query": query, "regions": regions,
        "kinds": MediatorKind.choices, "specialties": Category.objects.filter(active=True),
    }


@login_required
def directory(request):
    qs = services.directory_for(request.user)
    regions = Region.objects.filter(pk__in=qs.values("region_id")).order_by("path")
    return render(request, "mediators/directory.html", _list_context(request, qs, regions) | {
        "waiting": services.waiting_count(request.user)})


@login_required
def organisations(request):
    qs = services.organisations_for(request.user).select_related("region").annotate(
        n=Count("mediators", filter=Q(mediators__active=True), distinct=True)).order_by("region__path", "name")
    return render(request, "mediators/organisations.html", {"organisations": qs})


def public_list(request):
    regions = Region.objects.filter(level__lte=Level.STREET, level__gte=Level.COUNTY).order_by("path")
    return render(request, "mediators/public_list.html", _list_context(request, services.public_mediators(), regions))


def photo(request, pk: int):
    """A mediator's photo: public mediators' for everyone, the others' for staff who may look them up."""
    mediator = Mediator.objects.filter(pk=pk).exclude(photo="").first()
    if mediator is None or not (
        (mediator.public and mediator.active) or services.directory_for(request.user).filter(pk=pk).exists()
    ):
        raise Http404
    return FileResponse(mediator.photo.open("rb"))


# ---------------------------------------------------------------- the mediator's orders


@login_required
def orders(request):
    qs = list(services.inbox(request.user).select_related("case", "case__region", "case__category", "mediator"))
    # a profile set to a region outside the account's posts: the order shows, the case does not
    visible = set(visible_cases(request.user).filter(pk__in=[o.case_id for o in qs]).values_list("pk", flat=True))
    for o in qs:
        o.visible = o.case_id in visible
    waiting = [o for o in qs if o.status == OrderStatus.REQUESTED]
    current = [o for o in qs if o.status == OrderStatus.ACCEPTED]
    past = [o for o in qs if not o.is_open][:50]
    return render(request, "mediators/orders.html", {
        "waiting": waiting, "current": current, "past": past,
        "is_mediator": Mediator.objects.filter(user=request.user).exists(),
    })


@login_required
@require_POST
def answer(request, pk: int, decision: str):
    order = MediatorOrder.objects.select_related("mediator", "case").filter(pk=pk).first()
    if order is None or decision not in ("accept", "decline") or not services.may_answer(request.user, order):
        raise Http404(_("点单不存在，或不是发给您的。"))
    try:
        services.answer(order, request.user, accept=decision == "accept", reason=request.POST.get("reason", ""))
    except MediatorError as exc:
        if request.POST.get("back") == "case":
            return case_detail(request, order.case.tracking_code, errors={"mediator": [exc.message]},
                               status=exc.http_status)
        return _refused(request, exc, "mediators:orders")
    if decision == "accept":
        messages.success(request, _("已接单：案件 %(code)s。") % {"code": order.case.display_code})
    else:
        messages.success(request, _("已婉拒案件 %(code)s 的点单。") % {"code": order.case.display_code})
    if request.POST.get("back") == "case":
        return redirect("case_detail", code=order.case.tracking_code)
    return redirect("mediators:orders")


def _refused(request, exc: MediatorError, back: str, *args):
    return render(request, "mediators/refused.html", {"message": exc.message, "back": reverse(back, args=args)},
                  status=exc.http_status)


# ---------------------------------------------------------------- staff, on the case page


@login_required
@require_POST
def case_order(request, code):
    case = _case_for(request, code)
    try:
        order = services.place_order(case, request.POST.get("mediator"), request.user,
                                     reason=request.POST.get("reason", ""))
    except MediatorError as exc:
        return case_detail(request, code, errors={"mediator": [exc.message]}, status=exc.http_status)
    messages.success(request, _("已为群众点选调解员%(name)s，待其确认。") % {"name": order.mediator.name})
    return redirect("case_detail", code=case.tracking_code)


@login_required
@require_POST
def case_cancel(request, code):
    case = _case_for(request, code)
    order = services.open_order(case)
    try:
        if order is None:
            raise MediatorError(_("本案没有进行中的点单。"), 409)
        services.cancel(order, request.user, reason=request.POST.get("reason", ""))
    except MediatorError as exc:
        return case_detail(request, code, errors={"mediator": [exc.message]}, status=exc.http_status)
    messages.success(request, _("已取消点单。"))
    return redirect("case_detail", code=case.tracking_code)


# ---------------------------------------------------------------- the resident, on the tracking page


def choose(request, code):
    """The resident picks a mediator from the public list for their case."""
    case = _tracked_case(request, code)
    if case is None:
        return redirect("track")
    error, status = "", 200
    if request.method == "POST":
        try:
            order = services.place_order(case, request.POST.get("mediator"), Resident(case.pk),
                                         reason=request.POST.get("reason", ""))
        except MediatorError as exc:
            error, status = exc.message, exc.http_status
        else:
            messages.success(request, _("已点选调解员%(name)s，调解员确认后我们会安排调解。") % {
                "name": order.mediator.name})
            return redirect("track_case", code=case.tracking_code)
    mediators = list(services.candidates(case, staff=False))
    results = services.results_for(mediators)
    for m in mediators:
        m.results = results[m.pk]
        m.full = m.open_orders >= m.max_open_orders
    return render(request, "mediators/choose.html", {
        "case": case, "mediators": mediators, "error": error, "open_order": services.open_order(case),
        "orderable": services.orderable(case), "chosen": request.POST.get("mediator", ""),
        "reason": request.POST.get("reason", ""),
    }, status=status)


@require_POST
def track_cancel(request, code):
    case = _tracked_case(request, code)
    if case is None:
        return redirect("track")
    order = services.open_order(case)
    try:
        if order is None:
            raise MediatorError(_("本案没有进行中的点单。"), 409)
        services.cancel(order, Resident(case.pk), reason=request.POST.get("reason", ""))
    except MediatorError as exc:
        return _refused(request, exc, "track_case", case.tracking_code)
    messages.success(request, _("已取消点单，您可以重新点选调解员。"))
    return redirect("track_case", code=case.tracking_code)


@require_POST
def track_rate(request, code):
    case = _tracked_case(request, code)
    if case is None:
        return redirect("track")
    order = case.mediator_orders.filter(pk=request.POST.get("order") or 0).select_related("mediator").first() \
        if str(request.POST.get("order", "")).isdigit() else None
    try:
        if order is None:
            raise MediatorError(_("没有找到要评价的点单。"), 404)
        services.rate(order, Resident(case.pk), score=request.POST.get("score"),
                      comment=request.POST.get("comment", ""))
    except MediatorError as exc:
        return _refused(request, exc, "track_case", case.tracking_code)
    messages.success(request, _("感谢您对调解员%(name)s的评价。") % {"name": order.mediator.name})
    return redirect("track_case", code=case.tracking_code)
