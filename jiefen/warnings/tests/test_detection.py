"""The detector on the phrase table: every way of saying a threat is found with its kind;
every look-alike (negated, someone else's past, everyday words) is not."""

import pytest

from jiefen.warnings.defaults import TERMS
from jiefen.warnings.detector import Detector, Term
from jiefen.warnings.models import Kind, WarningTerm
from jiefen.warnings.phrasebook import NOT_THREATS, THREATS
from jiefen.warnings.services import detector

DEFAULT = Detector(Term(term, kind, severity, pattern or term, exclude) for kind, term, pattern, severity, exclude in TERMS)


def threat_kinds(text: str) -> set[str]:
    return {h.kind for h in DEFAULT.signals(text) if h.kind != Kind.ANGER}


def test_the_table_is_large_enough():
    assert len(THREATS) + len(NOT_THREATS) >= 60
    assert {kind for _, kind in THREATS} == set(Kind.values) - {Kind.ANGER}


@pytest.mark.parametrize(("text", "kind"), THREATS)
def test_a_threat_is_found_with_its_kind(text, kind):
    assert kind in threat_kinds(text), [(h.kind, h.phrase, h.why) for h in DEFAULT.hits(text)]


@pytest.mark.parametrize("text", NOT_THREATS)
def test_a_look_alike_is_not_a_threat(text):
    assert threat_kinds(text) == set(), [(h.kind, h.phrase, h.why) for h in DEFAULT.signals(text)]


@pytest.mark.parametrize(("text", "phrase", "why"), [
    ("我不会跳楼", "跳楼", "negated"),
    ("我没有想过自杀", "自杀", "negated"),
    ("别担心，我不会做傻事", "做傻事", "negated"),
    ("之前有人跳楼", "跳楼", "reported"),
    ("跳楼这种事我是不会做的", "跳楼", "negated_after"),
    ("怕被打击报复", "报复", "excluded"),
    ("他说要跳楼", "跳楼", "intent"),
    ("我老公又打我", "老公又打我", "stated"),
    ("他扬言要捅死他", "捅死他", "intent"),
    ("再不给钱我就从楼上跳下去", "从楼上跳下去", "stated"),
    ("他会不会跳楼", "跳楼", "question"),
    ("我不是不敢跳楼", "跳楼", "double_negation"),
    ("劝他不要跳楼", "跳楼", "dissuaded"),
])
def test_each_hit_says_the_phrase_and_why(text, phrase, why):
    [hit] = [h for h in DEFAULT.hits(text) if h.phrase == phrase]
    assert hit.why == why
    assert hit.signal == (why not in {"negated", "negated_after", "reported", "excluded"})
    assert text[hit.start:hit.end] == phrase


def test_a_negation_binds_only_to_its_own_verb():
    # 不 negates 给钱, not the jump: a conditional threat is a threat
    assert threat_kinds("要是再不给我们结工钱，我们就一起从楼顶跳下去") == {Kind.JUMP}
    # a negation in another clause does not reach the term
    assert threat_kinds("我不想闹，但是逼急了我就跳楼") == {Kind.JUMP}


def test_full_width_letters_and_offsets_survive():
    text = "ＡＢ说要跳楼"
    [hit] = DEFAULT.signals(text)
    assert text[hit.start:hit.end] == "跳楼"


def test_administrators_words_take_effect(warning_words):
    assert not detector().signals("他说要去撞大运")
    WarningTerm.objects.create(term="撞大运", kind=Kind.REVENGE, severity=3)
    [hit] = detector().signals("他说要去撞大运")
    assert hit.kind == Kind.REVENGE and hit.phrase == "撞大运"
    WarningTerm.objects.filter(term="撞大运").update(active=False)
    assert not detector().signals("他说要去撞大运")


def test_a_bad_pattern_is_refused_in_the_admin(warning_words):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as err:
        WarningTerm(term="坏", pattern="(跳", kind=Kind.JUMP).full_clean()
    assert "匹配式写法有误" in str(err.value)
    with pytest.raises(ValidationError):
        WarningTerm(term="空", pattern="x?", kind=Kind.JUMP).full_clean()
