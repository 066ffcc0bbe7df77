"""`jiefen classifier train`: trains on labelled cases and the taxonomy's examples, scores
by stratified folds, and activates the new version only if it is not worse than the active
one on the same folds."""

import io

import pytest
from django.core.management import CommandError, call_command

from jiefen.cases.models import Status
from jiefen.cases.services import perform
from jiefen.routing.models import ClassifierVersion, RoutingPolicy
from jiefen.routing.services import propose
from jiefen.testing.factories import advance, submit

from .factories import WAGE_TEXT, default_examples, demo_texts, give_examples

pytestmark = pytest.mark.django_db(transaction=True)


def classifier(*args) -> str:
    out = io.StringIO()
    call_command("classifier", *args, stdout=out)
    return out.getvalue()


def test_train_on_demo_like_cases_scores_per_class_and_activates_the_new_version(world):
    give_examples(world)
    examples = default_examples()
    for item, code, category in ((world.wage_item, "0501", "05"), (world.property_item, "0601", "06"),
                                 (world.immediate_item, "0201", "02"), (world.committed_item, "0604", "06")):
        for k, text in enumerate(demo_texts(examples[code], category, 5)):
            case = submit(world, description=text)
            if k < 2 and item in (world.wage_item, world.property_item):  # closed cases …
                advance(world, case, Status.CLOSED, item=item)
            else:  # … and cases a clerk has classified are labelled
                perform(case, "classify", world["clerk"], data={"item": item.pk})

    out = classifier("train")
    assert "训练数据：77 条（案件 20，示例 57），4 个事项" in out
    # v1 was trained from the examples alone when the first case came in (day one)
    assert ClassifierVersion.objects.get(number=1).trained_cases == 0
    assert "同一折上比较（77 条）" in out and "不差于启用中的 v1" in out
    v = ClassifierVersion.objects.get(active=True)
    assert (v.number, v.trained_on, v.trained_cases, v.classes) == (2, 77, 20, ["0201", "0501", "0601", "0602"])
    assert v.per_class["0501"]["support"] == 20 and v.per_class["0501"]["name"] == "劳动争议与欠薪 / 农民工欠薪"
    assert 0.6 < v.macro_f1 <= 1 and 0.6 < v.accuracy <= 1 and v.risk_accuracy is not None
    assert propose(WAGE_TEXT).item == world.wage_item
    assert "* v2" in classifier("list")


def test_a_worse_version_is_not_activated_unless_forced_and_a_better_one_is(world):
    give_examples(world)
    classifier("train")  # v1, day one
    assert ClassifierVersion.objects.get(active=True).number == 1

    policy = RoutingPolicy.objects.create(alpha=0.5)  # an administrator over-smooths the model
    out = classifier("train")
    assert "同一折上比较" in out and "不如启用中的 v1" in out and "不启用；仍使用 v1" in out
    assert ClassifierVersion.objects.get(active=True).number == 1
    v2 = ClassifierVersion.objects.get(number=2)
    assert not v2.active and v2.macro_f1 < ClassifierVersion.objects.get(number=1).macro_f1

    out = classifier("train", "--force")
    assert "但指定了 --force，仍启用新版本" in out
    assert ClassifierVersion.objects.get(active=True).number == 3
    assert "已启用 v1" in classifier("activate", "1")

    # The region's own cases bring phrasings the examples lack (e-bikes charged in the
    # stairwell, told as a property matter): the new version learns them, v1's data cannot.
    policy.alpha = 1e-5
    policy.save()
    stairwell = [
        f"{place}楼道里{who}的电动车天天推进来充电，堵着过道，{worry}，物业说了也不管。"
        for place in ("我们楼", "三号楼", "二单元", "我家那栋")
        for who, worry in (("邻居", "怕着火"), ("租户", "晚上进出很不方便"), ("几户人家", "消防通道都堵死了"))
    ]
    for text in stairwell:
        advance(world, submit(world, description=text), Status.CLOSED, item=world.property_item)
    out = classifier("train")
    assert "不差于启用中的 v1" in out and "启用新版本" in out
    assert ClassifierVersion.objects.get(active=True).number == 4
    listing = classifier("list")
    assert "* v4" in listing and "  v1" in listing


def test_errors_are_plain(world):
    with pytest.raises(CommandError, match="训练数据不足"):
        classifier("train")
    with pytest.raises(CommandError, match="没有版本 v7"):
        classifier("activate", "7")
    assert "还没有训练过分类模型" in classifier("list")


def test_a_version_whose_texts_are_all_gone_is_replaced(world):
    give_examples(world)
    classifier("train")
    for item in (world.wage_item, world.property_item, world.immediate_item, world.committed_item):
        item.examples = [f"{text}（修订）" for text in item.examples]  # every example rewritten
        item.save()
    out = classifier("train")
    assert "无法同折比较，启用新版本" in out
    assert ClassifierVersion.objects.get(active=True).number == 2
