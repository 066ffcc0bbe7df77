"""Entries proposed from cases: a domestic-violence case puts the complainant and the man she
names before the center; a fourth case from the same phone makes a repeat petitioner; the
same person is found again instead of entered twice."""

import datetime as dt

import pytest
from django.utils import timezone

from jiefen.cases.models import Case, Status
from jiefen.cases.services import perform
from jiefen.risk.models import PersonStatus, RiskPerson
from jiefen.testing.factories import advance, submit

from .factories import family_items, id_number

VIOLENCE = "我丈夫喝了酒就打我，上周拿刀威胁说我敢离婚就弄死我，我现在躲在娘家，孩子还在他那边。"


@pytest.fixture
def items(world):
    return family_items()


def classify(world, case, item):
    case = perform(case, "accept", world["clerk"])
    return perform(case, "classify", world["clerk"], data={"item": item.pk})


def test_a_domestic_violence_case_proposes_the_complainant_and_the_respondent(world, items,
                                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = submit(world, description=VIOLENCE, name="刘秀英", phone="13911112222", respondent="张大军",
                      group_size=1, amount="")
    assert not RiskPerson.objects.exists()  # nothing in the text or item yet says violence

    classify(world, case, items["violence"])
    her = RiskPerson.objects.get(name="刘秀英")
    him = RiskPerson.objects.get(name="张大军")
    for person in (her, him):
        assert person.status == PersonStatus.PROPOSED and person.level == "red"
        assert "家庭暴力纠纷" in person.reasons
        assert list(person.cases.all()) == [case]
        assert person.region == world.grids[0]
    assert her.phone == "13911112222" and her.address == "幸福路18号工地"
    assert her.history.get().action == "proposed"


def test_words_in_the_text_propose_at_intake_whatever_the_outcome(world, items, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = submit(world, description="他又家暴了，邻居都听见了，我不敢回家。", name="陈芳", phone="13922223333",
                      respondent="", group_size=1, amount="")
    person = RiskPerson.objects.get(name="陈芳")
    assert person.level == "red" and "诉求中反映家庭暴力" in person.reasons
    perform(case, "decline", world["clerk"], data={"redirect": "已在法院起诉"}, reason="已进入诉讼程序")
    assert RiskPerson.objects.get(name="陈芳").status == PersonStatus.PROPOSED  # declined: still proposed


def test_the_same_person_again_gets_the_case_added_not_a_second_entry(world, items):
    first = classify(world, submit(world, description=VIOLENCE, name="刘秀英", phone="13911112222",
                                   respondent="", group_size=1, amount=""), items["violence"])
    second = classify(world, submit(world, description="想离婚，财产怎么分。", name="刘秀英", phone="13911112222",
                                    respondent="", group_size=1, amount=""), items["divorce"])
    [person] = RiskPerson.objects.filter(name="刘秀英")
    assert set(person.cases.all()) == {first, second}
    assert person.level == "red"  # the lower level of the later rule does not lower it
    assert "婚姻纠纷（离婚）" in person.reasons and "家庭暴力纠纷" in person.reasons
    assert [h.action for h in person.history.all()] == ["proposed", "case_added"]

    # another phone and no ID number: not known to be her
    classify(world, submit(world, description=VIOLENCE, name="刘秀英", phone="13800001111",
                           respondent="", group_size=1, amount=""), items["violence"])
    assert RiskPerson.objects.filter(name="刘秀英").count() == 2


def test_the_id_number_finds_the_person_whatever_the_phone(world, items):
    number = id_number()
    first = classify(world, submit(world, description=VIOLENCE, name="刘秀英", phone="13911112222",
                                   id_number=number, respondent="", group_size=1, amount=""), items["violence"])
    second = classify(world, submit(world, description=VIOLENCE, name="刘秀英", phone="13800001111",
                                    id_number=number, respondent="", group_size=1, amount=""), items["violence"])
    [person] = RiskPerson.objects.all()
    assert set(person.cases.all()) == {first, second} and person.id_number == number


def test_a_repeat_petitioner_is_proposed_at_the_third_case_in_180_days(world, django_capture_on_commit_callbacks):
    family_items()
    old = submit(world, phone="13733334444", name="赵老汉")
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=200))  # outside the window
    with django_capture_on_commit_callbacks(execute=True):
        submit(world, phone="13733334444", name="赵老汉")
        submit(world, phone="13733334444", name="赵老汉")
    assert not RiskPerson.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        third = submit(world, phone="13733334444", name="赵老汉")
    person = RiskPerson.objects.get()
    assert person.name == "赵老汉" and person.level == "yellow" and "重复信访" in person.reasons
    assert list(person.cases.all()) == [third]
    assert not RiskPerson.objects.filter(name="宏达建筑劳务公司").exists()  # the rule names only the petitioner


def test_a_wage_case_proposes_nobody(world, django_capture_on_commit_callbacks):
    family_items()
    with django_capture_on_commit_callbacks(execute=True):
        case = submit(world)
    advance(world, case, Status.CLOSED)
    assert not RiskPerson.objects.exists()


def test_a_broken_rule_never_stops_the_clerk_classifying(world, items, monkeypatch):
    from jiefen.risk import services

    def broken(case):
        raise RuntimeError("rule table damaged")

    monkeypatch.setattr(services, "findings_for", broken)
    case = classify(world, submit(world, description=VIOLENCE, name="刘秀英", phone="13911112222",
                                  respondent="", group_size=1, amount=""), items["violence"])
    case.refresh_from_db()
    assert case.item == items["violence"] and not RiskPerson.objects.exists()


def test_a_matter_rule_without_codes_or_words_is_refused_in_the_admin(db):
    from django.core.exceptions import ValidationError

    from jiefen.risk.models import ProposalRule

    with pytest.raises(ValidationError, match="至少填写"):
        ProposalRule(name="空规则", level="red", reason="x").full_clean()
    with pytest.raises(ValidationError, match="文字列表"):
        ProposalRule(name="坏规则", level="red", reason="x", item_codes="0101").full_clean()
