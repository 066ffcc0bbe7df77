"""Threat detection (极端行为苗头): recall and false alarms, and the detector's speed.

The detector is built from the default warning words loaded into a fresh database, as the
running system builds it. Two sets are measured:

    phrase table   jiefen/warnings/phrasebook.py: threats written many ways (each must be
                   found with its kind) and look-alikes (negated, someone else's past act,
                   everyday words sharing characters) that must not raise
    generated      --texts complaint texts written by the demo generator (jiefen/demo/texts.py)
                   from the default taxonomy's example texts, with its openings, closings and
                   channel prefixes; a text is a threat when its example is one of POSITIVE
                   (labelled by reading all 784 examples: threats of extreme behaviour and
                   reports of domestic violence; assaults between neighbours or strangers,
                   pets killed, deaths in hospital are not)

Figures: recall (threats found / threats), false-alarm rate (look-alikes raised / look-alikes)
on each set, and texts per second through `signals()` on one core, on the generated set
(mostly ordinary texts: the one-pass screen decides) and on the phrase table (every text has
a term: the clause rules run). The issue's goal: recall first."""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from benchmarks.common import emit, fresh_database, log, setup_django, vendor

# (item code, example index) of the taxonomy examples that are threats or domestic violence
POSITIVE = {
    ("0102", 0), ("0102", 1), ("0102", 2), ("0102", 3), ("0102", 4), ("0102", 5), ("0102", 6), ("0102", 7),
    ("0202", 7), ("0501", 2), ("1001", 7), ("1105", 2), ("1401", 5), ("1403", 3), ("1501", 4), ("1705", 7),
}
STREETS = {"东关街道": ("锦绣社区", "东关村", "柳湾村"), "西城街道": ("金水社区", "幸福里社区", "西城村")}
CHANNELS = ("web", "qr", "window", "hotline", "grid", "12345", "110", "petition", "court")


def examples() -> list[tuple[str, int, str, str]]:
    from jiefen.taxonomy import models as taxonomy

    path = Path(taxonomy.__file__).parent / "data" / "default_taxonomy.json"
    spec = json.loads(path.read_text(encoding="utf-8"))
    return [
        (item["code"], n, category["code"], text)
        for category in spec["categories"] for item in category["items"]
        for n, text in enumerate(item.get("examples", []))
    ]


def generated(count: int, seed: int = 7) -> list[tuple[str, bool]]:
    from jiefen.demo.texts import describe, place_for

    rng = random.Random(seed)
    pool = examples()
    rows = []
    for _ in range(count):
        code, n, category, text = rng.choice(pool)
        street = rng.choice(list(STREETS))
        place = place_for(rng, street, rng.choice(STREETS[street]))
        rows.append((describe(rng, [text], category_code=category, place=place, channel=rng.choice(CHANNELS)),
                     (code, n) in POSITIVE))
    return rows


def rate(hits: int, total: int) -> float:
    return hits / total if total else 0.0


def speed(detect, texts: list[str], rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for text in texts:
            detect(text)
        best = min(best, time.perf_counter() - started)
    return len(texts) / best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=20_000)
    args = parser.parse_args()
    setup_django()
    fresh_database(defaults=True, district=False)

    from jiefen.warnings.models import THREAT_KINDS
    from jiefen.warnings.phrasebook import NOT_THREATS, THREATS
    from jiefen.warnings.services import detector

    det = detector()

    def threat_kinds(text: str) -> set[str]:
        return {h.kind for h in det.signals(text) if h.kind in THREAT_KINDS}

    found = [kind in threat_kinds(text) for text, kind in THREATS]
    raised = [bool(threat_kinds(text)) for text in NOT_THREATS]
    for (text, kind), ok in zip(THREATS, found, strict=True):
        if not ok:
            log(f"  missed ({kind}): {text}")
    for text, bad in zip(NOT_THREATS, raised, strict=True):
        if bad:
            log(f"  false alarm: {text}")

    rows = generated(args.texts)
    judged = [(bool(threat_kinds(text)), positive) for text, positive in rows]
    positives = sum(1 for _, p in judged if p)
    negatives = len(judged) - positives
    gen_found = sum(1 for r, p in judged if r and p)
    gen_raised = sum(1 for r, p in judged if r and not p)

    gen_texts = [text for text, _ in rows]
    table_texts = [text for text, _ in THREATS] + NOT_THREATS
    gen_speed = speed(det.signals, gen_texts)
    table_speed = speed(det.signals, table_texts * max(1, 2000 // len(table_texts)))

    result = {
        "vendor": vendor(), "terms": len(det.terms),
        "table_threats": len(THREATS), "table_recall": rate(sum(found), len(THREATS)),
        "table_lookalikes": len(NOT_THREATS), "table_false_alarm_rate": rate(sum(raised), len(NOT_THREATS)),
        "generated_texts": len(rows), "generated_threats": positives,
        "generated_recall": rate(gen_found, positives),
        "generated_ordinary": negatives, "generated_false_alarm_rate": rate(gen_raised, negatives),
        "texts_per_second_generated": gen_speed, "texts_per_second_table": table_speed,
    }
    log(
        f"  table: recall {result['table_recall']:.3f} of {len(THREATS)}, false alarms "
        f"{result['table_false_alarm_rate']:.3f} of {len(NOT_THREATS)}; generated: recall "
        f"{result['generated_recall']:.3f} of {positives:,}, false alarms {result['generated_false_alarm_rate']:.4f} "
        f"of {negatives:,}; {gen_speed:,.0f} texts/s (ordinary), {table_speed:,.0f} texts/s (table)"
    )
    emit(result)


if __name__ == "__main__":
    main()
