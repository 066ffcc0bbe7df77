"""`jiefen qr-posters --region CODE`: one printable A4 PDF per grid of a subtree."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
import segno
from django.core.management import CommandError, call_command

from jiefen.posters.models import Hotline
from jiefen.posters.services import QR_ERROR, short_code
from jiefen.regions.models import Level
from jiefen.testing.factories import RegionFactory

A4_POINTS = (595, 842)


def run(*args) -> str:
    out = io.StringIO()
    call_command("qr_posters", *args, stdout=out)
    return out.getvalue()


def page_text(path) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    return [page.get_textpage().get_text_range() for page in pdf]


def qr_image(path):
    """The one image on the PDF's first page: the QR code, as embedded."""
    pdf = pdfium.PdfDocument(str(path))
    images = list(pdf[0].get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE]))
    assert len(images) == 1
    return images[0].get_bitmap().to_pil().convert("L")


def modules(image, size: int) -> list[list[bool]]:
    """The dark/light modules read back from the image's pixels, sampled at each module's
    centre (square modules, a 4-module quiet zone around a size x size symbol)."""
    side = image.width / (size + 8)
    return [[image.getpixel((int((x + 4.5) * side), int((y + 4.5) * side))) < 128 for x in range(size)]
            for y in range(size)]


def matrix(qr) -> list[list[bool]]:
    return [[bool(v) for v in row] for row in qr.matrix]


@pytest.fixture
def street(world):
    street = world.streets[0]
    street.division_code = "379902001000"
    street.save()
    return street


def test_one_pdf_per_grid_with_name_qr_and_instructions(world, street, tmp_path, settings):
    settings.JIEFEN_PUBLIC_URL = "https://jiefen.qinghe.gov.cn"
    Hotline.objects.create(region=world.county, phone="0536-12345678", hours="每天 8:00-20:00")
    out = run("--region", "379902001000", "--out", str(tmp_path))

    files = sorted(tmp_path.glob("*.pdf"))
    grids = [g for g in world.grids if g.is_within(street)]
    assert len(files) == len(grids) == 4
    assert out.count(".pdf") == 4 and "4 poster(s)" in out
    first = grids[0]
    path = tmp_path / f"东关街道-东关1社区-东关1社区第1网格-{short_code(first)}.pdf"
    assert path in files

    pdf = pdfium.PdfDocument(str(path))
    assert len(pdf) == 1
    assert tuple(round(v) for v in pdf[0].get_size()) == A4_POINTS
    text = page_text(path)[0]
    for expected in ("东关1社区第1网格", "东关街道", "东关1社区", "扫码", "填写", "提交", "查询码", "110",
                     f"jiefen.qinghe.gov.cn/q/{short_code(first)}/", "0536-12345678",
                     "清河区社会治理综合服务中心", world["grid_worker"].full_name, "谨防他人覆盖张贴的二维码"):
        assert expected in text, expected
    # The second grid has no grid worker: no name is printed for it.
    assert world["grid_worker"].full_name not in page_text(files[1])[0]

    # No QR decoder is installed, so the printed symbol is read back module by module and
    # compared with the symbol segno makes for the expected address (and not another grid's).
    url = f"https://jiefen.qinghe.gov.cn/q/{short_code(first)}/"
    expected = segno.make(url, error=QR_ERROR, micro=False)
    image = qr_image(path)
    assert image.width >= 25 * 8  # printed from pixels, not a thumbnail
    assert modules(image, len(expected.matrix)) == matrix(expected)
    other = segno.make(url.replace(short_code(first), short_code(grids[1])), error=QR_ERROR, micro=False)
    assert modules(image, len(other.matrix)) != matrix(other)


def test_one_file_for_the_subtree_by_id(world, tmp_path):
    out = run("--region", str(world.county.pk), "--out", str(tmp_path), "--one-file")
    [path] = tmp_path.glob("*.pdf")
    pages = page_text(path)
    assert len(pages) == len(world.grids) == 8 and "8 page(s)" in out
    assert [g.name for g in world.grids] == [next(n for n in (g.name for g in world.grids) if n in p) for p in pages]


def test_a_long_grid_name_still_fits_one_page(world, tmp_path):
    grid = world.grids[0]
    grid.name = "王家庄村第三网格（幸福路以北、建设街以东片区）"
    grid.save()
    run("--region", str(grid.parent_id), "--out", str(tmp_path))
    text = page_text(tmp_path / f"东关街道-东关1社区-{grid.name}-{short_code(grid)}.pdf")
    assert len(text) == 1
    assert "片区" in text[0] and "紧急情况请拨打" in text[0] and "谨防他人覆盖张贴的二维码" in text[0]


def test_unknown_region_is_a_clean_error(world, tmp_path):
    for code in ("999999999999", "123456", "东关街道"):
        with pytest.raises(CommandError, match="区域"):
            run("--region", code, "--out", str(tmp_path))
    assert not list(tmp_path.glob("*.pdf"))


def test_region_without_grids_says_so(world, tmp_path):
    empty = RegionFactory(name="新建街道", level=Level.STREET, parent=world.county)
    with pytest.raises(CommandError, match="没有网格"):
        run("--region", str(empty.pk), "--out", str(tmp_path))
    assert not list(tmp_path.glob("*.pdf"))
