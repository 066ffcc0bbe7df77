"""A poster prints the hotline of the nearest center above its grid that has one."""

from jiefen.posters.models import Hotline
from jiefen.posters.services import poster_context


def test_the_nearest_hotline_wins(world):
    east_grid, west_grid = world.grids[0], world.grids[-1]
    assert poster_context(east_grid)["hotline"] is None
    Hotline.objects.create(region=world.county, phone="0536-12345678")
    Hotline.objects.create(region=world.streets[0], phone="0536-87654321", hours="工作日 8:30-17:30")
    assert poster_context(east_grid)["hotline"].phone == "0536-87654321"
    assert poster_context(west_grid)["hotline"].phone == "0536-12345678"


def test_the_admin_refuses_a_number_that_is_not_one(admin_client, world):
    response = admin_client.post("/admin/posters/hotline/add/", {"region": world.county.pk, "phone": "call us"})
    assert response.status_code == 200
    assert "请填写电话号码" in response.content.decode()
    assert not Hotline.objects.exists()
    response = admin_client.post("/admin/posters/hotline/add/", {"region": world.county.pk, "phone": "0536-1234 5678"})
    assert response.status_code == 302 and Hotline.objects.get().phone == "0536-1234 5678"
