"""A monthly report's figures against October 2026 counted by hand, and the same figures in
its PDF (text extracted, page 1 rendered to look at) and its Excel workbook."""

import datetime as dt
import io
import os

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook

from jiefen.reports import services
from jiefen.reports.models import Kind, Report

SCREENS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "test-artifacts", "screens")


@pytest.fixture
def report(world, october):
    return services.generate(world.county, Kind.MONTHLY, dt.date(2026, 10, 17), by=world["leader"])


def by_key(report):
    return {row["key"]: row for row in report.figures["indicators"]}


def test_figures_match_the_month_counted_by_hand(world, october, report):
    f = report.figures
    assert (report.period_start, report.period_end) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert (report.year, report.number) == (2026, 10)
    assert f["title"] == "清河区矛盾纠纷稳定专报" and f["issue"] == "2026年第10期（月报）"
    rows = by_key(report)
    # October: threat + 5 burst + resolved + west = 8; September: 2.
    assert (rows["received"]["value"], rows["received"]["prev"]) == (8, 2)
    assert rows["received"]["change"] == "↑ +300.0%"
    assert (rows["accepted"]["value"], rows["resolved"]["value"], rows["unresolved"]["value"]) == (1, 1, 0)
    assert rows["success_rate"]["text"] == "100.00%"
    assert rows["avg_hours"]["text"] == "2.0"  # submitted at 9:00, closed at 11:00
    # The threat was raised to 重大; the resolved wage case is 较大 by its item.
    high = f["high_risk"]
    assert (high["total"], high["major"], high["significant"]) == (2, 1, 1)
    assert [c["code"] for c in high["cases"]] == [october["threat"].display_code, october["resolved"].display_code]
    assert "13800001111" not in str(f)  # no phone number in a printed document
    [group] = f["groups"]
    assert group["cases"] == 5 and "鑫源建设工程有限公司" in group["subject"] and group["place"] == "东关街道"
    red = next(c for c in f["sheets"]["colours"] if c["colour"] == "red")
    assert (red["raised"], red["open"]) == (1, 1)
    assert f["sheets"]["red"][0]["code"] == october["threat"].display_code
    assert (f["warnings"]["total"], f["warnings"]["unhandled"]) == (1, 1)
    assert f["places"] == [{"name": "东关街道", "received": 7}, {"name": "西城街道", "received": 1}]
    assert f["categories"] == [{"name": "劳动争议与欠薪", "received": 1}] and f["unclassified"] == 7
    assert [c["code"] for c in f["resolved"]] == [october["resolved"].display_code]
    overview = f["sections"][0]["lines"]
    assert overview[0] == "2026年10月1日至2026年10月31日，清河区共登记矛盾纠纷8件，较上期上升300.0%。"
    assert "新增较大以上风险矛盾纠纷2件，其中重大1件、较大1件。" in f["sections"][1]["lines"]


def test_a_street_report_counts_only_its_street(world, october):
    west = services.generate(world.streets[1], Kind.MONTHLY, dt.date(2026, 10, 1))
    rows = by_key(west)
    assert (rows["received"]["value"], rows["received"]["prev"]) == (1, 1)
    assert west.figures["title"] == "西城街道矛盾纠纷稳定专报"
    assert west.figures["high_risk"]["total"] == 0 and west.figures["groups"] == []
    assert "本期未新增较大以上风险矛盾纠纷。" in west.figures["sections"][1]["lines"]


def test_weekly_and_daily_periods_and_numbers(world, october):
    week = services.generate(world.county, Kind.WEEKLY, dt.date(2026, 10, 8))
    assert (week.period_start, week.period_end, week.number) == (dt.date(2026, 10, 5), dt.date(2026, 10, 11), 41)
    assert by_key(week)["received"]["value"] == 8
    day = services.generate(world.county, Kind.DAILY, dt.date(2026, 10, 6))
    assert (day.period_start, day.period_end, day.number) == (dt.date(2026, 10, 6),) * 2 + (279,)
    assert day.figures["issue"] == "2026年第279期（日报）"
    assert services.generate(world.county, Kind.DAILY, dt.date(2026, 10, 6)) is None  # never twice
    assert Report.objects.filter(kind=Kind.DAILY).count() == 1


def test_the_pdf_is_a4_with_the_title_and_figures(report):
    pdf = pdfium.PdfDocument(report.pdf.read())
    width, height = pdf[0].get_size()
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    flat = text.replace("\r", "").replace("\n", "")
    assert "清河区矛盾纠纷稳定专报" in flat and "2026年第10期（月报）" in flat
    assert "清河区共登记矛盾纠纷8件，较上期上升300.0%。" in flat
    assert "调成率100.00%" in flat and "鑫源建设工程有限公司" in flat
    assert "新增较大以上风险矛盾纠纷2件，其中重大1件、较大1件。" in flat
    os.makedirs(SCREENS, exist_ok=True)
    pdf[0].render(scale=1.5).to_pil().save(os.path.join(SCREENS, "reports-pdf-page1.png"))


def test_the_workbook_holds_the_same_figures(report):
    wb = load_workbook(io.BytesIO(report.xlsx.read()))
    assert wb.sheetnames == ["主要指标", "新增高风险案件", "群体性预警", "督办单", "预警", "类别与地区", "重点化解案例"]
    ws = wb["主要指标"]
    assert ws["A1"].value == "清河区矛盾纠纷稳定专报" and ws["A2"].value == "2026年第10期（月报）"
    cells = {ws.cell(r, 1).value: (ws.cell(r, 2).value, ws.cell(r, 3).value) for r in range(7, ws.max_row + 1)}
    assert cells["受理登记"] == (8, 2)
    assert cells["调成率"][0] == 1.0 and ws.cell(12, 2).number_format == "0.00%"
    assert cells["平均办理时长"][0] == 2.0
    high = wb["新增高风险案件"]
    assert high.max_row == 3 and high["B2"].value == "重大"
    assert [c.value for c in wb["督办单"]["4"]] == ["红色督办单", 1, 1]
    assert [c.value for c in wb["群体性预警"]["2"]][2] == 5
    assert [c.value for c in wb["类别与地区"]["2"]] == ["劳动争议与欠薪", 1, "东关街道", 7]


def test_a_quiet_day_reads_as_such(world):
    day = services.generate(world.streets[0], Kind.DAILY, dt.date(2026, 8, 3))
    lines = [line for s in day.figures["sections"] for line in s["lines"]]
    assert lines[0] == "2026年8月3日，东关街道共登记矛盾纠纷0件，与上期持平。"
    for expected in ("本期未新增较大以上风险矛盾纠纷。", "本期未发生群体性预警。", "本期未发出督办单。",
                     "本期未发现极端言行预警。", "本期无新登记案件。", "本期无需单独列出的重点化解案件。"):
        assert expected in lines
    text = pdfium.PdfDocument(day.pdf.read())[0].get_textpage().get_text_range()
    assert "东关街道矛盾纠纷稳定专报" in text and "2026年第215期（日报）" in text
