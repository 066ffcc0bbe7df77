"""Rollups of case facts, kept current by `refresh()` (run by the worker) and rebuilt from
scratch by `rebuild()`; and the figures the dashboard and reports read from them.

A case's contribution is recomputed whole whenever anything about it may have changed (a
new timeline event, a clock stopped, a repeat confirmed), its old contribution subtracted and
the new one added. So refresh() is idempotent, and after it the rollups equal a rebuild.

Three tables are kept by the same fold/refresh/rebuild: `Rollup` (day × every dimension),
`MonthRollup` (month × community × category × channel × risk grade) and `DayRollup` (day ×
community). For a region at community level or above with no department or mediator filter,
totals and days come from `DayRollup` (unless filtered by channel), breakdowns by category,
channel or risk from `MonthRollup` for the whole months and `Rollup` for the days around
them; everything else from `Rollup`. Figures are
cached under the watermark's stamp, which changes whenever a rollup row does."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections import defaultdict, namedtuple
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone

from jiefen.cases.models import Case, Event, Satisfaction, Status
from jiefen.regions.models import PATH_STEP, Level, Region

from .models import (
    CLOCK_KINDS,
    COUNTERS,
    HOUR_BUCKETS,
    CaseFact,
    DayRollup,
    MonthRollup,
    Rollup,
    Watermark,
)

SUM_FIELDS = [*COUNTERS, "handle_hours"]
KEY_FIELDS = ["region_id", "region_path", "category_id", "item_id", "channel", "risk_grade",
              "department_id", "mediator_id"]
MONTH_KEY_FIELDS = ["region_id", "region_path", "category_id", "channel", "risk_grade"]
MONTH_GROUPS = {"category_id", "channel", "risk_grade"}  # sums_by fields the monthly table answers
DAY_KEY_FIELDS = ["region_id", "region_path"]
CACHE_SECONDS = 3600
LATE_COMMIT_MARGIN = dt.timedelta(minutes=10)  # events committed out of id order are re-read
BATCH = 2000


def bucket(hours: float) -> int:
    for i, upper in enumerate(HOUR_BUCKETS):
        if upper is None or hours < upper:
            return i
    return len(HOUR_BUCKETS) - 1


def compute_fact(case, events: list, clocks: list, repeat: bool, tz=None) -> tuple[dict, list]:
    """(dimensions, contributions) of one case: contributions are [day, counter, amount]."""
    tz = tz or timezone.get_current_timezone()

    def _day(moment) -> str:
        return moment.astimezone(tz).date().isoformat()

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


_CASE_FIELDS = ["id", "created_at", "closed_at", "status", "satisfaction", "region_id", "region_path",
                "category_id", "item_id", "channel", "risk_grade", "department_id"]
_CaseRow = namedtuple("_CaseRow", _CASE_FIELDS)
_EventRow = namedtuple("_EventRow", "case_id action to_status actor_id created_at")
_ClockRow = namedtuple("_ClockRow", "case_id kind stopped_at due_at")


def _load(case_ids: list[int], span: tuple[int, int] | None = None) -> dict[int, tuple[dict, list]]:
    """Facts for these cases, read in a few queries as plain rows (no model instances). With
    `span` (lowest, highest id), every case of that id range: a range scan, not a list of ids."""
    from jiefen.incidents.models import Decision, Kind, Suggestion
    from jiefen.sla.models import Clock

    def which(field: str) -> Q:
        return Q(**{f"{field}__gte": span[0], f"{field}__lte": span[1]}) if span else Q(**{f"{field}__in": case_ids})

    cases = [_CaseRow._make(r) for r in Case.objects.filter(which("pk")).values_list(*_CASE_FIELDS)]
    events, clocks = defaultdict(list), defaultdict(list)
    for r in Event.objects.filter(which("case_id")).order_by("id").values_list(*_EventRow._fields):
        events[r[0]].append(_EventRow._make(r))
    for r in Clock.objects.filter(which("case_id"), stopped_at__isnull=False).values_list(*_ClockRow._fields):
        clocks[r[0]].append(_ClockRow._make(r))
    repeats = set(Suggestion.objects.filter(
        which("case_id"), kind=Kind.REPEAT, status=Decision.CONFIRMED).values_list("case_id", flat=True))
    tz = timezone.get_current_timezone()
    return {c.id: compute_fact(c, events[c.id], clocks[c.id], c.id in repeats, tz) for c in cases}


class _Communities:
    """Cuts a case's region at community level for the monthly table: community paths → ids,
    read once per fold; a region above community level stays itself."""

    def __init__(self) -> None:
        self.ids = dict(Region.objects.filter(level=Level.COMMUNITY).values_list("path", "id"))
        self.memo: dict = {}

    def cut(self, key: dict) -> tuple[int, str]:
        fine = (key["region_id"], key["region_path"])
        cut = self.memo.get(fine)
        if cut is None:
            path = key["region_path"]
            cut = next(((self.ids[path[:i]], path[:i]) for i in range(PATH_STEP, len(path) + 1, PATH_STEP)
                        if path[:i] in self.ids), fine)
            self.memo[fine] = cut
        return cut


class _Acc:
    """Counter deltas for the three tables: {(iso day or month, key tuple): {counter: amount}}."""

    def __init__(self) -> None:
        self.communities = _Communities()
        self.days: dict = defaultdict(lambda: defaultdict(float))
        self.months: dict = defaultdict(lambda: defaultdict(float))
        self.community_days: dict = defaultdict(lambda: defaultdict(float))

    def add(self, key: dict, contributions: list, sign: int) -> None:
        base = tuple(key[f] for f in KEY_FIELDS)
        cut = self.communities.cut(key)
        coarse = (*cut, key["category_id"], key["channel"], key["risk_grade"])
        for day, counter, amount in contributions:
            self.days[(day, base)][counter] += sign * amount
            self.months[(day[:8] + "01", coarse)][counter] += sign * amount
            self.community_days[(day, cut)][counter] += sign * amount

    def of(self, table) -> dict:
        return {Rollup: self.days, MonthRollup: self.months, DayRollup: self.community_days}[table]

    def tables(self):
        yield Rollup, "day", KEY_FIELDS, self.days
        yield MonthRollup, "month", MONTH_KEY_FIELDS, self.months
        yield DayRollup, "day", DAY_KEY_FIELDS, self.community_days


UPSERT_ROWS = 400  # rows per INSERT … ON CONFLICT statement (SQLite allows 32,766 parameters)


def _apply(acc: _Acc) -> int:
    """Move the rows by the deltas, a few hundred rows per statement (INSERT … ON CONFLICT DO
    UPDATE adds to a row that exists); then delete the rows of the periods touched that no
    longer count anything. Return the number of rows touched."""
    qn = connection.ops.quote_name
    touched = 0
    for model, when, fields, deltas_by_key in acc.tables():
        items = []
        for (period, base), deltas in deltas_by_key.items():
            if any(deltas.values()):
                items.append((dt.date.fromisoformat(period), base, deltas))
        if not items:
            continue
        touched += len(items)
        table = qn(model._meta.db_table)
        columns = [when, *fields, *SUM_FIELDS]
        unique = [when, *(f for f in fields if f != "region_path")]
        add = ", ".join(f"{qn(c)} = {table}.{qn(c)} + excluded.{qn(c)}" for c in SUM_FIELDS)
        row = "(" + ", ".join(["%s"] * len(columns)) + ")"
        with connection.cursor() as cursor:
            for i in range(0, len(items), UPSERT_ROWS):
                chunk = items[i:i + UPSERT_ROWS]
                params: list = []
                for period, base, deltas in chunk:
                    params += [period, *base, *(int(round(deltas.get(c, 0))) for c in COUNTERS),
                               float(deltas.get("handle_hours", 0))]
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(qn(c) for c in columns)}) VALUES "
                    f"{', '.join([row] * len(chunk))} ON CONFLICT ({', '.join(qn(c) for c in unique)}) "
                    f"DO UPDATE SET {add}", params)
        periods = sorted({period for period, _, _ in items})
        model.objects.filter(**{f"{when}__in": periods}, **dict.fromkeys(COUNTERS, 0)).delete()
    return touched


def fold(case_ids: Iterable[int]) -> int:
    """Recompute these cases' facts and move the rollups by the difference. Call under the lock
    (refresh() does); return the number of rollup rows touched."""
    ids = sorted(set(case_ids))
    touched = 0
    for i in range(0, len(ids), BATCH):
        chunk = ids[i:i + BATCH]
        acc = _Acc()
        old = {f.case_id: f for f in CaseFact.objects.filter(case_id__in=chunk)}
        new = _load(chunk)
        changed = []
        for pk in chunk:
            before = old.get(pk)
            after = new.get(pk)
            if before and after and before.key == after[0] and before.contributions == after[1]:
                continue
            if before:
                acc.add(before.key, before.contributions, -1)
            if after:
                acc.add(after[0], after[1], +1)
                changed.append(CaseFact(case_id=pk, key=after[0], contributions=after[1]))
        touched += _apply(acc)
        CaseFact.objects.filter(case_id__in=[f.case_id for f in changed]).delete()
        CaseFact.objects.bulk_create(changed)
    return touched


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
            total += len(ids)
            if fold(ids) or not wm.stamp:
                wm.stamp = uuid.uuid4().hex  # the cached figures are stale
            if rows:
                wm.last_event_id = rows[-1][0]
            wm.refreshed_at = now
            wm.save()
        if len(rows) < limit:
            return total


def rebuild(batch: int = 5000, progress=None) -> int:
    """Recompute every fact and the rollup tables from the cases, their events and clocks.
    Rows go straight into the tables (COPY on PostgreSQL, executemany elsewhere)."""
    from jiefen.lib.bulk import row_writer

    with transaction.atomic():
        wm = _locked_watermark()
        last = Event.objects.aggregate(m=Max("pk"))["m"] or 0
        for table in (Rollup, MonthRollup, DayRollup):
            table.objects.all().delete()
        CaseFact.objects.all().delete()
        writer = row_writer(connection)
        acc = _Acc()
        done, after = 0, 0
        while True:
            ids = list(Case.objects.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:batch])
            if not ids:
                break
            facts = _load(ids, (ids[0], ids[-1]))
            writer.insert(CaseFact, ("case_id", "key", "contributions"), [[pk, k, c] for pk, (k, c) in facts.items()])
            for k, c in facts.values():
                acc.add(k, c, +1)
            after, done = ids[-1], done + len(ids)
            if progress:
                progress(done)
        for model, when, fields, counters_by_key in acc.tables():
            rows = []
            for (period, base), counters in counters_by_key.items():
                if any(counters.values()):
                    rows.append([dt.date.fromisoformat(period), *base,
                                 *(int(round(counters.get(c, 0))) for c in COUNTERS),
                                 float(counters.get("handle_hours", 0))])
            for i in range(0, len(rows), 50_000):
                writer.insert(model, (when, *fields, *SUM_FIELDS), rows[i:i + 50_000])
        wm.last_event_id, wm.refreshed_at, wm.stamp = last, timezone.now(), uuid.uuid4().hex
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

    def monthly(self) -> bool:
        """Whether the monthly table can answer for this filter: no department or mediator, and
        a region at community level or above (its rows are cut at community level)."""
        if self.department_id or self.mediator_id:
            return False
        if not self.region_path:
            return True
        level = Region.objects.filter(path=self.region_path).values_list("level", flat=True).first()
        return level is not None and level <= Level.COMMUNITY


def rollups(f: Filter, start: dt.date, end: dt.date):
    """Daily rollup rows for the filter, days start..end inclusive."""
    return Rollup.objects.filter(f.q(), day__gte=start, day__lte=end)


def _next_month(d: dt.date) -> dt.date:
    return (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def plan(start: dt.date, end: dt.date) -> tuple[tuple[dt.date, dt.date] | None, list[tuple[dt.date, dt.date]]]:
    """Split start..end into its whole months (first day of the first, first day after the
    last) and the days outside them (inclusive ranges)."""
    first = start if start.day == 1 else _next_month(start)
    after = end + dt.timedelta(days=1)
    stop = after if after.day == 1 else after.replace(day=1)
    if first >= stop:
        return None, [(start, end)]
    days = []
    if start < first:
        days.append((start, first - dt.timedelta(days=1)))
    if stop <= end:
        days.append((stop, end))
    return (first, stop), days


def _stamp() -> str:
    return Watermark.objects.filter(pk=1).values_list("stamp", flat=True).first() or ""


def _cached(name: str, compute, *parts):
    """compute() cached under the watermark's stamp (uncached before the first refresh)."""
    stamp = _stamp()
    if not stamp:
        return compute()
    key = "analytics:" + hashlib.sha256(repr((stamp, name, *parts)).encode()).hexdigest()
    got = cache.get(key)
    if got is None:
        got = compute()
        cache.set(key, got, CACHE_SECONDS)
    return got


