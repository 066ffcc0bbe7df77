"""The library's rules: who proposes, edits, reviews and reads typical cases; the draft
pre-filled and anonymised from a closed case; publishing and telling the mediators; the
knowledge base's answers per item.

A typical case is written by its author while a draft, submitted for review, and published
or sent back (with a reason) by a leader or supervisor whose region covers it; a published
case can be withdrawn. Published cases are read by all staff and, on the public pages, by
residents. The region of a typical case is the center that handled its source case: its
mediators, and those of the places under it, are told when it is published."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.accounts.models import Membership, Role
from jiefen.cases.models import Case, PartyRole, Status
from jiefen.cases.scope import can_see
from jiefen.notify.services import announce
from jiefen.regions.models import PATH_STEP
from jiefen.taxonomy.models import Category, Item

from .anonymise import Anonymiser, split_people
from .models import Answer, TypicalCase, TypicalStatus

log = logging.getLogger(__name__)

REVIEWERS = (Role.LEADER, Role.SUPERVISOR)
EDITABLE = ("title", "tags", "background", "dispute", "mediation", "result", "lessons")
REQUIRED = ("title", "background", "mediation", "result")
MAX_REASON = 500


class KnowledgeError(Exception):
    """A refusal the user can act on; `message` is already translated."""

    def __init__(self, message: str, http_status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status


# ---------------------------------------------------------------- who


def is_staff(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_superuser or user.memberships_cached()))


def _review_paths(user) -> list[str]:
    return [m.region.path for m in user.memberships_cached() if m.region_id and m.role in REVIEWERS]


def is_reviewer(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_superuser or _review_paths(user)))


def may_review(user, typical: TypicalCase) -> bool:
    if not is_reviewer(user):
        return False
    return user.is_superuser or any(typical.region_path.startswith(p) for p in _review_paths(user))


def may_edit(user, typical: TypicalCase) -> bool:
    if typical.status == TypicalStatus.DRAFT:
        return typical.author_id == user.pk
    return typical.status == TypicalStatus.REVIEW and may_review(user, typical)


def library_for(user) -> QuerySet[TypicalCase]:
    """What `user` may open: everything published (for staff), plus their own drafts and
    what they review."""
    if not is_staff(user):
        return TypicalCase.objects.none()
    qs = TypicalCase.objects.select_related("item", "category", "region", "author")
    if user.is_superuser:
        return qs
    q = Q(status=TypicalStatus.PUBLISHED) | Q(author=user)
    for path in _review_paths(user):
        q |= Q(region_path__startswith=path)
    return qs.filter(q)


def review_queue(user) -> QuerySet[TypicalCase]:
    if not is_reviewer(user):
        return TypicalCase.objects.none()
    qs = TypicalCase.objects.filter(status=TypicalStatus.REVIEW).select_related("item", "author", "region")
    if user.is_superuser:
        return qs
    q = Q(pk__in=[])
    for path in _review_paths(user):
        q |= Q(region_path__startswith=path)
    return qs.filter(q).exclude(author=user)


def published() -> QuerySet[TypicalCase]:
    return TypicalCase.objects.filter(status=TypicalStatus.PUBLISHED).select_related("item", "category")


def may_propose(user, case: Case) -> bool:
    return bool(is_staff(user) and case.status == Status.CLOSED and can_see(user, case))


def open_write_up(case: Case) -> TypicalCase | None:
    """The typical case already made from `case` (not withdrawn), if any."""
    return case.typical_cases.exclude(status=TypicalStatus.WITHDRAWN).order_by("-id").first()


# ---------------------------------------------------------------- the draft


def anonymiser_for(case: Case) -> Anonymiser:
    """Replaces the names of everyone the case records: parties, mediators and attendees
    of its sessions, and the staff who acted on it."""
    names = [p.name for p in case.parties.all()]
    for m in case.mediations.all():
        names += split_people(m.mediators) + split_people(m.attendees)
    names += [e.actor.full_name for e in case.events.select_related("actor") if e.actor and e.actor.full_name]
    anonymise = Anonymiser(names)
    for p in case.parties.all():
        if p.phone:
            anonymise.replacements[p.phone] = "[电话已隐去]"
        if p.id_number:
            anonymise.replacements[p.id_number] = "[身份证号已隐去]"
    if case.address:
        anonymise.replacements[case.address] = "某处"
    return anonymise


def outcome_of(case: Case) -> tuple[bool, object]:
    """Whether the case was resolved, and the amount agreed (None without an agreement)."""
    resolved = case.events.filter(to_status=Status.RESOLVED).exists() and not case.events.filter(
        to_status=Status.UNRESOLVED, created_at__gt=case.events.filter(to_status=Status.RESOLVED)
        .order_by("-created_at").values("created_at")[:1]).exists()
    amount = (case.mediations.exclude(agreement_amount=None).order_by("-held_at")
              .values_list("agreement_amount", flat=True).first())
    return resolved, amount


def yuan(amount) -> str:
    """86000.00 as 86000, 1200.50 as 1200.50."""
    return f"{amount:.2f}".removesuffix(".00")


def draft_from(case: Case) -> dict:
    """The write-up's fields pre-filled from the case and its mediation sessions, anonymised."""
    anonymise = anonymiser_for(case)
    item = case.item or case.reported_item
    complainant = case.complainant
    who = anonymise(complainant.name) if complainant and complainant.name and not case.anonymous else _("当事人")
    respondents = [anonymise(p.name) for p in case.parties.all() if p.role == PartyRole.RESPONDENT and p.name]
    background = [anonymise(case.description)]
    if case.group_size > 1:
        background.append(_("涉及%(n)s人。") % {"n": case.group_size})
    dispute = _("%(who)s与%(other)s之间的%(item)s。") % {
        "who": who, "other": "、".join(respondents) or _("对方"), "item": item.name if item else _("纠纷")}
    if case.amount:
        dispute += _("诉求金额约%(amount)s元。") % {"amount": yuan(case.amount)}
    sessions = []
    for m in case.mediations.order_by("held_at"):
        line = _("%(date)s，%(method)s（%(place)s）：%(outcome)s。") % {
            "date": timezone.localtime(m.held_at).strftime("%Y-%m-%d"), "method": m.get_method_display(),
            "place": anonymise(m.place), "outcome": m.get_outcome_display()}
        if m.agreement_text:
            line += _("协议：%(text)s") % {"text": anonymise(m.agreement_text)}
        sessions.append(line)
    resolved, amount = outcome_of(case)
    result = anonymise(case.result_summary) or (_("纠纷已化解。") if resolved else _("纠纷未化解。"))
    if amount is not None:
        result += _("（协议金额%(amount)s元）") % {"amount": yuan(amount)}
    title = _("%(item)s调解案例") % {"item": item.name if item else _("矛盾纠纷")}
    return {
        "title": title[:120], "background": "\n".join(background), "dispute": dispute,
        "mediation": "\n".join(sessions), "result": result, "lessons": "", "tags": item.name if item else "",
        "resolved": resolved, "agreement_amount": amount,
    }


