"""The demo district's community orders: the hall and the ranking have something to show."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jiefen.demo.district import build_district
from jiefen.points import services
from jiefen.points.demo import populate
from jiefen.points.models import EntryKind, Order, OrderStatus, PointsEntry
from jiefen.taxonomy.defaults import load_taxonomy

pytestmark = pytest.mark.django_db


def test_demo_district_gets_orders_in_every_state_and_a_ranking():
    load_taxonomy()
    district = build_district(seed=1)
    counts = populate(district)
    assert counts["orders"] == 30 and counts["entries"] > 20
    statuses = set(Order.objects.values_list("status", flat=True))
    assert {OrderStatus.OPEN, OrderStatus.TAKEN, OrderStatus.COMPLETED, OrderStatus.CONFIRMED} <= statuses
    assert PointsEntry.objects.filter(kind=EntryKind.LATE_PENALTY).exists()
    for order in Order.objects.filter(status=OrderStatus.CONFIRMED):
        late = PointsEntry.objects.filter(order=order, kind=EntryKind.LATE_PENALTY).exists()
        assert late == order.is_late, order.pk
        assert order.posted_at <= order.taken_at <= order.completed_at <= order.confirmed_at
    assert populate(district) == {"orders": 0, "entries": 0}  # a second run adds nothing

    leader = district.county.memberships.get(role="leader", user__username="leader").user
    year = timezone.localdate(PointsEntry.objects.latest("created_at").created_at).year
    ranking = services.ranking(leader, {"period": "year", "at": str(year)})
    assert ranking.rows[0].points > 0
    client = Client()
    client.force_login(leader)
    assert "积分排名" in client.get(reverse("worklist")).content.decode()
