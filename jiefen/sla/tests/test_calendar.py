"""The working calendar: holidays and make-up days, working days and working hours, the
shipped 2026/2027 schedules, the loader, the admin and the cache."""

import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from jiefen.sla import calendar
from jiefen.sla.calendar import (
    WORKING_PERIODS,
    WorkingCalendar,
    add_working_days,
    add_working_hours,
)
from jiefen.sla.defaults import DEFAULT_CALENDAR, load_calendar, read_calendar, shipped_overrides
from jiefen.sla.models import CalendarDay

SHANGHAI = ZoneInfo("Asia/Shanghai")
SHIPPED = shipped_overrides()


def at(y, m, d, h=0, mi=0, s=0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, s, tzinfo=SHANGHAI)


def end_of(y, m, d) -> dt.datetime:
    return at(y, m, d, 23, 59, 59)


@pytest.fixture
def cal() -> WorkingCalendar:
    """The shipped schedule, without the database."""
    return WorkingCalendar(SHIPPED)


@pytest.fixture
def fresh_cache(monkeypatch):
    monkeypatch.setattr(calendar, "_uncommitted_change", False)
    calendar.clear_cache()
    yield
    calendar.clear_cache()


# ------------------------------------------------------------------ the shipped schedules


def test_2026_is_the_state_council_notice(cal):
    rest = {d for d, work in SHIPPED.items() if not work and d.year == 2026}
    work = {d for d, w in SHIPPED.items() if w and d.year == 2026}
    assert len(rest) == 3 + 9 + 3 + 5 + 3 + 3 + 7
    assert work == {
        dt.date(2026, 1, 4), dt.date(2026, 2, 14), dt.date(2026, 2, 28),
        dt.date(2026, 5, 9), dt.date(2026, 9, 20), dt.date(2026, 10, 10),
    }
    assert all(d.weekday() >= 5 for d in work)  # make-up days are weekend days
    for day in (dt.date(2026, 1, 2), dt.date(2026, 2, 16), dt.date(2026, 2, 23), dt.date(2026, 4, 6),
                dt.date(2026, 5, 5), dt.date(2026, 6, 19), dt.date(2026, 9, 25), dt.date(2026, 10, 7)):
        assert not cal.is_workday(day), day
    assert cal.is_workday(dt.date(2026, 2, 24)) and cal.is_workday(dt.date(2026, 10, 8))


def test_2027_is_provisional_statutory_days_only():
    [y2027] = [y for y in read_calendar() if y.year == 2027]
    assert y2027.provisional
    assert all("（暂定）" in d.name and not d.is_workday for d in y2027.days)
    by_date = {d.date: d.name for d in y2027.days}
    assert by_date[dt.date(2027, 2, 5)] == "春节（暂定）"  # 除夕; Chinese New Year is Feb 6
    assert by_date[dt.date(2027, 2, 9)] == "春节补假（暂定）"
    for day in (dt.date(2027, 1, 1), dt.date(2027, 4, 5), dt.date(2027, 5, 1), dt.date(2027, 6, 9),
                dt.date(2027, 9, 15), dt.date(2027, 10, 1), dt.date(2027, 10, 3)):
        assert day in by_date, day


def test_national_day_week_and_the_make_up_saturday(cal):
    start = at(2026, 9, 30, 10)  # Wednesday, the day before the holiday
    assert cal.add_working_days(start, 1) == end_of(2026, 10, 8)  # Oct 1-7 rest
    assert cal.add_working_days(start, 2) == end_of(2026, 10, 9)
    assert cal.add_working_days(start, 3) == end_of(2026, 10, 10)  # Saturday, make-up day
    assert cal.add_working_days(start, 4) == end_of(2026, 10, 12)  # Sunday Oct 11 rests
    # the make-up Sunday before the holiday counts too
    assert cal.add_working_days(at(2026, 9, 19, 9), 1) == end_of(2026, 9, 20)


def test_a_case_filed_on_a_holiday_counts_from_the_first_working_day_after(cal):
    assert cal.add_working_days(at(2026, 10, 3, 14), 1) == end_of(2026, 10, 8)
    assert cal.add_working_days(at(2026, 10, 3, 14), 0) == end_of(2026, 10, 3)