def propose(case: Case, author) -> TypicalCase:
    """A draft typical case from a closed case, pre-filled and anonymised."""
    if not can_see(author, case):
        raise KnowledgeError(_("案件不存在，或不在您的辖区内。"), 404)
    if not may_propose(author, case):
        raise KnowledgeError(_("只有已办结的案件才能推荐为典型案例。"), 409)
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        existing = open_write_up(case)
        if existing is not None:
            raise KnowledgeError(_("这件案件已推荐为典型案例（%(title)s），请勿重复推荐。") % {"title": existing.title}, 409)
        item = case.item or case.reported_item
        typical = TypicalCase(
            source_case=case, author=author, item=item,
            category=item.category if item else case.category,
            region=case.origin_center or case.center or case.region, **draft_from(case),
        )
        typical.save()
    return typical


def leftovers(typical: TypicalCase) -> list[str]:
    """Personal data of the source case still in the write-up (what anonymisation missed or
    the author typed back)."""
    case = typical.source_case
    if case is None:
        return []
    text = " ".join(getattr(typical, f) for f in EDITABLE)
    found = []
    for p in case.parties.all():
        for value in (p.name, p.phone, p.id_number):
            if value and len(value) >= 2 and "某" not in value and value in text:
                found.append(value)
    return found


def edit(typical: TypicalCase, user, data: dict) -> TypicalCase:
    if not may_edit(user, typical):
        raise KnowledgeError(_("此案例当前不能由您修改。"), 403)
    for field in EDITABLE:
        if field in data:
            limit = TypicalCase._meta.get_field(field).max_length
            value = (data.get(field) or "").strip()
            if limit and len(value) > limit:
                raise KnowledgeError(_("%(field)s不能超过%(n)s个字。") % {
                    "field": TypicalCase._meta.get_field(field).verbose_name, "n": limit})
            setattr(typical, field, value)
    if not typical.title:
        raise KnowledgeError(_("请填写标题。"))
    typical.save()
    return typical


def _check_complete(typical: TypicalCase) -> None:
    missing = [str(TypicalCase._meta.get_field(f).verbose_name) for f in REQUIRED if not getattr(typical, f).strip()]
    if missing:
        raise KnowledgeError(_("请先填写：%(fields)s。") % {"fields": "、".join(missing)})
    left = leftovers(typical)
    if left:
        raise KnowledgeError(_("正文中仍有当事人的姓名、电话或身份证号（%(found)s），请改为“张某”等称呼后再提交。")
                             % {"found": "、".join(sorted(set(left)))}, 409)


