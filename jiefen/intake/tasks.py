"""Background work after intake: the judgement of a newly committed case."""

from __future__ import annotations

import logging

from django_tasks import task

from jiefen.cases.models import Case

from .signals import case_received

log = logging.getLogger(__name__)


@task()
def judge_new_case(case_id: int) -> int:
    """Let every judging layer look at the new case; returns how many receivers ran."""
    case = Case.objects.select_related("region", "center", "item", "category").filter(pk=case_id).first()
    if case is None:
        return 0
    results = case_received.send_robust(sender=Case, case=case)
    for receiver, result in results:
        if isinstance(result, Exception):
            log.error("judging case %s: %s failed", case.tracking_code, receiver, exc_info=result)
    return len(results)
