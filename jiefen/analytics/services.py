"""Rollups of case facts, kept current by `refresh()` (run by the worker) and rebuilt from
scratch by `rebuild()`; and the figures the dashboard and reports read from them.

A case's contribution is recomputed whole whenever anything about it may have changed (a
new timeline event, a clock stopped, a repeat confirmed), its old contribution subtracted and
the new one added. So refresh() is idempotent, and after it the rollups equal a rebuild."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Max, Q, Sum
from django.utils import timezone

from jiefen.cases.models import Case, Event, Satisfaction, Status

from .models import CLOCK_KINDS, COUNTERS, HOUR_BUCKETS, CaseFact, Rollup, Watermark

SUM_FIELDS = [*COUNTERS, "handle_hours"]
KEY_FIELDS = ["region_id", "region_path", "category_id", "item_id", "channel", "risk_grade",
              "department_id", "mediator_id"]
LATE_COMMIT_MARGIN = dt.timedelta(minutes=10)  # events committed out of id order are re-read
BATCH = 2000


def _day(moment) -> str:
    return timezone.localtime(moment).date().isoformat()


def bucket(hours: float) -> int:
    for i, upper in enumerate(HOUR_BUCKETS):
        if upper is None or hours < upper:
            return i
    return len(HOUR_BUCKETS) - 1


def compute_fact(case: Case, events: list, clocks: list, repeat: bool) -> tuple[dict, list]:
    """(dimensions, contributions) of one case: contributions are [day, counter, amount]."""
    mediator = 0
    accepted = declined = None
    outcome = None
    out: list = [[_day(case.created_at), "received", 1]]
    for e in events:  # in id order
        if e.action == "record_mediation" and e.actor_id:
            mediator = e.actor_id
        if e.action == "accept" and accepted is None:
            accepted = e.created_at
        if e.to_status == Status.DECLINED and declined is None:
            declined = e.created_at
        if e.to_status in (Status.RESOLVED, Status.UNRESOLVED):
            outcome = e.to_status
        if e.action == "reopen":
            out.append([_day(e.created_at), "reopened", 1])
    if accepted:
        out.append([_day(accepted), "accepted", 1])
    if declined:
        out.append([_day(declined), "declined", 1])
    if case.status == Status.CLOSED and case.closed_at:
        day = _day(case.closed_at)
        out.append([day, "closed", 1])
        if outcome:
            out.append([day, outcome, 1])
        hours = max((case.closed_at - case.created_at).total_seconds() / 3600, 0.0)
        out += [[day, "handled", 1], [day, "handle_hours", round(hours, 4)], [day, f"h{bucket(hours)}", 1]]
        if case.satisfaction:
            out.append([day, "rated", 1])
            if case.satisfaction == Satisfaction.SATISFIED:
                out.append([day, "satisfied", 1])
    for c in clocks:
        if c.stopped_at and c.kind in CLOCK_KINDS:
            out.append([_day(c.stopped_at), f"{c.kind}_stopped", 1])
            if c.stopped_at <= c.due_at:
                out.append([_day(c.stopped_at), f"{c.kind}_met", 1])
    if repeat:
        out.append([_day(case.created_at), "repeats", 1])
    key = {"region_id": case.region_id, "region_path": case.region_path,
           "category_id": case.category_id or 0, "item_id": case.item_id or 0,
           "channel": case.channel, "risk_grade": case.risk_grade,
           "department_id": case.department_id or 0, "mediator_id": mediator}
    return key, out


def _load(case_ids: list[int]) -> dict[int, tuple[dict, list]]:
    """Facts for these cases, read in a few queries."""
    from jiefen.incidents.models import Decision, Kind, Suggestion
    from jiefen.sla.models import Clock

    cases = {c.pk: c for c in Case.objects.filter(pk__in=case_ids).only(
        "id", "created_at", "closed_at", "status", "satisfaction", "region_id", "region_path",
        "category_id", "item_id", "channel", "risk_grade", "department_id")}
    events, clocks = defaultdict(list), defaultdict(list)
    for e in Event.objects.filter(case_id__in=case_ids).only(
            "id", "case_id", "action", "to_status", "actor_id", "created_at").order_by("id"):
        events[e.case_id].append(e)
    for c in Clock.objects.filter(case_id__in=case_ids, stopped_at__isnull=False).only(
            "case_id", "kind", "stopped_at", "due_at"):
        clocks[c.case_id].append(c)
    repeats = set(Suggestion.objects.filter(
        case_id__in=case_ids, kind=Kind.REPEAT, status=Decision.CONFIRMED).values_list("case_id", flat=True))
    return {pk: compute_fact(c, events[pk], clocks[pk], pk in repeats) for pk, c in cases.items()}


def _accumulate(acc: dict, key: dict, contributions: list, sign: int) -> None:
    base = tuple(key[f] for f in KEY_FIELDS)
    for day, counter, amount in contributions:
        acc[(day, base)][counter] += sign * amount


def _apply(acc: dict) -> None:
    for (day, base), deltas in acc.items():
        deltas = {k: v for k, v in deltas.items() if v}
        if not deltas:
            continue
        ident = dict(zip(KEY_FIELDS, base, strict=True))
        path = ident.pop("region_path")
        ident["day"] = day
        n = Rollup.objects.filter(**ident).update(**{k: F(k) + v for k, v in deltas.items()})
        if not n:
            Rollup.objects.create(**ident, region_path=path, **deltas)
            continue
        row = Rollup.objects.filter(**ident).values(*COUNTERS).first()
        if row and not any(row.values()):
            Rollup.objects.filter(**ident).delete()


def fold(case_ids: Iterable[int]) -> int:
    """Recompute these cases' facts and move the rollups by the difference. Call under the lock."""
    ids = sorted(set(case_ids))
    for i in range(0, len(ids), BATCH):
        chunk = ids[i:i + BATCH]
        acc: dict = defaultdict(lambda: defaultdict(float))
        old = {f.case_id: f for f in CaseFact.objects.filter(case_id__in=chunk)}
        new = _load(chunk)
        changed = []
        for pk in chunk:
            before = old.get(pk)
            after = new.get(pk)
            if before and after and before.key == after[0] and before.contributions == after[1]:
                continue
            if before:
                _accumulate(acc, before.key, before.contributions, -1)
            if after:
                _accumulate(acc, after[0], after[1], +1)
                changed.append(CaseFact(case_id=pk, key=after[0], contributions=after[1]))
        _apply(acc)
        CaseFact.objects.filter(case_id__in=[f.case_id for f in changed]).delete()
        CaseFact.objects.bulk_create(changed)
    return len(ids)


