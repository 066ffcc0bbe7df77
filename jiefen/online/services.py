"""The rules of online mediation: who may open a room and act in it, invitations and one-time
codes (expiring, single-use, rate-limited), the messages each participant may see (背对背:
a private message is filtered out on the server), agreements drafted, signed by code and
hashed onto the audit chain, judicial confirmation and the performance of the terms.
Views only parse input and call these functions. See docs/online-mediation.md."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiefen.accounts.ratelimit import hit
from jiefen.cases.models import Case, Event, MediationMethod, MediationOutcome, Party
from jiefen.cases.scope import can_see
from jiefen.cases.services import ActionError, note, perform
from jiefen.cases.workflow import ACTIONS, actor_may, is_available
from jiefen.lib.codes import new_tracking_code
from jiefen.lib.personal import mask_phone
from jiefen.notify.sms import SmsError, get_backend

from .models import (
    Agreement,
    AgreementTemplate,
    JudicialApplication,
    Message,
    OneTimeCode,
    Participant,
    Room,
    SeenMark,
    SessionSlot,
    Signature,
    Term,
)

log = logging.getLogger(__name__)

EVENT_LABELS = {
    "online_room": gettext_lazy("开设线上调解室"),
    "online_agreement_signed": gettext_lazy("调解协议签署完成"),
    "online_agreement_superseded": gettext_lazy("调解协议已修改（新版本）"),
    "online_judicial": gettext_lazy("申请司法确认"),
    "online_judicial_answer": gettext_lazy("司法确认结果"),
    "online_performance": gettext_lazy("协议履行确认"),
    "online_overdue": gettext_lazy("协议逾期未履行"),
    "online_room_closed": gettext_lazy("关闭线上调解室"),
}

INVITE_HOURS = 24
CODE_MINUTES = 10
MAX_FAILURES = 5  # wrong answers to one invitation or one code before it is locked
MAX_TEXT = 2000
MAX_TERMS = 10
FILE_TYPES = {"jpg", "jpeg", "png", "gif", "webp", "pdf", "doc", "docx", "xls", "xlsx", "txt", "mp3", "m4a"}


def limits() -> dict:
    """Rate limits (requests, seconds): codes sent per participant, attempts per address."""
    return {"sms": (3, 600), "attempt": (20, 600)} | getattr(settings, "JIEFEN_ONLINE_LIMITS", {})


class OnlineError(Exception):
    def __init__(self, message: str, http_status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status


# ---------------------------------------------------------------- who may do what


def may_mediate(user, case: Case) -> bool:
    """The staff who may record a mediation on the case (its holder's mediators and desk)."""
    return getattr(user, "is_authenticated", False) and actor_may(user, case, ACTIONS["record_mediation"])


def may_open(user, case: Case) -> bool:
    return getattr(user, "is_authenticated", False) and is_available(user, case, ACTIONS["record_mediation"])


@dataclass
class Viewer:
    """Who is looking at a room: a party or a mediator (a participant), or staff reading it."""

    participant: Participant | None
    user: object = None

    @property
    def is_party(self) -> bool:
        return self.participant is not None and self.participant.party_id is not None

    @property
    def is_staff(self) -> bool:
        return not self.is_party

    @property
    def may_post(self) -> bool:
        return self.participant is not None


def staff_viewer(room: Room, user) -> Viewer | None:
    """A staff member who may see the case reads the room; one who may mediate also writes."""
    if not getattr(user, "is_authenticated", False) or not can_see(user, room.case):
        return None
    if may_mediate(user, room.case):
        participant, _created = Participant.objects.get_or_create(
            room=room, user=user, party=None, defaults={"label": _mediator_label(user)}
        )
        return Viewer(participant, user)
    return Viewer(None, user)


def _mediator_label(user) -> str:
    return _("调解员 %(name)s") % {"name": user}


# ---------------------------------------------------------------- rooms and invitations


def _event(case: Case, action: str, actor, data: dict, reason: str = "", now=None, label: str = "") -> Event:
    """A non-public event on the case's record (sealed into the audit chain with its data)."""
    return note(case, action, actor, reason=reason, data=data, label=label, when=now)


def open_room(case: Case, user) -> Room:
    if not may_open(user, case):
        raise OnlineError(_("只有承办该案件的调解员可在案件签收后、办结前开设线上调解室。"), 403)
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        room = Room.objects.filter(case=case, closed_at__isnull=True).first()
        if room is not None:
            return room
        room = Room.objects.create(case=case, mediator=user)
        Participant.objects.create(room=room, user=user, label=_mediator_label(user))
        for party in case.parties.all():
            Participant.objects.create(room=room, party=party, label=party_label(party))
        _notice(room, _("调解室已开设。请各方文明沟通，调解员会在这里与各方交流、安排调解并起草协议。"))
        _event(case, "online_room", user, {"room_id": room.pk})
    return room


def close_room(room: Room, viewer: Viewer, reason: str = "", now=None) -> Room:
    """The mediator closes the room when the online mediation is over: nobody can write in it
    any more, every word stays on the record, a new room can be opened later."""
    if not viewer.is_staff or not viewer.may_post:
        raise OnlineError(_("只有调解员可以关闭调解室。"), 403)
    now = now or timezone.now()
    with transaction.atomic():
        if Room.objects.filter(pk=room.pk, closed_at__isnull=True).update(closed_at=now) == 0:
            raise OnlineError(_("调解室已经关闭。"), 409)
        room.closed_at = now
        reason = (reason or "").strip()[:300]
        _notice(room, _("调解员已关闭调解室。") + (f"（{reason}）" if reason else ""))
        _event(room.case, "online_room_closed", viewer.user, {"room_id": room.pk}, reason=reason, now=now)
    return room


MESSAGE_NOTICE = "online_message"


def _tell_mediator(room: Room, message: Message) -> None:
    """A party wrote while the mediator is away: one unread notice per room at a time."""
    from jiefen.notify.models import Notification
    from jiefen.notify.services import announce

    url = reverse("online:room", args=[room.pk])
    if Notification.objects.filter(user_id=room.mediator_id, kind=MESSAGE_NOTICE, url=url,
                                   read_at__isnull=True).exists():
        return
    text = _("线上调解室（案件 %(code)s）有新消息：%(who)s") % {"code": room.case.display_code, "who": message.sender_label}
    announce([room.mediator], text, kind=MESSAGE_NOTICE, url=url, case=room.case)


def party_label(party: Party) -> str:
    return f"{party.get_role_display()} {party.name or _('（未留姓名）')}"


def invite_link(participant: Participant) -> str:
    return settings.JIEFEN_PUBLIC_URL + reverse("online:join", args=[participant.token])


def _sms(phone: str, text: str) -> None:
    try:
        get_backend().send(phone, text)
    except SmsError as exc:
        raise OnlineError(_("短信发送失败：%(why)s。请稍后再试。") % {"why": exc}, 503) from exc


def invite(participant: Participant, user, *, now=None) -> str:
    """A new one-time link for this party (the earlier link and cookie stop working), sent by
    SMS to the party's phone; returns the link (for the QR code)."""
    now = now or timezone.now()
    room = participant.room
    if participant.party_id is None:
        raise OnlineError(_("只能邀请案件当事人。"))
    if not may_mediate(user, room.case):
        raise OnlineError(_("只有承办该案件的调解员可以邀请当事人。"), 403)
    if not room.is_open:
        raise OnlineError(_("调解室已关闭。"), 409)
    phone = participant.party.phone
    if not phone:
        raise OnlineError(_("该当事人没有留手机号，无法通过短信邀请和验证。请电话联系或线下调解。"), 409)
    if hit(f"online:sms:{participant.pk}", *limits()["sms"]):
        raise OnlineError(_("短信发送过于频繁，请 10 分钟后再试。"), 429)
    with transaction.atomic():
        participant.token = secrets.token_urlsafe(24)
        participant.token_expires_at = now + dt.timedelta(hours=INVITE_HOURS)
        participant.token_used_at = None
        participant.failed_attempts = 0
        participant.session_key = secrets.token_hex(8)
        participant.save()
        link = invite_link(participant)
        _sms(phone, _("【解纷】%(mediator)s邀请您参加案件 %(code)s 的线上调解，请在 %(hours)d 小时内打开链接（仅可使用一次）：%(link)s")
             % {"mediator": room.mediator, "code": room.case.display_code, "hours": INVITE_HOURS, "link": link})
    return link


def invitation(token: str, *, now=None) -> Participant:
    """The party an invitation link is for, if it still works; else a refusal (410/403/404)."""
    now = now or timezone.now()
    participant = Participant.objects.select_related("room__case", "party").filter(token=token).first() if token else None
    if participant is None:
        raise OnlineError(_("邀请链接无效。请使用调解员短信发送的最新链接，或联系调解员重新邀请。"), 404)
    if participant.token_used_at is not None:
        raise OnlineError(_("该邀请链接已经使用过，不能再次使用。如需重新进入调解室，请联系调解员重新发送邀请。"), 410)
    if participant.token_expires_at is None or participant.token_expires_at <= now:
        raise OnlineError(_("该邀请链接已过期（有效期 %(hours)d 小时）。请联系调解员重新发送邀请。") % {"hours": INVITE_HOURS}, 410)
    if participant.failed_attempts >= MAX_FAILURES:
        raise OnlineError(_("验证失败次数过多，该邀请链接已锁定。请联系调解员重新发送邀请。"), 403)
    if not participant.room.is_open:
        raise OnlineError(_("调解室已关闭。"), 410)
    return participant


def _hash_code(participant_id: int, code: str) -> str:
    return salted_hmac("jiefen.online.code", f"{participant_id}:{code}").hexdigest()


def _new_code(participant: Participant, purpose: str, agreement: Agreement | None, now) -> str:
    if hit(f"online:sms:{participant.pk}", *limits()["sms"]):
        raise OnlineError(_("验证码发送过于频繁，请 10 分钟后再试。"), 429)
    code = f"{secrets.randbelow(10**6):06d}"
    OneTimeCode.objects.filter(participant=participant, purpose=purpose, used_at__isnull=True).update(used_at=now)
    OneTimeCode.objects.create(participant=participant, purpose=purpose, agreement=agreement,
                               code_hash=_hash_code(participant.pk, code),
                               expires_at=now + dt.timedelta(minutes=CODE_MINUTES))
    return code


def send_join_code(token: str, *, now=None) -> None:
    now = now or timezone.now()
    participant = invitation(token, now=now)
    with transaction.atomic():
        code = _new_code(participant, OneTimeCode.Purpose.JOIN, None, now)
        _sms(participant.party.phone, _("【解纷】您进入线上调解室的验证码是 %(code)s，%(minutes)d 分钟内有效。请勿告诉他人。")
             % {"code": code, "minutes": CODE_MINUTES})


def _attempt_allowed(address: str) -> None:
    if hit(f"online:attempt:{address}", *limits()["attempt"]):
        raise OnlineError(_("尝试次数过多，请 10 分钟后再试。"), 429)


def _check_code(participant: Participant, purpose: str, code: str, now, agreement=None) -> str | None:
    """None if `code` is the participant's live code (now used up), else why not."""
    codes = OneTimeCode.objects.select_for_update().filter(participant=participant, purpose=purpose)
    if agreement is not None:
        codes = codes.filter(agreement=agreement)
    latest = codes.order_by("-id").first()
    if latest is None:
        return _("请先获取短信验证码。")
    if latest.used_at is not None:
        return _("该验证码已经使用过或已作废，请重新获取。")
    if latest.expires_at <= now:
        return _("验证码已过期（有效期 %(minutes)d 分钟），请重新获取。") % {"minutes": CODE_MINUTES}
    if latest.failed_attempts >= MAX_FAILURES:
        return _("验证码错误次数过多，已作废，请重新获取。")
    if not constant_time_compare(latest.code_hash, _hash_code(participant.pk, code.strip())):
        latest.failed_attempts += 1
        latest.save(update_fields=["failed_attempts"])
        return _("验证码不正确，请核对短信后重新输入。")
    latest.used_at = now
    latest.save(update_fields=["used_at"])
    return None


def join(token: str, *, last4: str = "", code: str = "", address: str = "", now=None) -> Participant:
    """Verify the party by the last four digits of their phone or by the SMS code; the
    invitation is then used up. A wrong answer counts against the invitation."""
    now = now or timezone.now()
    _attempt_allowed(address)
    invitation(token, now=now)
    last4, code = (last4 or "").strip(), (code or "").strip()
    if not last4 and not code:
        raise OnlineError(_("请输入手机号后 4 位，或获取并输入短信验证码。"))
    with transaction.atomic():
        participant = Participant.objects.select_for_update(of=("self",)).select_related("party", "room__case").get(token=token)
        invitation(token, now=now)  # again, under the lock: two tabs cannot both use it
        if code:
            error = _check_code(participant, OneTimeCode.Purpose.JOIN, code, now)
        else:
            ok = len(last4) == 4 and constant_time_compare(last4, participant.party.phone[-4:])
            error = None if ok else _("手机号后 4 位不正确。")
        if error:
            participant.failed_attempts += 1
            participant.save(update_fields=["failed_attempts"])
        else:
            participant.token_used_at = now
            participant.joined_at = participant.joined_at or now
            participant.save(update_fields=["token_used_at", "joined_at"])
    if error:
        left = MAX_FAILURES - participant.failed_attempts
        if left <= 0:
            raise OnlineError(_("验证失败次数过多，该邀请链接已锁定。请联系调解员重新发送邀请。"), 403)
        raise OnlineError(error + _("（还可尝试 %(n)d 次）") % {"n": left})
    return participant


COOKIE_SALT = "jiefen.online.room"
COOKIE_DAYS = 7


def cookie_name(room_id: int) -> str:
    return f"online_room_{room_id}"


def cookie_value(participant: Participant) -> str:
    return f"{participant.pk}:{participant.session_key}"


def party_from_cookie(request, room_id: int, *, light: bool = False) -> Participant | None:
    """The party whose verified invitation's cookie this request carries for this room;
    `light`: only what a poll needs (the poll is the request every open page repeats)."""
    value = request.get_signed_cookie(cookie_name(room_id), default=None, salt=COOKIE_SALT,
                                      max_age=COOKIE_DAYS * 86400)
    if not value or ":" not in value:
        return None
    pk, key = value.split(":", 1)
    if not pk.isdigit():
        return None
    people = Participant.objects.filter(pk=int(pk), room_id=room_id, party__isnull=False)
    if light:
        people = people.only("id", "room_id", "party_id", "session_key", "seen_upto")
    else:
        people = people.select_related("room", "party")
    participant = people.first()
    if participant is None or not participant.session_key or not constant_time_compare(participant.session_key, key):
        return None
    return participant


# ---------------------------------------------------------------- messages


def _notice(room: Room, text: str, kind: str = Message.Kind.NOTICE) -> Message:
    return Message.objects.create(room=room, sender_label=_("系统"), kind=kind, text=text)


def visible_messages(room: Room | int, viewer: Viewer) -> QuerySet[Message]:
    """The messages this viewer may see: a party sees what went to everyone and their own
    private exchange with the mediator, never another party's."""
    qs = Message.objects.filter(room_id=getattr(room, "pk", room))
    if viewer.is_party:
        qs = qs.filter(Q(private_with__isnull=True) | Q(private_with=viewer.participant))
    return qs


def post_message(room: Room, viewer: Viewer, *, text: str = "", upload=None, private_with: str = "") -> Message:
    if not viewer.may_post:
        raise OnlineError(_("您只能查看该调解室，不能发言。"), 403)
    if not room.is_open:
        raise OnlineError(_("调解室已关闭，不能再发送消息。"), 409)
    text = (text or "").strip()
    if not text and upload is None:
        raise OnlineError(_("请输入消息内容或选择文件。"))
    if len(text) > MAX_TEXT:
        raise OnlineError(_("消息不能超过 %(n)d 个字。") % {"n": MAX_TEXT})
    target = None
    if private_with:
        if viewer.is_party:
            target = viewer.participant  # a party's private word goes to the mediator only
        else:
            target = Participant.objects.filter(room=room, party__isnull=False, pk=str(private_with)).first() \
                if str(private_with).isdigit() else None
            if target is None:
                raise OnlineError(_("请选择单独沟通的当事人。"))
    kind, name = Message.Kind.TEXT, ""
    if upload is not None:
        name = (upload.name or "file")[-200:]
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if ext not in FILE_TYPES:
            raise OnlineError(_("不支持该文件类型。可发送图片、PDF、Word、Excel、文本或录音文件。"))
        if upload.size > settings.JIEFEN_MAX_UPLOAD_BYTES:
            raise OnlineError(_("文件太大（上限 %(mb)d MB）。") % {"mb": settings.JIEFEN_MAX_UPLOAD_BYTES // 1048576})
        kind = Message.Kind.FILE
    message = Message(room=room, sender=viewer.participant, sender_label=viewer.participant.label,
                      private_with=target, kind=kind, text=text, file_name=name)
    if upload is not None:
        message.file.save(f"{secrets.token_hex(8)}.{ext}", upload, save=False)
    message.save()
    mark_seen(viewer.participant, message.pk)
    if viewer.is_party:
        _tell_mediator(room, message)
    return message


def mark_seen(participant: Participant | None, upto: int, now=None) -> None:
    """Record that the participant has now seen everything shown to them up to `upto` (one
    row each time the mark moves, so the record says who saw which message when)."""
    if participant is None or upto <= participant.seen_upto:
        return
    now = now or timezone.now()
    Participant.objects.filter(pk=participant.pk, seen_upto__lt=upto).update(seen_upto=upto, seen_at=now)
    SeenMark.objects.create(participant=participant, upto=upto, at=now)
    participant.seen_upto, participant.seen_at = upto, now


def poll(room: Room | int, viewer: Viewer, after: int, limit: int = 100) -> list[Message]:
    qs = visible_messages(room, viewer).filter(id__gt=after).order_by("id")
    if viewer.is_staff:
        qs = qs.select_related("private_with")  # staff see with whom a private word was
    messages = list(qs[:limit])
    if messages:
        mark_seen(viewer.participant, messages[-1].pk)
    return messages


def message_json(m: Message, viewer: Viewer) -> dict:
    mine = viewer.participant is not None and m.sender_id == viewer.participant.pk
    data = {
        "id": m.pk, "kind": m.kind, "sender": m.sender_label, "mine": mine, "text": m.text,
        "at": timezone.localtime(m.created_at).strftime("%m-%d %H:%M"),
        "private": m.private_with_id is not None,
    }
    if m.private_with_id is not None:
        data["private_label"] = (_("仅您与调解员可见") if viewer.is_party
                                 else _("与%(who)s单独沟通") % {"who": m.private_with.label})
    if m.file:
        data["file"] = {"name": m.file_name, "url": reverse("online:file", args=[m.room_id, m.pk])}
    return data


def seen_by(room: Room, messages: list[Message]) -> dict[int, list[tuple[str, dt.datetime]]]:
    """For each message, who of those it was shown to saw it and when (the staff record)."""
    people = list(room.participants.all())
    marks: dict[int, list[SeenMark]] = {}
    for mark in SeenMark.objects.filter(participant__room=room).order_by("id"):
        marks.setdefault(mark.participant_id, []).append(mark)
    out: dict[int, list] = {}
    for m in messages:
        rows = []
        for p in people:
            if p.pk == m.sender_id:
                continue
            if m.private_with_id and p.party_id and p.pk != m.private_with_id:
                continue
            first = next((mk.at for mk in marks.get(p.pk, []) if mk.upto >= m.pk), None)
            if first is not None:
                rows.append((p.label, first))
        out[m.pk] = rows
    return out


def schedule_session(room: Room, viewer: Viewer, *, starts_at: str, note: str = "") -> SessionSlot:
    if viewer.is_party or not viewer.may_post:
        raise OnlineError(_("只有调解员可以安排调解。"), 403)
    when = parse_datetime((starts_at or "").replace(" ", "T")) if starts_at else None
    if when is None:
        raise OnlineError(_("请填写调解时间（年-月-日 时:分）。"))
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if when < timezone.now():
        raise OnlineError(_("调解时间不能早于现在。"))
    note = (note or "").strip()[:300]
    with transaction.atomic():
        slot = SessionSlot.objects.create(room=room, starts_at=when, note=note)
        text = _("调解安排：%(when)s %(note)s") % {"when": timezone.localtime(when).strftime("%Y-%m-%d %H:%M"), "note": note}
        _notice(room, text.strip(), Message.Kind.SCHEDULE)
    return slot


# ---------------------------------------------------------------- agreements

DEFAULT_TEMPLATE = {
    "title": "人民调解协议书",
    "facts": "",
    "terms": "",
    "closing": "本协议经各方当事人确认签署后生效，各方应当按照约定履行。"
               "经人民调解委员会调解达成的调解协议，具有法律约束力，当事人可以自协议生效之日起三十日内共同向人民法院申请司法确认。",
}


def template_for(case: Case) -> dict:
    row = None
    if case.item_id:
        row = AgreementTemplate.objects.filter(item_id=case.item_id).first()
    row = row or AgreementTemplate.objects.filter(item__isnull=True).first()
    if row is None:
        return dict(DEFAULT_TEMPLATE)
    return {"title": row.title, "facts": row.facts, "terms": row.terms, "closing": row.closing}


def current_agreement(room: Room) -> Agreement | None:
    return room.agreements.exclude(status=Agreement.Status.SUPERSEDED).order_by("-version").first()


def _amount(value: str) -> Decimal | None:
    value = (value or "").strip().replace(",", "")
    if not value:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise OnlineError(_("金额应为数字，例如 3500 或 3500.50。")) from None
    if amount < 0 or amount >= Decimal("1e12"):
        raise OnlineError(_("金额应在 0 到 1 万亿元之间。"))
    return amount.quantize(Decimal("0.01"))


def clean_terms(rows: list[dict]) -> list[dict]:
    terms = []
    for row in rows:
        text = (row.get("text") or "").strip()
        amount, due = _amount(row.get("amount", "")), (row.get("due_date") or "").strip()
        if not text and amount is None and not due:
            continue
        if not text:
            raise OnlineError(_("第 %(n)d 条：请填写条款内容。") % {"n": len(terms) + 1})
        if len(text) > 500:
            raise OnlineError(_("每条条款不能超过 500 个字。"))
        day = parse_date(due) if due else None
        if due and day is None:
            raise OnlineError(_("履行期限格式应为 年-月-日。"))
        if amount is not None and day is None:
            raise OnlineError(_("第 %(n)d 条有金额，请填写履行期限。") % {"n": len(terms) + 1})
        terms.append({"text": text, "amount": amount, "due_date": day})
    if not terms:
        raise OnlineError(_("请至少填写一条协议条款。"))
    if len(terms) > MAX_TERMS:
        raise OnlineError(_("协议条款最多 %(n)d 条。") % {"n": MAX_TERMS})
    return terms


def draft_agreement(room: Room, viewer: Viewer, *, facts: str, terms: list[dict], title: str = "") -> Agreement:
    """A new version for the parties to sign; the one before (signed or not) is kept and shown
    as superseded."""
    if viewer.is_party or not viewer.may_post:
        raise OnlineError(_("只有调解员可以起草协议。"), 403)
    if not room.is_open:
        raise OnlineError(_("调解室已关闭。"), 409)
    facts = (facts or "").strip()
    if not facts:
        raise OnlineError(_("请填写纠纷事实。"))
    if len(facts) > MAX_TEXT:
        raise OnlineError(_("纠纷事实不能超过 %(n)d 个字。") % {"n": MAX_TEXT})
    cleaned = clean_terms(terms)
    template = template_for(room.case)
    parties = [{"participant": p.pk, "role": p.party.get_role_display(), "name": p.party.name or str(p.label),
                "phone": mask_phone(p.party.phone) if p.party.phone else ""}
               for p in room.participants.filter(party__isnull=False).select_related("party")]
    if len(parties) < 2:
        raise OnlineError(_("协议须有至少两方当事人。请先在案件中登记对方当事人。"), 409)
    with transaction.atomic():
        Room.objects.select_for_update().filter(pk=room.pk).first()
        before = current_agreement(room)
        version = (room.case.online_agreements.order_by("-version").values_list("version", flat=True).first() or 0) + 1
        agreement = Agreement.objects.create(
            room=room, case=room.case, version=version, supersedes=before,
            title=(title or template["title"]).strip()[:100], parties=parties, facts=facts,
            closing=template["closing"], created_by=viewer.user, verify_code=_verify_code(),
        )
        Term.objects.bulk_create([Term(agreement=agreement, seq=i + 1, **t) for i, t in enumerate(cleaned)])
        if before is not None:
            was_signed = before.status == Agreement.Status.SIGNED
            before.status = Agreement.Status.SUPERSEDED
            before.save(update_fields=["status"])
            if was_signed:
                _event(room.case, "online_agreement_superseded", viewer.user, {
                    "agreement_id": before.pk, "version": before.version, "sha256": before.sha256,
                    "new_version": version})
        _notice(room, _("调解员起草了《%(title)s》第 %(v)d 版，请各方审阅，无异议后用短信验证码确认签署。")
                % {"title": agreement.title, "v": version})
    return agreement


def _verify_code() -> str:
    return new_tracking_code() + new_tracking_code()[:4]


def content(agreement: Agreement) -> dict:
    """What is signed and hashed: the agreement's words, the parties, the terms and who
    signed when."""
    return {
        "case": agreement.case.tracking_code, "version": agreement.version, "title": agreement.title,
        "parties": [{"role": p["role"], "name": p["name"]} for p in agreement.parties],
        "facts": agreement.facts,
        "terms": [{"seq": t.seq, "text": t.text, "amount": str(t.amount) if t.amount is not None else None,
                   "due_date": t.due_date.isoformat() if t.due_date else None} for t in agreement.terms.all()],
        "closing": agreement.closing,
        "signatures": [{"name": s.name, "at": s.signed_at.astimezone(dt.UTC).isoformat()}
                       for s in agreement.signatures.all()],
    }


def digest(agreement: Agreement) -> str:
    body = json.dumps(content(agreement), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def _signer(agreement: Agreement, viewer: Viewer) -> Participant:
    if not viewer.is_party or viewer.participant.pk not in {p["participant"] for p in agreement.parties}:
        raise OnlineError(_("只有协议中的当事人可以签署。"), 403)
    if agreement.status == Agreement.Status.SUPERSEDED:
        raise OnlineError(_("该协议已被新版本取代，请审阅并签署最新版本。"), 409)
    if agreement.status == Agreement.Status.SIGNED:
        raise OnlineError(_("该协议已签署完成。"), 409)
    if agreement.signatures.filter(participant=viewer.participant).exists():
        raise OnlineError(_("您已签署该协议。"), 409)
    return viewer.participant


def send_sign_code(agreement: Agreement, viewer: Viewer, *, now=None) -> None:
    now = now or timezone.now()
    participant = _signer(agreement, viewer)
    with transaction.atomic():
        code = _new_code(participant, OneTimeCode.Purpose.SIGN, agreement, now)
        _sms(participant.party.phone, _("【解纷】您正在签署《%(title)s》（第 %(v)d 版），验证码 %(code)s，%(minutes)d 分钟内有效。"
                                        "签署即表示您同意协议全部内容。")
             % {"title": agreement.title, "v": agreement.version, "code": code, "minutes": CODE_MINUTES})


def sign(agreement: Agreement, viewer: Viewer, *, code: str, address: str = "", now=None) -> Agreement:
    """The party confirms with the code sent to their phone; when the last party has signed
    the agreement's SHA-256 goes on the case's record (an event, sealed into the audit chain)
    and the mediation is recorded (online, resolved, the agreement's text and amount)."""
    now = now or timezone.now()
    _attempt_allowed(address)
    if not (code or "").strip():
        raise OnlineError(_("请输入短信验证码。"))
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update(of=("self",)).select_related("room__mediator", "case").get(pk=agreement.pk)
        participant = _signer(agreement, viewer)
        error = _check_code(participant, OneTimeCode.Purpose.SIGN, code, now, agreement)
        if error is None:
            Signature.objects.create(agreement=agreement, participant=participant, name=participant.party.name
                                     or participant.label, signed_at=now)
            _notice(agreement.room, _("%(who)s已签署协议第 %(v)d 版。") % {"who": participant.label, "v": agreement.version})
            if agreement.signatures.count() >= len(agreement.parties):
                _complete(agreement, now)
    if error:
        raise OnlineError(error)
    return agreement


def _complete(agreement: Agreement, now) -> None:
    agreement.status = Agreement.Status.SIGNED
    agreement.signed_at = now
    agreement.sha256 = digest(agreement)
    agreement.save(update_fields=["status", "signed_at", "sha256"])
    case, mediator = agreement.case, agreement.room.mediator
    _event(case, "online_agreement_signed", mediator, {
        "agreement_id": agreement.pk, "version": agreement.version, "sha256": agreement.sha256,
        "verify_code": agreement.verify_code,
        "amount": str(agreement.total) if agreement.terms.exclude(amount=None).exists() else None,
    }, now=now)
    _notice(agreement.room, _("各方已签署协议第 %(v)d 版，协议生效。核验码 %(code)s。")
            % {"v": agreement.version, "code": agreement.verify_code})
    if is_available(mediator, case, ACTIONS["record_mediation"]):
        amounts = [t.amount for t in agreement.terms.all() if t.amount is not None]
        try:
            perform(case, "record_mediation", mediator, data={
                "held_at": now, "place": _("线上调解室"), "method": MediationMethod.ONLINE,
                "mediators": str(mediator),
                "attendees": "、".join(p["name"] for p in agreement.parties),
                "outcome": MediationOutcome.RESOLVED,
                "agreement_text": agreement_text(agreement)[:2000],
                "agreement_amount": str(sum(amounts)) if amounts else "",
            })
        except ActionError:  # taken meanwhile; the signed agreement stands on its own
            log.info("mediation of case %s not recorded: the case moved on", case.pk)


def agreement_text(agreement: Agreement) -> str:
    lines = [agreement.facts, ""]
    lines += [f"{t.seq}. {t.text}" + (f"（{t.amount} 元，{t.due_date:%Y-%m-%d} 前）" if t.amount is not None else "")
              for t in agreement.terms.all()]
    return "\n".join(lines)


@dataclass
class Verification:
    agreement: Agreement
    recorded: str  # the SHA-256 on the case's record (the event sealed into the audit chain)
    recomputed: str

    @property
    def intact(self) -> bool:
        return bool(self.recorded) and self.recorded == self.recomputed == self.agreement.sha256

    @property
    def latest(self) -> Agreement:
        latest = self.agreement
        while hasattr(latest, "superseded_by"):
            latest = latest.superseded_by
        return latest


def verify(code: str) -> Verification | None:
    agreement = Agreement.objects.select_related("case").filter(verify_code=(code or "").strip().upper()[:16]).first()
    if agreement is None or not agreement.sha256:
        return None
    event = Event.objects.filter(case=agreement.case, action="online_agreement_signed",
                                 data__agreement_id=agreement.pk).order_by("id").first()
    return Verification(agreement, (event.data.get("sha256") if event else "") or "", digest(agreement))


def verify_url(agreement: Agreement) -> str:
    return settings.JIEFEN_PUBLIC_URL + reverse("online:verify", args=[agreement.verify_code])


# ---------------------------------------------------------------- judicial confirmation


def apply_judicial(agreement: Agreement, user, *, court: str) -> JudicialApplication:
    if not may_mediate(user, agreement.case):
        raise OnlineError(_("只有承办该案件的工作人员可以申请司法确认。"), 403)
    if agreement.status != Agreement.Status.SIGNED:
        raise OnlineError(_("只有各方已签署、且未被取代的协议可以申请司法确认。"), 409)
    court = (court or "").strip()[:100] or default_court(agreement.case)
    with transaction.atomic():
        app, created = JudicialApplication.objects.get_or_create(
            agreement=agreement, defaults={"court": court, "created_by": user})
        if created:
            _event(agreement.case, "online_judicial", user, {
                "agreement_id": agreement.pk, "application_id": app.pk, "court": court, "sha256": agreement.sha256})
    return app


def default_court(case: Case) -> str:
    from jiefen.regions.models import Level

    county = next((r for r in case.region.ancestors() if r.level == Level.COUNTY), None)
    return f"{county.name}人民法院" if county else _("人民法院")


def record_judicial(app: JudicialApplication, user, *, sent_at: str = "", answer: str = "",
                    answered_on: str = "", note: str = "") -> JudicialApplication:
    if not may_mediate(user, app.agreement.case):
        raise OnlineError(_("只有承办该案件的工作人员可以登记司法确认情况。"), 403)
    changes: dict = {}
    if sent_at:
        when = parse_datetime(sent_at.replace(" ", "T"))
        if when is None:
            raise OnlineError(_("送达时间格式应为 年-月-日 时:分。"))
        when = timezone.make_aware(when) if timezone.is_naive(when) else when
        if when > timezone.now() + dt.timedelta(minutes=5):
            raise OnlineError(_("送达时间不能晚于现在。"))
        changes["sent_at"] = when
    if answer:
        if answer not in {JudicialApplication.Answer.CONFIRMED, JudicialApplication.Answer.REJECTED}:
            raise OnlineError(_("请选择法院答复。"))
        day = parse_date(answered_on or "")
        if day is None:
            raise OnlineError(_("请填写法院答复日期（年-月-日）。"))
        if not (app.sent_at or changes.get("sent_at")):
            raise OnlineError(_("请先登记送达法院的时间。"), 409)
        if answer == JudicialApplication.Answer.REJECTED and not (note or "").strip():
            raise OnlineError(_("不予确认的，请填写法院的理由。"))
        changes |= {"answer": answer, "answered_on": day, "note": (note or "").strip()[:500]}
    if not changes:
        raise OnlineError(_("请填写送达时间或法院答复。"))
    with transaction.atomic():
        for k, v in changes.items():
            setattr(app, k, v)
        app.save()
        data = {"application_id": app.pk, "court": app.court}
        if "sent_at" in changes:
            data["sent_at"] = app.sent_at.isoformat()
        if "answer" in changes:
            data |= {"answer": app.answer, "answered_on": app.answered_on.isoformat()}
        _event(app.agreement.case, "online_judicial_answer" if "answer" in changes else "online_judicial", user,
               data, reason=app.note if "answer" in changes else "")
    return app


# ---------------------------------------------------------------- performance


def note_performance(term: Term, *, paid: bool, who: str, actor=None, now=None) -> Term:
    now = now or timezone.now()
    agreement = term.agreement
    if agreement.status != Agreement.Status.SIGNED:
        raise OnlineError(_("只能确认已生效协议的履行情况。"), 409)
    with transaction.atomic():
        term = Term.objects.select_for_update().get(pk=term.pk)
        term.paid = Term.Paid.PAID if paid else Term.Paid.UNPAID
        term.paid_noted_at, term.paid_noted_by = now, who[:120]
        term.save(update_fields=["paid", "paid_noted_at", "paid_noted_by"])
        _event(agreement.case, "online_performance", actor, {
            "agreement_id": agreement.pk, "term": term.seq, "paid": term.paid,
            "amount": str(term.amount) if term.amount is not None else None, "by": term.paid_noted_by,
        }, now=now, label=who)
        _notice(agreement.room, _("%(who)s确认：第 %(n)d 条%(state)s。") % {
            "who": who, "n": term.seq, "state": term.get_paid_display()})
    return term


def signed_agreements(case: Case) -> QuerySet[Agreement]:
    return case.online_agreements.filter(status=Agreement.Status.SIGNED).prefetch_related("terms")