def test_the_spring_festival_make_up_saturdays_are_working_days(cal):
    assert cal.is_workday(dt.date(2026, 2, 14)) and cal.is_workday(dt.date(2026, 2, 28))
    assert cal.add_working_days(at(2026, 2, 13, 16), 1) == end_of(2026, 2, 14)
    assert cal.add_working_days(at(2026, 2, 13, 16), 2) == end_of(2026, 2, 24)
    assert cal.add_working_days(at(2026, 2, 27, 16), 1) == end_of(2026, 2, 28)
    assert cal.add_working_hours(at(2026, 2, 13, 17), 1) == at(2026, 2, 14, 9)


def test_working_hours_across_the_lunch_break(cal):
    assert cal.add_working_hours(at(2026, 11, 25, 11), 2) == at(2026, 11, 25, 14, 30)
    assert cal.add_working_hours(at(2026, 11, 25, 8, 30), 3.5) == at(2026, 11, 25, 12)  # not 13:30
    assert cal.add_working_hours(at(2026, 11, 25, 12, 30), 1) == at(2026, 11, 25, 14, 30)
    assert cal.add_working_hours(at(2026, 11, 25, 13, 30), 4) == at(2026, 11, 25, 17, 30)
    assert cal.add_working_hours(at(2026, 11, 25, 9), 0.25) == at(2026, 11, 25, 9, 15)


def test_working_hours_across_a_weekend(cal):
    friday = at(2026, 11, 27, 16, 30)
    assert cal.add_working_hours(friday, 2) == at(2026, 11, 30, 9, 30)
    assert cal.add_working_hours(at(2026, 11, 27, 18), 1) == at(2026, 11, 30, 9, 30)
    assert cal.add_working_hours(at(2026, 11, 28, 10), 24) == at(2026, 12, 3, 10)  # 7.5 h a day


def test_working_hours_skip_holidays_and_start_at_the_next_period(cal):
    assert cal.add_working_hours(at(2026, 11, 25, 7), 1) == at(2026, 11, 25, 9, 30)
    # Oct 3 (holiday) → Oct 8, 9 and the make-up Saturday Oct 10 give 22.5 h
    assert cal.add_working_hours(at(2026, 10, 3, 10), 24) == at(2026, 10, 12, 10)
    # Spring Festival: Fri 0.5 h, make-up Sat 7.5 h, then Feb 24-25, then Feb 26
    assert cal.add_working_hours(at(2026, 2, 13, 17), 24) == at(2026, 2, 26, 9, 30)


def test_working_time_is_local_whatever_the_zone_of_the_start(cal):
    utc = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
    due = cal.add_working_hours(utc, 1)
    assert due == at(2026, 11, 25, 11) and due.utcoffset() == dt.timedelta(hours=8)
    # Thursday 17:00 UTC is Friday 01:00 in Shanghai: one working day is Monday, not Friday
    assert cal.add_working_days(dt.datetime(2026, 11, 26, 17, tzinfo=dt.UTC), 1) == end_of(2026, 11, 30)


def test_negative_limits_are_refused(cal):
    with pytest.raises(ValueError):
        cal.add_working_hours(at(2026, 11, 25, 9), -1)
    with pytest.raises(ValueError):
        cal.add_working_days(at(2026, 11, 25, 9), -1)


def test_a_calendar_without_working_days_stops():
    never = WorkingCalendar({dt.date(2026, 1, 1) + dt.timedelta(days=i): False for i in range(4000)})
    with pytest.raises(ValueError):
        never.add_working_days(at(2026, 1, 1), 1)


# ------------------------------------------------------------------ properties


START = st.datetimes(min_value=dt.datetime(2025, 12, 1), max_value=dt.datetime(2027, 12, 31), timezones=st.just(SHANGHAI))
EXTRA = st.dictionaries(st.dates(dt.date(2025, 12, 1), dt.date(2028, 3, 31)), st.booleans(), max_size=40)


def _calendar(extra: dict) -> WorkingCalendar:
    return WorkingCalendar({**SHIPPED, **extra})


@settings(max_examples=200, deadline=None)
@given(start=START, days=st.integers(0, 40), extra=EXTRA)
def test_add_working_days_lands_on_a_working_day_and_grows_with_days(start, days, extra):
    cal = _calendar(extra)
    due = cal.add_working_days(start, days)
    later = cal.add_working_days(start, days + 1)
    assert due.time() == dt.time(23, 59, 59) and later.time() == dt.time(23, 59, 59)
    assert later > due
    assert cal.is_workday(later.date())
    if days:
        assert cal.is_workday(due.date())
    counted = [start.date() + dt.timedelta(days=i) for i in range(1, (due.date() - start.date()).days + 1)]
    assert sum(cal.is_workday(d) for d in counted) == days


