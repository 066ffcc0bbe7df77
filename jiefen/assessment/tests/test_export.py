"""The Excel export holds the same table as the page, with the lights as cell fills."""

import io
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from .factories import MARCH, march_cases, scheme

pytestmark = pytest.mark.django_db


class Table(HTMLParser):
    """The text of each cell of the scorecard table's body rows."""

    def __init__(self):
        super().__init__()
        self.rows, self.cell, self.in_body = [], None, False

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append([])
        elif self.in_body and tag == "td":
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_body = False
        elif tag == "td" and self.cell is not None:
            self.rows[-1].append(self.cell.strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def text(cell) -> str:
    """The cell as Excel shows it (its number format applied)."""
    if cell.number_format == "0.00" and isinstance(cell.value, int | float):
        return f"{cell.value:.2f}"
    if cell.number_format == "0.0" and isinstance(cell.value, int | float):
        return f"{cell.value:.1f}"
    return str(cell.value)


def test_export_cells_equal_the_page(client, world):
    march_cases(world)
    s = scheme(min_cases=3)
    client.force_login(world["leader"])
    page = Table()
    page.feed(client.get("/assessment/", MARCH | {"scheme": s.pk}).content.decode())
    response = client.get("/assessment/export/", MARCH | {"scheme": s.pk})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert ws["A1"].value.startswith(s.name) and "2026-03-01 — 2026-03-31" in ws["A1"].value
    assert [c.value for c in ws[2]] == ["排名", "考评对象", "办结数", "调成率", "调成率得分", "满意率", "满意率得分",
                                        "平均办理时长", "平均办理时长得分", "总分", "亮牌"]
    sheet = [[text(c) for c in row] for row in ws.iter_rows(min_row=3)]
    assert len(page.rows) == 2
    assert sheet == page.rows
    assert sheet[0][1] == "清河区人社局" and sheet[0][-1] == "黄牌" and sheet[1][-1] == "样本不足"
    fills = [row[-1].fill.start_color.rgb[-6:] for row in ws.iter_rows(min_row=3)]
    assert fills == ["FFEB9C", "E5E7EB"]  # yellow; grey for too few cases
