"""The demo district's organisations and mediators."""

import pytest
from django.test import Client
from django.urls import reverse

from jiefen.demo.district import build_district
from jiefen.mediators.demo import populate
from jiefen.mediators.models import Mediator, Organisation, OrganisationKind
from jiefen.taxonomy.defaults import load_taxonomy

pytestmark = pytest.mark.django_db


def test_demo_district_gets_organisations_and_mediators():
    load_taxonomy()
    district = build_district(seed=1)
    counts = populate(district)

    assert 25 <= counts["mediators"] <= 35
    assert Organisation.objects.filter(kind=OrganisationKind.PEOPLE).count() == len(district.streets)
    assert {OrganisationKind.MEDICAL, OrganisationKind.LABOUR, OrganisationKind.TRAFFIC, OrganisationKind.PROPERTY} <= set(
        Organisation.objects.values_list("kind", flat=True))
    mediator = Mediator.objects.get(user__username="mediator")  # the demo account of 东关街道
    assert mediator.region.name == "东关街道" and mediator.specialties.exists()
    assert Mediator.objects.filter(user__isnull=True).count() >= 10
    assert populate(district) == {"organisations": 0, "mediators": 0}  # a second run adds nothing

    client = Client()
    client.force_login(mediator.user)
    assert "点单待确认" in client.get(reverse("worklist")).content.decode()
    public = Client().get(reverse("mediators:public")).content.decode()
    assert mediator.name in public


def test_demo_orders_and_ratings_follow_the_generated_cases():
    from jiefen.cases.models import Event
    from jiefen.demo.cases import generate_cases
    from jiefen.mediators.demo import sample_orders
    from jiefen.mediators.models import MediatorOrder, OrderStatus

    load_taxonomy()
    district = build_district(seed=1)
    populate(district)
    generate_cases(400, 1, district)
    made = sample_orders(district)

    assert made > 10
    done = MediatorOrder.objects.filter(status=OrderStatus.DONE)
    assert done.exists() and done.filter(rating__isnull=False).exists()
    assert all(o.case.status == "closed" for o in done.select_related("case"))
    waiting = MediatorOrder.objects.filter(status=OrderStatus.REQUESTED)
    assert waiting.exists() and all(o.mediator.user_id for o in waiting)
    assert Event.objects.filter(action="mediator_ordered").count() == MediatorOrder.objects.count()
    assert all(e.data["order_id"] for e in Event.objects.filter(action__startswith="mediator_"))
    assert sample_orders(district) == 0

    client = Client()
    client.force_login(waiting.first().mediator.user)
    assert 'title="等待您答复的点单">1<' in client.get(reverse("worklist")).content.decode()
    assert "★" in Client().get(reverse("mediators:public")).content.decode()