def _in_working_time(cal: WorkingCalendar, moment: dt.datetime) -> bool:
    local = timezone.localtime(moment)
    return cal.is_workday(local.date()) and any(a < local.time() <= b for a, b in WORKING_PERIODS)


@settings(max_examples=200, deadline=None)
@given(start=START, h1=st.integers(1, 60), h2=st.integers(1, 60), extra=EXTRA)
def test_add_working_hours_ends_in_working_time_and_adds_up(start, h1, h2, extra):
    cal = _calendar(extra)
    first = cal.add_working_hours(start, h1)
    both = cal.add_working_hours(start, h1 + h2)
    assert _in_working_time(cal, first) and _in_working_time(cal, both)
    assert start < first < both
    assert cal.add_working_hours(first, h2) == both


# ------------------------------------------------------------------ the loader


def _rows() -> dict[dt.date, tuple[bool, str]]:
    return {r.date: (r.is_workday, r.name) for r in CalendarDay.objects.all()}


def test_the_loader_loads_the_shipped_file_and_is_idempotent(db):
    first = load_calendar()
    assert first.created == len(SHIPPED) == 39 + 19
    assert first.years == ["2026", "2027 (provisional)"]
    rows = _rows()
    second = load_calendar()
    assert (second.created, second.updated, second.kept, second.removed, second.unchanged) == (0, 0, 0, 0, len(SHIPPED))
    assert _rows() == rows
    assert rows[dt.date(2026, 10, 10)] == (True, "国庆节调休上班")
    # deadlines computed through the database see the holidays
    assert add_working_days(at(2026, 9, 30, 10), 3) == end_of(2026, 10, 10)
    assert add_working_hours(at(2026, 10, 3, 10), 24) == at(2026, 10, 12, 10)


def test_the_loader_keeps_what_an_administrator_entered(db):
    load_calendar()
    CalendarDay.objects.create(date=dt.date(2026, 3, 9), is_workday=False, name="本地节日")
    CalendarDay.objects.filter(date=dt.date(2026, 10, 10)).update(is_workday=False, name="区里另行安排")
    CalendarDay.objects.filter(date=dt.date(2026, 10, 1)).update(name="国庆节（区级通知）")
    result = load_calendar()
    assert result.kept == 2 and result.created == 0 and result.removed == 0
    rows = _rows()
    assert rows[dt.date(2026, 3, 9)] == (False, "本地节日")
    assert rows[dt.date(2026, 10, 10)] == (False, "区里另行安排")
    assert rows[dt.date(2026, 10, 1)] == (False, "国庆节（区级通知）")


def test_a_provisional_year_is_left_to_the_administrator_once_they_enter_it(db):
    load_calendar()
    # the notice is out: the administrator adds Feb 11 and deletes a provisional day
    CalendarDay.objects.create(date=dt.date(2027, 2, 11), is_workday=False, name="春节")
    CalendarDay.objects.filter(date=dt.date(2027, 5, 4)).delete()
    result = load_calendar()
    assert result.skipped == [2027] and "Skipped provisional 2027" in str(result)
    rows = _rows()
    assert dt.date(2027, 5, 4) not in rows  # not brought back
    assert rows[dt.date(2027, 2, 11)] == (False, "春节")


def test_a_later_release_replaces_the_provisional_rows(db, tmp_path):
    load_calendar()
    spec = json.loads(DEFAULT_CALENDAR.read_text(encoding="utf-8"))
    spec["years"][1] = {
        "year": 2027, "provisional": False, "source": "test",
        "rest": [{"name": "春节", "from": "2027-02-05", "to": "2027-02-11"}],
        "work": [{"name": "春节调休上班", "date": "2027-01-31"}],
    }
    path = tmp_path / "holidays.json"
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    result = load_calendar(path)
    rows = _rows()
    assert rows[dt.date(2027, 2, 5)] == (False, "春节")  # updated
    assert rows[dt.date(2027, 2, 11)] == (False, "春节")  # created
    assert rows[dt.date(2027, 1, 31)] == (True, "春节调休上班")
    assert dt.date(2027, 10, 1) not in rows  # a provisional guess the release dropped
    assert result.removed == 19 - 6 and result.updated == 6
    assert rows[dt.date(2026, 10, 10)] == (True, "国庆节调休上班")


