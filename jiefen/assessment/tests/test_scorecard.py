"""The scorecard on a hand-computed set of cases: values, points, totals, ranks, lights."""

import datetime as dt

import pytest

from jiefen.assessment.models import Scheme, SubjectKind, Weight

from .factories import MARCH, march_cases, scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(world):
    march_cases(world)
    return world


def rows(client, user, **params):
    client.force_login(user)
    response = client.get("/assessment/", MARCH | params)
    assert response.status_code == 200, response.content.decode()
    return response.context["card"].rows


def test_points_totals_ranks_and_lights(client, march):
    s = scheme()
    hr, housing = march.hr, march.housing
    got = {r.subject.key: r for r in rows(client, march["leader"], scheme=s.pk)}
    # hr: 3 of 4 resolved = 75% → 50 points; 2 of 3 satisfied = 66.67% → 66.67; 10 h → 100.
    r = got[hr.pk]
    assert r.closed == 4
    assert [c.text for c in r.cells] == ["75.00%", "66.67%", "10.0"]
    assert [round(c.points, 2) for c in r.cells] == [50.0, 66.67, 100.0]
    assert r.total == round((60 * 50 + 40 * 200 / 3 + 10 * 100) / 110, 2) == 60.61
    # housing: 100% → 100; 100% → 100; 100 h → (100 - 120) / (10 - 120) = 18.18 points.
    r = got[housing.pk]
    assert [c.text for c in r.cells] == ["100.00%", "100.00%", "100.0"]
    assert round(r.cells[2].points, 2) == 18.18
    assert r.total == round((6000 + 4000 + 10 * 2000 / 110) / 110, 2) == 92.56
    assert (got[housing.pk].rank, got[housing.pk].light) == (1, "green")
    assert (got[hr.pk].rank, got[hr.pk].light) == (2, "yellow")


def test_page_shows_ranks_lights_and_drill_links(client, march):
    s = scheme()
    client.force_login(march["supervisor"])
    html = client.get("/assessment/", MARCH | {"scheme": s.pk}).content.decode()
    assert html.index("清河区住建局") < html.index("清河区人社局")  # ranked first
    assert "绿牌" in html and "黄牌" in html and "92.56" in html and "60.61" in html
    assert f"/analytics/?region={march.county.pk}&amp;department={march.hr.pk}&amp;period=custom" in html
    assert "期间内办结案件中已化解的比例" in html  # the definition, one hover away
    assert "越低越好；120及以上得0分，10及以下得100分" in html  # and the scoring rule


def test_weights_changed_in_data_change_the_ranking(client, march):
    s = scheme()
    Weight.objects.filter(scheme=s, indicator="avg_hours").update(weight=200)
    got = {r.subject.key: r for r in rows(client, march["leader"], scheme=s.pk)}
    # hr: (3000 + 2666.67 + 20000) / 300 = 85.56; housing: (10000 + 3636.36) / 300 = 45.45.
    assert (got[march.hr.pk].rank, got[march.hr.pk].total, got[march.hr.pk].light) == (1, 85.56, "green")
    assert (got[march.housing.pk].rank, got[march.housing.pk].total, got[march.housing.pk].light) == (
        2, 45.45, "red")


def test_thresholds_move_the_lights(client, march):
    s = scheme(green_at=95, yellow_at=90)
    got = {r.subject.key: r.light for r in rows(client, march["leader"], scheme=s.pk)}
    assert got == {march.housing.pk: "yellow", march.hr.pk: "red"}


def test_too_few_cases_are_shown_but_not_ranked(client, march):
    s = scheme(min_cases=3)
    got = rows(client, march["leader"], scheme=s.pk)
    assert [(r.subject.name, r.rank, r.light_label) for r in got] == [
        ("清河区人社局", 1, "黄牌"), ("清河区住建局", None, "样本不足")]
    client.force_login(march["leader"])
    html = client.get("/assessment/", MARCH | {"scheme": s.pk}).content.decode()
    assert "样本不足" in html


