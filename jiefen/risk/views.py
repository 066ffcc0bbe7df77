"""Pages of the register: the list, a person's page, the review of proposals, and the grid
worker's visits (我的重点人员走访) with the visit form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiefen.cases.scope import visible_cases
from jiefen.regions.models import Level as RegionLevel
from jiefen.regions.models import Region

from . import services
from .forms import VisitForm
from .models import Level, PersonStatus, RiskPerson
from .services import RiskError


def _regions(user):
    """The streets, communities and grids a user may filter by (within their posts)."""
    qs = Region.objects.filter(level__gte=RegionLevel.STREET)
    if not user.is_superuser:
        qs = qs.filter(services._under(services._paths(user), "path"))
    return qs.order_by("path")


@login_required
def register(request):
    qs = services.register_for(request.user).select_related("region", "grid_worker")
    level, status, region_id = request.GET.get("level", ""), request.GET.get("status", ""), request.GET.get("region", "")
    q = request.GET.get("q", "").strip()
    if level in Level.values:
        qs = qs.filter(level=level)
    if status in PersonStatus.values:
        qs = qs.filter(status=status)
    regions = _regions(request.user)
    region = regions.filter(pk=region_id).first() if region_id.isdigit() else None
    if region is not None:
        qs = qs.filter(region_path__startswith=region.path)
    if q:
        qs = qs.filter(name__contains=q[:50])
    page = Paginator(qs.order_by("-updated_at", "-id"), 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "risk/register.html", {
        "page": page, "levels": Level.choices, "statuses": PersonStatus.choices, "regions": regions,
        "level": level, "status": status, "region": region, "q": q, "query": query.urlencode(),
        "proposals": services.proposals_for(request.user).count() if services.is_reviewer(request.user) else 0,
    })


def _person(request, pk: int) -> RiskPerson:
    person = services.register_for(request.user).select_related("region", "grid_worker").filter(pk=pk).first()
    if person is None:
        raise Http404(_("重点人员不存在，或不在您的辖区内。"))
    return person


@login_required
def person_detail(request, pk: int, error: str = "", status: int = 200):
    person = _person(request, pk)
    cases = visible_cases(request.user).filter(pk__in=person.cases.values("pk")).select_related("item", "region")
    hidden = person.cases.count() - cases.count()
    return render(request, "risk/person.html", {
        "person": person, "cases": cases, "hidden_cases": hidden,
        "visits": person.visits.select_related("done_by").order_by("-due_date", "-id"),
        "records": services.records_for(person.name, person.id_number, person.phone),
        "history": person.history.select_related("case"),
        "may_review": services.may_review(request.user, person),
        "workers": services.grid_workers_for(person) if services.may_review(request.user, person) else [],
        "my_visits": set(services.visits_for(request.user).filter(person=person).values_list("pk", flat=True)),
        "levels": Level.choices, "error": error, "today": timezone.localdate(),
        "phone": services.masked_phone(person.phone), "id_number": services.masked_id(person.id_number),
    }, status=status)


def _act(request, pk: int, action, success: str, *, back: str = "person"):
    person = _person(request, pk)
    try:
        action(person)
    except RiskError as exc:
        if back == "review":
            messages.error(request, exc.message)
            return redirect("risk:review")
        return person_detail(request, pk, error=exc.message, status=exc.http_status)
    messages.success(request, success % {"name": person.name})
    return redirect("risk:review") if back == "review" else redirect("risk:person", pk=pk)


@login_required
@require_POST
def accept(request, pk: int):
    return _act(request, pk, lambda p: services.accept(
        p, request.user, grid_worker_id=request.POST.get("grid_worker"), level=request.POST.get("level") or None,
        note=request.POST.get("note", "")), _("已将%(name)s列为重点人员，并安排了首次走访。"),
        back=request.POST.get("back", "person"))


@login_required
@require_POST
def reject(request, pk: int):
    return _act(request, pk, lambda p: services.reject(p, request.user, reason=request.POST.get("reason", "")),
                _("已决定不将%(name)s列入。"), back=request.POST.get("back", "person"))


@login_required
@require_POST
def change(request, pk: int):
    return _act(request, pk, lambda p: services.change(
        p, request.user, level=request.POST.get("level"), grid_worker_id=request.POST.get("grid_worker"),
        reason=request.POST.get("reason", ""), household=request.POST.get("household")),
        _("已保存对%(name)s的调整。"))


@login_required
@require_POST
def close(request, pk: int):
    return _act(request, pk, lambda p: services.close(p, request.user, reason=request.POST.get("reason", "")),
                _("%(name)s已销号。"))


@login_required
def review(request):
    if not services.is_reviewer(request.user):
        raise Http404(_("只有中心的受理、调度、负责人岗位可以审核重点人员。"))
    qs = services.proposals_for(request.user).select_related("region").prefetch_related("cases").order_by("created_at", "id")
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    for person in page:
        person.workers = services.grid_workers_for(person)
        person.masked_phone = services.masked_phone(person.phone)
        person.visible_cases = list(visible_cases(request.user).filter(pk__in=person.cases.values("pk")))
    return render(request, "risk/review.html", {"page": page, "levels": Level.choices})


@login_required
def my_visits(request):
    qs = services.visits_for(request.user).filter(done_at__isnull=True, cancelled_at__isnull=True)
    qs = qs.select_related("person", "person__region").order_by("due_date", "id")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    for visit in page:
        visit.masked_phone = services.masked_phone(visit.person.phone)
    return render(request, "risk/visits.html", {"page": page, "today": timezone.localdate()})


@login_required
def visit(request, pk: int):
    visit = services.visits_for(request.user).select_related("person", "person__region").filter(pk=pk).first()
    if visit is None:
        raise Http404(_("走访任务不存在，或不归您负责。"))
    status, error = 200, ""
    if request.method == "POST" and visit.is_pending:
        form = VisitForm(request.POST)
        if form.is_valid():
            try:
                services.record_visit(visit, request.user, met=form.cleaned_data["met"],
                                      findings=form.cleaned_data["findings"],
                                      level_after=form.cleaned_data["level_after"])
            except RiskError as exc:
                error, status = exc.message, exc.http_status
            else:
                messages.success(request, _("已记录对%(name)s的走访，下次走访已安排。") % {"name": visit.person.name})
                return redirect("risk:visits")
        else:
            status = 400
        visit.refresh_from_db()
    else:
        form = VisitForm(initial={"level_after": visit.person.level})
    person = visit.person
    return render(request, "risk/visit.html", {
        "visit": visit, "person": person, "form": form, "error": error, "today": timezone.localdate(),
        "phone": services.masked_phone(person.phone),
        "last": person.visits.filter(done_at__isnull=False).order_by("-done_at").first(),
    }, status=status)
