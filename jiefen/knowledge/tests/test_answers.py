"""The knowledge base the guidance shows: default answers per item, with the doors."""

from jiefen.knowledge.defaults import ANSWERS, load_defaults
from jiefen.knowledge.models import Answer
from jiefen.knowledge.services import answers_for
from jiefen.taxonomy.defaults import DEFAULT_TAXONOMY, load_taxonomy
from jiefen.taxonomy.models import Category, Item


def test_default_answers_for_the_common_items(db):
    load_taxonomy(str(DEFAULT_TAXONOMY))
    assert "15 knowledge-base answers added" in load_defaults() and len(ANSWERS) == 15
    assert "0 knowledge-base answers added" in load_defaults()  # idempotent

    wages = answers_for(Item.objects.get(code="0501"))
    questions = [a.question for a in wages]
    assert questions[0].startswith("包工头拖欠工资") and "劳动争议可以直接去法院起诉吗？" in questions
    assert "劳动仲裁" in wages[0].door_labels and "保障农民工工资支付条例" in wages[0].legal_basis

    neighbours = answers_for(Item.objects.get(code="0202"))
    assert [a.question for a in neighbours][0] == "楼上漏水把我家泡了，损失谁来赔？"
    assert any("人民调解" in a.door_labels for a in neighbours)
    assert len(answers_for(Category.objects.get(code="05"))) == 6


def test_unpublished_answers_are_not_given(db):
    load_taxonomy(str(DEFAULT_TAXONOMY))
    load_defaults()
    Answer.objects.filter(question__startswith="楼上漏水").update(published=False)
    assert all(not a.question.startswith("楼上漏水") for a in answers_for(Item.objects.get(code="0202")))
    assert answers_for(None) == []


def test_the_case_card_shows_the_items_answers(client, world):
    from django.urls import reverse

    from jiefen.testing.factories import advance, submit

    load_defaults()  # the world's wage item has the default code 0501
    case = advance(world, submit(world), "dispatched")
    client.force_login(world["hr_handler"])
    page = client.get(reverse("case_detail", args=[case.tracking_code])).content.decode()
    answers = page.split('data-testid="knowledge-answers"')[1].split("</details>")[0]
    assert "包工头拖欠工资后找不到人了" in answers and "劳动仲裁" in answers and "保障农民工工资支付条例" in answers
    assert "楼上漏水" not in answers
