"""The mediator drafts an agreement; each party confirms it with a code sent to their phone;
when all have signed, its SHA-256 is on the case's record, the mediation is recorded, the
PDF carries the parties, the amount, the verification code and the hash, and the public
check says whether a document matches. A later change is a new version; the old one is kept
and shown as superseded. Judicial confirmation makes the application and records the answer."""

import datetime as dt
import os

import pypdfium2
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jiefen.audit.services import seal
from jiefen.audit.services import verify as verify_chain
from jiefen.cases.models import Event, MediationMethod, PartyRole

from .. import services
from ..models import Agreement, JudicialApplication, OneTimeCode, Signature
from .factories import COMPLAINANT_PHONE, RESPONDENT_PHONE, code_in, last_sms, open_room
from .test_room import joined

ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "test-artifacts", "online")


def drafted(world, **changes):
    room = open_room(world)
    mediator = Client()
    mediator.force_login(world["street_mediator"])
    complainant = joined(world, room, PartyRole.COMPLAINANT, COMPLAINANT_PHONE)
    respondent = joined(world, room, PartyRole.RESPONDENT, RESPONDENT_PHONE)
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    data = {"title": "人民调解协议书", "facts": "李明家装修漏水，泡坏王建国家卫生间天花板。",
            "term_text": ["李明赔偿王建国维修费", "双方就此事不再追究"], "term_amount": ["8600", ""],
            "term_due": [due, ""]} | changes
    response = mediator.post(reverse("online:draft", args=[room.pk]), data)
    assert response.status_code == 302, response.content.decode()
    return room, mediator, complainant, respondent, Agreement.objects.get(room=room, version=1)


def pdf_text(body: bytes) -> tuple[str, object]:
    """The PDF's text without any whitespace (the title is letter-spaced), and its first page as
    an image to look at."""
    document = pypdfium2.PdfDocument(body)
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    image = document[0].render(scale=1.5).to_pil()
    document.close()
    return "".join(text.split()), image


def sign(client, agreement, phone):
    assert client.post(reverse("online:sign_code", args=[agreement.pk])).status_code == 302
    return client.post(reverse("online:sign", args=[agreement.pk]), {"code": code_in(last_sms(phone))})


def test_both_parties_sign_by_code_and_the_hash_goes_on_the_record(world):
    room, mediator, complainant, respondent, agreement = drafted(world)
    page = complainant.get(reverse("online:room", args=[room.pk])).content.decode()
    assert "李明赔偿王建国维修费" in page and "获取签署验证码" in page

    assert sign(complainant, agreement, COMPLAINANT_PHONE).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SIGNING and agreement.sha256 == ""
    assert sign(respondent, agreement, RESPONDENT_PHONE).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SIGNED
    assert agreement.sha256 == services.digest(agreement) and len(agreement.sha256) == 64

    event = Event.objects.get(case=agreement.case, action="online_agreement_signed")
    assert event.data["sha256"] == agreement.sha256 and event.data["amount"] == "8600.00"
    seal()
    assert verify_chain().ok
    session = agreement.case.mediations.get()
    assert session.method == MediationMethod.ONLINE and session.agreement_amount == 8600
    assert "李明赔偿王建国维修费" in session.agreement_text


