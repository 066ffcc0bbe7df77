"""After the case closes the resident rates the mediator 1–5 with a comment, once per order;
the average shows in the directory and the public list."""

import pytest
from django.test import Client
from django.urls import reverse

from jiefen.cases.models import Event
from jiefen.mediators.models import MediatorOrder

from .factories import mediated_case, resident, roster

pytestmark = pytest.mark.django_db


def rate(client, case, order, score, comment=""):
    return client.post(reverse("mediators:track_rate", args=[case.tracking_code]),
                       {"order": order.pk, "score": score, "comment": comment})


def test_resident_rates_the_mediator_once_after_closing(world):
    people = roster(world)
    case = mediated_case(world, people["east"])
    order = MediatorOrder.objects.get(case=case)
    client = resident(case)

    page = client.get(reverse("track_case", args=[case.tracking_code])).content.decode()
    assert "请为调解员李桂兰评分" in page

    response = rate(client, case, order, 4, "耐心细致，就是约时间慢了点")
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.rating == 4 and order.rating_comment == "耐心细致，就是约时间慢了点"
    assert Event.objects.get(case=case, action="mediator_rated").public

    page = client.get(reverse("track_case", args=[case.tracking_code])).content.decode()
    assert "请为调解员李桂兰评分" not in page and "您的评分" in page

    again = rate(client, case, order, 1, "改成差评")
    assert again.status_code == 409
    assert "只能评价一次" in again.content.decode()
    order.refresh_from_db()
    assert order.rating == 4
    assert Event.objects.filter(case=case, action="mediator_rated").count() == 1


def test_no_rating_before_the_case_closes(world):
    people = roster(world)
    case = mediated_case(world, people["east"], close=False)
    order = MediatorOrder.objects.get(case=case)
    client = resident(case)
    assert "评分" not in client.get(reverse("track_case", args=[case.tracking_code])).content.decode()
    response = rate(client, case, order, 5)
    assert response.status_code == 409 and "办结后才能评价" in response.content.decode()
    order.refresh_from_db()
    assert order.rating is None


def test_a_score_must_be_one_to_five(world):
    people = roster(world)
    case = mediated_case(world, people["east"])
    order = MediatorOrder.objects.get(case=case)
    response = rate(resident(case), case, order, 6)
    assert response.status_code == 400 and "1 到 5 星" in response.content.decode()
    order.refresh_from_db()
    assert order.rating is None


def test_only_the_cases_resident_rates(world):
    people = roster(world)
    case = mediated_case(world, people["east"])
    other = mediated_case(world, people["east"], phone="13900002222")
    order = MediatorOrder.objects.get(case=case)
    stranger = resident(other, phone="13900002222")
    response = stranger.post(reverse("mediators:track_rate", args=[other.tracking_code]),
                             {"order": order.pk, "score": 1})  # their own code, someone else's order
    assert response.status_code == 404
    order.refresh_from_db()
    assert order.rating is None


def test_the_average_shows_in_the_directory_and_the_public_list(world):
    people = roster(world)
    for score, phone in ((5, "13900000001"), (4, "13900000002")):
        case = mediated_case(world, people["east"], phone=phone)
        rate(resident(case, phone=phone), case, MediatorOrder.objects.get(case=case), score)

    public = Client().get(reverse("mediators:public")).content.decode()
    assert "★ 4.5" in public and "2 条评价" in public

    staff = Client()
    staff.force_login(world["dispatcher"])
    directory = staff.get(reverse("mediators:directory")).content.decode()
    assert "★ 4.5</span> (2)" in directory
    assert "化解 2/2 <span class=\"muted\" title=\"已结案件中化解的比例\">100%" in directory
