"""Pages of online mediation: the room (for a party, by the cookie of their verified
invitation; for staff, by their login and scope), its light JSON poll, the invitation
page, agreements and their PDFs, judicial confirmation, performance and the public check
of a signed agreement. Rules live in services.py."""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiefen.accounts.ratelimit import client_ip
from jiefen.cases.models import Case
from jiefen.cases.scope import visible_cases
from jiefen.lib.codes import normalize_tracking_code
from jiefen.lib.personal import mask_phone

from . import pdf, services
from .models import Agreement, JudicialApplication, Participant, Room, Term
from .services import OnlineError, Viewer


def _refuse(request, error: OnlineError):
    if _wants_json(request):
        return JsonResponse({"error": error.message}, status=error.http_status)
    return render(request, "online/message.html", {"message": error.message}, status=error.http_status)


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch" or "application/json" in request.headers.get("Accept", "")


def _viewer(request, room: Room) -> Viewer:
    participant = services.party_from_cookie(request, room.pk)
    if participant is not None:
        return Viewer(participant)
    viewer = services.staff_viewer(room, request.user)
    if viewer is None:
        raise OnlineError(_("请通过调解员短信发送的邀请链接进入调解室；工作人员请先登录。"), 403)
    return viewer


def _room(pk: int) -> Room:
    return get_object_or_404(Room.objects.select_related("case", "mediator"), pk=pk)


def _done(request, room: Room, text: str = ""):
    if _wants_json(request):
        return JsonResponse({"ok": True})
    if text:
        messages.success(request, text)
    return redirect("online:room", pk=room.pk)


@login_required
@require_POST
def open_room(request, code: str):
    case = visible_cases(request.user).filter(tracking_code=normalize_tracking_code(code)).first()
    if case is None:
        raise Http404(_("案件不存在，或不在您的辖区内。"))
    try:
        room = services.open_room(case, request.user)
    except OnlineError as error:
        return _refuse(request, error)
    return redirect("online:room", pk=room.pk)


def join(request, token: str):
    """The invitation link: verify by the phone's last four digits or an SMS code."""
    try:
        participant = services.invitation(token)
    except OnlineError as error:
        return _refuse(request, error)
    error, sent = "", False
    if request.method == "POST":
        try:
            if request.POST.get("action") == "send_code":
                services.send_join_code(token)
                sent = True
            else:
                participant = services.join(token, last4=request.POST.get("last4", ""),
                                            code=request.POST.get("code", ""), address=client_ip(request))
                response = redirect("online:room", pk=participant.room_id)
                response.set_signed_cookie(
                    services.cookie_name(participant.room_id), services.cookie_value(participant),
                    salt=services.COOKIE_SALT, max_age=services.COOKIE_DAYS * 86400, httponly=True,
                    samesite="Lax", secure=settings.SESSION_COOKIE_SECURE, path="/online/",
                )
                return response
        except OnlineError as exc:
            if exc.http_status in (403, 410, 429):
                return _refuse(request, exc)
            error = exc.message
    return render(request, "online/join.html", {
        "participant": participant, "case": participant.room.case, "error": error, "sent": sent,
        "mediator": participant.room.mediator,
    }, status=400 if error else 200)


def room(request, pk: int):
    room = _room(pk)
    try:
        viewer = _viewer(request, room)
    except OnlineError as error:
        return _refuse(request, error)
    shown = list(services.visible_messages(room, viewer).select_related("private_with"))
    if shown:
        services.mark_seen(viewer.participant, shown[-1].pk)
    agreement = services.current_agreement(room)
    seen = services.seen_by(room, shown) if viewer.is_staff else {}
    context = {
        "room": room, "viewer": viewer,
        "messages_shown": [(services.message_json(m, viewer), seen.get(m.pk) if viewer.is_staff else None)
                           for m in shown],
        "last_id": shown[-1].pk if shown else 0, "slots": room.slots.filter(starts_at__gte=timezone.now()),
        "agreement": agreement, "older": room.agreements.exclude(pk=getattr(agreement, "pk", None)),
        "party_others": [],
    }
    if agreement is not None:
        context |= _agreement_context(agreement, viewer)
    if viewer.is_staff:
        people = list(room.participants.select_related("party"))
        for p in people:
            p.phone_masked = mask_phone(p.party.phone) if p.party_id and p.party.phone else ""
            p.invite_live = bool(p.token and not p.token_used_at and p.token_expires_at and p.token_expires_at > timezone.now())
            if p.invite_live:
                p.link = services.invite_link(p)
                p.qr = segno.make(p.link, error="m").png_data_uri(scale=4, border=2)
        context |= {
            "people": people, "parties": [p for p in people if p.party_id],
            "template": services.template_for(room.case),
            "blank_terms": range(4), "signed": services.signed_agreements(room.case),
        }
    return render(request, "online/room.html", context)


