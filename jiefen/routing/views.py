"""The manual-classification queue (待人工分类) for center staff."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from .models import RoutingPolicy
from .services import manual_queue, may_classify_somewhere


@login_required
def queue(request):
    if not may_classify_somewhere(request.user):
        raise PermissionDenied(_("只有综治中心的受理、调度人员可以查看人工分类队列。"))
    cases = manual_queue(request.user)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(request, "routing/queue.html", {
        "page": page, "total": page.paginator.count, "threshold": round(RoutingPolicy.current().confidence_threshold * 100),
    })
