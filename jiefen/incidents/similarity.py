"""Text similarity over a small candidate set: character n-gram TF-IDF cosine, and the
passages two texts share (shown to the clerk as the reason)."""

from __future__ import annotations

import difflib
import functools
import json
import re
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

# The background corpus the n-grams' rarity is learnt from: the example texts shipped with
# the default taxonomy (hundreds of residents' phrasings of every item). Words every wage
# complaint uses (工资, 包工头, 不给) weigh little; a road, a site, a number of people, a
# name weigh much.
BACKGROUND = Path(__file__).resolve().parents[1] / "taxonomy" / "data" / "default_taxonomy.json"
HASHER = HashingVectorizer(
    analyzer="char", ngram_range=(2, 3), n_features=2**20, alternate_sign=False, norm=None,
)

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


@functools.cache
def background() -> tuple[np.ndarray, int]:
    """Document frequency of each hashed n-gram over the background corpus, and its size."""
    try:
        spec = json.loads(BACKGROUND.read_text(encoding="utf-8"))
        texts = [clean(t, []) for c in spec["categories"] for i in c["items"] for t in i.get("examples", [])]
    except (OSError, ValueError, KeyError):
        texts = []
    if not texts:
        return np.zeros(HASHER.n_features, dtype=np.float64), 0
    counts = HASHER.transform(texts)
    counts.data[:] = 1
    return np.asarray(counts.sum(axis=0)).ravel(), len(texts)


def cosines(text: str, others: list[str]) -> list[float]:
    """Cosine similarity of `text` with each of `others`: character 2-3-gram TF-IDF, the
    rarity of an n-gram counted over the background corpus and these texts together."""
    if not others:
        return []
    counts = HASHER.transform([text, *others]).tocsr()
    df_bg, n_bg = background()
    # document frequency of each n-gram present here: the background's plus these texts'
    columns, local_df = np.unique(counts.indices, return_counts=True)
    df = df_bg[columns] + local_df
    n = n_bg + counts.shape[0]
    idf = np.log((1 + n) / (1 + df)) + 1
    counts.data = (1 + np.log(counts.data)) * idf[np.searchsorted(columns, counts.indices)]  # sublinear tf
    matrix = normalize(counts)
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
