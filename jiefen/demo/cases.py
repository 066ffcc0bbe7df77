"""A year of demo cases, written in bulk.

Each case is played as a story through the state machine: the same actions, in the same
order, by the same kind of people, with the same side effects on the case and the same
event data as `jiefen.cases.services.perform` would leave, but simulated in memory and
written a batch at a time, one transaction per batch (perform takes several queries per
action; a million cases would take hours). Rows are plain lists, not model instances, and
go straight into the tables: COPY on PostgreSQL, executemany on SQLite, with the ids that
bulk_create would have given them. On PostgreSQL outside a transaction (the command line),
a thread writes each batch while the next one is played, and skips the per-row foreign key
checks when the database role may (see jiefen.lib.bulk).

A story is first played on a provisional clock (seconds since midnight of day 0, local
time, staff acting in office hours), then moved by whole days to its place in the year,
so that the time of day survives; deadlines on the working calendar are computed after.
Everything random comes from one random.Random(seed), drawn case by case in order, so a
seed gives the same cases whatever the batch size and whichever the database."""

from __future__ import annotations

import datetime as dt
import gc
import math
import random
import time
from bisect import bisect
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate

from django.db import connection, transaction
from django.utils import timezone

from jiefen.accounts.models import Membership, Role
from jiefen.cases.models import (
    Case,
    Channel,
    Event,
    Guidance,
    MediationMethod,
    MediationOutcome,
    MediationSession,
    Party,
    PartyRole,
    Status,
)
from jiefen.cases.workflow import ACTIONS, PUBLIC_EVENTS, STEPS
from jiefen.intake.services import DEFAULT_RESPOND_MINUTES
from jiefen.lib.bulk import RowWriter, row_writer
from jiefen.lib.codes import ALPHABET, LENGTH
from jiefen.sla.calendar import WorkingCalendar
from jiefen.sla.clocks import RED_PERCENT, SORT_HOURS, WARN_PERCENT
from jiefen.sla.clocks import RULES as CLOCK_RULES
from jiefen.sla.sheet_models import Clock, ClockKind, Stage
from jiefen.taxonomy.models import HandlingKind, Item, RiskGrade

from . import texts
from .district import COUNTY_CODE, STREET_TYPE, District, bounds

S = Status
DAY = 86400.0
HOUR = 3600.0
MINUTE = 60.0
YEAR_DAYS = 365

# How each block of MIX_BLOCK cases ends up; every block has exactly this mix. About one case
# in thirteen is still open, as at a center whose intake is steady and whose cases take days
# to weeks: the open ones are the last weeks' intake, the rest of the year is closed, so a
# month's figures (received, closed, reopen rate) compare sensibly with the month before.
MIX_BLOCK = 200
STATUS_MIX: dict[str, int] = {
    S.CLOSED: 177, S.DECLINED: 8, S.SUBMITTED: 2, S.ACCEPTED: 1, S.DISPATCHED: 2, S.RETURNED: 1,
    S.SIGNED: 1, S.IN_PROGRESS: 4, S.ESCALATED: 1, S.RESOLVED: 1, S.UNRESOLVED: 1, S.REOPENED: 1,
}
assert sum(STATUS_MIX.values()) == MIX_BLOCK

# How long ago an open case last moved (seconds, low and high of a log-uniform draw).
OPEN_LAG = {
    S.SUBMITTED: (5 * MINUTE, 10 * HOUR), S.ACCEPTED: (10 * MINUTE, 2 * DAY),
    S.DISPATCHED: (30 * MINUTE, 3 * DAY), S.RETURNED: (1 * HOUR, 2 * DAY), S.SIGNED: (1 * HOUR, 5 * DAY),
    S.IN_PROGRESS: (1 * HOUR, 20 * DAY), S.ESCALATED: (1 * HOUR, 4 * DAY), S.RESOLVED: (1 * HOUR, 4 * DAY),
    S.UNRESOLVED: (1 * HOUR, 4 * DAY), S.REOPENED: (1 * HOUR, 3 * DAY),
}
HANDLING_STOPS = {S.DISPATCHED, S.RETURNED, S.SIGNED, S.IN_PROGRESS}

CHANNEL_WEIGHTS = {
    Channel.WEB: 28, Channel.QR: 8, Channel.WINDOW: 10, Channel.HOTLINE: 8, Channel.GRID: 18,
    Channel.HOTLINE_12345: 16, Channel.POLICE_110: 4, Channel.PETITION: 3, Channel.COURT: 4, Channel.API: 1,
}
ANONYMOUS_CHANNELS = {Channel.WEB, Channel.QR, Channel.HOTLINE, Channel.HOTLINE_12345}
CLERK_CHANNELS = {Channel.WINDOW, Channel.HOTLINE}  # a clerk types in what the resident says

# Neighbours, property and unpaid wages are what most people report.
CATEGORY_WEIGHTS = {
    "01": 7, "02": 14, "03": 6, "04": 4, "05": 12, "06": 13, "07": 2, "08": 5, "09": 6,
    "10": 6, "11": 3, "12": 9, "13": 4, "14": 3, "15": 2, "16": 4, "17": 3,
}
ITEM_WEIGHTS = {"0501": 3.0, "0204": 1.5, "0202": 1.5, "0601": 1.5, "0602": 1.5, "1202": 1.5}
# Share of handling records that are mediation sessions, by category.
MEDIATION_SHARE = {
    "01": 0.9, "02": 0.9, "03": 0.7, "04": 0.8, "05": 0.8, "06": 0.6, "07": 0.7, "08": 0.8, "09": 0.5,
    "10": 0.8, "11": 0.5, "12": 0.15, "13": 0.15, "14": 0.4, "15": 0.3, "16": 0.5, "17": 0.4,
}
GUIDANCE_WEIGHTS = {
    "05": {Guidance.ARBITRATION: 7, Guidance.LITIGATION: 2, Guidance.LEGAL_AID: 1},
    "11": {Guidance.ADMIN_REVIEW: 5, Guidance.LITIGATION: 4, Guidance.LEGAL_AID: 1},
    "16": {Guidance.ADMIN_REVIEW: 4, Guidance.LITIGATION: 4, Guidance.LEGAL_AID: 2},
}
DEFAULT_GUIDANCE = {Guidance.LITIGATION: 6, Guidance.LEGAL_AID: 3, Guidance.ARBITRATION: 1}
RISK_ORDER = [RiskGrade.GENERAL, RiskGrade.SIGNIFICANT, RiskGrade.MAJOR]
RESIDENT_LABEL = str(PartyRole.COMPLAINANT.label)
ID_AREAS = (COUNTY_CODE[:6],) * 6 + ("379901", "379903", "379921")


# ---------------------------------------------------------------- group sizes and amounts


def _loguniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def _money(rng: random.Random, low: float, high: float) -> Decimal:
    value = _loguniform(rng, low, high)
    step = 100 if value >= 10000 else 10
    return Decimal(int(value / step) * step).quantize(Decimal("0.01"))


