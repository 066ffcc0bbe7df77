"""Pages of the typical-case library: the library with search, a case's page, the editor,
the review queue, proposing from a closed case, and the public pages for residents."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jiefen.cases.scope import visible_cases
from jiefen.taxonomy.models import Category

from . import services
from .models import TypicalCase, TypicalStatus
from .services import KnowledgeError

SEARCHED = ("title", "tags", "background", "dispute", "mediation", "result", "lessons")


def _search(qs, request):
    q = request.GET.get("q", "").strip()[:50]
    category_id = request.GET.get("category", "")
    category = Category.objects.filter(pk=category_id).first() if category_id.isdigit() else None
    if category is not None:
        qs = qs.filter(category=category)
    for word in q.split()[:5]:
        cond = Q()
        for field in SEARCHED:
            cond |= Q(**{f"{field}__icontains": word})
        qs = qs.filter(cond)
    query = request.GET.copy()
    query.pop("page", None)
    return qs, {"q": q, "category": category, "categories": Category.objects.filter(active=True).order_by("code"),
                "query": query.urlencode()}


def _staff_only(request):
    if not services.is_staff(request.user):
        raise Http404(_("页面不存在。"))


@login_required
def library(request):
    _staff_only(request)
    qs, context = _search(services.published(), request)
    mine = services.library_for(request.user).filter(
        author=request.user, status__in=[TypicalStatus.DRAFT, TypicalStatus.REVIEW])
    return render(request, "knowledge/library.html", context | {
        "page": Paginator(qs.order_by("-published_at", "-id"), 20).get_page(request.GET.get("page")),
        "mine": mine, "queue": services.review_queue(request.user).count(),
    })


def _typical(request, pk: int) -> TypicalCase:
    typical = services.library_for(request.user).filter(pk=pk).first()
    if typical is None:
        raise Http404(_("典型案例不存在，或您无权查看。"))
    return typical


@login_required
def detail(request, pk: int, error: str = "", status: int = 200):
    typical = _typical(request, pk)
    source = None
    if typical.source_case_id:
        source = visible_cases(request.user).filter(pk=typical.source_case_id).first()
    return render(request, "knowledge/detail.html", {
        "t": typical, "source": source, "error": error,
        "may_edit": services.may_edit(request.user, typical),
        "may_review": services.may_review(request.user, typical) and typical.author_id != request.user.pk,
        "may_withdraw": services.may_review(request.user, typical) and typical.status == TypicalStatus.PUBLISHED,
        "is_author": typical.author_id == request.user.pk,
    }, status=status)


@login_required
def edit(request, pk: int):
    typical = _typical(request, pk)
    if not services.may_edit(request.user, typical):
        return detail(request, pk, error=_("此案例当前不能由您修改。"), status=403)
    error, status = "", 200
    if request.method == "POST":
        try:
            services.edit(typical, request.user, request.POST)
            if request.POST.get("then") == "submit":
                services.submit(typical, request.user)
                messages.success(request, _("已提交审核。"))
                return redirect("knowledge:detail", pk=pk)
        except KnowledgeError as exc:
            error, status = exc.message, exc.http_status
        else:
            messages.success(request, _("已保存。"))
            return redirect("knowledge:edit", pk=pk)
    return render(request, "knowledge/edit.html", {
        "t": typical, "error": error, "leftovers": services.leftovers(typical),
    }, status=status)


@login_required
@require_POST
def propose(request, code: str):
    case = visible_cases(request.user).filter(tracking_code=code).first()
    if case is None:
        raise Http404(_("案件不存在，或不在您的辖区内。"))
    try:
        typical = services.propose(case, request.user)
    except KnowledgeError as exc:
        messages.error(request, exc.message)
        return redirect("case_detail", code=case.tracking_code)
    messages.success(request, _("已根据案件生成典型案例草稿，当事人信息已自动隐去，请核对修改后提交审核。"))
    return redirect("knowledge:edit", pk=typical.pk)


ACTIONS = {
    "submit": (lambda t, u, r: services.submit(t, u), gettext_lazy("已提交审核。")),
    "publish": (lambda t, u, r: services.publish(t, u), gettext_lazy("已发布，并已推送给辖区调解员。")),
    "return": (lambda t, u, r: services.send_back(t, u, r), gettext_lazy("已退回修改。")),
    "withdraw": (lambda t, u, r: services.withdraw(t, u, r), gettext_lazy("已撤回。")),
}


@login_required
@require_POST
def act(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404(_("页面不存在。"))
    typical = _typical(request, pk)
    do, done = ACTIONS[action]
    try:
        do(typical, request.user, request.POST.get("reason", ""))
    except KnowledgeError as exc:
        return detail(request, pk, error=exc.message, status=exc.http_status)
    messages.success(request, str(done))
    if action in ("publish", "return") and services.review_queue(request.user).exists():
        return redirect("knowledge:review")
    return redirect("knowledge:detail", pk=pk)


@login_required
def review(request):
    if not services.is_reviewer(request.user):
        raise Http404(_("页面不存在。"))
    queue = services.review_queue(request.user).order_by("updated_at", "id")
    return render(request, "knowledge/review.html", {"queue": queue})


def public_list(request):
    qs, context = _search(services.published(), request)
    return render(request, "knowledge/public_list.html", context | {
        "page": Paginator(qs.order_by("-published_at", "-id"), 20).get_page(request.GET.get("page")),
    })


def public_detail(request, pk: int):
    typical = services.published().filter(pk=pk).first()
    if typical is None:
        raise Http404(_("典型案例不存在或已撤回。"))
    return render(request, "knowledge/public_detail.html", {"t": typical})


def guide(request):
    """智能咨询: the resident describes the problem and sees the kind of dispute, the rules, like
    cases and the doors, before choosing to file; what they typed goes on into the report form."""
    from . import guide as guidance

    text, result, error = request.session.get(guidance.SESSION_KEY, ""), None, ""
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            result = guidance.guide(text)
        except ValueError as exc:
            error = str(exc)
        else:
            request.session[guidance.SESSION_KEY] = result.text
    return render(request, "knowledge/guide.html", {"text": text, "g": result, "error": error},
                  status=400 if error else 200)
