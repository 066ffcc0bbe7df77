"""Start the clocks of open cases that were written without them: cases imported in bulk
(the demo generator, a migration from another system). Each open case gets the clocks its
status implies, started when it reached that status as far as its fields tell:

    submitted                          respond and sort, from the report
    accepted, returned, escalated,     sort, from its last change
    reopened
    dispatched                         sign and handle, from the dispatch
    signed, in progress                handle, from the dispatch

Clocks are stage 0 with their next check due; the worker's next tick raises the sheets of
whatever is already late, as it would have at the time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import Exists, OuterRef

from jiefen.cases.models import Case, Status

from .clocks import new_clock
from .sheet_models import Clock, ClockKind

K = ClockKind
STARTS = {
    Status.SUBMITTED: (K.RESPOND, K.SORT),
    Status.ACCEPTED: (K.SORT,), Status.RETURNED: (K.SORT,), Status.ESCALATED: (K.SORT,), Status.REOPENED: (K.SORT,),
    Status.DISPATCHED: (K.SIGN, K.HANDLE),
    Status.SIGNED: (K.HANDLE,), Status.IN_PROGRESS: (K.HANDLE,),
}


def _start(case: Case, kind: str) -> dt.datetime:
    if kind == K.RESPOND or (kind == K.SORT and case.status == Status.SUBMITTED):
        return case.created_at
    if kind == K.SORT:
        return case.updated_at
    # dispatched at: the sign deadline less the item's sign hours
    if case.sign_due and case.item_id:
        return case.sign_due - dt.timedelta(hours=case.item.sign_hours)
    return case.updated_at


def backfill_clocks(cases=None, batch: int = 5000, progress: Callable[[int], None] | None = None) -> int:
    """Create the missing clocks of open cases (those with no clock yet). Returns how many."""
    qs = (cases if cases is not None else Case.objects.all()).filter(status__in=list(STARTS))
    # NOT EXISTS through the clock's (case, kind) index; NOT IN over the clocks would rescan
    # the table for every case
    qs = qs.filter(~Exists(Clock.objects.filter(case=OuterRef("pk")))).select_related("item").order_by("pk")
    made, last = 0, 0
    while True:
        chunk = list(qs.filter(pk__gt=last)[:batch])
        if not chunk:
            return made
        rows = []
        for case in chunk:
            for kind in STARTS[case.status]:
                if (kind == K.SIGN and not case.sign_due) or (kind == K.HANDLE and not case.handle_due):
                    continue
                rows.append(new_clock(case, kind, _start(case, kind)))
        Clock.objects.bulk_create(rows, batch_size=2000)
        made += len(rows)
        last = chunk[-1].pk
        if progress:
            progress(made)
