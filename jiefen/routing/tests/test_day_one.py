"""Day one with the default taxonomy: `load-defaults` trains the first classifier from the
example texts that ship with it (87 items), and it proposes sensibly for clear texts."""

import pytest

from jiefen.routing.defaults import load_defaults
from jiefen.routing.models import ClassifierVersion, RoutingPolicy
from jiefen.routing.services import propose
from jiefen.taxonomy.defaults import load_taxonomy
from jiefen.taxonomy.models import Item

CLEAR = {
    "0501": "包工头拖欠我们农民工工资半年了，十几个人的工钱一分没给，电话也不接。",
    "1202": "楼下广场舞音响每天晚上开到十点多，噪音太大，吵得孩子没法写作业。",
    "0202": "楼上卫生间漏水，我家天花板都泡坏了，墙皮往下掉，楼上就是不给修。",
    "0801": "我骑车被一辆小轿车撞了，腿骨折住院，对方保险公司一直拖着不赔医药费。",
}


@pytest.mark.django_db
def test_the_default_taxonomy_gives_a_useful_first_model():
    load_taxonomy()
    summary = load_defaults()
    assert "policy created (threshold 0.5)" in summary and "classifier v1" in summary
    v = ClassifierVersion.objects.get()
    examples = sum(len(i.examples) for i in Item.objects.all())
    assert v.active and len(v.classes) == 87 and v.trained_on == examples >= 87 * 9
    assert len(v.per_class) == 87 and v.macro_f1 > 0.4 and v.category_accuracy > v.accuracy
    for code, text in CLEAR.items():
        p = propose(text)
        assert p.item.code == code, (text, p.item.code, p.reasons)
        assert 0 < p.confidence < 1 and p.reasons
    assert "kept" in load_defaults() and ClassifierVersion.objects.count() == 1  # idempotent
    assert RoutingPolicy.objects.count() == 1
