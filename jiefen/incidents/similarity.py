"""Text similarity over a small candidate set: character n-gram TF-IDF cosine, and the
passages two texts share (shown to the clerk as the reason)."""

from __future__ import annotations

import difflib
import re

from sklearn.feature_extraction.text import TfidfVectorizer

_PUNCT = re.compile(r"[\s，。！？、；：,.!?;:“”\"'（）()《》【】\[\]…—\-~·]+")
_LONG_DIGITS = re.compile(r"\d{7,}")
_COMPANY_SUFFIX = (("有限责任公司", "公司"), ("股份有限公司", "公司"), ("有限公司", "公司"))


def clean(text: str, phrases: list[str]) -> str:
    """The text without set phrases (greetings, closings) and punctuation."""
    for phrase in phrases:
        if phrase in text:
            text = text.replace(phrase, " ")
    return _PUNCT.sub(" ", text).strip()


def name_key(name: str) -> str:
    """A respondent's or employer's name as compared: no spaces or punctuation, the legal
    suffix shortened; "" for names that identify nobody (王某, 某公司)."""
    key = _PUNCT.sub("", name or "")
    for long, short in _COMPANY_SUFFIX:
        key = key.replace(long, short)
    if len(key) < 2 or "某" in key:
        return ""
    return key


def address_key(address: str) -> str:
    key = _PUNCT.sub("", address or "")
    return key if len(key) >= 4 else ""


def cosines(text: str, others: list[str]) -> list[float]:
    """Cosine similarity of `text` with each of `others` (TF-IDF over these texts only)."""
    if not others:
        return []
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform([text, *others])
    except ValueError:  # nothing to compare (all texts empty)
        return [0.0] * len(others)
    # rows are L2-normalised: the dot product is the cosine
    return [float(v) for v in (matrix[1:] @ matrix[0].T).toarray().ravel()]


def shared_passages(a: str, b: str, *, minimum: int = 3, limit: int = 5) -> list[str]:
    """The longest passages two cleaned texts have in common (no long digit runs: a phone
    number in a description is not shown as a reason)."""
    found: list[str] = []
    for part_a in a.split():
        matcher = difflib.SequenceMatcher(None, part_a, b, autojunk=False)
        for block in matcher.get_matching_blocks():
            if block.size >= minimum:
                found.append(part_a[block.a:block.a + block.size])
    unique: list[str] = []
    for passage in sorted(set(found), key=lambda p: (-len(p), p)):
        if _LONG_DIGITS.search(passage) or any(passage in u for u in unique):
            continue
        unique.append(passage)
    return unique[:limit]
