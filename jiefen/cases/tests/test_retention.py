"""Retention: `jiefen anonymise` masks the parties of cases closed before the cutoff, keeps the
statistics, leaves recent or open cases alone, writes one internal timeline entry per case and
changes nothing on a second run."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from jiefen.cases.models import Case, Event, Party, PartyRole, Status
from jiefen.testing.factories import advance, submit

STATS = ["region_id", "region_path", "item_id", "category_id", "status", "amount", "group_size",
         "created_at", "closed_at", "center_id", "department_id", "risk_grade", "satisfaction"]


def run(*args) -> str:
    out = StringIO()
    call_command("anonymise", *args, stdout=out)
    return out.getvalue()


def closed_case(world, days_ago: int, **overrides) -> Case:
    case = advance(world, submit(world, latitude="36.612345", longitude="117.004321", **overrides), Status.CLOSED)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - dt.timedelta(days=days_ago))
    Party.objects.create(case=case, role=PartyRole.OTHER, name="李秀英", phone="13900001111",
                         id_number="110101199003074514")
    return Case.objects.get(pk=case.pk)


def snapshot(case: Case) -> dict:
    case = Case.objects.get(pk=case.pk)
    return {
        "case": {f: getattr(case, f) for f in STATS},
        "address": case.address, "lat": case.latitude, "lon": case.longitude,
        "parties": [(p.name, p.phone, p.id_number) for p in case.parties.order_by("id")],
        "events": case.events.count(),
    }


@pytest.fixture
def cases(world):
    return {
        "old": closed_case(world, 1200),
        "recent": closed_case(world, 30),
        "open": advance(world, submit(world, name="赵四", phone="13700002222"), Status.IN_PROGRESS),
    }


def test_old_closed_cases_are_anonymised_and_keep_their_statistics(world, cases):
    old, before = cases["old"], snapshot(cases["old"])
    assert before["address"] == "幸福路18号工地" and before["lat"] is not None

    out = run("--closed-before-days", "1095")
    assert "已匿名化" in out and " 1 件案件" in out and "3 名当事人" in out

    after = snapshot(old)
    assert after["case"] == before["case"]  # region, item, dates, status, amounts unchanged
    assert after["parties"] == [("王*", "", ""), ("宏*", "", ""), ("李*", "", "")]
    assert after["address"] == ""
    # the point moves to the middle of the community (东关1社区: 117.00–117.02, 36.60–36.62)
    assert (after["lat"], after["lon"]) == (Decimal("36.610000"), Decimal("117.010000"))
    [event] = Event.objects.filter(case=old, action="anonymise")
    assert event.reason == "个人信息已按保存期限匿名化" and not event.public
    assert event.from_status == event.to_status == Status.CLOSED


def test_recent_and_open_cases_are_untouched(world, cases):
    before = {k: snapshot(c) for k, c in cases.items() if k != "old"}
    run()  # default: three years
    assert {k: snapshot(cases[k]) for k in before} == before
    assert snapshot(cases["recent"])["parties"][0] == ("王建国", "13812345678", "")


def test_second_run_changes_nothing(world, cases):
    run("--closed-before-days", "1095")
    once = {k: snapshot(c) for k, c in cases.items()}
    out = run("--closed-before-days", "1095")
    assert " 0 件案件" in out
    assert {k: snapshot(c) for k, c in cases.items()} == once
    assert Event.objects.filter(action="anonymise").count() == 1


def test_dry_run_counts_and_changes_nothing(world, cases):
    before = {k: snapshot(c) for k, c in cases.items()}
    out = run("--closed-before-days", "10", "--dry-run")
    assert "试运行" in out and " 2 件案件" in out and "6 名当事人" in out
    assert {k: snapshot(c) for k, c in cases.items()} == before


def test_a_shorter_period_reaches_recent_cases_and_a_negative_one_is_refused(world, cases):
    run("--closed-before-days", "10")
    assert snapshot(cases["recent"])["parties"][0] == ("王*", "", "")
    assert snapshot(cases["open"])["parties"][0][0] == "赵四"
    with pytest.raises(CommandError, match="不能为负数"):
        run("--closed-before-days", "-1")


def test_the_period_is_the_policy_an_administrator_sets(cases, admin_client):
    from jiefen.cases.models import RetentionPolicy

    before = snapshot(cases["recent"])
    response = admin_client.post("/admin/cases/retentionpolicy/add/", {"keep_days": "20"}, follow=True)
    assert response.status_code == 200 and RetentionPolicy.objects.get().keep_days == 20
    run()  # no argument: the policy's 20 days
    after = snapshot(cases["recent"])  # closed 30 days ago: now past the period
    assert after["parties"] != before["parties"] and all(not phone for _n, phone, _i in after["parties"])
    assert admin_client.get("/admin/cases/retentionpolicy/add/").status_code == 403  # one row only
