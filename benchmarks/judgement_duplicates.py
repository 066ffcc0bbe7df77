"""Duplicate and same-incident detection on a generated, labelled set (SQLite or PostgreSQL).

On the demo district (no demo cases), --cases cases (default 2,000) are written over 20
days, every case told by `jiefen.demo.texts.describe` from its item's example texts, with
known answers:

    incidents    most cases are the only case of their incident; some incidents get 2-4
                 cases: the same complainant again (a repeat: same phone, told again) or
                 other residents (the same incident: same respondent, the same example
                 retold or another example of the item, the same or a sibling grid)
    near-misses  for a share of the incidents: the same place with a different problem;
                 the same problem (same example text, same kind of respondent) in another
                 street; the same text, same place, same respondent 60-90 days ago

Cases are classified (their item set) as the routing layer would before detection runs.
Then `jiefen.incidents.services.detect` is run on every case in the order they came in,
each seeing only the cases before it. Figures:

    precision   suggestions pointing into the case's own incident / all suggestions
    recall      cases with an earlier case of their incident that got at least one such
                suggestion / all such cases
    kind        share of correct suggestions with the right kind (repeat vs same incident)
    time        per new case, median and 95th percentile of `detect` (candidate query,
                comparison, writes), and of the comparison alone (`find_matches`, no
                writes), against the baseline: the bare candidate query alone

The issue's goal: precision >= 0.95, recall >= 0.90."""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
from dataclasses import dataclass, field

from benchmarks.common import (
    emit,
    fresh_database,
    log,
    median,
    percentile,
    setup_django,
    timed,
    vendor,
)


@dataclass
class Incident:
    item: object
    example: str
    grid: object
    respondent: str
    address: str
    cases: list = field(default_factory=list)


