"""The worker's check of the agreements' terms: a term with an amount past its due date and
not confirmed paid raises, once, a reminder to the room's mediator and a follow-up visit
(回访) owed by the case's grid workers. `start(interval)` runs it in the worker."""

from __future__ import annotations

import datetime as dt
import threading

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.followup.models import FollowUp
from jiefen.followup.services import visitors_for, visitors_label
from jiefen.lib.periodic import every
from jiefen.notify.services import tell

from .models import Agreement, Term
from .services import _event

BATCH = 500


def overdue_terms(now: dt.datetime):
    return Term.objects.filter(
        due_date__lt=timezone.localtime(now).date(), amount__isnull=False, reminded_at__isnull=True,
        agreement__status=Agreement.Status.SIGNED,
    ).exclude(paid=Term.Paid.PAID).select_related("agreement__case", "agreement__room__mediator")


def check_due(now: dt.datetime | None = None) -> int:
    """Remind the mediator of every term now overdue and unpaid; returns how many."""
    now = now or timezone.now()
    done = 0
    for term in list(overdue_terms(now)[:BATCH]):
        with transaction.atomic():
            if not Term.objects.filter(pk=term.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue  # another worker took it
            agreement, case = term.agreement, term.agreement.case
            mediator = agreement.room.mediator
            follow_up = _follow_up(case, now)
            event = _event(case, "online_overdue", None, {
                "agreement_id": agreement.pk, "term": term.seq, "amount": str(term.amount),
                "due_date": term.due_date.isoformat(), "follow_up_id": follow_up.pk if follow_up else None,
            }, now=now, label=_("系统"))
            text = _("案件 %(code)s：调解协议第 %(n)d 条（%(amount)s 元，%(due)s 前）逾期未履行，请跟进。") % {
                "code": case.display_code, "n": term.seq, "amount": term.amount, "due": term.due_date.isoformat()}
            if mediator.is_active:
                tell(event, [mediator], text)
            done += 1
    return done


def _follow_up(case, now) -> FollowUp | None:
    """A visit to see why it was not paid, owed by the case's grid workers (as after a close),
    unless one is already pending."""
    pending = case.follow_ups.pending().first()
    if pending is not None:
        return pending
    region, users = visitors_for(case)
    center = case.origin_center or case.center
    label = visitors_label(region, users) if users else _("%(center)s（待指派）") % {"center": center.display_center}
    follow_up = FollowUp.objects.create(
        case=case, due_date=timezone.localtime(now).date(), region=region, assignee=users[0] if users else None,
        assignee_label=label[:200], created_at=now,
    )
    # the same event as a visit scheduled at the close: it tells the grid workers who owe it
    _event(case, "schedule_follow_up", None, {
        "follow_up_id": follow_up.pk, "due_date": follow_up.due_date.isoformat(),
        "assignee": follow_up.assignee_label, "assignee_ids": [u.pk for u in users],
    }, reason=_("调解协议逾期未履行"), now=now, label=_("系统"))
    return follow_up


def start(interval: float = 3600) -> threading.Event:
    return every(interval, check_due, "online-performance")
