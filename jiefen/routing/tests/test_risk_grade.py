"""The proposed risk grade: the item's default, raised where the grades clerks gave to
labelled cases say texts like this one are more serious."""

import pytest

from jiefen.cases.services import perform
from jiefen.routing.services import propose, train
from jiefen.testing.factories import submit

from .factories import give_examples

pytestmark = pytest.mark.django_db(transaction=True)


def test_clerks_raised_grades_teach_the_risk_model(world):
    give_examples(world)
    threats = [
        f"{who}说物业再不{what}，他就{threat}，情绪很激动。"
        for who in ("业主", "我们楼一个住户", "邻居老王", "三楼的大哥")
        for what, threat in (("修电梯", "从楼顶跳下去"), ("退钱", "拿汽油去物业办公室"), ("管", "跟物业经理同归于尽"))
    ]
    for text in threats:
        case = submit(world, description=text)
        perform(case, "classify", world["clerk"], data={"item": world.property_item.pk, "risk_grade": "major"})
    train()

    plain = propose("小区电梯坏了半个月物业也不修，楼道垃圾没人扫。")
    assert plain.item == world.property_item and plain.risk == "general"
    threat = propose("物业一直不修电梯，有个业主说要从楼顶跳下去。")
    assert threat.item == world.property_item and threat.risk == "major"
    wage = propose("包工头拖欠我们工资半年了，十几个人的钱不给。")
    assert wage.risk == "significant"  # the wage item's own default, never lowered