def _locked_watermark() -> Watermark:
    Watermark.objects.get_or_create(pk=1)
    return Watermark.objects.select_for_update().get(pk=1)


def refresh(limit: int = 50_000) -> int:
    """Fold what happened since the watermark; return the number of cases recomputed.
    Two workers may call it at once: the watermark row is locked for the whole fold."""
    from jiefen.incidents.models import Suggestion
    from jiefen.sla.models import Clock

    total = 0
    while True:
        with transaction.atomic():
            wm = _locked_watermark()
            now = timezone.now()
            since = (wm.refreshed_at or now) - LATE_COMMIT_MARGIN
            new = Event.objects.filter(pk__gt=wm.last_event_id).order_by("pk")[:limit]
            rows = list(new.values_list("pk", "case_id"))
            ids = {c for _, c in rows}
            if wm.refreshed_at:  # late commits, stopped clocks, confirmed repeats
                ids |= set(Event.objects.filter(created_at__gte=since, pk__lte=wm.last_event_id)
                           .values_list("case_id", flat=True))
                ids |= set(Clock.objects.filter(stopped_at__gte=since).values_list("case_id", flat=True))
                ids |= set(Suggestion.objects.filter(decided_at__gte=since).values_list("case_id", flat=True))
            total += fold(ids)
            if rows:
                wm.last_event_id = rows[-1][0]
            wm.refreshed_at = now
            wm.save()
        if len(rows) < limit:
            return total