@pytest.mark.parametrize(
    "year",
    [
        {"year": 2026, "rest": [{"name": "x", "from": "2026-01-03", "to": "2026-01-01"}]},
        {"year": 2026, "rest": [{"name": "x", "from": "2027-01-01", "to": "2027-01-01"}]},
        {"year": 2026, "rest": [{"name": "x", "from": "2026-01-01", "to": "2026-01-01"}], "work": [{"name": "y", "date": "2026-01-01"}]},
        {"year": 2027, "provisional": True, "rest": [{"name": "春节", "from": "2027-02-06", "to": "2027-02-06"}]},
    ],
)
def test_a_bad_file_is_refused(tmp_path, year):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"years": [year]}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError):
        read_calendar(path)


def test_load_defaults_loads_the_calendar_too(db):
    out = io.StringIO()
    call_command("load_defaults", stdout=out)
    assert "Loaded the working calendar for 2026, 2027 (provisional)" in out.getvalue()
    assert CalendarDay.objects.count() == len(SHIPPED)
    call_command("load_defaults", stdout=io.StringIO())
    assert CalendarDay.objects.count() == len(SHIPPED)


# ------------------------------------------------------------------ the admin


def test_the_admin_lists_the_calendar_in_chinese(admin_client):
    load_calendar()
    page = admin_client.get("/admin/sla/calendarday/?year=2026").content.decode()
    for text in ("工作日历", "年份", "星期", "上班/放假", "国庆节调休上班", "星期六", "工作日", "休息日", "2027"):
        assert text in page, text
    assert "春节（暂定）" not in page  # 2027 filtered out
    page = admin_client.get("/admin/sla/calendarday/", {"q": "2026-10"}).content.decode()
    assert "国庆节调休上班" in page and "元旦" not in page
    page = admin_client.get("/admin/sla/calendarday/", {"q": "暂定"}).content.decode()
    assert "春节补假（暂定）" in page and "国庆节调休上班" not in page


def test_an_administrator_enters_the_2027_notice(admin_client):
    load_calendar()
    row = CalendarDay.objects.get(date=dt.date(2027, 2, 9))
    response = admin_client.post(
        f"/admin/sla/calendarday/{row.pk}/change/", {"date": "2027-02-09", "is_workday": "", "name": "春节"}
    )
    assert response.status_code == 302
    response = admin_client.post("/admin/sla/calendarday/add/", {"date": "2027-01-30", "is_workday": "on", "name": "春节调休上班"})
    assert response.status_code == 302
    assert _rows()[dt.date(2027, 1, 30)] == (True, "春节调休上班")
    assert WorkingCalendar().is_workday(dt.date(2027, 1, 30))  # Saturday, seen at once
    assert load_calendar().skipped == [2027]


# ------------------------------------------------------------------ the cache


def test_building_a_calendar_again_costs_no_query(db, fresh_cache, django_assert_num_queries):
    with django_assert_num_queries(1):
        WorkingCalendar()
    with django_assert_num_queries(0):
        for _ in range(100):
            WorkingCalendar()


def test_a_change_is_seen_at_once_and_a_rollback_too(db, fresh_cache):
    day = dt.date(2026, 12, 1)
    assert WorkingCalendar().is_workday(day)
    row = CalendarDay.objects.create(date=day, is_workday=False, name="停工")
    assert not WorkingCalendar().is_workday(day)
    row.delete()
    assert WorkingCalendar().is_workday(day)
    with pytest.raises(RuntimeError), transaction.atomic():
        CalendarDay.objects.create(date=day, is_workday=False, name="停工")
        assert not WorkingCalendar().is_workday(day)
        raise RuntimeError
    assert WorkingCalendar().is_workday(day)


@pytest.mark.django_db(transaction=True)
def test_after_a_commit_the_rows_are_cached_again(fresh_cache, django_assert_num_queries):
    day = dt.date(2026, 12, 2)
    with transaction.atomic():
        CalendarDay.objects.create(date=day, is_workday=False, name="停工")
    with django_assert_num_queries(1):
        assert not WorkingCalendar().is_workday(day)
    with django_assert_num_queries(0):
        assert not WorkingCalendar().is_workday(day)


def test_the_cache_is_read_again_after_a_while(db, fresh_cache, monkeypatch, django_assert_num_queries):
    clock = [1000.0]
    monkeypatch.setattr(calendar.time, "monotonic", lambda: clock[0])
    WorkingCalendar()
    with django_assert_num_queries(0):
        WorkingCalendar()
    clock[0] += calendar.CACHE_SECONDS + 1
    with django_assert_num_queries(1):
        WorkingCalendar()