def _collect(f: Filter, start: dt.date, end: dt.date, group: str | tuple | None, fields: list[str]) -> dict:
    """{group value (None without a group; a tuple of values for a tuple of fields): {field:
    sum}}: totals and days from the community day table when the filter allows; otherwise from
    the monthly table for the whole months it can answer and the daily table for the rest."""
    names = (group,) if isinstance(group, str) else tuple(group or ())
    coarse = f.monthly()
    sums_of = {k: Sum(k) for k in fields}
    parts = []
    if coarse and not f.channel and group in (None, "day"):
        months, days = None, []
        parts.append(DayRollup.objects.filter(f.q(), day__gte=start, day__lte=end))
    elif coarse and all(n in MONTH_GROUPS for n in names):
        months, days = plan(start, end)
    else:
        months, days = None, [(start, end)]
    if months:
        parts.append(MonthRollup.objects.filter(f.q(), month__gte=months[0], month__lt=months[1]))
    if days:
        when = Q()
        for a, b in days:
            when |= Q(day__gte=a, day__lte=b)
        parts.append(Rollup.objects.filter(f.q(), when))
    out: dict = {}
    for qs in parts:
        rows = [qs.aggregate(**sums_of)] if not names else qs.values(*names).annotate(**sums_of).order_by()
        for row in rows:
            key = tuple(row.pop(n) for n in names) if names else None
            if isinstance(group, str):
                key = key[0]
                if key is None:
                    continue
            acc = out.setdefault(key, dict.fromkeys(fields, 0))
            for k, v in row.items():
                acc[k] += v or 0
    if group is None:
        out.setdefault(None, dict.fromkeys(fields, 0))
    return out


