"""The grid worker's field work: the patrol report (巡查上报) with on-the-spot resolution
(就地化解), filing on a resident's behalf (代办), and 我的任务 — the follow-up visits,
risk-register visits and open cases of the worker's grids, nearest first.

A grid worker is a user with a grid-worker post (Membership role GRID_WORKER); the post's
region (a grid, sometimes a community) and its subtree are where they report and work."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import shape

from jiefen.accounts.models import Role
from jiefen.cases.models import Case, Channel
from jiefen.cases.scope import visible_cases
from jiefen.cases.services import actor_label, note, perform
from jiefen.followup.services import follow_ups_for
from jiefen.intake.services import submit_case
from jiefen.regions.models import Region
from jiefen.risk.services import visits_for

TASK_DAYS = 7  # visits due within a week show among the tasks; overdue ones always do
PROXY_EVENT = "proxy_filing"


# ---------------------------------------------------------------- posts


def grid_posts(user) -> list[Region]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [m.region for m in user.memberships_cached() if m.role == Role.GRID_WORKER and m.region_id]


def is_grid_worker(user) -> bool:
    return bool(grid_posts(user))


def regions_under(posts: list[Region]) -> QuerySet[Region]:
    q = Q(pk__in=[])
    for post in posts:
        q |= Q(path__startswith=post.path)
    return Region.objects.filter(q).order_by("path")


def _in_posts(posts: list[Region], field: str = "region_path") -> Q:
    q = Q(pk__in=[])
    for post in posts:
        q |= Q(**{f"{field}__startswith": post.path})
    return q


# ---------------------------------------------------------------- filing


def submission_key(worker, key: str) -> str | None:
    """The form's own key, namespaced per worker (intake's idempotency keys are global)."""
    key = (key or "").strip()[:64]
    return f"field:{worker.pk}:{key}" if key else None


def file_report(worker, data, files=None, *, key: str, proxy: bool = False) -> Case:
    """File a patrol report (or, `proxy`, a resident's matter on their behalf) through the
    intake function, channel GRID; with "已就地化解" the case is resolved on the spot and closed
    in the same transaction. A resend with the same key returns the first case, unchanged.
    Raises ValidationError and writes nothing on bad input."""
    from .forms import FieldReportForm

    form_kwargs = {"worker": worker, "proxy": proxy}
    with transaction.atomic():
        case = submit_case(data, files, channel=Channel.GRID, actor=worker,
                           idempotency_key=submission_key(worker, key),
                           form_class=FieldReportForm, form_kwargs=form_kwargs)
        if not case.created:
            return case
        if proxy:
            _record_proxy(case, worker, str(data.get("proxy_reason") or "").strip()[:200])
        if not proxy and str(data.get("on_spot") or "").lower() in {"1", "on", "true", "yes"}:
            created = case.created
            case = perform(case, "resolve_on_spot", worker, reason=str(data.get("result") or ""), data={
                "mediators": str(data.get("mediators") or "").strip() or str(worker),
                "attendees": data.get("attendees") or "",
                "agreement_text": data.get("agreement_text") or "",
            })
            case.created = created
    return case


def _record_proxy(case: Case, worker, reason: str):
    from .models import ProxyFiling

    label = actor_label(worker, case)
    filing = ProxyFiling.objects.create(case=case, worker=worker, worker_label=label[:200], reason=reason)
    note(case, PROXY_EVENT, worker, reason=reason, public=True, label=label,
         data={"worker_id": worker.pk, "worker": str(worker)})
    return filing


def proxy_filings(worker) -> QuerySet:
    from .models import ProxyFiling

    return ProxyFiling.objects.filter(worker=worker, case__in=visible_cases(worker)).select_related(
        "case", "case__region").prefetch_related("case__parties")


# ---------------------------------------------------------------- places and distances


def _centroid(outline: dict) -> tuple[float, float]:
    point = shape(outline).centroid
    return point.y, point.x


def region_point(region: Region, cache: dict) -> tuple[float, float] | None:
    """(lat, lon) of the region: the centroid of its own outline or of the nearest one above it."""
    if region.pk not in cache:
        outlined = next((r for r in reversed(region.lineage) if r.outline), None)
        cache[region.pk] = _centroid(outlined.outline) if outlined is not None else None
    return cache[region.pk]


def case_point(case: Case, cache: dict) -> tuple[float, float] | None:
    if case.latitude is not None and case.longitude is not None:
        return float(case.latitude), float(case.longitude)
    return region_point(case.region, cache)


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def distance_text(metres: float | None) -> str:
    if metres is None:
        return ""
    if metres < 1000:
        return _("约%(m)d米") % {"m": max(10, round(metres / 10) * 10)}
    return _("约%(km).1f公里") % {"km": metres / 1000}


def parse_point(lat, lon) -> tuple[float, float] | None:
    try:
        point = float(Decimal(str(lat))), float(Decimal(str(lon)))
    except (ArithmeticError, ValueError, TypeError):
        return None
    if not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
        return None
    return point


# ---------------------------------------------------------------- my tasks


@dataclass
class Task:
    kind: str  # "follow_up", "risk_visit", "case"
    kind_label: str
    title: str
    place: str
    due: dt.datetime | None
    due_label: str
    overdue: bool
    url: str
    act_label: str
    point: tuple[float, float] | None
    distance: float | None = None
    extra_url: str = ""
    extra_label: str = ""

    @property
    def distance_label(self) -> str:
        return distance_text(self.distance)


def _day_end(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))


def tasks_for(user, here: tuple[float, float] | None = None, now: dt.datetime | None = None) -> list[Task]:
    """The worker's tasks: follow-up visits and risk-register visits due within TASK_DAYS (or
    overdue), and the open cases of their grids. Nearest first when `here` is known (tasks
    without a place last), else by due time."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = today + dt.timedelta(days=TASK_DAYS)
    posts = grid_posts(user)
    cache: dict = {}
    tasks: list[Task] = []
    follow_ups = follow_ups_for(user).pending().filter(due_date__lte=horizon).select_related(
        "case", "case__region")
    for f in follow_ups:
        tasks.append(Task(
            "follow_up", _("回访"), _("回访 %(code)s：%(summary)s") % {"code": f.case.display_code, "summary": f.case.summary},
            f.case.address or f.case.region.name, _day_end(f.due_date), _("应回访 %(d)s") % {"d": f.due_date.isoformat()},
            f.due_date < today, reverse("follow_up_visit", args=[f.pk]), _("记录回访"), case_point(f.case, cache),
        ))
    visits = visits_for(user).filter(done_at__isnull=True, cancelled_at__isnull=True, due_date__lte=horizon)
    for v in visits.select_related("person", "person__region"):
        person = v.person
        tasks.append(Task(
            "risk_visit", _("走访"), _("走访重点人员 %(name)s") % {"name": person.name},
            person.address or person.region.name, _day_end(v.due_date), _("应走访 %(d)s") % {"d": v.due_date.isoformat()},
            v.due_date < today, reverse("risk:visit", args=[v.pk]), _("记录走访"), region_point(person.region, cache),
        ))
    cases = visible_cases(user).open().filter(_in_posts(posts)).select_related("region")
    for case in cases:
        due = next((d for d in (case.handle_due, case.sign_due, case.respond_due) if d), None)
        task = Task(
            "case", case.get_status_display(), case.summary, case.address or case.region.name, due,
            _("期限 %(d)s") % {"d": timezone.localtime(due).strftime("%Y-%m-%d %H:%M")} if due else "",
            bool(due and due < now), reverse("case_detail", args=[case.tracking_code]), _("查看办理"),
            case_point(case, cache),
        )
        if case.status == "submitted" and case.created_by_id == user.pk and case.channel == Channel.GRID:
            task.extra_url, task.extra_label = task.url, _("就地化解")
        tasks.append(task)
    if here is not None:
        for task in tasks:
            task.distance = distance_m(here, task.point) if task.point else None
        tasks.sort(key=lambda t: (t.distance is None, t.distance or 0, t.due or now))
    else:
        far = now + dt.timedelta(days=3650)
        tasks.sort(key=lambda t: t.due or far)
    return tasks
