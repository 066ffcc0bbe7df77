"""The case classifier (`jiefen.routing`): throughput, training time and accuracy.

Texts are generated from the default taxonomy's example texts with the demo generator's
variation (`jiefen.demo.texts.describe`: the place, numbers, durations, openings, closings
and channel prefixes people use), each text remembering the example it came from.

    throughput   one core: the fitted model proposing for --throughput-texts new texts, in
                 one batch (a backlog being imported) and one by one (each new case as it
                 comes in, reason words included); baseline: the TF-IDF vectorizer alone
                 on the same texts, in the same run (the least any such model costs)
    training     one fit (TF-IDF, item model, risk model) on --texts generated texts
    macro-F1     stratified 5-fold CV (a) on the taxonomy's example texts alone, (b) on
                 --cv-texts generated texts with every text of one example kept in the same
                 fold (the test texts' phrasings were never seen in training), and (c) the
                 same texts with plain stratified folds, for comparison only: variants of
                 one example on both sides of the split make (c) optimistic

The issue's goal: ≥2,000 texts/s on one core."""

from __future__ import annotations

import argparse
import os
import random
import time

from benchmarks.common import emit, fresh_database, log, setup_django, timed


def generate(items: list, n: int, seed: int) -> tuple[list[str], list[str], list[str], list[int]]:
    """n texts varied from the items' examples: texts, item codes, risk grades and the index
    of the example each came from."""
    from jiefen.demo import texts

    rng = random.Random(seed)
    sources = [(item, k, example) for item in items for k, example in enumerate(item.examples)]
    streets = ["东关街道", "西城街道", "柳林镇"]
    communities = ["幸福社区", "新华社区", "东关村", "柳湾村", "朝阳社区"]
    out: tuple[list, list, list, list] = ([], [], [], [])
    for _ in range(n):
        index = rng.randrange(len(sources))
        item, _k, example = sources[index]
        place = texts.place_for(rng, rng.choice(streets), rng.choice(communities))
        group = rng.choice((1, 1, 1, 2, 3, 6, 12, 30))
        text = texts.describe(
            rng, [example], category_code=item.category.code, place=place,
            channel=rng.choice(("web", "qr", "grid", "hotline", "12345", "110", "petition")), group_size=group,
        )
        out[0].append(text)
        out[1].append(item.code)
        out[2].append(item.default_risk)
        out[3].append(index)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=100_000)
    parser.add_argument("--cv-texts", type=int, default=10_000)
    parser.add_argument("--throughput-texts", type=int, default=5_000)
    args = parser.parse_args()
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    setup_django()
    fresh_database(district=False)

    import numpy as np
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
    from threadpoolctl import threadpool_limits

    from jiefen.routing import classifier as clf
    from jiefen.taxonomy.models import Item

    threadpool_limits(1)
    items = list(Item.objects.filter(active=True).select_related("category").order_by("code"))
    default_risk = {i.code: i.default_risk for i in items}
    params = clf.Params()

    log(f"  {args.texts:,} generated texts …")
    texts, labels, risks, _groups = generate(items, args.texts, seed=1)
    log("  training on them …")
    started = time.perf_counter()
    model = clf.fit(texts, labels, risks, params, default_risk)
    train_seconds = time.perf_counter() - started

    fresh, _labels, _risks, _g = generate(items, args.throughput_texts, seed=2)
    vectorizer = model.vectorizer
    vectorizer.transform(fresh[:100])
    model.predict_with_confidence(fresh[:100])
    baseline = min(timed(lambda: vectorizer.transform(fresh)) for _ in range(3))
    batch = min(timed(lambda: model.predict_with_confidence(fresh)) for _ in range(3))
    singles = fresh[:1000]
    one_by_one = timed(lambda: [model.guess(t, reasons=5) for t in singles])
    rates = {
        "vectorizer_per_second": len(fresh) / baseline,
        "batch_per_second": len(fresh) / batch,
        "single_per_second": len(singles) / one_by_one,
    }
    log(f"  one core: vectorizer alone {rates['vectorizer_per_second']:,.0f}/s, model batch "
        f"{rates['batch_per_second']:,.0f}/s, one by one with reasons {rates['single_per_second']:,.0f}/s; "
        f"training on {len(texts):,} texts {train_seconds:.1f} s")

    def cv(xs, ys, splits) -> float:
        predicted = np.empty(len(xs), dtype=object)
        for train, test in splits:
            m = clf.fit([xs[i] for i in train], [ys[i] for i in train], None, params)
            predicted[test] = m.predict([xs[i] for i in test])
        return clf.scores(ys, list(predicted))["macro_f1"]

    ex_texts = [e for i in items for e in i.examples]
    ex_labels = [i.code for i in items for _e in i.examples]
    examples_f1 = cv(ex_texts, ex_labels, StratifiedKFold(5, shuffle=True, random_state=0).split(ex_texts, ex_labels))
    cv_texts, cv_labels, _r, cv_groups = generate(items, args.cv_texts, seed=3)
    grouped_f1 = cv(cv_texts, cv_labels, StratifiedGroupKFold(5, shuffle=True, random_state=0).split(
        cv_texts, cv_labels, cv_groups))
    plain_f1 = cv(cv_texts, cv_labels, StratifiedKFold(5, shuffle=True, random_state=0).split(cv_texts, cv_labels))
    log(f"  macro-F1: examples {examples_f1:.3f} ({len(ex_texts)} texts, {len(items)} items), generated texts "
        f"with unseen phrasings {grouped_f1:.3f}, plain folds (optimistic) {plain_f1:.3f}")

    emit({
        "items": len(items), "examples": len(ex_texts), "train_texts": len(texts),
        "train_seconds": train_seconds, "throughput_texts": len(fresh), **rates,
        "cv_texts": len(cv_texts), "macro_f1_examples": examples_f1,
        "macro_f1_unseen_phrasings": grouped_f1, "macro_f1_plain_folds": plain_f1,
        "vocabulary": len(vectorizer.vocabulary_),
    })


if __name__ == "__main__":
    main()