def _agreement_context(agreement: Agreement, viewer: Viewer) -> dict:
    signed_ids = set(agreement.signatures.values_list("participant_id", flat=True))
    mine = viewer.participant.pk if viewer.is_party else None
    return {
        "terms": list(agreement.terms.all()), "signatures": list(agreement.signatures.all()),
        "may_sign": bool(mine and agreement.status == Agreement.Status.SIGNING and mine not in signed_ids
                         and mine in {p["participant"] for p in agreement.parties}),
        "judicial": getattr(agreement, "judicial", None),
    }


@require_GET
def poll(request, pk: int):
    """New messages after `?after=<id>` as light JSON; the page asks every few seconds."""
    after = request.GET.get("after", "0")
    after = int(after) if after.isdigit() else 0
    participant = services.party_from_cookie(request, pk, light=True)
    if participant is not None:  # a party: the cookie names the room, nothing else to read
        viewer = Viewer(participant)
    else:
        room = get_object_or_404(Room.objects.select_related("case"), pk=pk)
        viewer = services.staff_viewer(room, request.user)
        if viewer is None:
            return JsonResponse({"error": _("请通过调解员短信发送的邀请链接进入调解室；工作人员请先登录。")}, status=403)
    rows = services.poll(pk, viewer, after)
    return JsonResponse({"messages": [services.message_json(m, viewer) for m in rows],
                         "last": rows[-1].pk if rows else after})


@require_POST
def send(request, pk: int):
    room = _room(pk)
    try:
        viewer = _viewer(request, room)
        message = services.post_message(room, viewer, text=request.POST.get("text", ""),
                                        upload=request.FILES.get("file"),
                                        private_with=request.POST.get("private_with", ""))
    except OnlineError as error:
        return _refuse(request, error)
    if _wants_json(request):
        return JsonResponse({"ok": True, "id": message.pk})
    return redirect("online:room", pk=room.pk)


@require_GET
def file(request, pk: int, message_id: int):
    room = _room(pk)
    try:
        viewer = _viewer(request, room)
    except OnlineError as error:
        return _refuse(request, error)
    message = services.visible_messages(room, viewer).filter(pk=message_id).exclude(file="").first()
    if message is None:
        raise Http404(_("文件不存在。"))
    return FileResponse(message.file.open("rb"), as_attachment=True, filename=message.file_name)


@login_required
@require_POST
def invite(request, pk: int, participant_id: int):
    room = _room(pk)
    participant = get_object_or_404(Participant.objects.select_related("party", "room__case"), pk=participant_id, room=room)
    try:
        if services.staff_viewer(room, request.user) is None:
            raise Http404
        services.invite(participant, request.user)
    except OnlineError as error:
        return _refuse(request, error)
    return _done(request, room, _("已向%(who)s发送邀请短信，也可请其扫描二维码。") % {"who": participant.label})


@require_POST
def schedule(request, pk: int):
    room = _room(pk)
    try:
        services.schedule_session(room, _viewer(request, room), starts_at=request.POST.get("starts_at", ""),
                                  note=request.POST.get("note", ""))
    except OnlineError as error:
        return _refuse(request, error)
    return _done(request, room, _("已安排调解，各方均可在调解室看到。"))


@login_required
@require_POST
def close(request, pk: int):
    room = _room(pk)
    try:
        services.close_room(room, _viewer(request, room), request.POST.get("reason", ""))
    except OnlineError as error:
        return _refuse(request, error)
    return _done(request, room, _("调解室已关闭，记录仍保存在案件中。"))


@require_POST
def draft(request, pk: int):
    room = _room(pk)
    rows = [{"text": t, "amount": a, "due_date": d} for t, a, d in zip(
        request.POST.getlist("term_text"), request.POST.getlist("term_amount"), request.POST.getlist("term_due"),
        strict=False)]
    try:
        services.draft_agreement(room, _viewer(request, room), facts=request.POST.get("facts", ""), terms=rows,
                                 title=request.POST.get("title", ""))
    except OnlineError as error:
        return _refuse(request, error)
    return _done(request, room, _("协议已发给各方审阅签署。"))


def _agreement_for(request, pk: int) -> tuple[Agreement, Viewer]:
    agreement = get_object_or_404(Agreement.objects.select_related("room__case", "case"), pk=pk)
    return agreement, _viewer(request, agreement.room)


def agreement(request, pk: int):
    try:
        agreement, viewer = _agreement_for(request, pk)
    except OnlineError as error:
        return _refuse(request, error)
    return render(request, "online/agreement.html", {"a": agreement, "viewer": viewer,
                                                     **_agreement_context(agreement, viewer)})


@require_POST
def sign_code(request, pk: int):
    try:
        agreement, viewer = _agreement_for(request, pk)
        services.send_sign_code(agreement, viewer)
    except OnlineError as error:
        return _refuse(request, error)
    return _done(request, agreement.room, _("验证码已发送到您的手机，%(m)d 分钟内有效。") % {"m": services.CODE_MINUTES})


