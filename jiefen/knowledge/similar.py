"""Similar-case lookup: the published typical cases and closed cases closest to a text.

Texts are compared as in the same-incident detection (jiefen.incidents.similarity):
character 2-3-gram TF-IDF cosine, the rarity of an n-gram learnt from the background corpus.
The corpus matrix (typical cases and the most recent closed cases) is built once per process
and version. The version (how many typical cases and closed cases there are, and their
latest change) is kept in the shared cache for a minute and dropped when a typical case is
published or withdrawn: a page view costs one cache read and one sparse product, a newly
published typical case is found at once, a newly closed case within a minute."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Max
from django.urls import reverse
from sklearn.preprocessing import normalize

from jiefen.cases.models import Case, Status
from jiefen.cases.scope import visible_cases
from jiefen.incidents.similarity import HASHER, background, clean

from .models import TypicalCase, TypicalStatus

MAX_CLOSED = 5000  # the most recent closed cases compared (older ones rarely help and cost memory)
ITEM_BOOST = 0.15
CATEGORY_BOOST = 0.05
TYPICAL_BOOST = 0.05  # a reviewed write-up is worth more than a bare closed case
MIN_SCORE = 0.06  # below this, texts share little more than common words
SUMMARY_CHARS = 90
VERSION_KEY = "knowledge:similar:version"
VERSION_SECONDS = 60


@dataclass
class Match:
    kind: str  # "typical" or "case"
    pk: int
    title: str
    summary: str
    resolved: bool | None
    amount: Decimal | None
    score: float
    url: str

    @property
    def percent(self) -> int:
        """The score shown to people: text similarity plus the small item/category/typical
        boosts, capped at 100%."""
        return round(min(self.score, 1.0) * 100)


@dataclass
class _Corpus:
    version: tuple
    keys: list[tuple[str, int]]  # ("typical" | "case", pk)
    typical: np.ndarray  # 1 for a typical case, 0 for a closed case
    items: np.ndarray
    categories: np.ndarray
    matrix: object  # normalised sparse rows
    idf_columns: np.ndarray
    idf: np.ndarray


_lock = threading.Lock()
_cache: dict[str, _Corpus] = {}


def invalidate() -> None:
    """Drop the version (every process rebuilds on its next lookup) and this process's matrix."""
    cache.delete(VERSION_KEY)
    with _lock:
        _cache.clear()


def _version() -> tuple:
    version = cache.get(VERSION_KEY)
    if version is None:
        t = TypicalCase.objects.filter(status=TypicalStatus.PUBLISHED).aggregate(
            n=Count("id"), last=Max("updated_at"))
        c = Case.objects.filter(status=Status.CLOSED).aggregate(n=Count("id"), last=Max("closed_at"))
        version = (t["n"], t["last"], c["n"], c["last"])
        cache.set(VERSION_KEY, version, VERSION_SECONDS)
    return version


def _build(version: tuple) -> _Corpus:
    keys, texts, items, categories = [], [], [], []
    for t in TypicalCase.objects.filter(status=TypicalStatus.PUBLISHED).only(
            "id", "title", "background", "dispute", "result", "item_id", "category_id"):
        keys.append(("typical", t.pk))
        texts.append(clean(t.text, []))
        items.append(t.item_id or 0)
        categories.append(t.category_id or 0)
    closed = (Case.objects.filter(status=Status.CLOSED).order_by("-closed_at", "-id")
              .values_list("id", "description", "item_id", "category_id")[:MAX_CLOSED])
    for pk, description, item_id, category_id in closed:
        keys.append(("case", pk))
        texts.append(clean(description, []))
        items.append(item_id or 0)
        categories.append(category_id or 0)
    counts = HASHER.transform(texts or [""]).tocsr()
    df_bg, n_bg = background()
    columns, local_df = np.unique(counts.indices, return_counts=True)
    n = n_bg + counts.shape[0]
    idf = np.log((1 + n) / (1 + df_bg[columns] + local_df)) + 1
    counts.data = (1 + np.log(counts.data)) * idf[np.searchsorted(columns, counts.indices)]
    is_typical = np.array([k == "typical" for k, _ in keys], dtype=float)
    return _Corpus(version, keys, is_typical, np.array(items), np.array(categories), normalize(counts), columns, idf)