def rebuild(batch: int = 5000, progress=None) -> int:
    """Recompute every fact and rollup from the cases, their events and clocks."""
    with transaction.atomic():
        wm = _locked_watermark()
        last = Event.objects.aggregate(m=Max("pk"))["m"] or 0
        Rollup.objects.all().delete()
        CaseFact.objects.all().delete()
        acc: dict = defaultdict(lambda: defaultdict(float))
        done, after = 0, 0
        while True:
            ids = list(Case.objects.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:batch])
            if not ids:
                break
            facts = _load(ids)
            CaseFact.objects.bulk_create(
                [CaseFact(case_id=pk, key=k, contributions=c) for pk, (k, c) in facts.items()], batch_size=batch)
            for k, c in facts.values():
                _accumulate(acc, k, c, +1)
            after, done = ids[-1], done + len(ids)
            if progress:
                progress(done)
        rows = []
        for (day, base), counters in acc.items():
            ident = dict(zip(KEY_FIELDS, base, strict=True))
            rows.append(Rollup(day=day, **ident, **{k: v for k, v in counters.items() if v}))
        Rollup.objects.bulk_create(rows, batch_size=5000)
        wm.last_event_id, wm.refreshed_at = last, timezone.now()
        wm.save()
    return done


# --- reading the rollups -------------------------------------------------------------------


@dataclass
class Filter:
    """What a figure is about: a region subtree, optionally one department / mediator."""

    region_path: str = ""
    department_id: int | None = None
    mediator_id: int | None = None
    channel: str | None = None

    def q(self) -> Q:
        q = Q(region_path__startswith=self.region_path) if self.region_path else Q()
        if self.department_id:
            q &= Q(department_id=self.department_id)
        if self.mediator_id:
            q &= Q(mediator_id=self.mediator_id)
        if self.channel:
            q &= Q(channel=self.channel)
        return q


def rollups(f: Filter, start: dt.date, end: dt.date):
    """Rollup rows for the filter, days start..end inclusive."""
    return Rollup.objects.filter(f.q(), day__gte=start, day__lte=end)


def sums(f: Filter, start: dt.date, end: dt.date) -> dict[str, float]:
    got = rollups(f, start, end).aggregate(**{k: Sum(k) for k in SUM_FIELDS})
    return {k: (v or 0) for k, v in got.items()}


def sums_by(f: Filter, start: dt.date, end: dt.date, field: str) -> dict:
    qs = rollups(f, start, end).values(field).annotate(**{k: Sum(k) for k in SUM_FIELDS}).order_by(field)
    return {row.pop(field): {k: (v or 0) for k, v in row.items()} for row in qs}


def full_recomputation() -> dict:
    """The rollups a rebuild would write, as {key: counters} (for checking refresh())."""
    facts = _load(list(Case.objects.values_list("pk", flat=True)))
    acc: dict = defaultdict(lambda: defaultdict(float))
    for k, c in facts.values():
        _accumulate(acc, k, c, +1)
    return _normalise(acc)


def stored_rollups() -> dict:
    acc: dict = {}
    for r in Rollup.objects.values():
        base = tuple(r[f] for f in KEY_FIELDS)
        acc[(r["day"].isoformat(), base)] = {k: r[k] for k in SUM_FIELDS}
    return _normalise(acc)


def _normalise(acc) -> dict:
    out = {}
    for key, counters in acc.items():
        c = {k: round(float(v), 3) for k, v in counters.items() if round(float(v), 3)}
        if c:
            out[key] = c
    return out