# item code → (share of cases with a group, group low, group high, share with an amount, amount low, high)
MAGNITUDES: dict[str, tuple[float, int, int, float, float, float]] = {
    "0105": (0.1, 2, 6, 0.6, 50_000, 2_000_000),
    "0302": (0.05, 2, 5, 0.8, 50_000, 1_500_000), "0303": (0, 1, 1, 0.8, 1_000, 30_000),
    "0305": (0.8, 20, 300, 0.2, 10_000, 200_000), "0304": (0.7, 10, 400, 0, 0, 0),
    "0401": (0.3, 2, 30, 0.3, 5_000, 100_000), "0402": (0.4, 3, 60, 0.6, 10_000, 200_000),
    "0502": (0.15, 2, 8, 0.5, 3_000, 50_000), "0503": (0, 1, 1, 0.9, 10_000, 400_000),
    "0505": (0.15, 2, 20, 0.9, 10_000, 120_000), "0506": (0.3, 2, 40, 0.8, 2_000, 30_000),
    "0602": (0.2, 10, 300, 0.4, 1_000, 200_000), "0604": (0.7, 10, 300, 0.6, 20_000, 500_000),
    "0605": (0.8, 20, 500, 0, 0, 0),
    "0701": (0.2, 2, 8, 0.9, 20_000, 500_000), "0702": (0.9, 5, 40, 0.9, 200_000, 1_500_000),
    "0703": (0, 1, 1, 0.9, 300, 20_000),
    "0801": (0.1, 2, 4, 0.9, 2_000, 150_000), "0802": (0, 1, 1, 0.9, 2_000, 80_000),
    "0803": (0.05, 2, 3, 0.8, 500, 30_000), "0805": (0, 1, 1, 0.8, 200, 3_000),
    "0901": (0.05, 2, 10, 0.9, 100, 20_000), "0902": (0.3, 5, 120, 0.9, 500, 20_000),
    "0903": (0.1, 2, 20, 0.5, 50, 2_000), "0904": (0, 1, 1, 0.8, 50, 10_000),
    "0905": (0.1, 2, 30, 0.8, 100, 20_000), "0906": (0, 1, 1, 0.9, 100, 8_000),
    "1001": (0, 1, 1, 1.0, 5_000, 500_000), "1002": (0, 1, 1, 1.0, 2_000, 300_000),
    "1003": (0.4, 2, 20, 1.0, 50_000, 2_000_000), "1004": (0, 1, 1, 0.9, 10_000, 200_000),
    "1005": (0.5, 2, 5, 0.9, 20_000, 1_000_000),
    "1101": (0.6, 5, 200, 0.7, 50_000, 3_000_000), "1102": (0.3, 2, 60, 0.8, 100_000, 3_000_000),
    "1103": (0.5, 5, 200, 0, 0, 0), "1104": (0.6, 5, 150, 0.8, 2_000, 2_500_000),
    "1105": (0.4, 2, 50, 0.3, 100_000, 2_000_000),
    "1402": (0.4, 5, 150, 0.9, 2_000, 50_000),
    "1501": (0.9, 20, 500, 1.0, 500_000, 20_000_000), "1502": (0.8, 5, 100, 1.0, 100_000, 5_000_000),
    "1503": (0, 1, 1, 0.8, 5_000, 200_000), "1505": (0.2, 2, 10, 0.6, 5_000, 200_000),
    "1601": (0.5, 5, 100, 0.3, 10_000, 500_000), "1602": (0.8, 5, 100, 0.8, 10_000, 500_000),
    "1701": (0, 1, 1, 0.9, 10_000, 500_000), "1704": (0.3, 2, 30, 0, 0, 0),
}
DEFAULT_MAGNITUDE = (0.08, 2, 5, 0, 0, 0)
CATEGORY_MAGNITUDES = {"13": (0.4, 3, 80, 0, 0, 0), "06": (0.3, 5, 80, 0, 0, 0), "12": (0.2, 2, 30, 0, 0, 0)}


def _magnitude(rng: random.Random, item: _Item) -> tuple[int, Decimal | None]:
    if item.code == "0501":
        # Unpaid wages: often a whole crew, a few months' pay each.
        group = int(10 + 120 * rng.random() ** 2) if rng.random() < 0.6 else rng.randint(1, 9)
        return group, _money(rng, 3000 * group, 7000 * group * rng.randint(1, 6))
    share_g, low_g, high_g, share_a, low_a, high_a = MAGNITUDES.get(
        item.code, CATEGORY_MAGNITUDES.get(item.category_code, DEFAULT_MAGNITUDE)
    )
    group = int(_loguniform(rng, low_g, high_g + 1)) if rng.random() < share_g else 1
    amount = _money(rng, low_a, high_a) if share_a and rng.random() < share_a else None
    return max(1, group), amount


def _risk(rng: random.Random, default: str, group: int, amount: Decimal | None) -> str:
    level = RISK_ORDER.index(default) if default in RISK_ORDER else 0
    if group >= 30 or (amount is not None and amount >= 500_000):
        level = max(level, 1)
    if group >= 100 or (amount is not None and amount >= 3_000_000):
        level = 2
    if rng.random() < 0.03:
        level = min(2, level + 1)
    return RISK_ORDER[level]


# ---------------------------------------------------------------- the district, indexed


@dataclass(frozen=True)
class _Item:
    id: int
    code: str
    name: str
    category_id: int
    category_code: str
    category_name: str
    department_type: str
    handling_kind: str
    respond_minutes: int
    sign_hours: int
    handle_days: int
    default_risk: str
    examples: tuple[str, ...]
    warn_percent: int = 80
    red_percent: int = 50


@dataclass(eq=False)
class _Staff:
    id: int
    name: str
    posts: list[tuple[int | None, int | None, str, str]]  # (region id, department id, place, role label)
    _labels: dict = field(default_factory=dict)

    def label(self, center_id: int, origin_id: int | None, department_id: int | None) -> str:
        """What services.actor_label writes for this person on a case held like this."""
        key = (center_id, origin_id, department_id)
        if key not in self._labels:
            post = next((p for p in self.posts if p[0] in (center_id, origin_id)), None)
            post = post or next((p for p in self.posts if department_id and p[1] == department_id), None)
            post = post or self.posts[0]
            self._labels[key] = f"{self.name}（{post[2]} · {post[3]}）"
        return self._labels[key]


@dataclass(eq=False)
class _Dept:
    id: int
    name: str
    type_code: str
    handlers: list[_Staff]


@dataclass(eq=False)
class _Center:
    id: int
    display: str
    staff: list[_Staff] = field(default_factory=list)  # clerks and dispatchers
    dispatchers: list[_Staff] = field(default_factory=list)
    leaders: list[_Staff] = field(default_factory=list)
    mediators: list[_Staff] = field(default_factory=list)


@dataclass
class _Street:
    center: _Center
    name: str
    office: _Dept | None


@dataclass
class _Grid:
    id: int
    path: str
    name: str
    rect: tuple[float, float, float, float]
    community_id: int
    community_path: str
    community_name: str
    community_rect: tuple[float, float, float, float]
    street: _Street
    worker: _Staff | None


