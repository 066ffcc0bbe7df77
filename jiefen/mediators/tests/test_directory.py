"""The staff directory and the public list: who is listed, what each shows, the filters."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jiefen.cases.models import MediationSession
from jiefen.mediators.models import MediatorKind
from jiefen.regions.models import Level
from jiefen.taxonomy.models import Category
from jiefen.testing.factories import RegionFactory, staff, submit

from .factories import MediatorFactory, roster

pytestmark = pytest.mark.django_db


def names(html: str, candidates) -> set[str]:
    return {n for n in candidates if n in html}


ALL = ("李桂兰", "赵律师", "孙乡贤", "钱民警", "周退休")


def test_public_list_shows_public_mediators_without_personal_data(world):
    people = roster(world)
    MediatorFactory(name="周退休", region=world.county, active=False)
    html = Client().get(reverse("mediators:public")).content.decode()
    assert names(html, ALL) == {"李桂兰", "赵律师", "孙乡贤"}
    for m in people.values():
        assert m.phone not in html
    assert "street_mediator" not in html  # nor the account behind a profile
    assert "东关街道人民调解委员会" in html and "律师" in html and "劳动争议与欠薪" in html
    assert "从事人民调解二十年" in html


def test_public_list_filters(world):
    roster(world)
    labour = Category.objects.get(code="05")
    client = Client()
    by_specialty = client.get(reverse("mediators:public"), {"specialty": labour.pk}).content.decode()
    assert names(by_specialty, ALL) == {"李桂兰", "赵律师"}
    by_kind = client.get(reverse("mediators:public"), {"kind": MediatorKind.ELDER}).content.decode()
    assert names(by_kind, ALL) == {"孙乡贤"}
    # a place: its own mediators and those of the county above it
    by_region = client.get(reverse("mediators:public"), {"region": world.streets[1].pk}).content.decode()
    assert names(by_region, ALL) == {"赵律师", "孙乡贤"}
    nothing = client.get(reverse("mediators:public"), {"region": "abc", "kind": "nope", "specialty": "x"})
    assert nothing.status_code == 200 and names(nothing.content.decode(), ALL) == {"李桂兰", "赵律师", "孙乡贤"}


def test_staff_directory_shows_contact_workload_and_the_non_public(world):
    people = roster(world)
    client = Client()
    client.force_login(world["dispatcher"])
    html = client.get(reverse("mediators:directory")).content.decode()
    assert names(html, ALL) == {"李桂兰", "赵律师", "孙乡贤", "钱民警"}
    assert people["hidden"].phone in html and "不公开" in html
    assert "0/3" in html
    assert client.get(reverse("mediators:organisations")).content.decode().count('data-testid="organisation"') == 2


def test_staff_directory_is_within_the_jurisdiction(world):
    roster(world)
    other_county = RegionFactory(name="白沙区", level=Level.COUNTY, parent=world.county.parent)
    MediatorFactory(name="周退休", region=other_county)
    client = Client()
    client.force_login(world["west_dispatcher"])
    html = client.get(reverse("mediators:directory")).content.decode()
    assert names(html, ALL) == {"赵律师", "孙乡贤", "钱民警"}  # their street's and the county's
    outsider = staff("dispatcher", region=other_county)
    client.force_login(outsider)
    assert names(client.get(reverse("mediators:directory")).content.decode(), ALL) == {"周退休"}
    assert Client().get(reverse("mediators:directory")).status_code == 302  # sign in first


def test_results_count_the_mediation_records_naming_the_mediator(world):
    people = roster(world)
    for outcome in ("resolved", "failed"):
        case = submit(world)
        MediationSession.objects.create(case=case, held_at=timezone.now() - dt.timedelta(days=1), place="调解室",
                                        method="face_to_face", mediators="李桂兰、王五", outcome=outcome)
    client = Client()
    client.force_login(world["dispatcher"])
    html = client.get(reverse("mediators:directory"), {"q": "李桂兰"}).content.decode()
    assert "化解 1/2 <span" in html  # one agreement; the other case is still being handled
    assert "100%" in html  # of the finished ones (the agreement), all resolved
    public = Client().get(reverse("mediators:public"), {"q": "李桂兰"}).content.decode()
    assert "调解 <strong>2</strong> 件" in public and people["east"].phone not in public
