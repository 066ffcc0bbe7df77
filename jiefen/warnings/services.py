"""Early warning on cases: extreme-behaviour signals (极端行为苗头) and the civil-to-criminal
(民转刑) score.

On every new case (`case_received`, after intake has committed) the description is read by
the detector; each new kind of signal is recorded once per case, written on the timeline
(not public), raises one red supervision sheet (红色督办单, no clock: it stays open until the
signals are handled) and tells the case's community (its grid workers and staff) and its
center at once. Staff notes and residents' words written later (reopen reasons, handling
notes, ratings) are read the same way, in the transaction of the change (`case_changed`).

The 民转刑 score (0–100) adds points per factor (ScoreFactor rows: points each, up to a cap)
for family, neighbour and debt disputes (ScorePolicy.codes). It is computed on intake and
again when the case changes; a high score tells the center once."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiefen.accounts.models import Role
from jiefen.cases.models import Case, Event, MediationOutcome, MediationSession
from jiefen.cases.scope import can_see, visible_cases
from jiefen.cases.services import note as write_note
from jiefen.cases.services import perform
from jiefen.cases.signals import event_committed
from jiefen.cases.workflow import System
from jiefen.notify.services import tell
from jiefen.regions.models import Level as RegionLevel
from jiefen.sla.sheet_models import Sheet, SheetColour
from jiefen.taxonomy.models import RiskGrade

from .detector import Detector, Hit, Term
from .models import (
    THREAT_KINDS,
    Factor,
    Kind,
    Level,
    RiskScore,
    ScoreFactor,
    ScorePolicy,
    Severity,
    Source,
    ThreatSignal,
    WarningTerm,
)

log = logging.getLogger(__name__)

# Events this app writes (labels for the timeline: registered in apps.ready).
EVENT_LABELS = {
    "threat_signal": gettext_lazy("发现极端行为苗头"),
    "handle_threat": gettext_lazy("处置极端行为苗头"),
    "criminal_risk_high": gettext_lazy("民转刑高风险提示"),
}
WHY = {
    "stated": gettext_lazy("直接说出"),
    "intent": gettext_lazy("表达了意图（扬言、说要、打算…）"),
    "question": gettext_lazy("以疑问或担心的方式提到，按苗头处理"),
    "double_negation": gettext_lazy("双重否定，仍是苗头"),
    "dissuaded": gettext_lazy("有劝阻情节，说明当事人曾有此意"),
    "negated": gettext_lazy("前有否定词"),
    "negated_after": gettext_lazy("后有否定（“…是不会的”）"),
    "reported": gettext_lazy("转述他人的过往事件"),
    "excluded": gettext_lazy("属于排除语境"),
}
# Actions whose written words (the event's reason) are read for signals as the case goes on.
TEXT_ACTIONS = {
    "record_handling", "record_mediation", "return", "escalate", "reopen", "rate", "resolve",
    "close_unresolved", "set_risk", "accept", "dispatch", "transfer",
}
# Actions after which the score is computed again.
SCORE_ACTIONS = {"classify", "reopen", "escalate", "record_mediation", "return", "close_unresolved", "set_risk"}
COMMUNITY_ROLES = {Role.GRID_WORKER, Role.MEDIATOR, Role.CLERK, Role.DISPATCHER, Role.LEADER, Role.SUPERVISOR}
CENTER_ROLES = {Role.CLERK, Role.DISPATCHER, Role.LEADER, Role.MEDIATOR, Role.SUPERVISOR}
CENTER_DESK = {Role.CLERK, Role.DISPATCHER, Role.LEADER}
WATCH_ROLES = {Role.GRID_WORKER, Role.MEDIATOR, Role.CLERK, Role.DISPATCHER, Role.LEADER, Role.SUPERVISOR}
EXCERPT = 30


class WarningError(Exception):
    def __init__(self, message: str, http_status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status


# ---------------------------------------------------------------- the detector from the rows

_built: dict = {"stamp": None, "detector": None}


def detector() -> Detector:
    """The detector over the active warning words; rebuilt when an administrator changes them
    (one small query per call tells)."""
    rows = WarningTerm.objects.filter(active=True)
    stamp = tuple(rows.aggregate(n=Count("id"), last=Max("updated_at")).values())
    if _built["detector"] is None or _built["stamp"] != stamp:
        _built["detector"] = Detector(
            Term(t.term, t.kind, t.severity, t.regex, t.exclude) for t in rows.order_by("kind", "id")
        )
        _built["stamp"] = stamp
    return _built["detector"]


# ---------------------------------------------------------------- signals


def _excerpt(text: str, hit: Hit) -> str:
    before, phrase, after = hit.excerpt(text, EXCERPT)
    return (("…" if hit.start > EXCERPT else "") + before + phrase + after
            + ("…" if hit.end + EXCERPT < len(text) else ""))[:300]


def kind_label(kind: str) -> str:
    return str(Kind(kind).label)


def scan(case: Case, text: str, source: str = Source.DESCRIPTION) -> list[ThreatSignal]:
    """Read `text` (the case's description, or words written on it later) and record each new
    kind of threat it holds; returns the signals recorded now."""
    found = {k: h for k, h in detector().first_by_kind(text).items() if k in THREAT_KINDS}
    if not found:
        return []
    with transaction.atomic():
        # one writer per case at a time: the intake task and a change may read at once
        case = (
            Case.objects.select_for_update(of=("self",)).select_related("center", "origin_center", "region")
            .get(pk=case.pk)
        )
        known = set(ThreatSignal.objects.filter(case=case).values_list("kind", flat=True))
        new = [h for k, h in found.items() if k not in known]
        if not new:
            return []
        now = timezone.now()
        said = "；".join(f"“{h.phrase}”（{kind_label(h.kind)}）" for h in new)
        event = Event.objects.create(
            case=case, action="threat_signal", from_status=case.status, to_status=case.status, actor=None,
            actor_label=_("系统"), reason=(_("发现极端行为苗头：%(said)s") % {"said": said})[:2000],
            data={"kinds": [h.kind for h in new], "phrases": [h.phrase for h in new], "source": source},
            public=False, created_at=now,
        )
        sheet, sheet_event = _red_sheet(case, said, now)
        signals = ThreatSignal.objects.bulk_create([
            ThreatSignal(
                case=case, kind=h.kind, severity=h.severity, term=h.term, phrase=h.phrase[:200],
                excerpt=_excerpt(text, h), why=h.why, source=source, event=event, sheet=sheet, created_at=now,
            )
            for h in new
        ])
        tell(event, _threat_recipients(case), _("案件 %(code)s：发现极端行为苗头 %(said)s — %(summary)s") % {
            "code": case.display_code, "said": said, "summary": case.summary,
        })
        events = [event] + ([sheet_event] if sheet_event else [])
        transaction.on_commit(lambda: [event_committed.send(sender=Event, event=e) for e in events])
        transaction.on_commit(lambda pk=case.pk: _raise_risk_later(pk))
    return signals


def _raise_risk_later(case_id: int) -> None:
    from .tasks import raise_risk_after_signal

    raise_risk_after_signal.enqueue(case_id)


GRADE_ORDER = [RiskGrade.GENERAL, RiskGrade.SIGNIFICANT, RiskGrade.MAJOR]


def grade_for(severity: int) -> str:
    """The risk grade an extreme-behaviour signal calls for: 重大 for a grave one, else 较大."""
    return RiskGrade.MAJOR if severity >= Severity.GRAVE else RiskGrade.SIGNIFICANT


def raise_risk_grade(case_id: int) -> str | None:
    """After a signal has been committed: raise the open case's risk grade to what its gravest
    signal calls for, through the transition function as the System (the timeline says so and
    why). Never lowers a grade a person set; returns the new grade, or None."""
    case = Case.objects.filter(pk=case_id).first()
    if case is None or not case.is_open:
        return None
    signals = list(ThreatSignal.objects.filter(case=case).order_by("-severity", "pk"))
    if not signals:
        return None
    wanted = grade_for(signals[0].severity)
    if GRADE_ORDER.index(wanted) <= GRADE_ORDER.index(case.risk_grade):
        return None
    said = "；".join(dict.fromkeys(f"“{s.phrase}”（{kind_label(s.kind)}）" for s in signals))
    perform(case, "set_risk", System(), data={"risk_grade": wanted},
            reason=(_("发现极端行为苗头：%(said)s，风险等级自动调高。") % {"said": said})[:2000])
    return wanted


def _red_sheet(case: Case, said: str, now: dt.datetime) -> tuple[Sheet, Event | None]:
    """The case's open clockless red sheet, or a new one addressed to the supervisors of the
    center that owns the case (its timeline event tells them, as the tick's sheets do)."""
    sheet = Sheet.objects.filter(case=case, clock__isnull=True, colour=SheetColour.RED, cleared_at__isnull=True).first()
    if sheet is not None:
        return sheet, None
    owner = case.origin_center or case.center
    label = _("%(center)s督查") % {"center": owner.display_center}
    sheet = Sheet.objects.create(
        case=case, clock=None, colour=SheetColour.RED, reason=(_("极端行为苗头：%(said)s") % {"said": said})[:300],
        recipient_role=Role.SUPERVISOR, recipient_region=owner, recipient_label=label[:120], raised_at=now,
    )
    event = Event.objects.create(
        case=case, action="raise_sheet", from_status=case.status, to_status=case.status, actor=None,
        actor_label=_("系统"), reason=sheet.reason, public=False, created_at=now,
        data={"sheet_id": sheet.pk, "number": sheet.number, "colour": sheet.colour, "clock": "", "recipient": label},
    )
    return sheet, event


def _threat_recipients(case: Case) -> QuerySet:
    """The staff of the case's community (its own posts and the grid workers of its grids)
    and of the centers holding the case."""
    User = get_user_model()
    q = Q(memberships__role__in=CENTER_ROLES, memberships__region_id__in={case.center_id, case.origin_center_id} - {None})
    community = case.region.at_level(RegionLevel.COMMUNITY)  # the 村/社区 at or above the place
    if community is not None:
        q |= Q(memberships__role__in=COMMUNITY_ROLES, memberships__region_id=community.pk)
        q |= Q(memberships__role=Role.GRID_WORKER, memberships__region__path__startswith=community.path)
    return User.objects.filter(q, is_active=True).distinct()


def may_handle(user, signal: ThreatSignal) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return bool(user.roles() & WATCH_ROLES) and can_see(user, signal.case)


def handle(signal: ThreatSignal, user, note: str) -> ThreatSignal:
    """Staff mark a signal handled (已处置) with what they did; when no signal of the case is
    left open, its red sheet is cleared."""
    from jiefen.cases.services import actor_label

    if not may_handle(user, signal):
        raise WarningError(_("您无权处置这条预警。"), 403)
    note = (note or "").strip()
    if not note:
        raise WarningError(_("请填写处置情况，例如“已联系网格员上门稳控，当事人情绪平稳”。"))
    if len(note) > 500:
        raise WarningError(_("处置情况不能超过500个字（现有%(n)d个字）。") % {"n": len(note)})
    case = signal.case
    now = timezone.now()
    label = actor_label(user, case)
    with transaction.atomic():
        updated = ThreatSignal.objects.filter(pk=signal.pk, handled_at__isnull=True).update(
            handled_at=now, handled_by=user, handled_by_label=label[:120], handled_note=note
        )
        if not updated:
            raise WarningError(_("这条预警已经处置过了。"), 409)
        write_note(case, "handle_threat", user, reason=note, label=label, when=now,
                   data={"signal_id": signal.pk, "kind": signal.kind, "phrase": signal.phrase})
        if not ThreatSignal.objects.filter(case=case).open().exists():
            Sheet.objects.filter(case=case, clock__isnull=True, cleared_at__isnull=True).update(
                cleared_at=now, cleared_reason=_("极端行为苗头已处置")
            )
    signal.refresh_from_db()
    return signal


def signals_for(user) -> QuerySet[ThreatSignal]:
    """The signals on the cases in the user's jurisdiction."""
    if not user.is_authenticated:
        return ThreatSignal.objects.none()
    qs = ThreatSignal.objects.all()
    if not user.is_superuser:
        qs = qs.filter(case_id__in=visible_cases(user).values("pk"))
    return qs


def watches(user) -> bool:
    """Whether the header shows 风险预警: center and grid staff (departments see their
    cases' signals on the case page)."""
    return user.is_authenticated and (user.is_superuser or bool(user.roles() & WATCH_ROLES))


# ---------------------------------------------------------------- the 民转刑 score


def policy() -> ScorePolicy:
    from .defaults import POLICY_CODES

    return ScorePolicy.objects.order_by("id").first() or ScorePolicy(codes=POLICY_CODES)


def applies(case: Case, rules: ScorePolicy) -> bool:
    """Family, neighbour and debt disputes (the policy's codes); a case not yet classified is
    scored too (provisionally), since a threat must not wait for the clerk."""
    item = case.item or case.reported_item
    category = case.category or (item.category if item is not None else None)
    if item is None and category is None:
        return True
    codes = set(rules.code_list)
    return bool((item is not None and item.code in codes) or (category is not None and category.code in codes))


@dataclass
class Reason:
    code: str
    count: int
    points: int
    detail: str = ""

    def as_dict(self) -> dict:
        return {"code": self.code, "count": self.count, "points": self.points, "detail": self.detail}


def _complainant_cases(case: Case, since: dt.datetime) -> list[int]:
    """The complainant's other cases since `since`, by phone or ID number."""
    return list(Case.objects.by_same_complainant(case).filter(created_at__gte=since).exclude(pk=case.pk)
                .values_list("pk", flat=True))


def compute(case: Case, rules: ScorePolicy | None = None, now: dt.datetime | None = None) -> tuple[int, list[Reason]]:
    rules = rules or policy()
    now = now or timezone.now()
    factors = {f.code: f for f in ScoreFactor.objects.filter(active=True)}
    counts: dict[str, tuple[int, str]] = {}

    kinds = list(ThreatSignal.objects.filter(case=case).values_list("kind", flat=True))
    counts[Factor.THREAT] = (len(kinds), "、".join(kind_label(k) for k in kinds))
    anger = sorted({h.phrase for h in detector().signals(case.description) if h.kind == Kind.ANGER})
    counts[Factor.ANGER] = (len(anger), "、".join(anger))
    others = _complainant_cases(case, now - dt.timedelta(days=rules.window_days))
    counts[Factor.REPEAT] = (len(others), "")
    both = [case.pk, *others]
    moves = dict(
        Event.objects.filter(case_id__in=both, action__in=["reopen", "escalate"])
        .values_list("action").annotate(n=Count("id")).values_list("action", "n")
    )
    counts[Factor.REOPEN] = (moves.get("reopen", 0), "")
    counts[Factor.ESCALATE] = (moves.get("escalate", 0), "")
    failed = MediationSession.objects.filter(case_id__in=both, outcome=MediationOutcome.FAILED).count()
    counts[Factor.FAILED_MEDIATION] = (failed, "")
    earlier = ThreatSignal.objects.filter(case_id__in=others).count() if others else 0
    counts[Factor.EARLIER_THREAT] = (earlier, "")

    reasons = []
    for code in Factor.values:
        factor = factors.get(code)
        n, detail = counts.get(code, (0, ""))
        if factor is None or not n:
            continue
        reasons.append(Reason(code, n, min(factor.cap, factor.points * n), detail))
    return min(100, sum(r.points for r in reasons)), reasons


def level_of(score: int, rules: ScorePolicy) -> str:
    if score >= rules.high_at:
        return Level.HIGH
    if score >= rules.medium_at:
        return Level.MEDIUM
    return Level.LOW


def reason_text(reason: dict) -> str:
    """One reason as the case page says it, e.g. 同一诉求人重复反映：180天内另有2件（+20分）."""
    code, n, points, detail = reason["code"], reason["count"], reason["points"], reason.get("detail", "")
    label = Factor(code).label if code in Factor.values else code
    if code == Factor.REPEAT:
        what = _("近期另有%(n)d件") % {"n": n}
    elif code in (Factor.THREAT, Factor.ANGER) and detail:
        what = detail
    else:
        what = _("%(n)d次") % {"n": n}
    return _("%(label)s：%(what)s（+%(points)d分）") % {"label": label, "what": what, "points": points}


def rescore(case: Case) -> RiskScore | None:
    """Compute the case's score again and keep it; tell the center the first time it is high."""
    rules = policy()
    case = Case.objects.select_related("item", "category", "reported_item__category", "center").get(pk=case.pk)
    if not applies(case, rules):
        RiskScore.objects.filter(case=case).delete()
        return None
    score, reasons = compute(case, rules)
    now = timezone.now()
    with transaction.atomic():
        row, _created = RiskScore.objects.select_for_update().update_or_create(case=case, defaults={
            "score": score, "level": level_of(score, rules), "reasons": [r.as_dict() for r in reasons],
            "computed_at": now,
        })
        if row.level == Level.HIGH and row.high_notified_at is None:
            why = "；".join(reason_text(r.as_dict()) for r in reasons)
            event = write_note(
                case, "criminal_risk_high", when=now,
                reason=(_("民转刑风险高（%(score)d分）：%(why)s") % {"score": score, "why": why})[:2000],
                data={"score": score, "reasons": [r.as_dict() for r in reasons]})
            User = get_user_model()
            desk = User.objects.filter(
                memberships__role__in=CENTER_DESK, memberships__region_id=case.center_id, is_active=True
            ).distinct()
            tell(event, desk, _("案件 %(code)s：民转刑风险高（%(score)d分） — %(summary)s") % {
                "code": case.display_code, "score": score, "summary": case.summary,
            })
            RiskScore.objects.filter(pk=row.pk).update(high_notified_at=now)
            row.high_notified_at = now
    return row


# ---------------------------------------------------------------- receivers


def on_case_received(sender, case: Case, **kwargs) -> None:
    scan(case, case.description)
    rescore(case)


def on_case_changed(sender, case: Case, events: list[Event], **kwargs) -> None:
    """Inside the transaction of a change: read the words it wrote, score again. A failure
    here is logged and must not undo the change."""
    names = {e.action for e in events}
    if names <= {"submit"}:
        return  # a new case: judged after commit by on_case_received
    try:
        with transaction.atomic():
            found = []
            for e in events:
                if e.action in TEXT_ACTIONS and e.reason:
                    found += scan(case, e.reason, Source.EVENT)
            if found or names & SCORE_ACTIONS:
                rescore(case)
    except Exception:  # noqa: BLE001 - the transition must go on
        log.exception("early warning on case %s failed", case.pk)