def _fields(fields) -> list[str]:
    return list(fields) if fields else list(SUM_FIELDS)


def sums(f: Filter, start: dt.date, end: dt.date, fields=None) -> dict[str, float]:
    """Every counter (or those in `fields`) summed over the filter and the days start..end."""
    fields = _fields(fields)
    return _cached("sums", lambda: _collect(f, start, end, None, fields)[None], f, start, end, fields)


def sums_by(f: Filter, start: dt.date, end: dt.date, field: str, fields=None) -> dict:
    """{value of `field`: counters} over the filter and the days, ordered by the value."""
    fields = _fields(fields)

    def compute():
        got = _collect(f, start, end, field, fields)
        return {k: got[k] for k in sorted(got)}
    return _cached("sums_by", compute, f, start, end, field, fields)


def breakdowns(f: Filter, start: dt.date, end: dt.date, groups: list[str], fields=None) -> dict[str, dict]:
    """{field: sums_by(f, start, end, field, fields)} for several fields, read in one grouped
    query per table instead of one per field (the dashboard's category, channel and risk)."""
    fields = _fields(fields)

    def compute():
        got = _collect(f, start, end, tuple(groups), fields)
        out: dict = {g: {} for g in groups}
        for values, row in got.items():
            for g, v in zip(groups, values, strict=True):
                acc = out[g].setdefault(v, dict.fromkeys(fields, 0))
                for k, n in row.items():
                    acc[k] += n
        return {g: {k: rows[k] for k in sorted(rows)} for g, rows in out.items()}
    return _cached("breakdowns", compute, f, start, end, groups, fields)


