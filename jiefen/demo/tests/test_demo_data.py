"""The demo district and its generated year of cases: what a person trying the demo sees
must be a district that could exist, and cases that could have happened."""

import datetime as dt
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.db import connection
from django.test import Client

from jiefen.accounts.models import Role, User
from jiefen.cases.models import TERMINAL_STATUSES, Case, Event, MediationSession, Party, Status
from jiefen.cases.scope import awaiting, visible_cases
from jiefen.cases.workflow import ACTIONS, PUBLIC_EVENTS, STEPS
from jiefen.demo.cases import MIX_BLOCK, STATUS_MIX, generate_cases
from jiefen.demo.district import DEMO_ACCOUNTS, DEMO_PASSWORD, build_district, get_district
from jiefen.regions.models import Department, Level, Region
from jiefen.sla.sheet_models import Clock, ClockKind
from jiefen.taxonomy.defaults import load_taxonomy

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
TABLES = [
    Case.helper_departments.through, Clock, Event, MediationSession, Party, Case,
]


@pytest.fixture
def district(db):
    load_taxonomy()
    return build_district(seed=1)


def fingerprint():
    """What a person comparing two runs would compare: codes, texts, statuses, timelines."""
    cases = list(
        Case.objects.order_by("created_at", "tracking_code").values_list(
            "tracking_code", "status", "description", "region_path", "item__code", "risk_grade", "created_at",
        )
    )
    events = list(
        Event.objects.order_by("case__tracking_code", "created_at", "id").values_list(
            "case__tracking_code", "action", "to_status", "actor_label", "created_at",
        )
    )
    parties = sorted(Party.objects.values_list("case__tracking_code", "role", "name", "phone", "id_number"))
    clocks = sorted(Clock.objects.values_list("case__tracking_code", "kind", "started_at", "due_at", "stopped_at"))
    return cases, events, parties, clocks


def wipe_cases():
    """Remove generated cases behind the models' back (events refuse deletion by design)."""
    with connection.cursor() as cursor:
        for model in TABLES:
            cursor.execute(f"DELETE FROM {model._meta.db_table}")


def test_the_district_has_every_level_department_and_demo_account(district):
    levels = Counter(Region.objects.values_list("level", flat=True))
    assert levels[Level.COUNTY] == 1
    assert levels[Level.STREET] == 8
    assert levels[Level.COMMUNITY] == 60
    assert levels[Level.GRID] == 400
    grid = Region.objects.filter(level=Level.GRID).first()
    assert grid.outline and grid.outline["type"] == "Polygon"
    assert grid.path.startswith(district.county.path)
    assert Department.objects.filter(region=district.county, name="清河区人社局").exists()

    client = Client()
    for account in DEMO_ACCOUNTS:
        assert client.login(username=account["username"], password=DEMO_PASSWORD), account
        client.logout()
    assert get_district().county == district.county


def test_a_year_of_cases_in_every_status_with_timelines_the_machine_allows(district):
    generated = generate_cases(600, seed=5, district=district, now=NOW, batch_size=250)
    assert generated.cases == Case.objects.count() == 600

    by_status = Counter(Case.objects.values_list("status", flat=True))
    assert set(by_status) == set(STATUS_MIX), "every status appears"
    assert by_status[Status.CLOSED] == 600 * STATUS_MIX[Status.CLOSED] // MIX_BLOCK

    first, last = (Case.objects.order_by(f).values_list("created_at", flat=True).first() for f in ("created_at", "-created_at"))
    assert NOW - first > dt.timedelta(days=330), "spread over twelve months"
    assert last <= NOW

    timelines = defaultdict(list)
    for e in Event.objects.order_by("created_at", "id"):
        timelines[e.case_id].append(e)
    machine = ACTIONS | STEPS
    for case in Case.objects.select_related("region"):
        events = timelines[case.id]
        assert events[0].action == "submit" and events[0].to_status == Status.SUBMITTED
        status = Status.SUBMITTED
        for e in events[1:]:
            action = machine[e.action]
            assert status in action.sources, (case.tracking_code, status, e.action)
            assert e.created_at >= events[0].created_at
            assert e.public == (e.action in PUBLIC_EVENTS)
            if action.target is not None:
                assert (e.from_status, e.to_status) == (status, action.target)
                status = action.target
        assert status == case.status, case.tracking_code
        assert case.version == 1 + sum(1 for e in events[1:] if e.action not in STEPS), "one version per action, as perform() counts"
        assert case.region_path == case.region.path
        assert (case.closed_at is not None) == (case.status in TERMINAL_STATUSES)

    assert MediationSession.objects.filter(case__status=Status.CLOSED).exists()
    descriptions = list(Case.objects.values_list("description", flat=True))
    assert len(set(descriptions)) > 0.95 * len(descriptions), "descriptions vary"
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in d) for d in descriptions)
    named = Party.objects.exclude(phone="")
    assert named.exists() and all(len(p.phone) == 11 for p in named)


