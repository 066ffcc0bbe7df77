"""Similar cases: the planted near-identical case comes first; closed cases only inside the
viewer's jurisdiction; residents see typical cases only."""

from django.urls import reverse

from jiefen.knowledge.models import TypicalStatus
from jiefen.knowledge.services import publish
from jiefen.knowledge.similar import similar
from jiefen.testing.factories import submit

from .factories import closed_wage_case, typical

PLANTED = "幸福小区12号楼楼上卫生间漏水，渗到楼下卧室天花板发霉，楼上住户不肯维修也不赔偿。"


def _others(world):
    typical(world, title="工地欠薪", background="包工头拖欠十二名农民工工资八万元，总包单位先行清偿。")
    typical(world, title="物业费纠纷", background="业主因电梯常坏拒交物业费，物业停水催费。",
            item=world.property_item)
    typical(world, title="邻里噪音", background="楼上邻居深夜跳绳，噪音扰民，多次沟通无果。",
            item=world.immediate_item)


def test_the_planted_near_identical_case_comes_first(world):
    _others(world)
    planted = typical(world, title="楼上漏水赔偿", background=PLANTED.replace("卧室", "客厅"),
                      item=world.immediate_item)
    typical(world, title="未发布的漏水", background=PLANTED, status=TypicalStatus.DRAFT)
    found = similar("楼上卫生间漏水，渗到我家卧室天花板都发霉了，楼上不肯修也不赔。", world.immediate_item)
    assert found and found[0].kind == "typical" and found[0].pk == planted.pk
    assert all(m.title != "未发布的漏水" for m in found)
    assert found[0].score > 0.3 and (len(found) == 1 or found[1].score < found[0].score)


def test_item_boost_breaks_ties(world):
    a = typical(world, title="A", background="工资拖欠纠纷调解", item=world.wage_item)
    b = typical(world, title="B", background="工资拖欠纠纷调解", item=world.property_item)
    assert [m.pk for m in similar("工资拖欠纠纷", world.property_item)][:2] == [b.pk, a.pk]
    assert [m.pk for m in similar("工资拖欠纠纷", world.wage_item)][:2] == [a.pk, b.pk]


def test_closed_cases_only_within_the_viewers_jurisdiction(world):
    closed = closed_wage_case(world)  # east street
    text = "幸福路工地包工头赵老板拖欠我们十二个人的工资八万多"
    east = similar(text, world.wage_item, user=world["street_dispatcher"])
    assert east and east[0].kind == "case" and east[0].pk == closed.pk
    assert east[0].resolved is True and east[0].amount == 86000 and "王建国" not in east[0].summary
    assert not [m for m in similar(text, world.wage_item, user=world["west_dispatcher"]) if m.kind == "case"]
    assert not [m for m in similar(text, world.wage_item) if m.kind == "case"]  # residents: typical only


def test_a_newly_published_case_is_found_at_once(world):
    _others(world)
    assert not any(m.title == "楼上漏水赔偿" for m in similar(PLANTED))
    t = typical(world, title="楼上漏水赔偿", background=PLANTED, status=TypicalStatus.REVIEW)
    publish(t, world["leader"])
    assert similar(PLANTED)[0].pk == t.pk


def test_the_case_card_lists_similar_cases(client, world):
    typical(world, title="幸福路工地欠薪案", background="幸福路工地包工头拖欠十二名农民工工资八万多元。",
            resolved=True, agreement_amount=80000)
    case = submit(world)
    client.force_login(world["dispatcher"])
    page = client.get(reverse("case_detail", args=[case.tracking_code])).content.decode()
    card = page.split('data-testid="knowledge-card"')[1]
    assert "幸福路工地欠薪案" in card and "已化解" in card and "协议金额 80000 元" in card
