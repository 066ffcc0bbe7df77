"""An administrator enables points for a region in the admin and corrects a department's
points by adding an adjustment; entries are never changed or deleted there."""

import pytest

from jiefen.accounts.models import User
from jiefen.points import services
from jiefen.points.models import EntryKind, PointsEntry, PointsSetting

from .factories import enable, posted

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    client.force_login(User.objects.create_superuser("root", password="x-Passw0rd-x"))
    return client


def test_a_region_is_enabled_in_the_admin(admin, world):
    response = admin.post("/admin/points/pointssetting/add/", {
        "region": world.streets[1].pk, "enabled": "on", "completion_points": "12", "good_rating": "5",
        "rating_bonus": "3", "late_penalty": "4", "max_offered": "10", "period": "quarter",
    })
    assert response.status_code == 302
    setting = services.setting_for(world.communities[2])
    assert (setting.completion_points, setting.period) == (12, "quarter")
    assert services.setting_for(world.communities[0]) is None  # the east street is not enabled
    bad = admin.post("/admin/points/pointssetting/add/", {
        "region": world.county.pk, "enabled": "on", "completion_points": "10", "good_rating": "6",
        "rating_bonus": "5", "late_penalty": "5", "max_offered": "20", "period": "month"})
    assert bad.status_code == 200 and PointsSetting.objects.count() == 1


def test_points_are_corrected_by_an_adjustment_only(admin, world):
    enable(world)
    order = posted(world, offered_points="0")
    services.take(order, world["hr_handler"])
    services.complete(order, world["hr_handler"], "已处理")
    entry = services.confirm(order, world["east_clerk"], "3")[0]
    response = admin.post("/admin/points/pointsentry/add/", {
        "department": world.hr.pk, "amount": "-4", "reason": "群众投诉完成质量，核实后扣分"})
    assert response.status_code == 302
    adjustment = PointsEntry.objects.get(kind=EntryKind.ADJUSTMENT)
    assert (adjustment.amount, adjustment.created_by.username) == (-4, "root")
    admin.post(f"/admin/points/pointsentry/{entry.pk}/change/", {
        "department": world.hr.pk, "amount": "100", "reason": "改"})
    assert admin.post(f"/admin/points/pointsentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.amount == 10 and PointsEntry.objects.count() == 2
    html = admin.get("/admin/points/order/").content.decode()
    assert "幸福小区路灯损坏需维修" in html
