"""智能咨询: a resident describes a wage dispute in their own words and learns, before filing,
that it is a labour matter, that labour arbitration is open to them, and how a like case ended;
what they typed goes on into the report form."""

import pytest
from django.test import Client

from jiefen.knowledge import guide
from jiefen.knowledge.defaults import load_defaults
from jiefen.knowledge.models import TypicalCase, TypicalStatus
from jiefen.regions.models import Level, Region
from jiefen.taxonomy.defaults import load_taxonomy
from jiefen.taxonomy.models import Item
from jiefen.testing.factories import staff

WAGE = "我在城东一个装修队干了五个月，老板一直拖着不发工资，说等工程款下来再说，现在欠我一万八千块，人也联系不上了。"


@pytest.fixture
def taxonomy(db):
    load_taxonomy()
    load_defaults()
    county = Region.objects.create(name="清河区", level=Level.COUNTY)
    wage = Item.objects.get(code="0501")
    TypicalCase.objects.create(
        title="十二名农民工追讨欠薪调解案", item=wage, category=wage.category, region=county,
        background="某工地包工头拖欠十二名农民工工资八万余元后失联。", dispute="工人要求总包单位支付。",
        mediation="调解员约请总包单位、劳务公司和工人代表面对面调解。", result="总包单位先行垫付全部工资。", resolved=True,
        author=staff("clerk", region=county), status=TypicalStatus.PUBLISHED)
    return wage


def test_a_wage_dispute_gets_the_labour_category_arbitration_and_a_labour_case(taxonomy):
    g = guide.guide(WAGE)
    assert g.sure and g.category.code == "05", (g.item, g.confidence)
    doors = [d.code for d in g.doors]
    assert doors[0] == "mediation" and "labour_arbitration" in doors
    assert doors[-2:] == ["litigation", "legal_aid"]
    assert any("工资" in a.question or "工钱" in a.question for a in g.answers)
    assert g.typical and g.typical[0].title == "十二名农民工追讨欠薪调解案"
    assert "/knowledge/public/" in g.typical[0].url


def test_the_page_shows_the_guidance_and_carries_the_text_into_the_report_form(taxonomy):
    client = Client()
    page = client.post("/knowledge/guide/", {"text": WAGE}).content.decode()
    assert "劳动争议与欠薪" in page and "劳动仲裁" in page and "十二名农民工追讨欠薪调解案" in page
    form = client.get("/report/?from=guide").content.decode()
    assert "欠我一万八千块" in form
    assert "欠我一万八千块" not in Client().get("/report/?from=guide").content.decode()  # another visitor


def test_too_little_to_go_on_is_a_clear_message(taxonomy):
    response = Client().post("/knowledge/guide/", {"text": "  工资 "})
    assert response.status_code == 400
    assert "请用几句话说明遇到了什么问题" in response.content.decode()


def test_an_unsure_guess_names_no_category_but_still_offers_the_doors(taxonomy, monkeypatch):
    monkeypatch.setattr(guide, "LIKELY", 1.01)  # no guess is sure enough
    g = guide.guide(WAGE)
    assert not g.sure and g.answers == []
    assert [d.code for d in g.doors] == ["mediation", "litigation", "legal_aid"]
    assert g.doors[0].here
    page = Client().post("/knowledge/guide/", {"text": WAGE}).content.decode()
    assert "还不能确定纠纷类型" in page
