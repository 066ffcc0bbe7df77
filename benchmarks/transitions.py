"""Throughput of the transition function, `jiefen.cases.services.perform`.

Cases reported through intake (untimed) are driven by `jiefen.testing.factories.advance`
along the usual path, accept → classify → dispatch → sign → record a mediation (which
starts the work) → resolve → close: seven perform() calls per case, each its own
transaction with its checks, version claim, applier, events, clocks and follow-on tasks.

Baseline, on the same number of fresh cases: per action, one transaction with a bare
`Case.objects.filter(pk=…).update(status=…, version=F("version") + 1, …)` and one Event
insert, the least a transition can write."""

from __future__ import annotations

import argparse

from benchmarks.common import emit, fresh_database, log, setup_django, timed, vendor

PATH = ["accepted", "accepted", "dispatched", "signed", "in_progress", "resolved", "closed"]
ACTIONS = ["accept", "classify", "dispatch", "sign", "record_mediation", "resolve", "close"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=150)
    args = parser.parse_args()
    setup_django()
    fresh_database(district=False, defaults=False)

    from django.db import connection, transaction
    from django.db.models import F
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.utils import timezone

    from jiefen.cases.models import Case, Event, Status
    from jiefen.testing import factories

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        world = factories.build_world()

    calls = 0
    perform = factories.perform

    def counting(*a, **kw):
        nonlocal calls
        calls += 1
        return perform(*a, **kw)

    factories.perform = counting

    def submitted(n: int) -> list[Case]:
        return [factories.submit(world) for _ in range(n)]

    def drive(cases: list[Case]) -> None:
        for case in cases:
            factories.advance(world, case, Status.CLOSED)

    # Warm up (first queries, caches), then count queries per action on a few cases.
    drive(submitted(3))
    sample = submitted(5)
    calls = 0
    with CaptureQueriesContext(connection) as perform_queries:
        drive(sample)
    perform_per_action = len(perform_queries) / calls

    cases = submitted(args.cases)
    calls = 0
    log(f"  perform(): {args.cases} cases …")
    perform_seconds = timed(lambda: drive(cases))
    actions = calls
    factories.perform = perform

    hr, clerk = world.hr, world["clerk"]

    def bare(case_ids: list[int]) -> None:
        for pk in case_ids:
            status = Status.SUBMITTED
            for action, to in zip(ACTIONS, PATH, strict=True):
                now = timezone.now()
                with transaction.atomic():
                    Case.objects.filter(pk=pk).update(
                        status=to, version=F("version") + 1, updated_at=now,
                        department=hr if to == Status.DISPATCHED else F("department"),
                    )
                    Event.objects.create(
                        case_id=pk, action=action, from_status=status, to_status=to, actor=clerk,
                        actor_label="bench", data={"n": 1}, created_at=now,
                    )
                status = to

    bare([c.pk for c in submitted(2)])
    sample = [c.pk for c in submitted(5)]
    with CaptureQueriesContext(connection) as bare_queries:
        bare(sample)
    bare_per_action = len(bare_queries) / (len(sample) * len(ACTIONS))
    ids = [c.pk for c in submitted(args.cases)]
    log(f"  baseline: {args.cases} cases …")
    bare_seconds = timed(lambda: bare(ids))
    bare_actions = len(ids) * len(ACTIONS)

    emit({
        "vendor": vendor(),
        "cases": args.cases,
        "actions": actions,
        "perform_seconds": perform_seconds,
        "perform_rate": actions / perform_seconds,
        "perform_queries_per_action": perform_per_action,
        "bare_actions": bare_actions,
        "bare_seconds": bare_seconds,
        "bare_rate": bare_actions / bare_seconds,
        "bare_queries_per_action": bare_per_action,
    })


if __name__ == "__main__":
    main()
