"""The model itself, without the database: probabilities, reason words, confidence,
serialization."""

import numpy as np

from jiefen.routing import classifier as clf

WATER = ["家里停水两天了没人管", "小区又停水了，没法做饭", "停水也不提前通知", "整栋楼停水，水龙头一滴水没有"]
NOISE = ["楼下酒吧吵到半夜", "工地晚上施工噪音太大", "广场舞音响太吵了", "隔壁装修电钻声吵得睡不着"]


def model() -> clf.Model:
    return clf.fit(WATER + NOISE, ["water"] * 4 + ["noise"] * 4, None, clf.Params())


def test_probabilities_match_sklearn_and_reasons_are_words_of_the_text():
    m = model()
    X = m.vectorizer.transform(WATER + NOISE)
    assert np.allclose(m.proba(X), m.linear.predict_proba(X), atol=1e-6)
    g = m.guess("我家停水了，已经三天")
    assert g.label == "water" and 0.5 < g.confidence < 1
    assert g.reasons and all(len(r) >= 2 and r.isalnum() and r in "我家停水了，已经三天" for r in g.reasons)
    assert "停水" in g.reasons
    assert m.guess("我家停水了", labels={"noise"}).label == "noise"  # only the classes still in use


def test_confidence_is_calibrated_or_capped_and_survives_serialization():
    m = model()
    raw = m.guess("工地噪音").confidence
    m.ceiling = 0.8
    assert m.guess("工地噪音").confidence == min(raw, 0.8)
    m.calibrator = clf.calibrator([0.9, 0.8, 0.7, 0.3, 0.2, 0.6], [True, True, False, False, False, True])
    calibrated = m.calibrated(np.array([0.2, 0.5, 0.9]))
    assert list(calibrated) == sorted(calibrated) and all(0 < c < 1 for c in calibrated)  # monotone
    again = clf.loads(clf.dumps(m))
    assert again.guess("工地噪音") == m.guess("工地噪音") and again.ceiling == 0.8
    assert clf.calibrator([0.9, 0.8], [True, True]) is None