class _World:
    """The district as plain Python objects, read with a handful of queries."""

    def __init__(self, district: District) -> None:
        county = district.county
        staff: dict[int, _Staff] = {}
        roles: dict[int, set[tuple[str, int | None, int | None]]] = {}
        memberships = Membership.objects.filter(user__is_active=True).select_related(
            "user", "region", "department"
        ).order_by("user_id", "id")
        for m in memberships:
            if m.region_id and not m.region.path.startswith(county.path):
                continue
            if m.department_id and m.department.region_id not in {county.pk, *district.street_offices}:
                continue
            person = staff.setdefault(m.user_id, _Staff(m.user_id, str(m.user), []))
            person.posts.append((m.region_id, m.department_id, m.place, str(Role(m.role).label)))
            roles.setdefault(m.user_id, set()).add((m.role, m.region_id, m.department_id))

        def holding(role: str, region_id: int | None = None, department_id: int | None = None) -> list[_Staff]:
            return [staff[u] for u, held in roles.items() if (role, region_id, department_id) in held]

        def center(region) -> _Center:
            return _Center(
                region.pk, region.display_center,
                staff=list(dict.fromkeys(holding(Role.CLERK, region.pk) + holding(Role.DISPATCHER, region.pk))),
                dispatchers=holding(Role.DISPATCHER, region.pk),
                leaders=holding(Role.LEADER, region.pk),
                mediators=holding(Role.MEDIATOR, region.pk),
            )

        def dept(d) -> _Dept:
            return _Dept(d.pk, d.name, d.type.code, holding(Role.HANDLER, None, d.pk))

        self.county = center(county)
        self.county.staff = holding(Role.CLERK, county.pk)
        self.departments = {code: dept(d) for code, d in district.departments.items()}
        self.departments = {code: d for code, d in self.departments.items() if d.handlers}
        streets = {}
        for s in district.streets:
            office = district.street_offices.get(s.pk)
            office_dept = dept(office) if office is not None else None
            streets[s.pk] = _Street(center(s), s.name, office_dept if office_dept and office_dept.handlers else None)
        communities = {c.pk: c for c in district.communities}
        workers = {m.region_id: staff[m.user_id] for m in memberships if m.role == Role.GRID_WORKER and m.user_id in staff}
        self.grids = []
        for g in district.grids:
            community = communities[g.parent_id]
            self.grids.append(_Grid(
                g.pk, g.path, g.name, bounds(g.outline), community.pk, community.path, community.name,
                bounds(community.outline), streets[community.parent_id], workers.get(g.pk),
            ))
        self.grid_weights = list(_cumulative([max(1, g.population) for g in district.grids]))

        self.items = [
            _Item(
                i.pk, i.code, i.name, i.category_id, i.category.code, i.category.name, i.department_type.code,
                i.handling_kind, i.respond_minutes, i.sign_hours, i.handle_days, i.default_risk,
                tuple(i.examples or ()), i.warn_percent, i.red_percent,
            )
            for i in Item.objects.filter(active=True, category__active=True).select_related("category", "department_type").order_by("code")
        ]
        if not self.items:
            raise ValueError("no taxonomy items: load the default taxonomy first")
        weights = [CATEGORY_WEIGHTS.get(i.category_code, 2) / _items_in(self.items, i.category_code) * ITEM_WEIGHTS.get(i.code, 1.0) for i in self.items]
        self.item_weights = list(_cumulative(weights))
        self.channels = list(CHANNEL_WEIGHTS)
        self.channel_weights = list(_cumulative(CHANNEL_WEIGHTS.values()))
        self.justice = self.departments.get("justice") or next(iter(self.departments.values()), None)
        self.calendar = WorkingCalendar()
        self._due: dict[tuple[dt.date, int], dt.datetime] = {}
        self._estates: dict[str, list[str]] = {}
        self._roads: dict[str, list[str]] = {}
        # Set by generate_cases: the time zone, and midnight of the stories' day 0.
        self.tz = timezone.get_current_timezone()
        self.base = dt.datetime.combine(dt.date.today(), dt.time(0), tzinfo=self.tz)
        self.base_weekday = self.base.weekday()

    def handle_due(self, start: dt.datetime, days: int) -> dt.datetime:
        key = (start.date(), days)
        if key not in self._due:
            self._due[key] = self.calendar.add_working_days(start, days)
        return self._due[key]

    def place_for(self, rng: random.Random, street: str, community: str) -> texts.Place:
        """texts.place_for, with each community's estates and each street's roads worked out
        once (they depend on the name only) rather than once per case."""
        estates = self._estates.get(community) or self._estates.setdefault(community, texts.estates_of(community))
        roads = self._roads.get(street) or self._roads.setdefault(street, texts.roads_of(street))
        return texts.Place(street, community, community.endswith("村"), rng.choice(estates), rng.choice(roads))

    def department_for(self, item: _Item, street: _Street) -> _Dept | None:
        if item.department_type == STREET_TYPE:
            return street.office
        return self.departments.get(item.department_type)


def _cumulative(values) -> Iterator[float]:
    total = 0.0
    for v in values:
        total += v
        yield total


def _items_in(items: list[_Item], category_code: str) -> int:
    return sum(1 for i in items if i.category_code == category_code)


# ---------------------------------------------------------------- one case's story


@dataclass(slots=True)
class _Ev:
    action: str
    from_status: str
    to_status: str
    actor: _Staff | None
    label: str
    t: float  # seconds on the story's clock
    reason: str = ""
    data: dict = field(default_factory=dict)
    deadlines: tuple | None = None  # dispatch/transfer: (sign hours, handle days, committed days)
    session: dict | None = None  # record_mediation: the session it records
    sign_due: dt.datetime | None = None
    handle_due: dt.datetime | None = None
    committed: dt.date | None = None


PUBLIC_HOURS = (1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 3, 6, 8, 8, 7, 5, 5, 7, 7, 6, 5, 5, 6, 6, 5, 3, 2)
OFFICE_HOURS = (0, 0, 0, 0, 0, 0, 0, 0, 4, 8, 8, 7, 3, 2, 7, 8, 7, 5, 0, 0, 0, 0, 0, 0)
STAFF_DAY = (8 * HOUR, 21.5 * HOUR)  # when staff events may fall, after wait() has nudged them


