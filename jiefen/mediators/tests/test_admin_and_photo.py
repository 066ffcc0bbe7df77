"""Administrators keep the organisations and mediators in the admin; orders are read-only there.
A public mediator's photo is for everyone, another's only for staff."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from jiefen.accounts.models import User
from jiefen.mediators.models import MediatorOrder
from jiefen.mediators.services import place_order
from jiefen.testing.factories import submit

from .factories import roster

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def test_admin_lists_and_edits_mediators_but_only_reads_orders(world):
    people = roster(world)
    order = place_order(submit(world), people["east"].pk, world["dispatcher"])
    admin = User.objects.create_superuser("root", password="x-pass-2026-long")
    client = Client()
    client.force_login(admin)
    for name in ("organisation", "mediator", "mediatororder"):
        response = client.get(reverse(f"admin:mediators_{name}_changelist"))
        assert response.status_code == 200, name
    assert "李桂兰" in client.get(reverse("admin:mediators_mediator_change", args=[people["east"].pk])).content.decode()
    assert client.get(reverse("admin:mediators_mediatororder_add")).status_code == 403
    page = client.get(reverse("admin:mediators_mediatororder_change", args=[order.pk])).content.decode()
    assert 'name="status"' not in page  # shown, not editable
    assert MediatorOrder.objects.get().status == "requested"


def test_photos_follow_who_may_see_the_mediator(world):
    people = roster(world)
    for key in ("east", "hidden"):
        people[key].photo.save("face.png", ContentFile(PNG))
    anonymous = Client()
    assert anonymous.get(reverse("mediators:photo", args=[people["east"].pk])).status_code == 200
    assert anonymous.get(reverse("mediators:photo", args=[people["hidden"].pk])).status_code == 404
    assert anonymous.get(reverse("mediators:photo", args=[people["county"].pk])).status_code == 404  # none
    staff = Client()
    staff.force_login(world["dispatcher"])
    assert staff.get(reverse("mediators:photo", args=[people["hidden"].pk])).status_code == 200
    photo = reverse("mediators:photo", args=[people["east"].pk])
    assert f'src="{photo}"' in anonymous.get(reverse("mediators:public")).content.decode()
