"""A closed case is proposed as a typical case: the draft is pre-filled from the case and its
mediation records with every party's name, phone and ID number taken out."""

from django.urls import reverse

from jiefen.cases.models import Status
from jiefen.knowledge.models import TypicalCase, TypicalStatus
from jiefen.knowledge.services import anonymiser_for
from jiefen.testing.factories import advance, submit

from .factories import ID_NUMBER, closed_wage_case

WRITTEN = ("title", "background", "dispute", "mediation", "result", "tags")


def _text(t: TypicalCase) -> str:
    return " ".join(getattr(t, f) for f in WRITTEN)


def test_the_draft_hides_names_phones_and_id_numbers(client, world):
    case = closed_wage_case(world)
    client.force_login(world["street_mediator"])
    response = client.post(reverse("knowledge:propose", args=[case.tracking_code]))
    draft = TypicalCase.objects.get(source_case=case)
    assert response.status_code == 302 and response.url == reverse("knowledge:edit", args=[draft.pk])
    assert draft.status == TypicalStatus.DRAFT and draft.author == world["street_mediator"]
    text = _text(draft)
    for secret in ("王建国", "13812345678", ID_NUMBER, "宏达", "赵德明", "李调解", "幸福路18号"):
        assert secret not in text, secret
    assert "王某" in draft.background and "赵某老板" in draft.background and "某劳务公司" in draft.dispute
    assert "86000" in draft.mediation and draft.resolved and draft.agreement_amount == 86000
    assert draft.item == world.wage_item and draft.region == case.origin_center
    page = client.get(response.url).content.decode()
    assert "王某" in page and "王建国" not in page


def test_people_named_in_the_text_are_anonymised_too(world):
    case = closed_wage_case(world, description="邻居刘秀英女士说，张德明经理答应周五前把钱打到13900001111。")
    text = anonymiser_for(case)(case.description)
    assert "刘某女士" in text and "张某经理" in text and "13900001111" not in text


def test_only_a_closed_case_can_be_proposed_and_only_once(client, world):
    open_case = advance(world, submit(world), Status.IN_PROGRESS)
    client.force_login(world["dispatcher"])
    response = client.post(reverse("knowledge:propose", args=[open_case.tracking_code]), follow=True)
    assert "只有已办结的案件才能推荐为典型案例" in response.content.decode()
    assert not TypicalCase.objects.exists()

    closed = closed_wage_case(world)
    client.post(reverse("knowledge:propose", args=[closed.tracking_code]))
    response = client.post(reverse("knowledge:propose", args=[closed.tracking_code]), follow=True)
    assert "请勿重复推荐" in response.content.decode()
    assert TypicalCase.objects.count() == 1


def test_a_case_outside_the_jurisdiction_cannot_be_proposed(client, world):
    case = closed_wage_case(world)  # in the east street
    client.force_login(world["west_dispatcher"])
    assert client.post(reverse("knowledge:propose", args=[case.tracking_code])).status_code == 404
    assert not TypicalCase.objects.exists()


def test_the_case_page_offers_to_propose_a_closed_case(client, world):
    case = closed_wage_case(world)
    client.force_login(world["dispatcher"])
    page = client.get(reverse("case_detail", args=[case.tracking_code])).content.decode()
    assert "推荐为典型案例" in page
    client.post(reverse("knowledge:propose", args=[case.tracking_code]))
    page = client.get(reverse("case_detail", args=[case.tracking_code])).content.decode()
    assert "本案已推荐为典型案例" in page and 'data-testid="knowledge-propose"' not in page


def test_ordinary_words_are_left_alone():
    from jiefen.knowledge.anonymise import Anonymiser

    text = "婚姻家庭纠纷，区人民政府和社区居委会到场，向老板讨薪，管理处主任说明情况，阳光花园3栋2单元漏水。"
    out = Anonymiser(["欧阳娜娜"])(text)
    assert out.startswith("婚姻家庭纠纷，区人民政府和社区居委会到场，向老板讨薪，管理处主任说明情况")
    assert "阳光花园" not in out and "某小区" in out
    assert Anonymiser(["王建国", "王建军"])("王建国和王建军是兄弟") == "王某和王某乙是兄弟"