class _Story:
    """One case while it is played: its cast, its state, and moves that each mirror an
    applier in cases/services.py (same status change, same side effects, same event data)."""

    def __init__(self, world: _World, rng: random.Random, target: str) -> None:
        self.w, self.rng, self.target = world, rng, target
        # The cast, drawn in a fixed order.
        self.grid: _Grid = world.grids[_pick(rng, world.grid_weights)]
        self.at_community = rng.random() < 0.15
        self.street = self.grid.street
        self.item: _Item = world.items[_pick(rng, world.item_weights)]
        self.channel: str = world.channels[_pick(rng, world.channel_weights)]
        self.group_size, self.amount = _magnitude(rng, self.item)
        self.anonymous = self.channel in ANONYMOUS_CHANNELS and target != S.REOPENED and rng.random() < 0.07
        self.place = world.place_for(rng, self.street.name, self.grid.community_name)
        self.address = texts.address(rng, self.place)
        self.description = texts.describe(
            rng, list(self.item.examples), category_code=self.item.category_code, place=self.place,
            channel=self.channel, group_size=self.group_size, amount=self.amount, fallback=self.item.name,
        )
        self.complainant: tuple[str, str, str] | None = None  # name, phone, ID number
        if not self.anonymous:
            name, male = texts.person_name(rng)
            id_no = texts.id_number(rng, rng.choice(ID_AREAS), male) if rng.random() < 0.4 else ""
            self.complainant = (name, texts.mobile(rng), id_no)
        self.respondent = texts.respondent(rng, self.item.category_code, self.item.code, self.place)
        self.point: tuple[float, float] | None = None
        if self.channel in (Channel.WEB, Channel.QR, Channel.GRID) or rng.random() < 0.3:
            x0, y0, x1, y1 = self.grid.community_rect if self.at_community else self.grid.rect
            self.point = (rng.uniform(x0, x1), rng.uniform(y0, y1))
        self.created_by: _Staff | None = None
        if self.channel in CLERK_CHANNELS:
            self.created_by = rng.choice(world.county.staff or world.county.dispatchers)
        elif self.channel == Channel.GRID:
            self.created_by = self.grid.worker

        # The state, as the case row would hold it.
        self.events: list[_Ev] = []
        self.status = ""
        self.t = 0.0
        self.center: _Center = world.county
        self.origin: _Center | None = None
        self.department: _Dept | None = None
        self.helpers: list[_Dept] = []
        self.leader: _Staff | None = None
        self.classified: _Item | None = None
        self.risk: str = RiskGrade.GENERAL
        self.pending_risk = ""
        self.result = ""
        self.guidance = ""
        self.satisfaction: int | None = None
        self.comment = ""
        self.closed_at: float | None = None
        self.deadline_event: _Ev | None = None
        self.committed_event: _Ev | None = None

    # -- the clock

    def wait(self, low: float, high: float, *, staff: bool = True) -> None:
        """Let time pass; staff act in office hours, residents not in the small hours."""
        self.t += _loguniform(self.rng, low, high)
        tod = self.t % DAY
        opens, closes = (8 * HOUR, 20 * HOUR) if staff else (7 * HOUR, 23 * HOUR)
        if tod < opens:
            self.t += opens - tod + self.rng.uniform(0, 90 * MINUTE)
        elif tod > closes:
            self.t += DAY - tod + opens + self.rng.uniform(0, 90 * MINUTE)

    # -- writing events

    def write(self, name: str, actor: _Staff | None, *, to: str | None = None, reason: str = "", data: dict | None = None) -> _Ev:
        action = ACTIONS.get(name) or STEPS[name]
        if self.status not in action.sources or to != action.target:
            raise RuntimeError(f"demo story broke the state machine: {name} from {self.status} to {to}")
        if actor is None:
            label = RESIDENT_LABEL
        else:
            label = actor.label(self.center.id, self.origin.id if self.origin else None, self.department.id if self.department else None)
        event = _Ev(name, self.status, to or self.status, actor, label, self.t, reason, data or {})
        if to:
            self.status = to
        self.events.append(event)
        return event

    # -- the moves

    def submit(self) -> None:
        actor = self.created_by
        label = actor.label(self.center.id, None, None) if actor else RESIDENT_LABEL
        self.events.append(_Ev("submit", "", S.SUBMITTED, actor, label, self.t, "", {"channel": self.channel}))
        self.status = S.SUBMITTED

    def accept(self) -> None:
        self.write("accept", self.county_staff(), to=S.ACCEPTED)

    def decline(self) -> None:
        reason, redirect = self.rng.choice(texts.DECLINE)
        self.closed_at = self.t
        self.write("decline", self.county_staff(), to=S.DECLINED, reason=reason, data={"redirect": redirect})

    def classify(self, risk: str) -> None:
        before = {"item": self.classified.name if self.classified else "", "risk_grade": self.risk}
        self.classified, self.risk = self.item, risk
        self.write("classify", self.county_staff(), data={
            "item": self.item.name, "category": self.item.category_name, "item_code": self.item.code,
            "risk_grade": risk, "before": before,
        })

    def set_risk(self, risk: str) -> None:
        before, self.risk = self.risk, risk
        self.write("set_risk", self.county_dispatcher(), reason=self.rng.choice(texts.SET_RISK),
                   data={"risk_grade": risk, "before": before})

    def resolve_immediately(self) -> None:
        actor = self.rng.choice(self.w.county.staff + self.w.county.dispatchers)
        self.result = self.rng.choice(texts.IMMEDIATE)
        self.origin = self.center
        self.write("resolve_immediately", actor, to=S.RESOLVED, reason=self.result)
        self.closed_at = self.t
        self.write("auto_close", actor, to=S.CLOSED)

    def _target(self, holder: _Dept | _Center, helpers: list[_Dept]) -> dict:
        if self.status in (S.DISPATCHED, S.SIGNED, S.IN_PROGRESS) and self.origin is not None:
            self.center = self.origin
        self.origin = self.center
        if isinstance(holder, _Dept):
            self.department, self.helpers = holder, helpers
            data = {"department_id": holder.id, "department": holder.name}
        else:
            self.department, self.helpers, self.center = None, [], holder
            data = {"center_id": holder.id, "center": holder.display}
        if helpers:
            data["helpers"] = [d.name for d in helpers]
        return data

    def _clock(self, event: _Ev) -> None:
        item = self.classified
        committed = None
        if item.handling_kind == HandlingKind.COMMITTED:
            committed = self.rng.randint(max(1, item.handle_days // 2), max(1, item.handle_days))
            self.committed_event = event
        event.deadlines = (item.sign_hours, item.handle_days, committed)
        self.deadline_event = event

    def dispatch(self, holder: _Dept | _Center, helpers: list[_Dept] | None = None) -> None:
        actor = self.county_dispatcher()
        data = self._target(holder, helpers or [])
        self._clock(self.write("dispatch", actor, to=S.DISPATCHED, data=data, reason=self.rng.choice(texts.DISPATCH_NOTE)))

    def transfer(self, holder: _Dept | _Center) -> None:
        actor = self.county_dispatcher()
        data = self._target(holder, []) | {"from": self.holder_label}
        reason = self.rng.choice(texts.TRANSFER).format(dept=getattr(holder, "name", None) or holder.display)
        self._clock(self.write("transfer", actor, to=S.DISPATCHED, data=data, reason=reason))

    def _clear_holder(self) -> None:
        self.department, self.helpers, self.deadline_event = None, [], None

    def sign(self) -> None:
        self.write("sign", self.holder_actor("sign"), to=S.SIGNED)

    def return_(self) -> None:
        actor = self.holder_actor("sign")
        returned_by = self.holder_label
        self.center = self.origin or self.center
        self._clear_holder()
        self.write("return", actor, to=S.RETURNED, reason=self.rng.choice(texts.RETURN), data={"returned_by": returned_by})

    def _start(self, actor: _Staff) -> None:
        if self.status == S.SIGNED:
            self.write("start", actor, to=S.IN_PROGRESS)

    def record_handling(self) -> None:
        actor = self.holder_actor("handle")
        if self.helpers and self.rng.random() < 0.3:
            actor = self.rng.choice(self.rng.choice(self.helpers).handlers)
        self._start(actor)
        self.write("record_handling", actor, reason=self.rng.choice(texts.HANDLING))

    def record_mediation(self, outcome: str, since: float) -> None:
        rng = self.rng
        actor = self.holder_actor("mediate")
        self._start(actor)
        method = _choose(rng, MEDIATION_METHODS, (60, 25, 15))
        street_mediators = self.street.center.mediators
        if self.department is not None:
            names = [actor.name] + ([rng.choice(street_mediators).name] if street_mediators and rng.random() < 0.6 else [])
            place = rng.choice((f"{self.department.name}会议室", f"{self.street.center.display}调解室", f"{self.grid.community_name}党群服务中心"))
        else:
            others = [m.name for m in street_mediators if m is not actor]
            names = [actor.name] + (others[:1] if others and rng.random() < 0.5 else [])
            place = rng.choice((f"{self.street.center.display}调解室", f"{self.grid.community_name}调解室", f"{self.grid.community_name}党群服务中心"))
        if method == MediationMethod.ONLINE:
            place = "线上视频调解"
        complainant = self.complainant[0] if self.complainant else "诉求人"
        other = self.respondent or "对方当事人"
        attendees = [complainant] + ([self.respondent] if self.respondent else [])
        if self.grid.worker and rng.random() < 0.4:
            attendees.append(f"网格员{self.grid.worker.name}")
        agreement, amount, judicial = "", None, False
        if outcome == MediationOutcome.RESOLVED and self.amount is not None:
            amount = Decimal(int(self.amount * Decimal(rng.uniform(0.5, 1.0)) / 100) * 100).quantize(CENT)
            agreement = rng.choice(texts.AGREEMENT).format(
                respondent=other, complainant=complainant, amount=amount,
                days=rng.choice((3, 7, 15, 30)), times=rng.randint(2, 6),
            )
            judicial = rng.random() < 0.15
        elif outcome == MediationOutcome.RESOLVED:
            agreement = rng.choice(texts.AGREEMENT_NO_MONEY).format(respondent=other, days=rng.choice((3, 7, 15)))
        elif outcome == MediationOutcome.PARTIAL:
            agreement = "双方就部分事项达成一致，其余事项继续协商。"
        event = self.write("record_mediation", actor, data={
            "mediation_id": None, "method": method, "outcome": outcome, "held_at": None,
            "amount": str(amount) if amount is not None else None, "judicial_confirmation": judicial,
        })
        event.session = {
            "held_t": max(since, self.t - rng.uniform(20 * MINUTE, 3 * HOUR)), "place": place, "method": method,
            "mediators": "、".join(names), "attendees": "、".join(attendees), "outcome": outcome,
            "agreement_text": agreement, "agreement_amount": amount, "judicial_confirmation": judicial,
            "recorded_by": actor,
        }

    def resolve(self) -> None:
        self.result = self.rng.choice(texts.RESOLVED)
        self.write("resolve", self.holder_actor("close"), to=S.RESOLVED, reason=self.result)

    def close_unresolved(self) -> None:
        weights = GUIDANCE_WEIGHTS.get(self.item.category_code, DEFAULT_GUIDANCE)
        self.guidance = _choose(self.rng, list(weights), tuple(weights.values()))
        self.result = texts.UNRESOLVED[self.guidance]
        self.write("close_unresolved", self.holder_actor("close"), to=S.UNRESOLVED, reason=self.result,
                   data={"guidance": self.guidance})

    def escalate(self) -> None:
        actor = self.holder_actor("escalate")
        below, parent = self.center, self.w.county
        self.center = self.origin = parent
        self._clear_holder()
        self.write("escalate", actor, to=S.ESCALATED, reason=self.rng.choice(texts.ESCALATE), data={
            "from_center": below.display, "to_center": parent.display, "to_center_id": parent.id,
        })

    def close(self) -> None:
        self.closed_at = self.t
        self.write("close", self.county_closer(), to=S.CLOSED)

    def set_helpers(self, helpers: list[_Dept]) -> None:
        self.helpers = helpers
        note = self.rng.choice(texts.HELPER_NOTE).format(dept="、".join(d.name for d in helpers))
        self.write("set_helpers", self.county_dispatcher(), reason=note,
                   data={"lead": self.department.name, "helpers": [d.name for d in helpers]})

    def assign_leader(self) -> None:
        self.leader = self.rng.choice(self.w.county.leaders + self.street.center.leaders)
        self.write("assign_leader", self.county_dispatcher(), reason=self.rng.choice(texts.LEADER_NOTE),
                   data={"leader_id": self.leader.id, "leader": self.leader.name})

    def rate(self, satisfaction: int) -> None:
        self.satisfaction = satisfaction
        self.comment = self.rng.choice(texts.RATING[satisfaction])
        self.write("rate", None, reason=self.comment, data={"satisfaction": satisfaction})

    def reopen(self) -> None:
        self.center = self.origin or self.center
        self._clear_holder()
        self.closed_at = None
        self.satisfaction = None
        self.write("reopen", None, to=S.REOPENED, reason=self.rng.choice(texts.REOPEN))

    # -- who acts

    @property
    def holder_label(self) -> str:
        return self.department.name if self.department else self.center.display

    def county_staff(self) -> _Staff:
        return self.rng.choice(self.w.county.staff or self.w.county.dispatchers)

    def county_dispatcher(self) -> _Staff:
        county = self.w.county
        if county.leaders and self.rng.random() < 0.1:
            return self.rng.choice(county.leaders)
        return self.rng.choice(county.dispatchers)

    def county_closer(self) -> _Staff:
        county = self.w.county
        return self.rng.choice(county.staff + county.dispatchers + county.leaders)

    def holder_actor(self, what: str) -> _Staff:
        if self.department is not None:
            return self.rng.choice(self.department.handlers)
        center = self.center
        pool = {
            "sign": center.staff,
            "escalate": center.leaders + center.dispatchers + center.mediators,
            "close": center.mediators + center.leaders,
        }.get(what) or center.mediators
        return self.rng.choice(pool or center.staff)

    # -- the plot

    def route(self) -> _Dept | _Center:
        """Where the county sends it: the responsible department, or the street's center for
        matters the street settles itself; after an escalation, a county department."""
        dept = self.w.department_for(self.item, self.street)
        if self.status == S.ESCALATED:
            if dept is not None and dept.type_code != STREET_TYPE:
                return dept
            return self.w.justice or self.street.center
        if dept is None or (self.item.department_type == STREET_TYPE and self.rng.random() < 0.6) or self.rng.random() < 0.08:
            return self.street.center
        return dept

    def other_department(self, *not_these) -> _Dept:
        return self.rng.choice([d for d in self.w.departments.values() if d not in not_these])

    def helpers_for(self, lead: _Dept) -> list[_Dept]:
        others = [d for d in self.w.departments.values() if d is not lead]
        return self.rng.sample(others, min(len(others), self.rng.randint(1, 2)))

    def handling_round(self, end: str, holder: _Dept | _Center | None = None) -> None:
        """Dispatch, sign and handle. `end` is a status to stop at, or how the round comes
        out: "resolve", "unresolved" or "escalate"."""
        rng = self.rng
        holder = holder or self.route()
        is_dept = isinstance(holder, _Dept)
        wrong_first = end == S.RETURNED or rng.random() < 0.07
        transfer = not wrong_first and is_dept and rng.random() < 0.03
        helpers = self.helpers_for(holder) if is_dept and rng.random() < 0.025 else []

        self.wait(10 * MINUTE, 8 * HOUR)
        if wrong_first:
            self.dispatch(self.other_department(holder))
            self.wait(1 * HOUR, 2 * DAY)
            self.return_()
            if end == S.RETURNED:
                if rng.random() < 0.2:
                    self.wait(10 * MINUTE, 4 * HOUR)
                    self.classify(self.risk)
                return
            self.wait(30 * MINUTE, 1 * DAY)
        self.dispatch(self.other_department(holder) if transfer else holder, helpers)
        if self.risk == RiskGrade.MAJOR and self.leader is None and rng.random() < 0.7:
            self.wait(30 * MINUTE, 1 * DAY)
            self.assign_leader()
        if self.pending_risk:
            self.wait(1 * HOUR, 2 * DAY)
            self.set_risk(self.pending_risk)
            self.pending_risk = ""
        if end == S.DISPATCHED and not transfer:
            return
        self.wait(10 * MINUTE, 30 * HOUR)
        self.sign()
        if transfer:
            self.wait(1 * HOUR, 3 * DAY)
            self.transfer(holder)
            if end == S.DISPATCHED:
                return
            self.wait(10 * MINUTE, 24 * HOUR)
            self.sign()
        if end == S.SIGNED:
            return
        if is_dept and not self.helpers and rng.random() < 0.025:
            self.wait(1 * HOUR, 2 * DAY)
            self.set_helpers(self.helpers_for(holder))

        records = 1 + (rng.random() < 0.5) + (rng.random() < 0.2)
        share = MEDIATION_SHARE.get(self.item.category_code, 0.5)
        span = max(1.0, self.classified.handle_days * 0.5) * DAY / records
        for n in range(records):
            since = self.t
            self.wait(1 * HOUR, max(2 * HOUR, span))
            last = n == records - 1
            if rng.random() < share or (end == "escalate" and last):
                if end == "resolve" and last:
                    outcome = MediationOutcome.RESOLVED if rng.random() < 0.9 else MediationOutcome.PARTIAL
                else:
                    outcome = MediationOutcome.FAILED if rng.random() < 0.7 else MediationOutcome.PARTIAL
                self.record_mediation(outcome, since)
            else:
                self.record_handling()
        if end == S.IN_PROGRESS:
            return
        self.wait(1 * HOUR, 3 * DAY)
        {"escalate": self.escalate, "resolve": self.resolve}.get(end, self.close_unresolved)()

    def rate_maybe(self, weights: tuple[int, int, int], within: float) -> None:
        if not self.anonymous and self.rng.random() < 0.85:
            self.wait(1 * HOUR, within, staff=False)
            self.rate(_choose(self.rng, (3, 2, 1), weights))

    def play(self) -> None:
        rng, target, item = self.rng, self.target, self.item
        escalate_first = target == S.ESCALATED or (target != S.REOPENED and rng.random() < 0.04)
        reopen_first = target == S.REOPENED or (
            not self.anonymous and target in HANDLING_STOPS | {S.CLOSED, S.RESOLVED, S.UNRESOLVED} and rng.random() < 0.03
        )
        self.t = self.submitted_at()
        self.submit()
        self.wait(10 * MINUTE, 6 * HOUR)
        if target == S.SUBMITTED:
            if rng.random() < 0.3:
                self.classify(item.default_risk)
            return
        if target == S.DECLINED:
            if rng.random() < 0.15:
                self.classify(item.default_risk)
                self.wait(5 * MINUTE, 1 * DAY)
            self.decline()
            return
        self.accept()
        risk = _risk(rng, item.default_risk, self.group_size, self.amount)
        if target == S.ACCEPTED:
            if rng.random() < 0.5:
                self.wait(1 * MINUTE, 30 * MINUTE)
                self.classify(risk)
            return
        self.wait(1 * MINUTE, 30 * MINUTE)
        if risk != item.default_risk and rng.random() < 0.3:
            self.classify(item.default_risk)
            self.pending_risk = risk  # raised later, once the dispatcher knows more
        else:
            self.classify(risk)

        if item.handling_kind == HandlingKind.IMMEDIATE and target == S.CLOSED and rng.random() < 0.8:
            self.wait(5 * MINUTE, 1 * HOUR)
            self.resolve_immediately()
            self.rate_maybe((80, 17, 3), 5 * DAY)
            return
        if escalate_first:
            self.handling_round("escalate", self.street.center)
            if target == S.ESCALATED:
                if rng.random() < 0.3:
                    self.wait(10 * MINUTE, 4 * HOUR)
                    self.classify(self.risk)
                return
        if reopen_first:
            # Closed once, the resident was not satisfied and asked to reopen it.
            self.handling_round("resolve" if rng.random() < 0.7 else "unresolved")
            self.wait(1 * HOUR, 3 * DAY)
            self.close()
            self.wait(1 * HOUR, 5 * DAY, staff=False)
            self.rate(1)
            self.wait(10 * MINUTE, 5 * DAY, staff=False)
            self.reopen()
            if target == S.REOPENED:
                if rng.random() < 0.2:
                    self.wait(10 * MINUTE, 4 * HOUR)
                    self.classify(self.risk)
                return
        if target in HANDLING_STOPS:
            self.handling_round(target)
            return
        resolved = {S.RESOLVED: True, S.UNRESOLVED: False}.get(target, rng.random() < 0.85)
        self.handling_round("resolve" if resolved else "unresolved")
        if target == S.CLOSED:
            self.wait(1 * HOUR, 3 * DAY)
            self.close()
            self.rate_maybe((70, 22, 8) if resolved else (25, 40, 35), 10 * DAY)

    def submitted_at(self) -> float:
        office = self.channel in (Channel.WINDOW, Channel.HOTLINE, Channel.PETITION, Channel.COURT, Channel.API)
        hour = _choose(self.rng, range(24), OFFICE_HOURS if office else PUBLIC_HOURS)
        return hour * HOUR + self.rng.uniform(0, HOUR)

    # -- placing the story in the year

    def place_in_time(self, now_s: float) -> float:
        """Seconds to add to the story's clock: whole days, so that office hours survive,
        plus, for open cases, a nudge within office hours towards the wanted lag."""
        rng = self.rng
        start, end = self.events[0].t, self.events[-1].t
        earliest = now_s - YEAR_DAYS * DAY
        if self.status in (S.CLOSED, S.DECLINED):
            low = math.ceil((earliest - start) / DAY)
            high = math.floor((now_s - 10 * MINUTE - end) / DAY)
            if high < low:
                return high * DAY
            for _ in range(2):
                # More cases lately (the platform is catching on), fewer at weekends.
                k = min(high, low + int(rng.random() ** (1 / 1.4) * (high - low + 1)))
                if (self.w.base_weekday + k) % 7 < 5 or rng.random() < 0.55:
                    break
            return k * DAY
        wanted = now_s - _loguniform(rng, *OPEN_LAG[self.status])
        k = math.floor((wanted - end) / DAY)
        staff_tods = [e.t % DAY for e in self.events if e.actor is not None and e.action != "submit"]
        ahead = min((STAFF_DAY[1] - tod for tod in staff_tods), default=DAY)
        behind = min((tod - STAFF_DAY[0] for tod in staff_tods), default=DAY)
        short = wanted - (k * DAY + end)  # in [0, DAY)
        shift = k * DAY + min(short, max(0.0, ahead))
        if DAY - short < short and DAY - short <= behind and (k + 1) * DAY + end - (DAY - short) <= now_s - MINUTE:
            shift = (k + 1) * DAY - (DAY - short)
        if shift + start < earliest:
            shift = math.ceil((earliest - start) / DAY) * DAY
        return shift


MEDIATION_METHODS = (MediationMethod.FACE_TO_FACE, MediationMethod.SHUTTLE, MediationMethod.ONLINE)
CENT = Decimal("0.01")


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    return min(bisect(cumulative, rng.random() * cumulative[-1]), len(cumulative) - 1)


_SUMS: dict[tuple, list] = {}


def _choose(rng: random.Random, population, weights: tuple):
    """rng.choices(population, weights)[0], the same draw and the same pick, with the running
    sums of the weights worked out once rather than at every call."""
    sums = _SUMS.get(weights)
    if sums is None:
        sums = _SUMS[weights] = list(accumulate(weights))
    return population[bisect(sums, rng.random() * (sums[-1] + 0.0), 0, len(sums) - 1)]


# ---------------------------------------------------------------- rows

# The columns written, in the order of the rows below: plain lists of values, not model
# instances (building a million Case objects costs more than writing them).
CASE_COLUMNS = (
    "id", "tracking_code", "idempotency_key", "channel", "status", "description", "region_id", "region_path",
    "address", "latitude", "longitude", "anonymous", "group_size", "amount", "category_id", "item_id",
    "handling_kind", "risk_grade", "center_id", "origin_center_id", "department_id", "leader_id",
    "respond_due", "sign_due", "handle_due", "committed_date", "result_summary", "guidance", "satisfaction",
    "rating_comment", "created_by_id", "created_at", "updated_at", "closed_at", "version",
)
PARTY_COLUMNS = ("case_id", "role", "name", "phone", "id_number")
SESSION_COLUMNS = (
    "id", "case_id", "held_at", "place", "method", "mediators", "attendees", "outcome", "agreement_text",
    "agreement_amount", "judicial_confirmation", "recorded_by_id", "created_at",
)
EVENT_COLUMNS = (
    "case_id", "action", "from_status", "to_status", "actor_id", "actor_label", "reason", "data", "public",
    "created_at",
)
HELPER_COLUMNS = ("case_id", "department_id")
CLOCK_COLUMNS = ("case_id", "kind", "started_at", "due_at", "warn_at", "red_at", "stopped_at", "stage", "next_check_at")
COMPLAINANT, RESPONDENT = str(PartyRole.COMPLAINANT), str(PartyRole.RESPONDENT)


@dataclass
class _Rows:
    cases: list[list] = field(default_factory=list)
    parties: list[list] = field(default_factory=list)
    sessions: list[list] = field(default_factory=list)  # ids are filled in when written
    session_data: list[dict] = field(default_factory=list)  # each session's event data, for its id
    events: list[list] = field(default_factory=list)
    helpers: list[list] = field(default_factory=list)
    clocks: list[list] = field(default_factory=list)


def _rows(story: _Story, shift: float, case_id: int, code: str, world: _World, rows: _Rows) -> None:
    """Turn a played story into rows, with times, deadlines and the case's final fields."""
    base, delta = world.base, dt.timedelta
    events, public = rows.events, PUBLIC_EVENTS
    running: dict[str, list] = {}  # clock kind → its row, while it runs
    steps = 0  # perform()'s own steps (start, auto_close), which ride along with an action

    for ev in story.events:
        when = base + delta(seconds=shift + ev.t)
        if ev.action in STEPS:
            steps += 1
        if ev.deadlines:
            sign_hours, handle_days, committed_days = ev.deadlines
            ev.sign_due = when + delta(hours=sign_hours)
            if committed_days is not None:
                ev.committed = when.date() + delta(days=committed_days)
                ev.handle_due = dt.datetime.combine(ev.committed, dt.time(23, 59, 59), tzinfo=world.tz)
            else:
                ev.handle_due = world.handle_due(when, handle_days)
            ev.data["sign_due"] = ev.sign_due.astimezone(dt.UTC).isoformat()
            ev.data["handle_due"] = ev.handle_due.isoformat()
        if ev.session is not None:
            s = ev.session
            held_at = base + delta(seconds=shift + s["held_t"])
            ev.data["held_at"] = held_at.isoformat()
            rows.sessions.append([
                None, case_id, held_at, s["place"], s["method"], s["mediators"][:300], s["attendees"][:500],
                s["outcome"], s["agreement_text"], s["agreement_amount"], s["judicial_confirmation"],
                s["recorded_by"].id, when,
            ])
            rows.session_data.append(ev.data)
        actor = ev.actor
        events.append([
            case_id, ev.action, ev.from_status, ev.to_status, actor.id if actor is not None else None, ev.label,
            ev.reason, ev.data, ev.action in public, when,
        ])
        _clocks(running, ev, when, story.classified, case_id, rows.clocks)

    created, updated = events[-len(story.events)][-1], when  # by its first and last events
    item = story.classified
    due = story.deadline_event
    grid, point = story.grid, story.point
    region_id, region_path = (grid.community_id, grid.community_path) if story.at_community else (grid.id, grid.path)
    rows.cases.append([
        case_id, code, None, story.channel, story.status, story.description, region_id, region_path,
        story.address,
        Decimal(f"{point[1]:.6f}") if point else None, Decimal(f"{point[0]:.6f}") if point else None,
        story.anonymous, story.group_size, story.amount,
        item.category_id if item else None, item.id if item else None,
        item.handling_kind if item else HandlingKind.TIME_LIMITED, story.risk,
        story.center.id, story.origin.id if story.origin else None,
        story.department.id if story.department else None, story.leader.id if story.leader else None,
        created + delta(minutes=item.respond_minutes if item else DEFAULT_RESPOND_MINUTES),
        due.sign_due if due else None, due.handle_due if due else None,
        story.committed_event.committed if story.committed_event else None,
        story.result, story.guidance, story.satisfaction, story.comment,
        story.created_by.id if story.created_by else None,
        created, updated,
        base + delta(seconds=shift + story.closed_at) if story.closed_at is not None else None,
        len(story.events) - steps,  # one for the report, then perform() adds one per action
    ])
    if story.complainant:
        name, phone, id_no = story.complainant
        rows.parties.append([case_id, COMPLAINANT, name, phone, id_no])
    if story.respondent:
        rows.parties.append([case_id, RESPONDENT, story.respondent, "", ""])
    rows.helpers.extend([case_id, d.id] for d in story.helpers)


def _clocks(running: dict[str, list], ev: _Ev, when: dt.datetime, item: _Item | None, case_id: int,
            out: list[list]) -> None:
    """Stop and start the case's clocks for one event by the table perform() follows
    (jiefen.sla.clocks.RULES): each clock is a row, the stopped ones with the colour they had
    reached, the running ones at stage 0 with their next check due (the worker's first tick
    raises the sheets of those already late, as jiefen.sla.backfill says)."""
    rule = CLOCK_RULES.get(ev.action)
    if rule is None:
        return
    stops, starts = rule
    for kind in stops:
        row = running.pop(kind, None)
        if row is not None:
            _, _, _, due, warn, red, *_ = row
            row[6] = when
            row[7] = Stage.RED if when >= red else Stage.YELLOW if when >= due else Stage.BLUE if when >= warn else Stage.NONE
            row[8] = None
    for kind in sorted(starts):
        if kind == ClockKind.RESPOND:
            due = when + dt.timedelta(minutes=item.respond_minutes if item else DEFAULT_RESPOND_MINUTES)
        elif kind == ClockKind.SORT:
            due = when + dt.timedelta(hours=SORT_HOURS)
        else:
            due = ev.sign_due if kind == ClockKind.SIGN else ev.handle_due
            if due is None:
                continue
        span = max(due - when, dt.timedelta(minutes=1))
        warn_pct, red_pct = (item.warn_percent, item.red_percent) if item else (WARN_PERCENT, RED_PERCENT)
        warn = when + span * warn_pct / 100
        row = [case_id, str(kind), when, due, warn, due + span * red_pct / 100, None, Stage.NONE, warn]
        running[kind] = row
        out.append(row)


# ---------------------------------------------------------------- the generator


@dataclass
class Generated:
    cases: int = 0
    events: int = 0
    parties: int = 0
    mediations: int = 0
    clocks: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.cases / self.seconds if self.seconds else 0.0


def _status_bag(rng: random.Random) -> list[str]:
    bag = [status for status, count in STATUS_MIX.items() for _ in range(count)]
    rng.shuffle(bag)
    return bag


def _codes(rng: random.Random, count: int) -> list[str]:
    return ["".join(rng.choices(ALPHABET, k=LENGTH)) for _ in range(count)]


def _taken(codes: list[str]) -> set[str]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT tracking_code FROM {Case._meta.db_table} WHERE tracking_code = ANY(%s)", [codes])
            return {code for (code,) in cursor.fetchall()}
    taken = set()
    for start in range(0, len(codes), 900):
        chunk = codes[start:start + 900]
        taken.update(Case.objects.filter(tracking_code__in=chunk).values_list("tracking_code", flat=True))
    return taken


def _make_unique(codes: list[str], rng: random.Random, in_flight: set[str]) -> list[str]:
    """Redraw the (rare) codes already taken: in the database, in the batch still being
    written, or earlier in this batch."""
    while True:
        taken = _taken(codes) | {code for code in codes if code in in_flight}
        seen: set[str] = set()
        clashes = 0
        for i, code in enumerate(codes):
            if code in taken or code in seen:
                codes[i] = _codes(rng, 1)[0]
                clashes += 1
            seen.add(codes[i])
        if not clashes:
            return codes


def _write(writer: RowWriter, rows: _Rows) -> None:
    """Case and session ids are taken before writing, in order, as bulk_create would have
    had them; the other tables number their rows themselves, in the order written."""
    writer.begin()
    session_ids = writer.reserve(MediationSession, len(rows.sessions))
    for row, data, pk in zip(rows.sessions, rows.session_data, session_ids, strict=True):
        row[0] = data["mediation_id"] = pk
    writer.insert(Case, CASE_COLUMNS, rows.cases)
    writer.insert(Party, PARTY_COLUMNS, rows.parties)
    writer.insert(MediationSession, SESSION_COLUMNS, rows.sessions)
    writer.insert(Event, EVENT_COLUMNS, rows.events)
    writer.insert(Case.helper_departments.through, HELPER_COLUMNS, rows.helpers)
    writer.insert(Clock, CLOCK_COLUMNS, rows.clocks)


def _write_batch(writer: RowWriter, rows: _Rows) -> _Rows:
    with transaction.atomic():
        _write(writer, rows)
    return rows


def _close_connection() -> None:
    connection.close()  # the calling thread's connection


def generate_cases(
    n: int,
    seed: int,
    district: District,
    now: dt.datetime | None = None,
    batch_size: int = 5000,
    progress: Callable[[int, int, float], None] | None = None,
) -> Generated:
    """Create n cases in the district over the 12 months before `now`, with their parties,
    mediation sessions and event timelines. The same seed on an empty database gives the
    same cases; each batch is one transaction; `progress(done, n, seconds)` is called after
    each batch is written."""
    started = time.monotonic()
    world = _World(district)
    now = now or timezone.now()
    world.tz = timezone.get_current_timezone()
    local_now = now.astimezone(world.tz)
    world.base = dt.datetime.combine(local_now.date() - dt.timedelta(days=YEAR_DAYS + 35), dt.time(0), tzinfo=world.tz)
    world.base_weekday = world.base.weekday()
    now_s = (now - world.base).total_seconds()

    rng = random.Random(seed)
    code_rng = random.Random(f"jiefen-demo-codes:{seed}")  # its own stream: a redraw moves nothing else
    bag: list[str] = []
    result = Generated()

    def written(rows: _Rows) -> None:
        result.cases += len(rows.cases)
        result.events += len(rows.events)
        result.parties += len(rows.parties)
        result.mediations += len(rows.sessions)
        result.clocks += len(rows.clocks)
        result.seconds = time.monotonic() - started
        if progress:
            progress(result.cases, n, result.seconds)

    # On PostgreSQL outside a transaction (the command line), a thread writes each batch on
    # its own connection while this one plays the next, so that the server's work overlaps
    # Python's. Inside a transaction (tests) everything stays on it, foreign keys checked.
    postgres = connection.vendor == "postgresql"
    background = ThreadPoolExecutor(1, "demo-writer") if postgres and not connection.in_atomic_block else None
    writer = row_writer(connection, trusting=bool(background))
    writing: Future | None = None
    in_flight: set[str] = set()
    done = 0
    # Stories make no reference cycles, so the cyclic collector would only rescan the batch
    # held in memory, over and over (a tenth of the time): it is off while generating.
    collecting = gc.isenabled()
    gc.disable()
    try:
        while done < n:
            size = min(batch_size, n - done)
            codes = _make_unique(_codes(code_rng, size), code_rng, in_flight)
            rows = _Rows()
            with nullcontext() if background else transaction.atomic():
                for case_id, code in zip(writer.reserve(Case, size), codes, strict=True):
                    if not bag:
                        bag = _status_bag(rng)
                    story = _Story(world, rng, bag.pop())
                    story.play()
                    _rows(story, story.place_in_time(now_s), case_id, code, world, rows)
                if not background:
                    _write(writer, rows)
            done += size
            if not background:
                written(rows)
                continue
            if writing:
                written(writing.result())
            writing, in_flight = background.submit(_write_batch, writer, rows), set(codes)
        if writing:
            written(writing.result())
    finally:
        if collecting:
            gc.enable()
        if background:
            background.submit(_close_connection)  # the thread's own, after its last batch
            background.shutdown()
    result.seconds = time.monotonic() - started
    return result