def sums_by_region(f: Filter, start: dt.date, end: dt.date, regions, fields=None) -> dict[str, dict]:
    """{region path: counters} for each of these regions (the children on the dashboard): the
    part of the filter's figures within each region's subtree. From the monthly table too when
    every region is at community level or above."""
    fields = _fields(fields)
    paths = sorted({r.path for r in regions})
    coarse = all(r.level <= Level.COMMUNITY for r in regions)

    def compute():
        out = {p: dict.fromkeys(fields, 0) for p in paths}
        lengths = sorted({len(p) for p in paths})
        group = _collect(f, start, end, "region_path", fields) if not coarse else _by_path(f, start, end, fields)
        for path, row in group.items():
            target = next((path[:n] for n in lengths if path[:n] in out), None)
            if target:
                for k, v in row.items():
                    out[target][k] += v
        return out
    return _cached("sums_by_region", compute, f, start, end, paths, fields)


def _by_path(f: Filter, start: dt.date, end: dt.date, fields: list[str]) -> dict:
    """Like _collect grouped by region_path, the coarse tables' paths cut at community level."""
    coarse = f.monthly()
    sums_of = {k: Sum(k) for k in fields}
    out: dict = defaultdict(lambda: dict.fromkeys(fields, 0))
    parts = []
    if coarse and not f.channel:
        months, days = None, []
        parts.append(DayRollup.objects.filter(f.q(), day__gte=start, day__lte=end))
    else:
        months, days = plan(start, end) if coarse else (None, [(start, end)])
    if months:
        parts.append(MonthRollup.objects.filter(f.q(), month__gte=months[0], month__lt=months[1]))
    for a, b in days:
        parts.append(Rollup.objects.filter(f.q(), day__gte=a, day__lte=b))
    for qs in parts:
        for row in qs.values("region_path").annotate(**sums_of).order_by():
            acc = out[row.pop("region_path")]
            for k, v in row.items():
                acc[k] += v or 0
    return dict(out)


def full_recomputation(table=Rollup) -> dict:
    """The rows a rebuild would write to `table` (Rollup, MonthRollup or DayRollup), as
    {key: counters}, for checking refresh()."""
    facts = _load(list(Case.objects.values_list("pk", flat=True)))
    acc = _Acc()
    for k, c in facts.values():
        acc.add(k, c, +1)
    return _normalise(acc.of(table))


def stored_rollups(table=Rollup) -> dict:
    when, fields = next((w, f) for t, w, f, _ in _Acc().tables() if t is table)
    acc: dict = {}
    for r in table.objects.values():
        base = tuple(r[f] for f in fields)
        acc[(r[when].isoformat(), base)] = {k: r[k] for k in SUM_FIELDS}
    return _normalise(acc)


def _normalise(acc) -> dict:
    out = {}
    for key, counters in acc.items():
        c = {k: round(float(v), 3) for k, v in counters.items() if round(float(v), 3)}
        if c:
            out[key] = c
    return out