def test_the_pdf_has_the_parties_the_amount_and_the_hash(world):
    room, mediator, complainant, respondent, agreement = drafted(world)
    sign(complainant, agreement, COMPLAINANT_PHONE)
    sign(respondent, agreement, RESPONDENT_PHONE)
    agreement.refresh_from_db()
    response = complainant.get(reverse("online:agreement_pdf", args=[agreement.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text, image = pdf_text(response.content)
    for expected in ("人民调解协议书", "王建国", "李明", "8600.00", agreement.verify_code, agreement.sha256):
        assert expected in text, expected
    assert "13812345678" not in text and "138****5678" in text  # masked in the copy both parties get
    os.makedirs(ARTIFACTS, exist_ok=True)
    image.save(os.path.join(ARTIFACTS, "agreement.png"))


def test_a_sign_code_expires_is_used_once_and_a_wrong_one_counts(world):
    room, mediator, complainant, respondent, agreement = drafted(world)
    complainant.post(reverse("online:sign_code", args=[agreement.pk]))
    code = code_in(last_sms(COMPLAINANT_PHONE))
    wrong = complainant.post(reverse("online:sign", args=[agreement.pk]), {"code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    OneTimeCode.objects.filter(purpose="sign").update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired = complainant.post(reverse("online:sign", args=[agreement.pk]), {"code": code})
    assert expired.status_code == 400 and "验证码已过期" in expired.content.decode()
    assert not Signature.objects.exists()

    assert sign(complainant, agreement, COMPLAINANT_PHONE).status_code == 302
    reused = complainant.post(reverse("online:sign", args=[agreement.pk]), {"code": code_in(last_sms(COMPLAINANT_PHONE))})
    assert reused.status_code == 409 and "您已签署" in reused.content.decode()
    # the other party cannot use the complainant's code
    other = respondent.post(reverse("online:sign", args=[agreement.pk]), {"code": code_in(last_sms(COMPLAINANT_PHONE))})
    assert other.status_code == 400 and Signature.objects.count() == 1
    # and the mediator does not sign for a party
    assert mediator.post(reverse("online:sign_code", args=[agreement.pk])).status_code == 403


def test_bad_drafts_are_refused_and_write_nothing(world):
    room, mediator, complainant, respondent, agreement = drafted(world)
    for data, message in [
        ({"facts": "", "term_text": ["x"]}, "请填写纠纷事实"),
        ({"facts": "事实", "term_text": [""], "term_amount": [""], "term_due": [""]}, "至少填写一条"),
        ({"facts": "事实", "term_text": ["赔偿"], "term_amount": ["八千"], "term_due": ["2099-01-01"]}, "金额应为数字"),
        ({"facts": "事实", "term_text": ["赔偿"], "term_amount": ["100"], "term_due": [""]}, "请填写履行期限"),
    ]:
        response = mediator.post(reverse("online:draft", args=[room.pk]), data)
        assert response.status_code == 400 and message in response.content.decode(), message
    assert Agreement.objects.count() == 1
    assert complainant.post(reverse("online:draft", args=[room.pk]), {"facts": "x", "term_text": ["y"]}).status_code == 403


def test_a_change_after_signing_is_a_new_version_and_the_old_one_shows_as_superseded(world, client):
    room, mediator, complainant, respondent, agreement = drafted(world)
    sign(complainant, agreement, COMPLAINANT_PHONE)
    sign(respondent, agreement, RESPONDENT_PHONE)
    agreement.refresh_from_db()
    ok = client.get(reverse("online:verify", args=[agreement.verify_code]))
    assert "真实有效" in ok.content.decode() and agreement.sha256 in ok.content.decode()
    matches = client.get(reverse("online:verify", args=[agreement.verify_code]), {"sha256": agreement.sha256})
    assert "一致：纸质协议与签署记录相符" in matches.content.decode()
    differs = client.get(reverse("online:verify", args=[agreement.verify_code]), {"sha256": "0" * 64})
    assert "不一致" in differs.content.decode()

    due = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    mediator.post(reverse("online:draft", args=[room.pk]), {
        "facts": agreement.facts, "term_text": ["李明分两期赔偿王建国维修费"], "term_amount": ["8000"], "term_due": [due]})
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SUPERSEDED
    assert Agreement.objects.get(room=room, version=2).supersedes == agreement
    page = client.get(reverse("online:verify", args=[agreement.verify_code])).content.decode()
    assert "被第 2 版取代" in page
    assert Event.objects.filter(action="online_agreement_superseded", data__sha256=agreement.sha256).exists()
    room_page = complainant.get(reverse("online:room", args=[room.pk])).content.decode()
    assert "第 2 版" in room_page and "已被新版本取代" in room_page
    assert client.get(reverse("online:verify", args=["NOSUCHCODE"])).status_code == 404


def test_a_tampered_agreement_fails_the_check(world, client):
    room, mediator, complainant, respondent, agreement = drafted(world)
    sign(complainant, agreement, COMPLAINANT_PHONE)
    sign(respondent, agreement, RESPONDENT_PHONE)
    agreement.terms.filter(seq=1).update(amount=86)
    page = client.get(reverse("online:verify", args=[agreement.verify_code])).content.decode()
    assert "记录异常" in page


def test_judicial_confirmation_makes_the_application_and_records_the_answer(world):
    room, mediator, complainant, respondent, agreement = drafted(world)
    refused = mediator.post(reverse("online:judicial", args=[agreement.pk]))
    assert refused.status_code == 409 and not JudicialApplication.objects.exists()
    sign(complainant, agreement, COMPLAINANT_PHONE)
    sign(respondent, agreement, RESPONDENT_PHONE)

    assert mediator.post(reverse("online:judicial", args=[agreement.pk]), {"court": ""}).status_code == 302
    app = JudicialApplication.objects.get()
    assert app.court == "清河区人民法院"
    response = mediator.get(reverse("online:judicial_pdf", args=[app.pk]))
    text, image = pdf_text(response.content)
    for expected in ("司法确认申请书", "申请人：王建国", "被申请人", "李明", "清河区人民法院", "8600.00", "13812345678"):
        assert expected in text, expected
    os.makedirs(ARTIFACTS, exist_ok=True)
    image.save(os.path.join(ARTIFACTS, "judicial.png"))
    assert complainant.get(reverse("online:judicial_pdf", args=[app.pk])).status_code == 302  # login page
    from jiefen.cases.models import PersonalDataView

    assert PersonalDataView.objects.filter(case=agreement.case, viewer=world["street_mediator"], field="phone").count() == 2
    supervisor = Client()
    supervisor.force_login(world["supervisor"])  # sees the case, may not unmask its parties
    refused = supervisor.get(reverse("online:judicial_pdf", args=[app.pk]))
    assert refused.status_code == 403 and "只有承办该案件的工作人员" in refused.content.decode()

    early = mediator.post(reverse("online:judicial_record", args=[app.pk]), {"answer": "confirmed", "answered_on": "2026-01-05"})
    assert early.status_code == 409
    sent = (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    mediator.post(reverse("online:judicial_record", args=[app.pk]), {"sent_at": sent})
    no_reason = mediator.post(reverse("online:judicial_record", args=[app.pk]), {"answer": "rejected", "answered_on": "2026-01-05"})
    assert no_reason.status_code == 400
    mediator.post(reverse("online:judicial_record", args=[app.pk]), {"answer": "confirmed", "answered_on": timezone.localdate().isoformat()})
    app.refresh_from_db()
    assert app.answer == "confirmed" and app.sent_at is not None
    assert Event.objects.filter(action="online_judicial_answer", data__answer="confirmed").exists()
    assert "已确认" in mediator.get(reverse("online:room", args=[room.pk])).content.decode()


def test_the_items_own_template_words_the_agreement_else_the_default(world):
    from ..models import AgreementTemplate

    AgreementTemplate.objects.create(item=None, title="人民调解协议书", closing="默认结尾。")
    AgreementTemplate.objects.create(item=world.property_item, title="物业服务纠纷调解协议书",
                                     facts="（物业纠纷事实）", closing="本协议一式三份，各方各执一份。")
    room, mediator, complainant, respondent, agreement = drafted(world, title="")
    assert agreement.title == "物业服务纠纷调解协议书" and agreement.closing == "本协议一式三份，各方各执一份。"
    page = mediator.get(reverse("online:room", args=[room.pk])).content.decode()
    assert 'value="物业服务纠纷调解协议书"' in page

    AgreementTemplate.objects.filter(item=world.property_item).delete()
    mediator.post(reverse("online:draft", args=[room.pk]), {"facts": "事实", "term_text": ["赔偿"], "term_amount": [""],
                                                          "term_due": [""]})
    assert Agreement.objects.get(room=room, version=2).closing == "默认结尾。"


def test_the_admin_edits_the_templates(world, admin_client):
    response = admin_client.get(reverse("admin:online_agreementtemplate_add"))
    assert response.status_code == 200 and "结尾条款" in response.content.decode()
