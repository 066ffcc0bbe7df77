"""Scanning a grid's poster opens the report form with the grid chosen, and the case it
files is recorded as 扫码报事; a code that matches no grid gets a Chinese 404 page."""

from __future__ import annotations

import pytest

from jiefen.cases.models import Case, Channel
from jiefen.posters.codes import encode
from jiefen.posters.services import short_code, short_url
from jiefen.testing.factories import case_data


def test_short_url_redirects_to_the_form_with_the_grid_chosen(client, world):
    grid = world.grids[3]
    response = client.get(f"/q/{short_code(grid)}/")
    assert response.status_code == 302
    assert response["Location"] == f"/report/?region={grid.pk}&via=qr"

    form = client.get(response["Location"])
    html = form.content.decode()
    assert f'name="region" id="id_region" value="{grid.pk}"' in html
    assert 'name="via" value="qr"' in html


def test_a_case_filed_from_the_poster_is_a_qr_case(client, world):
    grid = world.grids[2]
    form = client.get(f"/q/{short_code(grid)}/", follow=True)
    assert form.status_code == 200
    response = client.post("/report/", case_data(world, region=grid.pk, via="qr"))
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.channel, case.region) == (Channel.QR, grid)


def test_the_typed_code_forgives_case_and_look_alike_letters(client, world):
    grid = world.grids[0]
    code = short_code(grid)
    typed = code.lower().replace("0", "o").replace("1", "l")
    response = client.get(f"/q/{typed}/")
    assert response.status_code == 302 and response["Location"].startswith(f"/report/?region={grid.pk}&")


def test_the_printed_address_starts_from_the_public_url(world, settings):
    settings.JIEFEN_PUBLIC_URL = "https://jiefen.qinghe.gov.cn"
    grid = world.grids[0]
    assert short_url(grid) == f"https://jiefen.qinghe.gov.cn/q/{short_code(grid)}/"


@pytest.mark.parametrize("kind", ["garbage", "typo", "not_a_grid", "gone"])
def test_unknown_code_is_a_friendly_404(client, world, kind):
    grid = world.grids[0]
    code = short_code(grid)
    code = {
        "garbage": "hello-world",
        "typo": code[:-2] + ("X" if code[-2] != "X" else "Y") + code[-1],  # the check symbol catches it
        "not_a_grid": short_code(world.streets[0]),
        "gone": encode(10**6),  # a well-formed code whose grid does not exist
    }[kind]
    response = client.get(f"/q/{code}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "没有找到这个二维码" in html and "我要反映" in html
    assert "Traceback" not in html and Case.objects.count() == 0
