"""The text classifier, free of the database: character n-gram TF-IDF and a linear model
(logistic loss, trained by SGD) that predicts the taxonomy item of a text, a second linear
model on the same features for the risk grade, the reason words, cross-validation and
serialization. `jiefen.routing.services` feeds it rows from the database."""

from __future__ import annotations

import hashlib
import io
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import joblib
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline

RISK_ORDER = {"general": 0, "significant": 1, "major": 2}
SEED = 0


@dataclass(frozen=True)
class Params:
    alpha: float = 1e-5
    ngram_max: int = 3

    def as_dict(self) -> dict:
        return {"alpha": self.alpha, "ngram_max": self.ngram_max, "analyzer": "char_wb", "loss": "log_loss"}

    @classmethod
    def from_dict(cls, d: dict) -> Params:
        return cls(alpha=float(d.get("alpha", 1e-5)), ngram_max=int(d.get("ngram_max", 3)))


def normalize(text: str) -> str:
    return " ".join(str(text or "").split())


def text_hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(normalize(text).encode(), digest_size=8).digest(), "little")


def _linear(alpha: float, **options) -> SGDClassifier:
    return SGDClassifier(loss="log_loss", alpha=alpha, max_iter=30, tol=1e-4, random_state=SEED, **options)


def _vectorizer(params: Params) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char_wb", ngram_range=(1, params.ngram_max), sublinear_tf=True, min_df=1,
        dtype=np.float32,
    )