def retell(rng: random.Random, example: str, examples: list[str]) -> str:
    """The same facts in other words: some clauses dropped, two swapped, one added from
    another telling of the item."""
    clauses = [c for c in re.split(r"[，。！？]", example) if c]
    kept = [c for c in clauses if rng.random() < 0.75] or clauses[:1]
    if len(kept) < 2 and len(clauses) >= 2:
        kept = clauses[:2]
    if len(kept) >= 3 and rng.random() < 0.5:
        i = rng.randrange(len(kept) - 1)
        kept[i], kept[i + 1] = kept[i + 1], kept[i]
    if rng.random() < 0.5:
        other = [c for c in re.split(r"[，。！？]", rng.choice(examples)) if c]
        if other:
            kept.append(rng.choice(other))
    return "，".join(kept) + "。"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2_000)
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threshold", type=float, help="try another threshold (default: the policy's)")
    parser.add_argument("--min-text", type=float, help="try another text floor (default: the policy's)")
    args = parser.parse_args()
    setup_django()
    fresh_database()

    from django.utils import timezone

    from jiefen.cases.models import Case, Party, PartyRole
    from jiefen.demo import texts
    from jiefen.demo.district import get_district
    from jiefen.incidents.models import DuplicatePolicy, Suggestion
    from jiefen.incidents.services import candidates, detect, find_matches, policy
    from jiefen.incidents.similarity import name_key
    from jiefen.taxonomy.models import Item

    if args.threshold is not None:
        DuplicatePolicy.objects.update(threshold=args.threshold)
    if args.min_text is not None:
        DuplicatePolicy.objects.update(min_text=args.min_text)
    rng = random.Random(args.seed)
    district = get_district()
    items = [i for i in Item.objects.select_related("category") if len(i.examples) >= 3]
    grids = district.grids
    parents = {r.pk: r for r in district.regions}
    siblings: dict[int, list] = {}
    for g in grids:
        siblings.setdefault(g.parent_id, []).append(g)
    now = timezone.now()
    start = now - dt.timedelta(days=args.days)
    rows: list[dict] = []  # one per case: what to write and its label

    def place_of(grid):
        community = parents[grid.parent_id]
        street = parents[community.parent_id]
        return street, community, texts.place_for(rng, street.name, community.name)

    def person() -> dict:
        name, male = texts.person_name(rng)
        return {"name": name, "phone": texts.mobile(rng), "id_number": ""}

    def tell(item, example, place, group=1, amount=None) -> str:
        return texts.describe(rng, [example], category_code=item.category.code, place=place,
                              channel=rng.choice(["web", "web", "hotline", "grid", "12345"]),
                              group_size=group, amount=amount)

    def add(incident_id, item, text, grid, respondent, address, who, when, kind="") -> None:
        rows.append({"incident": incident_id, "item": item, "text": text, "grid": grid, "respondent": respondent,
                     "address": address, "who": who, "when": when, "kind": kind})

    incident_id = 0
    told: set[tuple[str, int]] = set()
    n_near = {"same_place": 0, "far_away": 0, "long_ago": 0}
    while len(rows) < args.cases:
        incident_id += 1
        item = rng.choice(items)
        example = rng.choice(item.examples)
        grid = rng.choice(grids)
        if (example, grid.parent_id) in told:
            continue  # the same story in the same community is the same incident: not a new one
        told.add((example, grid.parent_id))
        street, community, place = place_of(grid)
        respondent = texts.respondent(rng, item.category.code, item.code, place)
        address = texts.address(rng, place) if rng.random() < 0.8 else ""
        when = start + dt.timedelta(seconds=rng.uniform(0, args.days * 86400 * 0.9))
        who = person()
        add(incident_id, item, tell(item, example, place), grid, respondent, address, who, when)
        roll = rng.random()
        if roll < 0.25:  # 2-4 cases about this incident
            for _k in range(rng.choice([1, 1, 2, 3])):
                when = when + dt.timedelta(hours=rng.uniform(1, 24 * 6))
                if rng.random() < 0.4:  # the same resident again
                    add(incident_id, item, tell(item, example, place), grid, respondent, address, who, when, "repeat")
                else:  # a neighbour, a co-worker: the same facts told their own way
                    other_grid = rng.choice(siblings[grid.parent_id])
                    variant = rng.choice(["same_story", "retold", "retold", "other_story"])
                    if variant == "other_story" and not name_key(respondent):
                        variant = "retold"  # another story ties to this one only by whom it names
                    if variant == "same_story":
                        text = tell(item, example, place)
                    elif variant == "retold":
                        text = tell(item, retell(rng, example, item.examples), place)
                    else:
                        text = tell(item, rng.choice([e for e in item.examples if e != example] or [example]), place)
                    same_address = address if variant == "other_story" or rng.random() < 0.7 else ""
                    add(incident_id, item, text, other_grid, respondent, same_address, person(), when, variant)
        elif roll < 0.40:  # near-misses, each its own incident
            kind = rng.choice(["same_place", "far_away", "long_ago"])
            n_near[kind] += 1
            incident_id += 1
            if kind == "same_place":
                other = rng.choice([i for i in items if i.category_id != item.category_id])
                add(incident_id, other, tell(other, rng.choice(other.examples), place), grid,
                    texts.respondent(rng, other.category.code, other.code, place), "", person(),
                    when + dt.timedelta(hours=rng.uniform(1, 72)))
            elif kind == "far_away":
                far = rng.choice([g for g in grids if parents[g.parent_id].parent_id != street.pk])
                _s, _c, far_place = place_of(far)
                add(incident_id, item, tell(item, example, far_place), far,
                    texts.respondent(rng, item.category.code, item.code, far_place), texts.address(rng, far_place),
                    person(), when + dt.timedelta(hours=rng.uniform(1, 72)))
            else:
                add(incident_id, item, tell(item, example, place), grid, respondent, address, person(),
                    when - dt.timedelta(days=rng.uniform(60, 90)))
    rows = rows[: args.cases]
    rows.sort(key=lambda r: r["when"])

    log(f"  writing {len(rows):,} cases …")
    center = district.county
    cases = Case.objects.bulk_create([
        Case(tracking_code=f"B{n:07d}", channel="web", description=r["text"], region=r["grid"],
             region_path=r["grid"].path, address=r["address"], item=r["item"], category_id=r["item"].category_id,
             center=center, created_at=r["when"])
        for n, r in enumerate(rows)
    ], batch_size=500)
    if cases[0].pk is None:  # backends that do not return keys
        by_code = dict(Case.objects.values_list("tracking_code", "pk"))
        for c in cases:
            c.pk = c.id = by_code[c.tracking_code]
    parties = []
    for case, r in zip(cases, rows, strict=True):
        parties.append(Party(case=case, role=PartyRole.COMPLAINANT, **r["who"]))
        if r["respondent"]:
            parties.append(Party(case=case, role=PartyRole.RESPONDENT, name=r["respondent"]))
    Party.objects.bulk_create(parties, batch_size=1000)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE cases_case; ANALYZE cases_party")

    pol = policy()
    incident_of = {c.pk: r["incident"] for c, r in zip(cases, rows, strict=True)}
    ordered = list(Case.objects.filter(pk__in=[c.pk for c in cases]).order_by("created_at", "pk"))
    seen: dict[int, int] = {}  # incident → cases so far
    expected = set()
    for c in ordered:
        inc = incident_of[c.pk]
        if seen.get(inc):
            expected.add(c.pk)
        seen[inc] = seen.get(inc, 0) + 1

    # warm up (imports, the background corpus, connections)
    detect(ordered[0])
    log(f"  detecting over {len(ordered):,} cases …")
    detect_times, compare_times, base_times = [], [], []
    for c in ordered[1:]:
        case = Case.objects.select_related("region").prefetch_related("parties").get(pk=c.pk)
        base_times.append(timed(lambda case=case: list(
            Case.objects.filter(region_path__startswith=case.region_path[:-5],
                                created_at__gte=case.created_at - dt.timedelta(days=pol.window_days),
                                created_at__lt=case.created_at)
            .exclude(status__in=["declined", "closed"]).order_by("-created_at")
            .values_list("id", "description")[: pol.max_candidates])))
        compare_times.append(timed(lambda case=case: find_matches(case, pol)))
        detect_times.append(timed(lambda case=case: detect(case)))
    pool_sizes = [len(candidates(c, pol)) for c in ordered[:: max(1, len(ordered) // 200)]]

    suggestions = list(Suggestion.objects.values_list("case_id", "other_id", "kind"))
    correct = [(a, b, k) for a, b, k in suggestions if incident_of[a] == incident_of[b]]
    found = {a for a, _b, _k in correct}
    phone_of = {c.pk: r["who"]["phone"] for c, r in zip(cases, rows, strict=True)}
    right_kind = sum(1 for a, b, k in correct if k == ("repeat" if phone_of[a] == phone_of[b] else "same_incident"))
    precision = len(correct) / len(suggestions) if suggestions else 1.0
    recall = len(found & expected) / len(expected) if expected else 1.0
    false = [(a, b) for a, b, _k in suggestions if incident_of[a] != incident_of[b]]
    missed = sorted(expected - found)
    if false:
        a, b = false[0]
        log(f"  e.g. false: {Case.objects.get(pk=a).description} ~ {Case.objects.get(pk=b).description}")
    kind_of = {c.pk: r["kind"] for c, r in zip(cases, rows, strict=True)}
    recall_by = {}
    for variant in ("repeat", "same_story", "retold", "other_story"):
        wanted = {pk for pk in expected if kind_of[pk] == variant}
        recall_by[variant] = round(len(wanted & found) / len(wanted), 3) if wanted else None
    log(f"  recall by variant: {recall_by}")
    for pk in missed[:3]:
        c = Case.objects.get(pk=pk)
        log(f"  e.g. missed ({kind_of[pk]}): {c.description} | {c.parties.filter(role='respondent').first()}")
    result = {
        "vendor": vendor(), "cases": len(ordered), "incidents": incident_id, "expected": len(expected),
        "near_misses": n_near, "suggestions": len(suggestions), "correct": len(correct),
        "precision": round(precision, 4), "recall": round(recall, 4),
        "recall_by_variant": recall_by, "kind_accuracy": round(right_kind / len(correct), 4) if correct else 1.0,
        "candidates_median": median(pool_sizes),
        "detect_ms_median": round(median(detect_times) * 1000, 2),
        "detect_ms_p95": round(percentile(detect_times, 95) * 1000, 2),
        "compare_ms_median": round(median(compare_times) * 1000, 2),
        "baseline_ms_median": round(median(base_times) * 1000, 2),
        "ratio": round(median(detect_times) / median(base_times), 1),
        "threshold": pol.threshold,
    }
    log(f"  precision {precision:.3f}, recall {recall:.3f} ({len(suggestions)} suggestions, "
        f"{len(expected)} expected); detect {result['detect_ms_median']} ms median vs bare query "
        f"{result['baseline_ms_median']} ms")
    emit(result)


if __name__ == "__main__":
    main()