def test_the_same_seed_gives_the_same_cases_whatever_the_batch_size(district):
    generate_cases(300, seed=9, district=district, now=NOW, batch_size=300)
    first = fingerprint()
    wipe_cases()
    generate_cases(300, seed=9, district=district, now=NOW, batch_size=70)
    assert fingerprint() == first
    wipe_cases()
    generate_cases(300, seed=10, district=district, now=NOW)
    assert fingerprint()[0] != first[0]


def test_demo_staff_find_work_in_their_own_scope(district):
    generate_cases(800, seed=2, district=district, now=NOW)
    dispatcher = User.objects.get(username="dispatcher")
    handler = User.objects.get(username="handler")
    street = User.objects.get(username="street")

    everything = visible_cases(dispatcher)
    assert everything.count() == 800
    mine = visible_cases(handler)
    department = handler.memberships.get(role=Role.HANDLER).department
    assert mine.exists()
    assert all(department.id in {c.department_id, *c.helper_departments.values_list("id", flat=True)} for c in mine)
    street_cases = visible_cases(street)
    assert 0 < street_cases.count() < 800

    for user in (dispatcher, handler):
        todo = awaiting(user).order_by("-created_at")
        assert todo.exists(), f"{user.username} has work waiting"
        client = Client()
        client.login(username=user.username, password=DEMO_PASSWORD)
        page = client.get("/work/?tab=todo")
        assert page.status_code == 200
        code = todo.first().tracking_code
        assert f"{code[:4]}-{code[4:]}" in page.text


def test_the_command_leaves_clocks_running_so_the_first_tick_raises_the_late_sheets(db):
    from io import StringIO

    from django.core.management import call_command

    from jiefen.sla.sheet_models import Clock, Sheet
    from jiefen.sla.sheets import open_counts, tick

    out = StringIO()
    call_command("demo_data", "--cases", "400", "--seed", "4", stdout=out)
    assert "clocks" in out.getvalue()
    open_cases = Case.objects.exclude(status__in=TERMINAL_STATUSES).exclude(status__in=["resolved", "unresolved"])
    assert open_cases.exists()
    running = Clock.objects.filter(stopped_at__isnull=True)
    assert set(open_cases.values_list("pk", flat=True)) == set(running.values_list("case_id", flat=True))
    raised = tick()
    assert raised == Sheet.objects.count() > 0
    assert tick() == 0
    leader = User.objects.get(username="leader")
    assert sum(open_counts(leader).values()) > 0, "the demo leader has sheets to look at"


def test_the_demo_grid_worker_has_follow_up_visits_to_make(db):
    from django.core.management import call_command

    from jiefen.followup.services import follow_ups_for

    call_command("demo_data", "--cases", "1500", "--seed", "6", stdout=StringIO())
    visits = follow_ups_for(User.objects.get(username="grid"))
    assert visits.exists(), "the demo account 'grid' finds visits in 我的回访"


def test_generated_cases_carry_the_clocks_perform_would_have_left(district):
    """A leader opening the dashboard on the demo sees on-time rates: every closed case that
    went through a department has its sign and handle clocks stopped, met or late by their
    deadlines; open cases have running clocks; the clocks match the case's deadlines."""
    generate_cases(400, seed=3, district=district, now=NOW)
    closed = Case.objects.filter(status=Status.CLOSED, sign_due__isnull=False)
    assert closed.exists()
    for case in closed[:50]:
        clocks = {c.kind: c for c in case.clocks.all()}
        assert clocks[ClockKind.HANDLE].stopped_at is not None
        assert clocks[ClockKind.HANDLE].due_at == case.handle_due
        assert clocks[ClockKind.RESPOND].stopped_at is not None
    stopped = Clock.objects.filter(stopped_at__isnull=False)
    met = sum(1 for c in stopped if c.met)
    assert 0 < met < stopped.count()  # some late, most in time
    running = Clock.objects.filter(stopped_at__isnull=True, case__status=Status.IN_PROGRESS)
    assert running.filter(kind=ClockKind.HANDLE).count() == Case.objects.filter(
        status=Status.IN_PROGRESS, handle_due__isnull=False).count()
    assert not Clock.objects.filter(case__status=Status.CLOSED, stopped_at__isnull=True).exists()


def test_intake_is_steady_so_this_month_compares_with_last(district):
    """A leader comparing this month with the last sees an ordinary month, not a flood: the
    last 30 days received about as many cases as an average 30 days of the year before."""
    generate_cases(2000, seed=7, district=district, now=NOW)
    recent = Case.objects.filter(created_at__gte=NOW - dt.timedelta(days=30)).count()
    earlier = Case.objects.filter(created_at__lt=NOW - dt.timedelta(days=30),
                                  created_at__gte=NOW - dt.timedelta(days=330)).count() / 10
    assert 0.5 < recent / earlier < 2.0, (recent, earlier)