def _fit_quietly(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


def worse(a: str, b: str) -> str:
    """The more serious of two risk grades."""
    return a if RISK_ORDER.get(a, 0) >= RISK_ORDER.get(b, 0) else b


@dataclass
class Guess:
    label: str
    confidence: float
    risk: str
    reasons: list[str]
    ranked: list[tuple[str, float]]


@dataclass
class Model:
    """A fitted classifier: the item pipeline (TF-IDF → linear), the risk model on the same
    features (None when the data has one risk grade only), and the fingerprints of the texts
    it was trained on (so that a later comparison can test it on texts it has not seen)."""

    pipeline: Pipeline
    risk: SGDClassifier | None
    params: Params
    hashes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    default_risk: dict = field(default_factory=dict)
    calibrator: LogisticRegression | None = None
    ceiling: float = 1.0  # when every out-of-fold prediction was right: (n + 1) / (n + 2)
    _names: np.ndarray | None = None
    _weights: dict = field(default_factory=dict)

    def _scores(self, which: str, X) -> np.ndarray:
        """X · coefᵀ + intercept with the coefficients transposed once and kept: sklearn's
        own decision_function copies the whole coefficient matrix on every call, which costs
        far more than the product itself for a single text."""
        model = self.linear if which == "items" else self.risk
        if which not in self._weights:
            self._weights[which] = (np.ascontiguousarray(model.coef_.T), model.intercept_)
        weights, intercept = self._weights[which]
        scores = np.asarray(X @ weights) + intercept
        return scores

    def proba(self, X) -> np.ndarray:
        """The linear model's class probabilities (one-vs-rest logistic, normalized)."""
        scores = self._scores("items", X)
        if scores.shape[1] == 1:
            p = 1 / (1 + np.exp(-scores[:, 0]))
            return np.column_stack([1 - p, p])
        prob = 1 / (1 + np.exp(-scores))
        total = prob.sum(axis=1, keepdims=True)
        total[total == 0] = 1
        return prob / total

    def _risk_of(self, X) -> np.ndarray:
        scores = self._scores("risk", X)
        classes = self.risk.classes_
        if scores.shape[1] == 1:
            return classes[(scores[:, 0] > 0).astype(int)]
        return classes[scores.argmax(axis=1)]

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.pipeline.classes_]

    @property
    def vectorizer(self) -> TfidfVectorizer:
        return self.pipeline.named_steps["tfidf"]

    @property
    def linear(self) -> SGDClassifier:
        return self.pipeline.named_steps["clf"]

    def predict(self, texts: Sequence[str]) -> list[str]:
        return [str(c) for c in self.pipeline.predict([normalize(t) for t in texts])]

    def predict_with_confidence(self, texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
        """The best class of each text and the linear model's own probability for it."""
        proba = self.proba(self.vectorizer.transform([normalize(t) for t in texts]))
        best = proba.argmax(axis=1)
        return [str(c) for c in self.pipeline.classes_[best]], proba[np.arange(len(best)), best]

    def calibrated(self, raw: np.ndarray) -> np.ndarray:
        """The chance that the best class is right, given the model's own probability for it
        (a logistic fit on the out-of-fold predictions made while training): the raw
        probabilities of a one-vs-rest model over many classes are far from it."""
        raw = np.asarray(raw, dtype=float)
        if self.calibrator is None:
            return np.minimum(raw, self.ceiling)
        return self.calibrator.predict_proba(_logit(raw).reshape(-1, 1))[:, 1]

    def predict_risk(self, texts: Sequence[str], labels: Sequence[str]) -> list[str]:
        """The item's default grade, raised where the risk model reads a more serious one."""
        base = [self.default_risk.get(label, "general") for label in labels]
        if self.risk is None:
            return base
        X = self.vectorizer.transform([normalize(t) for t in texts])
        return [worse(b, str(r)) for b, r in zip(base, self._risk_of(X), strict=True)]

    def guess(self, text: str, *, reasons: int = 5, labels: Sequence[str] | None = None) -> Guess:
        """The most probable class (among `labels` if given), its probability, the risk
        grade and the character n-grams that weighed most for it (coefficient × tf-idf)."""
        X = self.vectorizer.transform([normalize(text)])
        proba = self.proba(X)[0]
        classes = self.classes
        order = [i for i in np.argsort(-proba) if labels is None or classes[i] in labels]
        if not order:
            raise LookupError("no usable class")
        best = order[0]
        label = classes[best]
        risk = self.default_risk.get(label, "general")
        if self.risk is not None:
            risk = worse(risk, str(self._risk_of(X)[0]))
        return Guess(
            label=label, confidence=float(self.calibrated(np.array([proba[best]]))[0]), risk=risk,
            reasons=self.reason_words(X, best, reasons),
            ranked=[(classes[i], float(proba[i])) for i in order[:5]],
        )

    def reason_words(self, X, index: int, n: int) -> list[str]:
        coef = self.linear.coef_
        weights = coef[index] if coef.shape[0] > 1 else (coef[0] if index == 1 else -coef[0])
        row = X.tocsr()
        contributions = row.data * weights[row.indices]
        if self._names is None:
            self._names = self.vectorizer.get_feature_names_out()
        chosen: list[str] = []
        for k in np.argsort(-contributions):
            if contributions[k] <= 0 or len(chosen) >= n:
                break
            term = self._names[row.indices[k]].strip()
            if len(term) < 2 or not term.isalnum():  # a lone character, or punctuation in it
                continue
            if any(term in c or c in term for c in chosen):
                continue
            chosen.append(term)
        return chosen


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def calibrator(raw: Sequence[float], correct: Sequence[bool]) -> LogisticRegression | None:
    """A monotone map from the raw probability of the best class to the chance it is right,
    fitted on out-of-fold predictions; None when they are all right or all wrong."""
    correct = np.asarray(correct, dtype=int)
    if len(set(correct)) < 2:
        return None
    return LogisticRegression(C=1.0).fit(_logit(np.asarray(raw, dtype=float)).reshape(-1, 1), correct)


def fit(texts: Sequence[str], labels: Sequence[str], risks: Sequence[str] | None, params: Params,
        default_risk: dict | None = None) -> Model:
    texts = [normalize(t) for t in texts]
    pipeline = Pipeline([("tfidf", _vectorizer(params)), ("clf", _linear(params.alpha))])
    _fit_quietly(pipeline, texts, list(labels))
    risk = None
    if risks is not None and len(set(risks)) > 1:
        X = pipeline.named_steps["tfidf"].transform(texts)
        # serious grades are rare and missing one costs more than a false alarm: balanced weights
        risk = _fit_quietly(_linear(params.alpha, class_weight="balanced"), X, list(risks))
    hashes = np.array(sorted({text_hash(t) for t in texts}), dtype=np.uint64)
    return Model(pipeline, risk, params, hashes, dict(default_risk or {}))


def dumps(model: Model) -> bytes:
    buffer = io.BytesIO()
    joblib.dump({
        "pipeline": model.pipeline, "risk": model.risk, "params": model.params.as_dict(),
        "hashes": model.hashes, "default_risk": model.default_risk, "calibrator": model.calibrator,
        "ceiling": model.ceiling,
    }, buffer, compress=3)
    return buffer.getvalue()


def loads(blob: bytes) -> Model:
    d = joblib.load(io.BytesIO(bytes(blob)))
    return Model(d["pipeline"], d["risk"], Params.from_dict(d["params"]), d["hashes"], d["default_risk"],
                 d.get("calibrator"), d.get("ceiling", 1.0))


# ---------------------------------------------------------------- scores


def scores(y_true: Sequence[str], y_pred: Sequence[str], names: dict | None = None) -> dict:
    """Accuracy, macro-F1 and per-class precision, recall, F1 and support."""
    labels = sorted(set(y_true))
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    per_class = {
        label: {"name": (names or {}).get(label, label), "precision": round(float(p[i]), 4),
                "recall": round(float(r[i]), 4), "f1": round(float(f[i]), 4), "support": int(s[i])}
        for i, label in enumerate(labels)
    }
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "macro_f1": float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
        "per_class": per_class,
        "n": len(y_true),
    }


