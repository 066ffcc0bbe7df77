"""Center staff download the poster of a grid in their jurisdiction; others cannot."""

from __future__ import annotations

from urllib.parse import quote

import pypdfium2 as pdfium

from jiefen.posters.services import short_code
from jiefen.testing.factories import PASSWORD


def login(client, world, username):
    assert client.login(username=username, password=PASSWORD)


def test_street_staff_download_a_grid_poster(client, world):
    grid = world.grids[0]
    login(client, world, "street_dispatcher")
    response = client.get(f"/q/poster/{grid.pk}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert quote(f"东关1社区第1网格-{short_code(grid)}.pdf") in response["Content-Disposition"]
    pdf = pdfium.PdfDocument(response.content)
    assert len(pdf) == 1
    text = pdf[0].get_textpage().get_text_range()
    assert grid.name in text and "扫码" in text


def test_outside_the_jurisdiction_or_not_a_grid_is_refused(client, world):
    east_grid = world.grids[0]
    for username, pk in (("west_dispatcher", east_grid.pk), ("hr_handler", east_grid.pk),
                         ("street_dispatcher", world.streets[0].pk), ("clerk", 10**6)):
        client.logout()
        login(client, world, username)
        response = client.get(f"/q/poster/{pk}.pdf")
        assert response.status_code == 404, username
        assert "不在您的管辖范围内" in response.content.decode()


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(f"/q/poster/{world.grids[0].pk}.pdf")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get("/q/poster/").status_code == 302


def test_the_list_shows_the_grids_in_scope_with_links(client, world):
    login(client, world, "street_dispatcher")
    html = client.get("/q/poster/").content.decode()
    east = [g for g in world.grids if g.is_within(world.streets[0])]
    west = [g for g in world.grids if g.is_within(world.streets[1])]
    for grid in east:
        assert f"/q/poster/{grid.pk}.pdf" in html and short_code(grid) in html
    for grid in west:
        assert f"/q/poster/{grid.pk}.pdf" not in html

    html = client.get("/q/poster/", {"q": "第2网格"}).content.decode()
    assert f"/q/poster/{east[1].pk}.pdf" in html and f"/q/poster/{east[0].pk}.pdf" not in html
    assert "没有名称包含该文字的网格" in client.get("/q/poster/", {"q": "不存在"}).content.decode()


def test_a_department_handler_has_no_grids_to_print(client, world):
    login(client, world, "hr_handler")
    html = client.get("/q/poster/").content.decode()
    assert "没有可打印海报的网格" in html and ".pdf" not in html