def submit(typical: TypicalCase, user) -> TypicalCase:
    if typical.author_id != user.pk or typical.status != TypicalStatus.DRAFT:
        raise KnowledgeError(_("只有撰写人可以提交草稿审核。"), 403)
    _check_complete(typical)
    typical.status = TypicalStatus.REVIEW
    typical.save(update_fields=["status", "updated_at"])
    return typical


def publish(typical: TypicalCase, user, now=None) -> int:
    """Publish and tell the region's mediators; returns how many were told."""
    if not may_review(user, typical):
        raise KnowledgeError(_("您不能审核这个案例。"), 403)
    if typical.status != TypicalStatus.REVIEW:
        raise KnowledgeError(_("只有待审核的案例可以发布。"), 409)
    if typical.author_id == user.pk and not user.is_superuser:
        raise KnowledgeError(_("不能审核自己撰写的案例。"), 403)
    _check_complete(typical)
    with transaction.atomic():
        typical.status = TypicalStatus.PUBLISHED
        typical.reviewer = user
        typical.review_note = ""
        typical.published_at = now or timezone.now()
        typical.save(update_fields=["status", "reviewer", "review_note", "published_at", "updated_at"])
        told = announce(
            mediators_for(typical),
            _("新发布典型案例：%(title)s") % {"title": typical.title},
            kind="typical_case", url=reverse("knowledge:detail", args=[typical.pk]),
        )
    from .similar import invalidate

    invalidate()
    return told


def send_back(typical: TypicalCase, user, reason: str) -> TypicalCase:
    if not may_review(user, typical):
        raise KnowledgeError(_("您不能审核这个案例。"), 403)
    if typical.status != TypicalStatus.REVIEW:
        raise KnowledgeError(_("只有待审核的案例可以退回。"), 409)
    reason = (reason or "").strip()
    if not reason:
        raise KnowledgeError(_("请写明退回修改的理由。"))
    typical.status = TypicalStatus.DRAFT
    typical.reviewer = user
    typical.review_note = reason[:MAX_REASON]
    typical.save(update_fields=["status", "reviewer", "review_note", "updated_at"])
    return typical


def withdraw(typical: TypicalCase, user, reason: str) -> TypicalCase:
    if not may_review(user, typical):
        raise KnowledgeError(_("您不能撤回这个案例。"), 403)
    if typical.status != TypicalStatus.PUBLISHED:
        raise KnowledgeError(_("只有已发布的案例可以撤回。"), 409)
    reason = (reason or "").strip()
    if not reason:
        raise KnowledgeError(_("请写明撤回的理由。"))
    typical.status = TypicalStatus.WITHDRAWN
    typical.review_note = reason[:MAX_REASON]
    typical.save(update_fields=["status", "review_note", "updated_at"])
    from .similar import invalidate

    invalidate()
    return typical


def mediators_for(typical: TypicalCase) -> list:
    """Mediators whose post covers the typical case's region (held in its subtree or above it)
    and whose categories include the case's: a mediator with a directory profile
    (jiefen.mediators) that lists specialties is told only of cases in those categories; one
    without a profile or without specialties is told of every case in the region."""
    from jiefen.mediators.models import Mediator

    path = typical.region_path
    ancestors = [path[:i] for i in range(PATH_STEP, len(path), PATH_STEP)]
    members = Membership.objects.filter(role=Role.MEDIATOR, user__is_active=True).filter(
        Q(region__path__startswith=path) | Q(region__path__in=ancestors)).select_related("user")
    users = {m.user_id: m.user for m in members}
    specialised = set(Mediator.objects.filter(user_id__in=users, specialties__isnull=False)
                      .values_list("user_id", flat=True))
    elsewhere = specialised - set(Mediator.objects.filter(
        user_id__in=specialised, specialties=typical.category_id).values_list("user_id", flat=True))
    return [u for pk, u in users.items() if pk not in elsewhere]


# ---------------------------------------------------------------- knowledge base


def answers_for(subject: Item | Category | None) -> list[Answer]:
    """Published answers about an item (its own first, then its category's), or a category."""
    if subject is None:
        return []
    qs = Answer.objects.filter(published=True).select_related("item", "category")
    if isinstance(subject, Item):
        own = list(qs.filter(item=subject))
        general = list(qs.filter(item__isnull=True, category_id=subject.category_id))
        return own + general
    return list(qs.filter(Q(category=subject) | Q(item__category=subject)).order_by("item_id", "order", "id"))