def fold_count(labels: Sequence[str], wanted: int) -> int:
    """As many folds as wanted, but no more than the commonest class has rows (at least 2)."""
    counts = np.unique(np.asarray(labels), return_counts=True)[1]
    return max(2, min(wanted, int(counts.max()) if len(counts) else 2))


@dataclass
class CrossValidation:
    folds: int
    predicted: list[str]
    raw_confidence: list[float]
    risk_predicted: list[str] | None
    baseline_predicted: list[str | None] | None  # None where the baseline was not tested
    predict_seconds: float
    fit_seconds: float


def cross_validate(texts: Sequence[str], labels: Sequence[str], params: Params, *, folds: int,
                   risks: Sequence[str] | None = None, default_risk: dict | None = None,
                   baseline: Model | None = None) -> CrossValidation:
    """Out-of-fold predictions of the recipe `params` on the rows, by stratified folds.

    With a `baseline` (the active version): on the same folds, the baseline's own recipe is
    trained on the training part of each fold restricted to the texts the baseline was
    trained on, and tested on the same held-out part. Both sides thus meet only texts they
    were not trained on, and the difference measures what the new data (and recipe) add."""
    texts = [normalize(t) for t in texts]
    y = np.asarray(labels)
    n = len(texts)
    predicted = np.empty(n, dtype=object)
    raw = np.zeros(n)
    risk_predicted = np.empty(n, dtype=object) if risks is not None else None
    base_predicted: np.ndarray | None = np.full(n, None, dtype=object) if baseline is not None else None
    seen = np.isin(np.array([text_hash(t) for t in texts], dtype=np.uint64), baseline.hashes) if baseline else None
    predict_seconds = fit_seconds = 0.0
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The least populated class")
        splits = list(splitter.split(np.zeros(n), y))
    for train, test in splits:
        started = time.perf_counter()
        model = fit([texts[i] for i in train], y[train], [risks[i] for i in train] if risks is not None else None,
                    params, default_risk)
        fit_seconds += time.perf_counter() - started
        test_texts = [texts[i] for i in test]
        started = time.perf_counter()
        guesses, confidence = model.predict_with_confidence(test_texts)
        predict_seconds += time.perf_counter() - started
        predicted[test] = guesses
        raw[test] = confidence
        if risk_predicted is not None:
            risk_predicted[test] = model.predict_risk(test_texts, guesses)
        if baseline is not None:
            own = train[seen[train]]
            if len(set(y[own])) >= 2:
                old = fit([texts[i] for i in own], y[own], None, baseline.params)
                base_predicted[test] = old.predict(test_texts)
    return CrossValidation(
        folds=folds, predicted=list(predicted), raw_confidence=list(raw),
        risk_predicted=list(risk_predicted) if risk_predicted is not None else None,
        baseline_predicted=list(base_predicted) if base_predicted is not None else None,
        predict_seconds=predict_seconds, fit_seconds=fit_seconds,
    )
