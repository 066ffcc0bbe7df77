"""Group-dispute bursts (群体性): many cases about one subject in one place in a short time.

Each active `BurstRule` names a subject (the same item, respondent or employer, address, or a
similar text), a scope level (e.g. the street) and a window. When a new case brings the
count of matching cases in its scope region within the window (from as many different
complainants: one person filing five times is not a group) to the rule's minimum, a
`GroupWarning` is raised once, listing the cases, with a non-public event on each and an
in-app notification to the leaders and dispatchers of the centers over the place; a later
matching case joins the open warning instead of raising another."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.accounts.models import Membership, Role
from jiefen.cases.models import Case, Party, PartyRole, Status
from jiefen.notify.services import tell
from jiefen.regions.models import Level, Region

from . import similarity
from .models import BurstRule, GroupWarning, Subject, WarningCase, WarningStatus
from .services import policy, write_event

NOTIFIED_ROLES = (Role.LEADER, Role.DISPATCHER)
TEXT_POOL = 500  # the newest cases of the scope compared for a "similar text" rule


def _respondent_keys(case: Case) -> set[str]:
    return {
        k for k in (similarity.name_key(p.name) for p in case.parties.all() if p.role == PartyRole.RESPONDENT) if k
    }


def matching_cases(rule: BurstRule, case: Case, scope: Region, since: dt.datetime) -> tuple[str, str, list[int]]:
    """(subject key, subject label, ids of the cases in scope and window about it), or
    ("", "", []) when the case names no such subject."""
    pool = Case.objects.filter(
        region_path__startswith=scope.path, created_at__gte=since, created_at__lte=case.created_at
    ).exclude(status=Status.DECLINED)
    if rule.subject == Subject.ITEM:
        item = case.item if case.item_id else case.reported_item
        if item is None:
            return "", "", []
        ids = list(pool.filter(Q(item_id=item.pk) | Q(item__isnull=True, reported_item_id=item.pk)).values_list("pk", flat=True))
        return f"item:{item.pk}", _("同一事项：%(name)s") % {"name": item.name}, ids
    if rule.subject == Subject.RESPONDENT:
        keys = _respondent_keys(case)
        if not keys:
            return "", "", []
        key = sorted(keys)[0]
        rows = Party.objects.filter(case__in=pool, role=PartyRole.RESPONDENT).values_list("case_id", "name")
        ids = sorted({cid for cid, name in rows if similarity.name_key(name) == key})
        name = next(p.name for p in case.parties.all()
                    if p.role == PartyRole.RESPONDENT and similarity.name_key(p.name) == key)
        return f"respondent:{key}", _("同一被反映人/用工单位：%(name)s") % {"name": name}, ids
    if rule.subject == Subject.ADDRESS:
        key = similarity.address_key(case.address)
        if not key:
            return "", "", []
        rows = pool.exclude(address="").values_list("pk", "address")
        ids = sorted({pk for pk, address in rows if similarity.address_key(address) == key})
        return f"address:{key}", _("同一地址：%(address)s") % {"address": case.address}, ids
    if rule.subject == Subject.TEXT:
        phrases = policy().phrases
        rows = list(pool.exclude(pk=case.pk).order_by("-created_at").values_list("pk", "description")[:TEXT_POOL])
        scores = similarity.cosines(similarity.clean(case.description, phrases),
                                    [similarity.clean(text, phrases) for _pk, text in rows])
        ids = sorted({pk for (pk, _text), s in zip(rows, scores, strict=True) if s >= rule.text_threshold} | {case.pk})
        return f"text:{ids[0]}", _("相似诉求：%(summary)s") % {"summary": case.summary}, ids
    return "", "", []


def reporters(ids: list[int]) -> int:
    """How many different people the cases come from: one complainant filing several times
    counts once (by phone, else ID number); an anonymous case counts as one person."""
    seen: dict[int, str] = {}
    for case_id, phone, id_number in Party.objects.filter(case_id__in=ids, role=PartyRole.COMPLAINANT).values_list(
            "case_id", "phone", "id_number"):
        if phone or id_number:
            seen.setdefault(case_id, phone or id_number)
    return len(set(seen.values())) + sum(1 for pk in ids if pk not in seen)


def _open_warning(rule: BurstRule, scope: Region, key: str, ids: list[int]) -> GroupWarning | None:
    open_ = GroupWarning.objects.filter(rule=rule, region=scope, status=WarningStatus.OPEN)
    if rule.subject == Subject.TEXT:  # the cluster joins the open warning holding any of its cases
        return open_.filter(links__case_id__in=ids).order_by("opened_at").first()
    return open_.filter(subject_key=key).first()


def check_bursts(case: Case, now: dt.datetime | None = None) -> list[GroupWarning]:
    """Raise or join the group warnings the new case triggers; returns them."""
    now = now or timezone.now()
    rules = list(BurstRule.objects.filter(active=True))
    if not rules:
        return []
    chain = {r.level: r for r in case.region.ancestors()}
    touched = []
    for rule in rules:
        scope = chain.get(rule.scope_level)
        if scope is None:
            continue
        since = case.created_at - dt.timedelta(hours=rule.window_hours)
        key, label, ids = matching_cases(rule, case, scope, since)
        if not key or case.pk not in ids:
            continue
        with transaction.atomic():
            warning = _open_warning(rule, scope, key, ids)
            if warning is not None:
                _join(warning, case, now)
                touched.append(warning)
            elif reporters(ids) >= rule.min_cases:
                try:
                    with transaction.atomic():
                        warning = _raise(rule, scope, key, label, ids, case, now)
                except IntegrityError:  # another worker raised it a moment ago: join it
                    warning = _open_warning(rule, scope, key, ids)
                    if warning is None:
                        raise
                    _join(warning, case, now)
                touched.append(warning)
    return touched


def totals(warning: GroupWarning) -> dict:
    return Case.objects.filter(pk__in=warning.links.values("case_id")).aggregate(
        people=Sum("group_size"), amount=Sum("amount")
    )


def _describe(warning: GroupWarning, count: int) -> str:
    return _("群体性预警：%(place)s %(hours)d小时内 %(count)d 件，%(subject)s。") % {
        "place": warning.region.name, "hours": warning.rule.window_hours, "count": count,
        "subject": warning.subject_label,
    }


def _raise(rule, scope, key, label, ids, case, now) -> GroupWarning:
    warning = GroupWarning.objects.create(
        rule=rule, region=scope, subject_key=key[:200], subject_label=label[:200], opened_at=now, last_case_at=now,
    )
    WarningCase.objects.bulk_create([WarningCase(warning=warning, case_id=pk, added_at=now) for pk in ids])
    reason = _describe(warning, len(ids))
    trigger = None
    for member in Case.objects.filter(pk__in=ids):
        event = write_event(member, "group_warning", reason, {
            "warning_id": warning.pk, "rule": rule.name, "raised": True}, when=now)
        if member.pk == case.pk:
            trigger = event
    tell(trigger, recipients(warning.region), reason)
    return warning


def _join(warning: GroupWarning, case: Case, now: dt.datetime) -> None:
    _link, created = WarningCase.objects.get_or_create(warning=warning, case=case, defaults={"added_at": now})
    if not created:
        return
    GroupWarning.objects.filter(pk=warning.pk).update(last_case_at=now)
    count = warning.links.count()
    write_event(case, "group_warning", _("并入%(what)s") % {"what": _describe(warning, count)}, {
        "warning_id": warning.pk, "rule": warning.rule.name, "raised": False}, when=now)


def recipients(region: Region) -> list:
    """The leaders and dispatchers of the centers over the place, up to the county."""
    centers = [r.pk for r in region.ancestors() if r.level >= Level.COUNTY and r.has_center]
    members = Membership.objects.filter(role__in=NOTIFIED_ROLES, region_id__in=centers, user__is_active=True)
    return sorted({m.user for m in members.select_related("user")}, key=lambda u: u.pk)


def close_warning(warning: GroupWarning, user, note: str) -> GroupWarning:
    from .services import IncidentError

    note = (note or "").strip()
    if not note:
        raise IncidentError(_("请填写解除预警的说明，例如“已组建专班，工资已发放”。"))
    if len(note) > 500:
        raise IncidentError(_("说明不能超过500个字（现有%(n)d个字）。") % {"n": len(note)})
    if not may_close(user, warning):
        raise IncidentError(_("只有本级或上级中心的负责人、调度员可以解除群体性预警。"), 403)
    with transaction.atomic():
        w = GroupWarning.objects.select_for_update().get(pk=warning.pk)
        if w.status != WarningStatus.OPEN:
            raise IncidentError(_("该预警已解除。"), 409)
        w.status, w.closed_at, w.closed_by, w.close_note = WarningStatus.CLOSED, timezone.now(), user, note
        w.save()
    return w


def may_close(user, warning: GroupWarning) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return any(
        m.role in NOTIFIED_ROLES and m.region_id and warning.region.path.startswith(m.region.path)
        for m in user.memberships_cached()
    )


def warnings_for(user):
    """Group warnings with at least one case in the user's jurisdiction."""
    from jiefen.cases.scope import visible_cases

    return GroupWarning.objects.filter(
        pk__in=WarningCase.objects.filter(case__in=visible_cases(user)).values("warning_id")
    )
