"""Every page of the app answers every post in the district (and a visitor) without a server
error; an order number nobody may see answers 404 to each action, and nothing changes."""

import pytest
from django.test import Client
from django.urls import reverse

from jiefen.points.models import Order, OrderStatus, OrderStep

from .factories import enable, posted

pytestmark = pytest.mark.django_db

PAGES = ["points:orders", "points:hall", "points:new", "points:ranking", "points:ranking_export"]
DEPARTMENTS = {"hr_handler", "housing_handler", "west_handler"}
SEES = {"points:orders": DEPARTMENTS | {"west_clerk", "leader", "supervisor"}, "points:hall": DEPARTMENTS}
ACTIONS = ["points:take", "points:complete", "points:confirm", "points:send_back", "points:cancel"]


def test_every_page_for_every_post(world):
    enable(world)
    west = posted(world, "west_clerk", title="西城垃圾清运")
    for name in [None, *world.users]:
        client = Client()
        if name is not None:
            client.force_login(world[name])
        for page in PAGES:
            response = client.get(reverse(page))
            assert response.status_code in (200, 302, 403), (name, page, response.status_code)
            if response.status_code == 200 and not getattr(response, "streaming", False):
                shown = "西城垃圾清运" in response.content.decode()
                assert shown == (name in SEES.get(page, ())), (name, page)
        for action in ACTIONS:
            response = client.post(reverse(action, args=[999999]), {"rating": "5", "note": "x", "reason": "x"})
            assert response.status_code in (302, 404), (name, action)
            if name is None:
                assert "/accounts/login/" in response["Location"]
        assert client.get(reverse("points:order", args=[999999])).status_code in (302, 404)
        assert client.get(reverse("points:photo", args=[999999])).status_code in (302, 404)
        assert client.get(f"/points/{'9' * 25}/").status_code in (302, 404)
        if name in ("east_clerk", "street_dispatcher", "grid_worker"):  # not theirs: as if it did not exist
            assert client.get(reverse("points:order", args=[west.pk])).status_code == 404
            for action in ACTIONS:
                assert client.post(reverse(action, args=[west.pk]), {"rating": "5", "reason": "x"}).status_code == 404
    assert Order.objects.get().status == OrderStatus.OPEN and OrderStep.objects.count() == 1
