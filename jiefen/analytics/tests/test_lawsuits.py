"""万人成诉率: the courts' monthly lawsuit counts per region are imported from their file and
shown on the dashboard over the region's population; a bad file writes nothing."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from jiefen.analytics.models import LawsuitCount
from jiefen.regions.models import Region
from jiefen.testing.factories import PASSWORD


@pytest.fixture
def coded(world):
    """The county and its two streets with division codes and populations."""
    world.county.division_code, world.county.population = "379902000000", 200_000
    world.county.save()
    for i, street in enumerate(world.streets, start=1):
        street.division_code, street.population = f"3799020{i:02d}000", 100_000
        street.save()
    return world


def write(tmp_path, rows, name="lawsuits.csv"):
    path = tmp_path / name
    path.write_text("行政区划代码,月份,成诉数\n" + "\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    return str(path)


def dashboard(user, **params):
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c.get("/analytics/", params).context["d"]


def test_imported_counts_give_lawsuits_per_10000_residents(coded, tmp_path):
    month = timezone.localdate().replace(day=1)
    last = (month - dt.timedelta(days=1)).replace(day=1)
    path = write(tmp_path, [("379902001000", f"{month:%Y-%m}", "30"), ("379902002000", f"{month:%Y年%m月}", "10"),
                            ("379902001000", f"{last:%Y-%m}", "99")])
    call_command("analytics", "lawsuits", path, "--source", "清河区人民法院")
    assert LawsuitCount.objects.count() == 3
    county = dashboard(coded["leader"])
    assert county.lawsuits == "2.00" and county.lawsuit_months == 1  # (30 + 10) / 200,000 × 10,000
    street = dashboard(coded["leader"], region=coded.streets[0].pk)
    assert street.lawsuits == "3.00"  # 30 / 100,000 × 10,000
    both = dashboard(coded["leader"], period="custom", start=f"{last:%Y-%m-%d}", end=f"{month:%Y-%m-%d}")
    assert both.lawsuits == "6.95" and both.lawsuit_months == 2  # (30 + 10 + 99) / 200,000 × 10,000
    again = write(tmp_path, [("379902001000", f"{month:%Y-%m}", "40")], "again.csv")
    call_command("analytics", "lawsuits", again)  # a corrected month replaces the old count
    assert dashboard(coded["leader"]).lawsuits == "2.50"


def test_without_counts_or_by_department_the_page_says_why(coded):
    html = Client()
    assert html.login(username="leader", password=PASSWORD)
    page = html.get("/analytics/").content.decode()
    assert "尚未导入本期间的法院成诉数据" in page
    assert dashboard(coded["leader"], department=coded.hr.pk).lawsuit_months is None
    page = html.get("/analytics/", {"department": coded.hr.pk}).content.decode()
    assert "只按地区统计" in page


def test_a_file_with_a_bad_row_writes_nothing_and_names_every_bad_row(coded, tmp_path):
    path = write(tmp_path, [("379902001000", "2026-10", "12"), ("999999999999", "2026-10", "3"),
                            ("379902002000", "十月", "3"), ("379902002000", "2026-10", "-1"),
                            ("379902001000", "2026-10", "5")])
    with pytest.raises(CommandError, match="4 行有误"):
        call_command("analytics", "lawsuits", path)
    assert not LawsuitCount.objects.exists()
    assert Region.objects.filter(division_code="379902001000").exists()


def test_the_mediator_filter_lists_the_districts_mediators(coded):
    d = dashboard(coded["leader"])
    mediator = coded["street_mediator"]
    assert mediator in d.mediators
    filtered = dashboard(coded["leader"], mediator=mediator.pk)
    assert filtered.mediator == mediator and filtered.lawsuit_months is None