def _corpus() -> _Corpus:
    version = _version()
    with _lock:
        corpus = _cache.get("corpus")
        if corpus is None or corpus.version != version:
            corpus = _cache["corpus"] = _build(version)
        return corpus


def _vector(corpus: _Corpus, text: str):
    counts = HASHER.transform([clean(text, [])]).tocsr()
    positions = np.searchsorted(corpus.idf_columns, counts.indices)
    positions = np.minimum(positions, max(len(corpus.idf_columns) - 1, 0))
    known = (corpus.idf_columns[positions] == counts.indices) if len(corpus.idf_columns) else np.zeros(0, bool)
    idf_default = np.log(1 + background()[1] + len(corpus.keys)) + 1  # an n-gram seen nowhere
    idf = np.where(known, corpus.idf[positions] if len(corpus.idf) else 0, idf_default)
    counts.data = (1 + np.log(counts.data)) * idf
    return normalize(counts)


def similar(text: str, item=None, limit: int = 5, *, user=None, exclude_case: Case | None = None,
            cases: bool | None = None) -> list[Match]:
    """The closest published typical cases and, for a staff `user`, closed cases they may
    see (never outside their jurisdiction; residents get typical cases only), best first.
    A case of the same item scores a little higher, of the same category less so; a typical
    case a little higher than a closed case."""
    text = (text or "").strip()
    if not text:
        return []
    with_cases = bool(user is not None and getattr(user, "is_authenticated", False)) if cases is None else cases
    corpus = _corpus()
    if not corpus.keys:
        return []
    scores = (corpus.matrix @ _vector(corpus, text).T).toarray().ravel() + TYPICAL_BOOST * corpus.typical
    if item is not None:
        scores = scores + ITEM_BOOST * (corpus.items == item.pk) + CATEGORY_BOOST * (corpus.categories == item.category_id)
    order = np.argsort(-scores, kind="stable")
    wanted_typical, wanted_cases = [], []
    for i in order[: limit * 20]:
        if scores[i] < MIN_SCORE:
            break
        kind, pk = corpus.keys[i]
        if kind == "case" and (not with_cases or (exclude_case is not None and pk == exclude_case.pk)):
            continue
        (wanted_typical if kind == "typical" else wanted_cases).append((pk, float(scores[i])))
    if wanted_cases and user is not None:
        allowed = set(visible_cases(user).filter(pk__in=[pk for pk, _ in wanted_cases]).values_list("pk", flat=True))
        wanted_cases = [(pk, s) for pk, s in wanted_cases if pk in allowed]
    if exclude_case is not None:
        made = set(exclude_case.typical_cases.values_list("pk", flat=True))
        wanted_typical = [(pk, s) for pk, s in wanted_typical if pk not in made]
    ranked = sorted([("typical", pk, s) for pk, s in wanted_typical] + [("case", pk, s) for pk, s in wanted_cases],
                    key=lambda r: -r[2])[:limit]
    return _matches(ranked)


def _matches(ranked: list[tuple[str, int, float]]) -> list[Match]:
    from .services import anonymiser_for, outcome_of

    typical = TypicalCase.objects.in_bulk([pk for k, pk, _ in ranked if k == "typical"])
    cases = Case.objects.prefetch_related("parties", "mediations").select_related("item").in_bulk(
        [pk for k, pk, _ in ranked if k == "case"])
    out = []
    for kind, pk, score in ranked:
        if kind == "typical" and pk in typical:
            t = typical[pk]
            out.append(Match("typical", pk, t.title, _short(t.background or t.dispute), t.resolved,
                             t.agreement_amount, score, reverse("knowledge:detail", args=[pk])))
        elif kind == "case" and pk in cases:
            c = cases[pk]
            resolved, amount = outcome_of(c)
            out.append(Match("case", pk, c.item.name if c.item else c.display_code,
                             _short(anonymiser_for(c)(c.description)), resolved, amount, score,
                             reverse("case_detail", args=[c.tracking_code])))
    return out


def _short(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS] + "…"

