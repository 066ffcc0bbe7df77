"""The register's rules: who sees and reviews which entries, proposals from cases, review,
levels and visits, and matching outside records to parties and entries.

Scope follows the cases' own rule (jiefen.cases.scope): a post held at a region sees the
entries living in that region's subtree; department handlers see none; superusers all.
Center desks (clerk, dispatcher, leader, administrator) review the proposals of their
subtree; grid workers record the visits of the entries assigned to them or living in
their grid."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.accounts.models import Membership, Role, User
from jiefen.cases.models import Case, Event, Party, PartyRole
from jiefen.lib.personal import mask_id_number, mask_phone, normalize_phone

from .defaults import INTERVALS
from .models import (
    LEVEL_RANK,
    Level,
    OutsideRecord,
    PersonStatus,
    ProposalRule,
    RiskHistory,
    RiskPerson,
    RiskVisit,
    RuleKind,
    VisitInterval,
)

log = logging.getLogger(__name__)

DESK = (Role.CLERK, Role.DISPATCHER, Role.LEADER, Role.ADMIN)
MAX_NOTE = 1000


class RiskError(Exception):
    """A refusal the user can act on; `message` is already translated."""

    def __init__(self, message: str, http_status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status


# ---------------------------------------------------------------- scope and posts


def _paths(user, roles=None) -> list[str]:
    return [m.region.path for m in user.memberships_cached()
            if m.region_id and m.role != Role.HANDLER and (roles is None or m.role in roles)]


def _under(paths: list[str], field: str = "region_path") -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def register_for(user) -> QuerySet[RiskPerson]:
    """The entries `user` may see: those living in the subtree of a region where they hold a post."""
    if not getattr(user, "is_authenticated", False):
        return RiskPerson.objects.none()
    if user.is_superuser:
        return RiskPerson.objects.all()
    return RiskPerson.objects.filter(_under(_paths(user)))


def proposals_for(user) -> QuerySet[RiskPerson]:
    """The proposals waiting for this user's review (center desks of the person's subtree)."""
    if not getattr(user, "is_authenticated", False):
        return RiskPerson.objects.none()
    qs = RiskPerson.objects.filter(status=PersonStatus.PROPOSED)
    return qs if user.is_superuser else qs.filter(_under(_paths(user, DESK)))


def is_reviewer(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_superuser or _paths(user, DESK)))


def may_review(user, person: RiskPerson) -> bool:
    if not is_reviewer(user):
        return False
    return user.is_superuser or any(person.region_path.startswith(p) for p in _paths(user, DESK))


def visits_for(user) -> QuerySet[RiskVisit]:
    """The visits this user may record: of entries assigned to them or living in their grid."""
    if not getattr(user, "is_authenticated", False):
        return RiskVisit.objects.none()
    qs = RiskVisit.objects.filter(person__status=PersonStatus.ACTIVE)
    if user.is_superuser:
        return qs
    return qs.filter(Q(person__grid_worker=user) | _under(_paths(user, (Role.GRID_WORKER,)), "person__region_path"))


def is_grid_worker(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(Role.GRID_WORKER))


def grid_workers_for(person: RiskPerson) -> list[User]:
    """Grid workers who may be assigned: a grid-worker post at the person's place, above it
    (their community) or below it (the grids of their community)."""
    ancestors = [person.region_path[:i] for i in range(5, len(person.region_path) + 1, 5)]
    members = Membership.objects.filter(role=Role.GRID_WORKER, user__is_active=True).filter(
        Q(region__path__in=ancestors) | Q(region__path__startswith=person.region_path)
    ).select_related("user", "region").order_by("-region__level", "user__id")
    return list({m.user_id: m.user for m in members}.values())


def label(user) -> str:
    if user is None:
        return _("系统")
    posts = user.memberships_cached()
    return f"{user}（{posts[0].place} · {posts[0].get_role_display()}）" if posts else str(user)


def _history(person: RiskPerson, action: str, actor=None, note: str = "", case: Case | None = None,
             from_level: str = "", to_level: str = "", now=None) -> RiskHistory:
    return RiskHistory.objects.create(
        person=person, action=action, actor=actor, actor_label=label(actor)[:120], note=note, case=case,
        from_level=from_level, to_level=to_level, created_at=now or timezone.now(),
    )


# ---------------------------------------------------------------- proposals from cases


@dataclass(frozen=True)
class Finding:
    level: str
    reason: str
    include_respondent: bool


def findings_for(case: Case) -> list[Finding]:
    """What the active rules find in a case (empty: nothing to propose)."""
    item = case.item or case.reported_item
    item_code = item.code if item else ""
    category_code = item.category.code if item else (case.category.code if case.category_id else "")
    found = []
    for rule in ProposalRule.objects.filter(active=True):
        if rule.kind == RuleKind.REPEAT:
            if repeat_count(case, rule.window_days) >= rule.min_cases:
                found.append(Finding(rule.level, rule.reason, rule.include_respondent))
            continue
        codes = bool(rule.item_codes or rule.category_codes)
        if not codes and not rule.words:
            continue
        if codes and item_code not in (rule.item_codes or []) and category_code not in (rule.category_codes or []):
            continue
        if rule.words and not any(w and w in case.description for w in rule.words):
            continue
        found.append(Finding(rule.level, rule.reason, rule.include_respondent))
    return found


def repeat_count(case: Case, window_days: int) -> int:
    """Cases in the window (up to this one) whose complainant has this case's complainant's
    phone or ID number."""
    since = case.created_at - dt.timedelta(days=window_days)
    return Case.objects.by_same_complainant(case).filter(
        created_at__gte=since, created_at__lte=case.created_at).count()


def find_person(name: str, id_number: str = "", phone: str = "", region_path: str = "") -> RiskPerson | None:
    """The entry for this person: by ID number, else by name and phone; a name alone (a
    respondent) matches an entry with neither, in the same place."""
    if id_number:
        found = RiskPerson.objects.filter(id_number=id_number).first()
        if found:
            return found
    if name and phone:
        return RiskPerson.objects.filter(name=name, phone=phone, id_number__in=["", id_number]).first()
    if name and not id_number and region_path:
        return RiskPerson.objects.filter(name=name, phone="", id_number="", region_path=region_path).first()
    return None


def propose_from_case(case: Case, now: dt.datetime | None = None) -> list[RiskPerson]:
    """Propose (or add the case to) entries for the complainant and, when a rule says so,
    the respondent named in the case. Safe to call again for the same case."""
    findings = findings_for(case)
    if not findings:
        return []
    now = now or timezone.now()
    touched = []
    with transaction.atomic():
        for party in case.parties.all():
            if party.role == PartyRole.COMPLAINANT:
                mine = findings
            elif party.role == PartyRole.RESPONDENT:
                mine = [f for f in findings if f.include_respondent]
            else:
                continue
            name = (party.name or "").strip()
            if not mine or not name:
                continue
            touched.append(_upsert(case, party, name, mine, now))
    return touched


def _upsert(case: Case, party: Party, name: str, findings: list[Finding], now) -> RiskPerson:
    level = max((f.level for f in findings), key=LEVEL_RANK.__getitem__)
    reasons = list(dict.fromkeys(f.reason for f in findings))
    phone, id_number = party.phone or "", (party.id_number or "").upper()
    person = find_person(name, id_number, phone, case.region.path)
    if person is None:
        person = RiskPerson.objects.create(
            name=name, id_number=id_number, phone=phone, region=case.region,
            address=case.address if party.role == PartyRole.COMPLAINANT else "",
            level=level, reasons="；".join(reasons), status=PersonStatus.PROPOSED, created_at=now,
        )
        person.cases.add(case)
        _history(person, "proposed", note=person.reasons, case=case, to_level=level, now=now)
        return person
    person = RiskPerson.objects.select_for_update().get(pk=person.pk)
    known = [r for r in person.reasons.split("；") if r]
    new_reasons = [r for r in reasons if r not in known]
    new_case = not person.cases.filter(pk=case.pk).exists()
    if not new_case and not new_reasons and LEVEL_RANK[level] <= person.rank:
        return person
    if new_case:
        person.cases.add(case)
    person.reasons = "；".join(known + new_reasons)
    person.id_number = person.id_number or id_number
    person.phone = person.phone or phone
    note = "；".join(new_reasons) or _("又有相关案件")
    if person.status in (PersonStatus.REJECTED, PersonStatus.CLOSED):
        person.status = PersonStatus.PROPOSED
        _history(person, "reproposed", note=note, case=case, to_level=level, now=now)
        person.level = level
    else:
        _history(person, "case_added", note=note, case=case, now=now)
        if LEVEL_RANK[level] > person.rank:
            _set_level(person, level, None, _("新案件：%(reason)s") % {"reason": note}, now)
    person.save()
    return person


def on_case_received(sender, case: Case, **kwargs) -> None:
    propose_from_case(case)


def on_case_changed(sender, case: Case, events: list[Event], **kwargs) -> None:
    """Inside the clerk's classification: a failure here is logged and rolled back to its
    savepoint, never a refused classification."""
    if not any(e.action == "classify" for e in events):
        return
    try:
        with transaction.atomic():
            propose_from_case(case)
    except Exception:
        log.exception("risk proposals for case %s failed", case.tracking_code)


# ---------------------------------------------------------------- review and levels


def interval_days(level: str) -> int:
    row = VisitInterval.objects.filter(level=level).first()
    return row.days if row else INTERVALS[Level(level)]


def schedule_next(person: RiskPerson, base: dt.date) -> RiskVisit:
    """The one pending visit of an active entry, due an interval (by level) after `base`."""
    due = base + dt.timedelta(days=interval_days(person.level))
    visit = person.visits.filter(done_at__isnull=True, cancelled_at__isnull=True).first()
    if visit is None:
        return RiskVisit.objects.create(person=person, due_date=due)
    visit.due_date = due
    visit.save(update_fields=["due_date"])
    return visit


def _last_visit_date(person: RiskPerson) -> dt.date:
    last = person.visits.filter(done_at__isnull=False).order_by("-done_at").first()
    return timezone.localtime(last.done_at).date() if last else timezone.localdate()


def _set_level(person: RiskPerson, level: str, actor, note: str, now=None) -> None:
    if level == person.level:
        return
    _history(person, "level", actor, note, from_level=person.level, to_level=level, now=now)
    person.level = level
    if person.status == PersonStatus.ACTIVE:
        person.save()
        schedule_next(person, _last_visit_date(person))


def _text(value, label_: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RiskError(_("请填写%(label)s。") % {"label": label_})
    if len(value) > MAX_NOTE:
        raise RiskError(_("%(label)s不能超过%(n)d个字。") % {"label": label_, "n": MAX_NOTE})
    return value


def _level(value) -> str:
    if value not in Level.values:
        raise RiskError(_("请选择风险等级（绿色、黄色或红色）。"))
    return value


def _locked(person: RiskPerson, user, *, review: bool = True) -> RiskPerson:
    if not (may_review(user, person) if review else register_for(user).filter(pk=person.pk).exists()):
        raise RiskError(_("这名重点人员不在您的审核范围内。"), 403)
    return RiskPerson.objects.select_for_update().select_related("region").get(pk=person.pk)


def accept(person: RiskPerson, user, *, grid_worker_id, level: str | None = None, note: str = "") -> RiskPerson:
    """Put a proposed entry on the register, assigned to a grid worker; its first visit is
    due one interval (by level) from today."""
    with transaction.atomic():
        person = _locked(person, user)
        if person.status != PersonStatus.PROPOSED:
            raise RiskError(_("该人员已审核过（当前状态：%(s)s）。") % {"s": person.get_status_display()}, 409)
        worker = _grid_worker(person, grid_worker_id)
        note = _text(note, _("审核意见"), required=False)
        if level:
            level = _level(level)
            if level != person.level:
                _history(person, "level", user, note or _("审核时调整"), from_level=person.level, to_level=level)
                person.level = level
        person.status, person.grid_worker, person.review_note = PersonStatus.ACTIVE, worker, note
        person.save()
        _history(person, "accepted", user, _("责任网格员：%(w)s") % {"w": worker} + (f"；{note}" if note else ""),
                 to_level=person.level)
        schedule_next(person, timezone.localdate())
    return person


def _grid_worker(person: RiskPerson, grid_worker_id) -> User:
    try:
        wanted = int(grid_worker_id)
    except (TypeError, ValueError):
        raise RiskError(_("请选择责任网格员。")) from None
    worker = next((u for u in grid_workers_for(person) if u.pk == wanted), None)
    if worker is None:
        raise RiskError(_("所选人员不是%(place)s的网格员。") % {"place": person.region.name})
    return worker


def reject(person: RiskPerson, user, *, reason: str) -> RiskPerson:
    with transaction.atomic():
        person = _locked(person, user)
        if person.status != PersonStatus.PROPOSED:
            raise RiskError(_("该人员已审核过（当前状态：%(s)s）。") % {"s": person.get_status_display()}, 409)
        reason = _text(reason, _("不予列入的理由"))
        person.status, person.review_note = PersonStatus.REJECTED, reason
        person.save()
        _history(person, "rejected", user, reason)
    return person


def change(person: RiskPerson, user, *, level: str, grid_worker_id, reason: str,
           household: str | None = None) -> RiskPerson:
    """Change an active entry's level, grid worker or household note; a new level reschedules
    the pending visit."""
    with transaction.atomic():
        person = _locked(person, user)
        if person.status != PersonStatus.ACTIVE:
            raise RiskError(_("只有在册人员可以调整等级或网格员。"), 409)
        level, reason = _level(level), _text(reason, _("调整原因"))
        worker = _grid_worker(person, grid_worker_id)
        household = person.household if household is None else _text(household, _("家庭情况"), required=False)[:500]
        if level == person.level and worker == person.grid_worker and household == person.household:
            raise RiskError(_("等级、责任网格员和家庭情况都没有改动。"))
        if household != person.household:
            _history(person, "household", user, _("家庭情况：%(h)s；%(r)s") % {"h": household or "—", "r": reason})
            person.household = household
        if worker != person.grid_worker:
            _history(person, "assigned", user, _("责任网格员：%(a)s → %(b)s；%(r)s") % {
                "a": person.grid_worker or "—", "b": worker, "r": reason})
            person.grid_worker = worker
        _set_level(person, level, user, reason)
        person.save()
    return person


def close(person: RiskPerson, user, *, reason: str) -> RiskPerson:
    with transaction.atomic():
        person = _locked(person, user)
        if person.status != PersonStatus.ACTIVE:
            raise RiskError(_("只有在册人员可以销号。"), 409)
        reason = _text(reason, _("销号原因"))
        person.status, person.review_note = PersonStatus.CLOSED, reason
        person.save()
        person.visits.filter(done_at__isnull=True, cancelled_at__isnull=True).update(cancelled_at=timezone.now())
        _history(person, "closed", user, reason)
    return person


# ---------------------------------------------------------------- visits


def may_record(user, visit: RiskVisit) -> bool:
    return visits_for(user).filter(pk=visit.pk).exists()


def record_visit(visit: RiskVisit, user, *, met, findings: str, level_after: str) -> RiskVisit:
    """Record a visit; the level after it may change the entry's level; the next visit is
    due one interval (by the level after) from today."""
    if not may_record(user, visit):
        raise RiskError(_("这次走访不归您负责。"), 403)
    if met not in (True, False):
        raise RiskError(_("请选择是否见到本人。"))
    findings = _text(findings, _("走访情况"))
    level_after = _level(level_after)
    with transaction.atomic():
        visit = RiskVisit.objects.select_for_update().select_related("person").get(pk=visit.pk)
        if not visit.is_pending:
            raise RiskError(_("这次走访已经记录过，无需重复记录。"), 409)
        person = RiskPerson.objects.select_for_update().get(pk=visit.person_id)
        now = timezone.now()
        visit.done_at, visit.done_by, visit.done_by_label = now, user, label(user)[:200]
        visit.met, visit.findings, visit.level_after = met, findings, level_after
        visit.save()
        if level_after != person.level:
            _history(person, "level", user, _("走访后调整：%(f)s") % {"f": findings[:100]},
                     from_level=person.level, to_level=level_after, now=now)
            person.level = level_after
            person.save()
        schedule_next(person, timezone.localdate())
    return visit


# ---------------------------------------------------------------- outside records and display


def identity_q(name: str, id_number: str, phone: str) -> Q | None:
    """Records of this person: the same ID number, or the same name and phone."""
    q = None
    if id_number:
        q = Q(id_number=id_number.upper())
    if name and phone:
        phone = normalize_phone(phone)
        q = (q | Q(name=name, phone=phone)) if q is not None else Q(name=name, phone=phone)
    return q


def records_for(name: str, id_number: str, phone: str) -> QuerySet[OutsideRecord]:
    q = identity_q(name, id_number, phone)
    return OutsideRecord.objects.filter(q) if q is not None else OutsideRecord.objects.none()


def entries_for_party(party: Party) -> QuerySet[RiskPerson]:
    q = Q(cases=party.case_id, name=party.name)
    other = identity_q(party.name, party.id_number, party.phone)
    if other is not None:
        q |= other
    return RiskPerson.objects.filter(q).distinct() if party.name or party.id_number else RiskPerson.objects.none()


def masked_phone(value: str) -> str:
    return mask_phone(value) if value else ""


def masked_id(value: str) -> str:
    return mask_id_number(value) if value else ""