@require_POST
def sign(request, pk: int):
    try:
        agreement, viewer = _agreement_for(request, pk)
        agreement = services.sign(agreement, viewer, code=request.POST.get("code", ""), address=client_ip(request))
    except OnlineError as error:
        return _refuse(request, error)
    done = agreement.status == Agreement.Status.SIGNED
    return _done(request, agreement.room, _("各方均已签署，协议生效。") if done else _("您已签署，等待其他当事人签署。"))


@require_GET
def agreement_pdf(request, pk: int):
    try:
        agreement, _viewer_ = _agreement_for(request, pk)
    except OnlineError as error:
        return _refuse(request, error)
    body = pdf.agreement_pdf(agreement)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="agreement-{agreement.case.tracking_code}-v{agreement.version}.pdf"'
    return response


def _staff_agreement(request, pk: int) -> Agreement:
    agreement = get_object_or_404(Agreement.objects.select_related("case", "room"), pk=pk)
    if not visible_cases(request.user).filter(pk=agreement.case_id).exists():
        raise Http404(_("协议不存在，或不在您的辖区内。"))
    return agreement


@login_required
@require_POST
def judicial(request, pk: int):
    agreement = _staff_agreement(request, pk)
    try:
        services.apply_judicial(agreement, request.user, court=request.POST.get("court", ""))
    except OnlineError as error:
        return _refuse(request, error)
    return _done(request, agreement.room, _("已生成司法确认申请书，请下载后送交法院，并登记送达时间。"))


def _staff_application(request, pk: int) -> JudicialApplication:
    app = get_object_or_404(JudicialApplication.objects.select_related("agreement__case", "agreement__room"), pk=pk)
    _staff_agreement(request, app.agreement_id)
    return app


@login_required
@require_GET
def judicial_pdf(request, pk: int):
    """The application carries the parties' full phone and ID numbers (it goes to the court):
    only for staff who may unmask them, and each is logged as an unmasked view."""
    from jiefen.cases.privacy import may_unmask, reveal

    app = _staff_application(request, pk)
    case = app.agreement.case
    if not may_unmask(request.user, case):
        return _refuse(request, OnlineError(_("司法确认申请书含当事人完整的联系方式和身份证号，只有承办该案件的工作人员可以下载。"), 403))
    for party in case.parties.all():
        for field in ("phone", "id_number"):
            if getattr(party, field):
                reveal(request.user, case, party, field, _("制作司法确认申请书"))
    response = HttpResponse(pdf.judicial_pdf(app), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="judicial-{app.agreement.case.tracking_code}.pdf"'
    return response


@login_required
@require_POST
def judicial_record(request, pk: int):
    app = _staff_application(request, pk)
    try:
        services.record_judicial(app, request.user, sent_at=request.POST.get("sent_at", ""),
                                 answer=request.POST.get("answer", ""), answered_on=request.POST.get("answered_on", ""),
                                 note=request.POST.get("note", ""))
    except OnlineError as error:
        return _refuse(request, error)
    return _done(request, app.agreement.room, _("已登记。"))


def _paid(request) -> bool:
    value = request.POST.get("paid", "")
    if value not in ("yes", "no"):
        raise OnlineError(_("请选择已履行或未履行。"))
    return value == "yes"


@require_POST
def performance(request, pk: int):
    """In the room: a party of the agreement, or the mediator, says whether a term was honoured."""
    term = get_object_or_404(Term.objects.select_related("agreement__room__case"), pk=pk)
    room = term.agreement.room
    try:
        viewer = _viewer(request, room)
        if not viewer.may_post:
            raise OnlineError(_("您只能查看，不能登记履行情况。"), 403)
        services.note_performance(term, paid=_paid(request), who=viewer.participant.label,
                                  actor=None if viewer.is_party else viewer.user)
    except OnlineError as error:
        return _refuse(request, error)
    return _done(request, room, _("已登记履行情况。"))


@require_POST
def track_performance(request, code: str, pk: int):
    """On the tracking page: the resident who opened the case by code and phone says whether a
    term was honoured."""
    from jiefen.web.views import TRACKED

    case = Case.objects.filter(tracking_code=normalize_tracking_code(code)).first()
    if case is None or case.pk not in request.session.get(TRACKED, []):
        return redirect("track")
    term = get_object_or_404(Term, pk=pk, agreement__case=case)
    try:
        services.note_performance(term, paid=_paid(request), who=_("诉求人（进度查询）"))
    except OnlineError as error:
        return _refuse(request, error)
    messages.success(request, _("感谢您的反馈，已登记履行情况。"))
    return redirect(reverse("track_case", args=[case.tracking_code]))


@require_GET
def verify(request, code: str):
    """Public: does the document with this verification code match what was signed?"""
    result = services.verify(code)
    given = (request.GET.get("sha256") or "").strip().lower()
    status = 200 if result else 404
    return render(request, "online/verify.html", {
        "result": result, "code": code, "given": given,
        "given_matches": bool(result and given and given == result.recorded),
    }, status=status)

