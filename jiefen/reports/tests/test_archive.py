"""The archive page, on-demand generation and downloads: scope, bad input, duplicates."""

import datetime as dt

import pytest
from django.test import Client

from jiefen.accounts.models import Role
from jiefen.reports import services
from jiefen.reports.models import Kind, Report
from jiefen.testing.factories import PASSWORD, staff


def client(user):
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


@pytest.fixture
def reports(world, october):
    county = services.generate(world.county, Kind.MONTHLY, dt.date(2026, 10, 1))
    east = services.generate(world.streets[0], Kind.MONTHLY, dt.date(2026, 10, 1))
    west = services.generate(world.streets[1], Kind.MONTHLY, dt.date(2026, 10, 1))
    return county, east, west


def test_the_archive_lists_the_reports_of_regions_the_user_may_see(world, reports):
    county, east, west = reports
    html = client(world["leader"]).get("/reports/").content.decode()
    assert html.count('data-testid="report-row"') == 3 and "清河区矛盾纠纷稳定专报" in html
    assert 'data-testid="reports-nav"' in html and 'data-testid="reports-generate"' in html
    r = client(world["west_dispatcher"]).get("/reports/")
    assert list(r.context["page"]) == [west]
    assert "清河区矛盾纠纷稳定专报" not in r.content.decode()
    assert client(world["leader"]).get("/reports/", {"region": world.streets[0].pk}).context["page"][0] == east


def test_downloads_are_checked_against_scope(world, reports):
    county, east, west = reports
    c = client(world["west_dispatcher"])
    r = c.get(f"/reports/{west.pk}/download/pdf/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert b"".join(r.streaming_content).startswith(b"%PDF")
    r = c.get(f"/reports/{west.pk}/download/xlsx/")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    for path in (f"/reports/{county.pk}/", f"/reports/{county.pk}/download/pdf/", f"/reports/{east.pk}/download/xlsx/"):
        r = c.get(path)
        assert r.status_code == 403 and "不在您的辖区内" in r.content.decode()
    assert c.get("/reports/999999/").status_code == 404
    assert c.get(f"/reports/{west.pk}/download/doc/").status_code == 404
    page = client(world["leader"]).get(f"/reports/{east.pk}/").content.decode()
    assert "东关街道矛盾纠纷稳定专报" in page and 'data-testid="download-pdf"' in page


def test_posts_without_a_region_see_nothing(world, reports):
    handler = client(world["hr_handler"]).get("/reports/")  # a department's dashboard, no region
    assert handler.status_code == 200 and list(handler.context["page"]) == []
    assert 'data-testid="reports-generate"' not in handler.content.decode()
    assert client(world["grid_worker"]).get("/reports/").status_code == 403
    for user in (world["grid_worker"], world["hr_handler"]):
        c = client(user)
        assert 'data-testid="reports-nav"' not in c.get("/work/").content.decode()
        assert c.get(f"/reports/{reports[2].pk}/download/pdf/").status_code == 403
        assert c.post("/reports/generate/", {"region": world.county.pk, "kind": "daily",
                                             "date": "2026-10-06"}).status_code in (400, 403)
    assert Report.objects.count() == 3
    assert Client().get("/reports/").status_code == 302  # to the login page


def test_generate_on_demand(world, october):
    c = client(world["street_dispatcher"])
    r = c.post("/reports/generate/", {"region": world.streets[0].pk, "kind": "weekly", "date": "2026-10-07"})
    report = Report.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/reports/{report.pk}/"
    assert (report.region, report.kind, report.period_start, report.by) == (
        world.streets[0], Kind.WEEKLY, dt.date(2026, 10, 5), world["street_dispatcher"])
    page = c.get(r["Location"]).content.decode()
    assert "东关街道矛盾纠纷稳定专报" in page and "2026年第41期（周报）" in page
    # the same period again: 409, the existing report pointed to, nothing new written
    r = c.post("/reports/generate/", {"region": world.streets[0].pk, "kind": "weekly", "date": "2026-10-11"})
    assert r.status_code == 409 and "该期专报已经生成" in r.content.decode()
    assert f"/reports/{report.pk}/" in r.content.decode()
    assert Report.objects.count() == 1


@pytest.mark.parametrize("form, message", [
    ({"kind": "yearly", "date": "2026-10-07"}, "请选择专报类型"),
    ({"kind": "daily", "date": "2026-13-07"}, "请填写正确的日期"),
    ({"kind": "daily", "date": ""}, "请填写正确的日期"),
    ({"kind": "monthly", "date": "2999-01-01"}, "该期间尚未结束"),
    ({"kind": "daily", "date": "2026-10-07", "region": "abc"}, "请选择您辖区内的地区"),
    ({"kind": "daily", "date": "2026-10-07", "region": "west"}, "请选择您辖区内的地区"),
    ({"kind": "daily", "date": "2026-10-07", "region": "grid"}, "请选择您辖区内的地区"),
])
def test_bad_input_is_a_400_with_a_message_and_writes_nothing(world, form, message):
    region = {"west": world.streets[1].pk, "grid": world.grids[0].pk}.get(form.get("region"), form.get("region"))
    data = form | {"region": region if region is not None else world.streets[0].pk}
    r = client(world["street_dispatcher"]).post("/reports/generate/", data)
    assert r.status_code == 400 and message in r.content.decode()
    assert 'role="alert"' in r.content.decode()
    assert not Report.objects.exists()


def test_the_current_period_cannot_be_generated(world):
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    r = client(world["leader"]).post("/reports/generate/", {"region": world.county.pk, "kind": "daily", "date": today})
    assert r.status_code == 400 and not Report.objects.exists()
    supervisor = staff(Role.SUPERVISOR, region=world.streets[1])
    assert client(supervisor).get("/reports/").status_code == 200
