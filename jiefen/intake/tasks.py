"""Background work after intake: the judgement of a newly committed case."""

from __future__ import annotations

import logging

from django_tasks import task

from jiefen.cases.models import Case

from .signals import case_received

log = logging.getLogger(__name__)


@task()
def judge_new_case(case_id: int, event_id: int | None = None) -> int:
    """Let every layer that reacts to a new case look at it (the notice to its center, the
    judgement); returns how many receivers ran. One task per case: intake queues nothing else."""
    case = Case.objects.select_related("region", "center", "item", "category").filter(pk=case_id).first()
    if case is None:
        return 0
    results = case_received.send_robust(sender=Case, case=case, event_id=event_id)
    for receiver, result in results:
        if isinstance(result, Exception):
            log.error("judging case %s: %s failed", case.tracking_code, receiver, exc_info=result)
    return len(results)
