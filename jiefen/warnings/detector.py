"""The extreme-behaviour detector: finds the warning words in a text and decides, clause by
clause, whether each one is a signal. Pure Python over the word list (no database), so that
the benchmark and the tests drive it directly; `services.detector()` builds it from the rows.

The rules (docs/early-warning.md explains them with examples):

1. A clause is the text between two of 。！？；，、：… and line breaks.
2. Negation: a negator (不会, 没有, 别, 不要, 不想, 从没 …) counts only if it binds to the
   term: walking back from the term over fillers (pronouns, modals, 要/想/去/过/说 …) reaches
   it. "再不给钱我就跳楼" is a threat (不 binds to 给钱); "我不会去跳楼" is not.
3. Double negation: an even number of binding negators is no negation ("我不是不敢跳楼").
4. An A-not-A question (会不会, 是不是, 要不要) is no negation: "他会不会想不开" is a worry.
5. A negation after the term in its clause ("跳楼这种事我是不会做的") also cancels it.
6. Dissuasion keeps the signal even when negated: "劝他不要跳楼" means someone meant to.
7. A report of someone else's past act ("之前有人跳楼", "新闻上说有人喝农药") is no signal
   unless the clause also says someone means to (扬言, 威胁, 说要 …).
8. Conditional threats and questions are threats ("不解决我就去跳楼", "难道逼我去死吗").
9. Each term may carry an exclusion (a regular expression over its clause), e.g. 打击报复.

When unsure, raise: every rule above only ever removes a hit for a stated reason."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

CLAUSE_BREAK = re.compile(r"[。！？!?；;，,、：:…\n\r~～]+")

NEGATORS = (
    "从来没有", "从来没", "从来不", "从没有", "从没", "从不", "从未", "并没有", "并没", "并不", "绝不", "决不",
    "绝对不", "不可能", "不至于", "不会", "不要", "不想", "不敢", "不能", "不是", "不用", "不必", "不准",
    "没有", "没", "别", "未", "勿", "甭", "不",
)
FILLERS = (
    "我们", "他们", "她们", "你们", "自己", "真的", "曾经", "打算", "准备", "可能", "一定", "肯定", "绝对",
    "这么", "那么", "其实", "根本", "再去", "真",
    "我", "俺", "你", "他", "她", "会", "要", "想", "去", "再", "也", "都", "就", "的", "过", "曾", "说",
    "还", "能", "敢", "是", "用", "而", "了", "着", "得",
)
# Words with 不 that negate nothing the term says: the walk stops at them.
STOPPERS = ("大不了", "要不然", "不然", "不行", "不得不", "不管", "不论", "受不了", "忍不住", "不禁")
_BACK_TOKENS = sorted(
    {(t, True) for t in NEGATORS} | {(t, False) for t in FILLERS} | {(t, None) for t in STOPPERS},
    key=lambda t: -len(t[0]),
)
POST_NEGATION = re.compile(
    r"^(这种事|这种傻事|这样的事|这事|的事|的话)?(我|俺|他|她)?(是|也|肯定|绝对|一定|当然)?"
    r"(不会|不可能|不至于|绝不会|决不会|没想过|没有想过)"
)
DISSUASION = re.compile(r"劝|拦住|拦下|阻止|制止|救下|拉住|拉了回来|救了下来")
REPORTED = re.compile(r"新闻|电视上|网上|报纸|听说|据说|报道|电影|小说")
THIRD_PARTY = re.compile(r"有人|别人|人家|别的|其他人|某某|外地")
PAST = re.compile(r"之前|以前|去年|前年|上次|曾经|过去|早年|那年|多年前|前几年|年前|当年|小时候")
INTENT = re.compile(r"扬言|威胁|说要|要去|要把|打算|准备|声称|放话|叫嚣|想要|扬称|要跟|要和")


@dataclass(frozen=True)
class Term:
    term: str
    kind: str
    severity: int
    regex: str
    exclude: str = ""


@dataclass(frozen=True)
class Hit:
    kind: str
    term: str
    severity: int
    phrase: str  # the words matched, as written
    start: int  # in the text given to detect()
    end: int
    clause: str
    signal: bool
    why: str  # a short English code: see WHY in services for the Chinese

    def excerpt(self, text: str, width: int = 30) -> tuple[str, str, str]:
        """The phrase with up to `width` characters either side: (before, phrase, after)."""
        return text[max(0, self.start - width):self.start], text[self.start:self.end], text[self.end:self.end + width]


_WIDE = re.compile("[\uff01-\uff5e\u3000]")


def normalize(text: str) -> str:
    """Full-width letters and digits to half-width; the length stays the same, so offsets
    into the normalized text are offsets into the original."""
    if not _WIDE.search(text):
        return text
    return "".join(unicodedata.normalize("NFKC", ch) if len(unicodedata.normalize("NFKC", ch)) == 1 else ch for ch in text)


class Detector:
    def __init__(self, terms: Iterable[Term]) -> None:
        self.terms = [t for t in terms]
        self._compiled = [(t, re.compile(t.regex), re.compile(t.exclude) if t.exclude else None) for t in self.terms]
        # one pass over the text decides whether it holds any term at all (most do not)
        self._any = re.compile("|".join(f"(?:{t.regex})" for t in self.terms)) if self.terms else None

    def hits(self, text: str) -> list[Hit]:
        """Every term found, each with whether it is a signal and why."""
        if not text or self._any is None:
            return []
        original, text = text, normalize(text)
        if not self._any.search(text):
            return []
        clauses = _clauses(text)
        found: list[Hit] = []
        seen: set[tuple[int, int, str]] = set()
        for term, regex, exclude in self._compiled:
            for m in regex.finditer(text):
                if m.end() == m.start() or (m.start(), m.end(), term.kind) in seen:
                    continue
                seen.add((m.start(), m.end(), term.kind))
                c_start, c_end = _clause_of(clauses, m.start())
                clause = text[c_start:max(c_end, m.end())]
                signal, why = _judge(text[c_start:m.start()], text[m.end():c_end], clause, exclude)
                found.append(Hit(
                    term.kind, term.term, term.severity, original[m.start():m.end()], m.start(), m.end(),
                    original[c_start:max(c_end, m.end())], signal, why,
                ))
        found.sort(key=lambda h: (h.start, -h.end))
        return found

    def signals(self, text: str) -> list[Hit]:
        return [h for h in self.hits(text) if h.signal]

    def first_by_kind(self, text: str) -> dict[str, Hit]:
        """The strongest signal of each kind (highest severity, then the first in the text)."""
        best: dict[str, Hit] = {}
        for hit in self.signals(text):
            now = best.get(hit.kind)
            if now is None or hit.severity > now.severity:
                best[hit.kind] = hit
        return best


def _clauses(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in CLAUSE_BREAK.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def _clause_of(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for start, end in spans:
        if start <= pos < end or (start == end == pos):
            return start, end
    return spans[-1]


def binding_negators(before: str) -> tuple[int, bool]:
    """Walk back from the term over fillers and negators; count the negators met. Also
    say whether an A-not-A question (会不会) was met, which is no negation."""
    pos, negators, question = len(before), 0, False
    while pos > 0:
        for token, negates in _BACK_TOKENS:
            if before.endswith(token, 0, pos):
                pos -= len(token)
                if negates is None:
                    return negators, question
                if negates:
                    # 会不会 / 是不是 / 要不要: the verb repeated before 不 makes a question
                    if token.startswith("不") and len(token) == 2 and pos > 0 and before[pos - 1] == token[1]:
                        pos -= 1
                        question = True
                    else:
                        negators += 1
                break
        else:
            break
    return negators, question


def _judge(before: str, after: str, clause: str, exclude: re.Pattern | None) -> tuple[bool, str]:
    if exclude is not None and exclude.search(clause):
        return False, "excluded"
    intent = bool(INTENT.search(before))
    if not intent and (REPORTED.search(before) or (THIRD_PARTY.search(before) and PAST.search(clause))):
        return False, "reported"
    negators, question = binding_negators(before)
    dissuaded = bool(DISSUASION.search(before))
    if negators % 2 == 1:
        if dissuaded:
            return True, "dissuaded"
        return False, "negated"
    if POST_NEGATION.search(after):
        return (True, "dissuaded") if dissuaded else (False, "negated_after")
    if negators:
        return True, "double_negation"
    if question:
        return True, "question"
    if intent:
        return True, "intent"
    return True, "stated"
