"""Finding repeats (重复件) and same-incident cases, and the clerk's decision on them.

When a case comes in (`case_received`, after its intake committed), the open cases registered
within the policy's window in the same or a neighbouring place (one indexed prefix query on
the region path, newest first, at most `max_candidates`) are compared with it: character
n-gram TF-IDF cosine of the descriptions without set phrases, plus boosts for the same item,
respondent, address and complainant. A match at or over the threshold is stored as a
suggestion: a REPEAT when the complainant is the same person (same phone or ID number), a
SAME-INCIDENT link otherwise, and a non-public event is written on the new case.

The clerk confirms or rejects; the decision is written on both timelines. A confirmed repeat
is recorded on the earlier case and the new one, if still waiting, is declined through the
transition function; a confirmed same-incident link puts both cases in one group."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiefen.accounts.models import Role
from jiefen.cases.models import TERMINAL_STATUSES, Case, Event, PartyRole, Status
from jiefen.cases.scope import can_see
from jiefen.cases.services import note
from jiefen.regions.models import PATH_STEP

from . import similarity
from .models import Decision, DuplicatePolicy, GroupMember, IncidentGroup, Kind, Suggestion

log = logging.getLogger(__name__)

DESK = {Role.CLERK, Role.DISPATCHER, Role.LEADER}

# Timeline labels of the events this app writes (added to the cases app's EVENT_LABELS).
EVENT_LABELS = {
    "incident_suggested": gettext_lazy("疑似重复件/同一事件"),
    "incident_confirmed": gettext_lazy("确认重复件/同一事件"),
    "incident_rejected": gettext_lazy("排除疑似重复"),
    "incident_repeat": gettext_lazy("诉求人再次反映"),
    "group_warning": gettext_lazy("群体性预警"),
}

SIGNAL_LABELS = {
    "same_complainant": gettext_lazy("同一诉求人"),
    "same_item": gettext_lazy("同一事项"),
    "same_respondent": gettext_lazy("同一被反映人"),
    "same_address": gettext_lazy("同一地址"),
}


class IncidentError(Exception):
    """A refusal the user can act on; `message` is already translated."""

    def __init__(self, message: str, http_status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status


def policy() -> DuplicatePolicy:
    """The active policy row, or the field defaults when an administrator has none."""
    from .defaults import IGNORE_PHRASES

    return DuplicatePolicy.objects.filter(active=True).first() or DuplicatePolicy(
        name="default", ignore_phrases=IGNORE_PHRASES
    )


# ---------------------------------------------------------------- what a case offers for comparison


@dataclass
class Profile:
    """What duplicate detection compares of one case (parties prefetched)."""

    case: Case
    text: str
    item_id: int | None
    respondents: set[str] = field(default_factory=set)
    address: str = ""
    phones: set[str] = field(default_factory=set)
    id_numbers: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, case: Case, phrases: list[str]) -> Profile:
        p = cls(case, similarity.clean(case.description, phrases), case.item_id or case.reported_item_id)
        p.address = similarity.address_key(case.address)
        for party in case.parties.all():
            if party.role == PartyRole.RESPONDENT:
                key = similarity.name_key(party.name)
                if key:
                    p.respondents.add(key)
            elif party.role == PartyRole.COMPLAINANT and not case.anonymous:
                if party.phone:
                    p.phones.add(party.phone.strip())
                if party.id_number:
                    p.id_numbers.add(party.id_number.strip().upper())
        return p

    def same_complainant(self, other: Profile) -> bool:
        return bool(self.phones & other.phones or self.id_numbers & other.id_numbers)


@dataclass
class Match:
    other: Case
    kind: str
    text_score: float
    score: float
    signals: list[str]
    shared_words: list[str]


def neighbourhood(case: Case, levels_up: int) -> str:
    """The region-path prefix of the places compared: the case's region's parent (its
    siblings) for levels_up=1; never wider than the top two levels (a county)."""
    path = case.region_path
    cut = max(len(path) - PATH_STEP * max(levels_up, 0), min(len(path), PATH_STEP * 2))
    return path[:cut]


def candidates(case: Case, pol: DuplicatePolicy) -> list[Case]:
    """Open cases registered before `case` within the window in its neighbourhood: one
    query on the indexed region path and creation time, newest first."""
    since = case.created_at - dt.timedelta(days=pol.window_days)
    qs = (
        Case.objects.filter(region_path__startswith=neighbourhood(case, pol.levels_up), created_at__gte=since)
        .filter(Q(created_at__lt=case.created_at) | Q(created_at=case.created_at, pk__lt=case.pk))
        .exclude(status__in=TERMINAL_STATUSES)
        .only("id", "tracking_code", "description", "address", "item_id", "reported_item_id",
              "anonymous", "created_at", "status", "region_id", "region_path")
        .prefetch_related("parties")
        .order_by("-created_at", "-id")
    )
    return list(qs[: pol.max_candidates])


def find_matches(case: Case, pol: DuplicatePolicy | None = None, pool: list[Case] | None = None) -> list[Match]:
    """The earlier cases `case` looks like a repeat of or the same incident as, best first
    (at most `max_suggestions`; one per confirmed group). Writes nothing."""
    pol = pol or policy()
    pool = candidates(case, pol) if pool is None else pool
    if not pool:
        return []
    phrases = pol.phrases
    me = Profile.of(case, phrases)
    others = [Profile.of(c, phrases) for c in pool]
    texts = similarity.cosines(me.text, [o.text for o in others])
    scored = []
    for other, text_score in zip(others, texts, strict=True):
        if text_score < pol.min_text:
            continue
        signals = []
        boost = 0.0
        if me.same_complainant(other):
            signals.append("same_complainant")
            boost += pol.complainant_boost
        if me.item_id and me.item_id == other.item_id:
            signals.append("same_item")
            boost += pol.item_boost
        if me.respondents & other.respondents:
            signals.append("same_respondent")
            boost += pol.respondent_boost
        if me.address and me.address == other.address:
            signals.append("same_address")
            boost += pol.address_boost
        score = min(1.0, text_score + boost)
        if score >= pol.threshold:
            scored.append((score, text_score, other, signals))
    scored.sort(key=lambda row: (-row[0], -row[2].case.pk))
    groups = dict(GroupMember.objects.filter(case_id__in=[row[2].case.pk for row in scored]).values_list("case_id", "group_id"))
    matches: list[Match] = []
    seen_groups: set[int] = set()
    for score, text_score, other, signals in scored:
        group = groups.get(other.case.pk)
        if group is not None:
            if group in seen_groups:
                continue
            seen_groups.add(group)
        kind = Kind.REPEAT if "same_complainant" in signals else Kind.SAME_INCIDENT
        words = similarity.shared_passages(me.text, other.text)
        names = sorted(me.respondents & other.respondents)
        matches.append(Match(other.case, kind, round(text_score, 3), round(score, 3), signals,
                             [*names, *[w for w in words if w not in names]][:6]))
        if len(matches) >= pol.max_suggestions:
            break
    return matches


# ---------------------------------------------------------------- on a new case


def write_event(case: Case, action: str, reason: str, data: dict, *, actor=None, label: str = "",
                when: dt.datetime | None = None) -> Event:
    return note(case, action, actor, reason=reason, data=data, label=label or _("系统"), when=when)


def suggestion_text(kind: str, other: Case, score: float) -> str:
    if kind == Kind.REPEAT:
        return _("发现疑似重复件：同一诉求人此前反映过相似问题（案件 %(code)s，相似度 %(score).2f），请核实是否并入。") % {
            "code": other.display_code, "score": score}
    return _("疑似同一事件：与案件 %(code)s 内容相近（相似度 %(score).2f），可能是不同群众反映同一件事。") % {
        "code": other.display_code, "score": score}


def detect(case: Case) -> list[Suggestion]:
    """Store the suggestions for a newly received case and note them on its timeline."""
    matches = find_matches(case)
    if not matches:
        return []
    now = timezone.now()
    made = []
    with transaction.atomic():
        for m in matches:
            s, created = Suggestion.objects.get_or_create(case=case, other=m.other, defaults={
                "kind": m.kind, "score": m.score, "text_score": m.text_score, "shared_words": m.shared_words,
                "signals": m.signals, "created_at": now,
            })
            if not created:
                continue
            write_event(case, "incident_suggested", suggestion_text(m.kind, m.other, m.score), {
                "suggestion_id": s.pk, "kind": m.kind, "other": m.other.tracking_code, "score": m.score,
            }, when=now)
            made.append(s)
    return made


def on_case_received(sender, case: Case, **kwargs) -> None:
    from .bursts import check_bursts

    case = Case.objects.select_related("region").prefetch_related("parties").get(pk=case.pk)
    detect(case)
    check_bursts(case)


# ---------------------------------------------------------------- the clerk's decision


def may_decide(user, case: Case) -> bool:
    """Staff at a center desk (clerk, dispatcher, leader) whose region covers the case."""
    if not getattr(user, "is_authenticated", False) or not can_see(user, case):
        return False
    if user.is_superuser:
        return True
    return any(
        m.role in DESK and m.region_id and case.region_path.startswith(m.region.path)
        for m in user.memberships_cached()
    )


def _locked(suggestion: Suggestion, user) -> Suggestion:
    s = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    s.case = Case.objects.select_related("region", "center").get(pk=s.case_id)
    s.other = Case.objects.select_related("region", "center").get(pk=s.other_id)
    if not may_decide(user, s.case):
        raise IncidentError(_("您无权处理该案件的疑似重复提示。"), 403)
    if s.status != Decision.SUGGESTED:
        raise IncidentError(
            _("该提示已由%(who)s处理（%(status)s），无需重复操作。") % {
                "who": s.decided_by or _("他人"), "status": s.get_status_display()}, 409)
    return s


def _note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > 500:
        raise IncidentError(_("说明不能超过500个字（现有%(n)d个字）。") % {"n": len(note)})
    return note


def confirm(suggestion: Suggestion, user, note: str = "") -> Suggestion:
    """Confirm a suggestion: all or nothing (a refused decline leaves it undecided)."""
    from jiefen.cases.services import actor_label, perform

    note = _note(note)
    with transaction.atomic():
        s = _locked(suggestion, user)
        now = timezone.now()
        s.status, s.decided_by, s.decided_at, s.note = Decision.CONFIRMED, user, now, note
        s.save()
        new, old = s.case, s.other
        label = actor_label(user, new)
        data = {"suggestion_id": s.pk, "kind": s.kind}
        if s.kind == Kind.REPEAT:
            write_event(old, "incident_repeat", _(
                "诉求人再次反映同一问题（重复件 %(code)s），已并入本案。") % {"code": new.display_code} + _suffix(note),
                data | {"other": new.tracking_code}, actor=user, label=actor_label(user, old), when=now)
            write_event(new, "incident_confirmed", _("确认为案件 %(code)s 的重复件。") % {
                "code": old.display_code} + _suffix(note), data | {"other": old.tracking_code},
                actor=user, label=label, when=now)
            if new.status == Status.SUBMITTED:
                perform(new, "decline", user, reason=_("重复件，已并入 %(code)s") % {"code": old.display_code},
                        data={"redirect": _("请使用原查询码查询办理进度")})
        else:
            group = join_group(new, old, now)
            lead = group.lead
            for case, other in ((new, old), (old, new)):
                write_event(case, "incident_confirmed", _(
                    "确认与案件 %(code)s 为同一事件，并入同一事件组（牵头案件 %(lead)s）。") % {
                    "code": other.display_code, "lead": lead.display_code} + _suffix(note),
                    data | {"other": other.tracking_code, "group_id": group.pk, "lead": lead.tracking_code},
                    actor=user, label=actor_label(user, case), when=now)
    return s


def reject(suggestion: Suggestion, user, note: str = "") -> Suggestion:
    from jiefen.cases.services import actor_label

    note = _note(note)
    with transaction.atomic():
        s = _locked(suggestion, user)
        now = timezone.now()
        s.status, s.decided_by, s.decided_at, s.note = Decision.REJECTED, user, now, note
        s.save()
        what = s.get_kind_display()
        for case, other in ((s.case, s.other), (s.other, s.case)):
            write_event(case, "incident_rejected", _("经核实，与案件 %(code)s 不是%(what)s。") % {
                "code": other.display_code, "what": what} + _suffix(note),
                {"suggestion_id": s.pk, "kind": s.kind, "other": other.tracking_code},
                actor=user, label=actor_label(user, case), when=now)
    return s


def _suffix(note: str) -> str:
    return f"{_('说明：')}{note}" if note else ""


def join_group(a: Case, b: Case, now: dt.datetime) -> IncidentGroup:
    """Put two cases in one group (merging their groups); the lead is the earliest open case."""
    members = {m.case_id: m for m in GroupMember.objects.select_for_update().filter(case_id__in=[a.pk, b.pk])}
    ga, gb = members.get(a.pk), members.get(b.pk)
    if ga and gb:
        group = ga.group
        if ga.group_id != gb.group_id:
            old = gb.group
            GroupMember.objects.filter(group=old).update(group=group)
            old.delete()
    elif ga or gb:
        group = (ga or gb).group
        GroupMember.objects.create(group=group, case=b if ga else a, added_at=now)
    else:
        earlier = min((a, b), key=lambda c: (c.created_at, c.pk))
        group = IncidentGroup.objects.create(lead=earlier, created_at=now)
        GroupMember.objects.bulk_create([GroupMember(group=group, case=c, added_at=now) for c in (a, b)])
    cases = list(Case.objects.filter(incident_membership__group=group).order_by("created_at", "pk"))
    lead = next((c for c in cases if c.is_open), cases[0])
    if group.lead_id != lead.pk:
        group.lead = lead
        group.save(update_fields=["lead"])
    return group