def test_ties_share_a_rank(client, march):
    s = scheme()
    Weight.objects.filter(scheme=s).exclude(indicator="success_rate").delete()
    Weight.objects.filter(scheme=s).update(mapping="step", target=70)  # both reach 70%: 100 points
    got = rows(client, march["leader"], scheme=s.pk)
    assert [(r.rank, r.total) for r in got] == [(1, 100.0), (1, 100.0)]


def test_centers_and_mediators(client, march):
    centers = scheme(SubjectKind.CENTER)
    got = {r.subject.name: r for r in rows(client, march["leader"], scheme=centers.pk)}
    assert set(got) == {"东关街道综治中心", "西城街道综治中心"}
    assert got["东关街道综治中心"].closed == 4 and got["西城街道综治中心"].closed == 2
    assert got["西城街道综治中心"].url.startswith(f"/analytics/?region={march.streets[1].pk}&")
    mediators = scheme(SubjectKind.MEDIATOR)
    got = {r.subject.key: r for r in rows(client, march["leader"], scheme=mediators.pk)}
    assert set(got) == {march["hr_handler"].pk, march["housing_handler"].pk}
    assert got[march["hr_handler"].pk].total == 60.61
    assert f"mediator={march['hr_handler'].pk}" in got[march["hr_handler"].pk].url


def test_default_schemes_score_the_same_cases(client, march):
    from jiefen.assessment.defaults import load_defaults

    assert load_defaults() == "3 assessment schemes added."
    assert load_defaults() == "0 assessment schemes added."
    s = Scheme.objects.get(name="职能部门考评")
    assert [w.indicator for w in s.weights.all()] == [
        "success_rate", "on_time_handle", "satisfaction", "on_time_sign", "reopen_rate"]
    got = {r.subject.key: r for r in rows(client, march["leader"], scheme=s.pk)}
    hr = got[march.hr.pk]
    # 调成率 75% → (75 - 60) / 35 = 42.86; 满意率 66.67% → 16.67; 重启率 0 → 100.
    points = {c.weight.indicator: c.points for c in hr.cells}
    assert round(points["success_rate"], 2) == 42.86
    assert round(points["satisfaction"], 2) == 16.67
    assert points["reopen_rate"] == 100.0


def test_residents_ratings_of_ordered_mediators_count_in_the_mediator_scheme(client, march):
    """点单 ratings (1–5) given in the period flow into the mediator's scorecard: the average,
    scored between floor 3 and target 5; a rating outside the period does not count."""
    from jiefen.cases.models import Case
    from jiefen.mediators.models import MediatorOrder, OrderStatus
    from jiefen.mediators.tests.factories import MediatorFactory

    s = scheme(SubjectKind.MEDIATOR)
    Weight.objects.create(scheme=s, indicator="mediator_rating", weight=20, floor=3, target=5, order=4)
    profile = MediatorFactory(name="人社调解员", user=march["hr_handler"], region=march.county)
    cases = list(Case.objects.filter(department=march.hr).order_by("pk"))
    for case, rating, day in zip(cases, [5, 4, 1], [10, 20, 1], strict=False):
        month = 3 if day != 1 else 4  # the last one is rated in April
        MediatorOrder.objects.create(case=case, mediator=profile, status=OrderStatus.DONE, rating=rating,
                                     rated_at=dt.datetime(2026, month, day, 10, tzinfo=dt.UTC))
    got = {r.subject.key: r for r in rows(client, march["leader"], scheme=s.pk)}
    hr = {c.weight.indicator: c for c in got[march["hr_handler"].pk].cells}
    assert hr["mediator_rating"].text == "4.50"  # (5 + 4) / 2
    assert round(hr["mediator_rating"].points, 2) == 75.0  # (4.5 - 3) / (5 - 3)
    housing = {c.weight.indicator: c for c in got[march["housing_handler"].pk].cells}
    assert housing["mediator_rating"].points is None  # no ratings: left out of the total
