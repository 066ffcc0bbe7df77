"""Messages between the parties and the mediator: a private (背对背) message never reaches the
other party, neither on the page nor in the poll's JSON; everything is kept in order with
who saw what; staff outside the case's jurisdiction see nothing."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from jiefen.cases.models import Case, Event, PartyRole

from ..models import Message, SeenMark
from .factories import COMPLAINANT_PHONE, RESPONDENT_PHONE, invite, open_room, party


def joined(world, room, role, phone) -> Client:
    client = Client()
    token = invite(world, party(room, role))
    assert client.post(reverse("online:join", args=[token]), {"last4": phone[-4:]}).status_code == 302
    return client


def three(world):
    room = open_room(world)
    mediator = Client()
    mediator.force_login(world["street_mediator"])
    return (room, mediator, joined(world, room, PartyRole.COMPLAINANT, COMPLAINANT_PHONE),
            joined(world, room, PartyRole.RESPONDENT, RESPONDENT_PHONE))


def texts(client, room, after=0):
    body = client.get(reverse("online:poll", args=[room.pk]), {"after": after}).json()
    return [m["text"] for m in body["messages"]]


def test_a_message_to_everyone_reaches_both_parties_and_the_poll_returns_only_newer_ones(world):
    room, mediator, complainant, respondent = three(world)
    first = texts(respondent, room)
    complainant.post(reverse("online:send", args=[room.pk]), {"text": "天花板的维修报价是八千六百元。"})
    assert texts(respondent, room)[-1] == "天花板的维修报价是八千六百元。"
    last = Message.objects.filter(room=room).latest("id").pk
    assert texts(respondent, room, after=last) == []
    assert len(texts(mediator, room)) == len(first) + 1


def test_a_private_message_reaches_only_its_party(world):
    room, mediator, complainant, respondent = three(world)
    them = party(room, PartyRole.COMPLAINANT)
    mediator.post(reverse("online:send", args=[room.pk]), {"text": "您最低能接受多少？", "private_with": them.pk})
    respondent.post(reverse("online:send", args=[room.pk]), {"text": "我只愿意出五千。", "private_with": "1"})

    assert "您最低能接受多少？" in texts(complainant, room)
    assert "我只愿意出五千。" not in texts(complainant, room)
    assert "您最低能接受多少？" not in texts(respondent, room)
    assert "我只愿意出五千。" in texts(respondent, room)
    assert {"您最低能接受多少？", "我只愿意出五千。"} <= set(texts(mediator, room))

    page = respondent.get(reverse("online:room", args=[room.pk])).content.decode()
    assert "您最低能接受多少？" not in page and "仅您与调解员可见" in page
    private = Message.objects.get(text="我只愿意出五千。")
    assert private.private_with == party(room, PartyRole.RESPONDENT)


def test_a_file_is_shared_and_only_those_who_may_see_its_message_download_it(world):
    room, mediator, complainant, respondent = three(world)
    upload = SimpleUploadedFile("报价单.pdf", b"%PDF-1.4 quote", content_type="application/pdf")
    mediator.post(reverse("online:send", args=[room.pk]), {"text": "", "file": upload,
                                                          "private_with": party(room, PartyRole.COMPLAINANT).pk})
    message = Message.objects.get(kind=Message.Kind.FILE)
    url = reverse("online:file", args=[room.pk, message.pk])
    got = complainant.get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 quote"
    assert respondent.get(url).status_code == 404

    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    refused = complainant.post(reverse("online:send", args=[room.pk]), {"file": bad})
    assert refused.status_code == 400 and "不支持该文件类型" in refused.content.decode()


def test_empty_or_too_long_messages_are_refused_with_a_reason(world):
    room, mediator, complainant, respondent = three(world)
    before = Message.objects.count()
    empty = complainant.post(reverse("online:send", args=[room.pk]), {"text": "  "}, HTTP_X_REQUESTED_WITH="fetch")
    assert empty.status_code == 400 and empty.json()["error"] == "请输入消息内容或选择文件。"
    long = complainant.post(reverse("online:send", args=[room.pk]), {"text": "字" * 2001})
    assert long.status_code == 400
    assert Message.objects.count() == before


def test_who_saw_what_is_kept_and_shown_to_staff(world):
    room, mediator, complainant, respondent = three(world)
    complainant.post(reverse("online:send", args=[room.pk]), {"text": "请对方今天回复。"})
    message = Message.objects.get(text="请对方今天回复。")
    respondent.get(reverse("online:poll", args=[room.pk]), {"after": 0})
    mark = SeenMark.objects.filter(participant=party(room, PartyRole.RESPONDENT), upto__gte=message.pk).first()
    assert mark is not None
    page = mediator.get(reverse("online:room", args=[room.pk])).content.decode()
    assert "已读：" in page and "被反映人 李明" in page
    # polling with nothing new writes nothing
    count = SeenMark.objects.count()
    respondent.get(reverse("online:poll", args=[room.pk]), {"after": message.pk})
    assert SeenMark.objects.count() == count


def test_the_mediator_schedules_a_session_everyone_sees(world):
    room, mediator, complainant, respondent = three(world)
    response = mediator.post(reverse("online:schedule", args=[room.pk]), {"starts_at": "2099-06-01T15:00", "note": "视频调解"})
    assert response.status_code == 302
    assert "2099-06-01 15:00" in respondent.get(reverse("online:room", args=[room.pk])).content.decode()
    assert any("调解安排" in t for t in texts(complainant, room))
    refused = complainant.post(reverse("online:schedule", args=[room.pk]), {"starts_at": "2099-06-02T15:00"})
    assert refused.status_code == 403
    past = mediator.post(reverse("online:schedule", args=[room.pk]), {"starts_at": "2000-01-01T10:00"})
    assert past.status_code == 400 and "不能早于现在" in past.content.decode()


def test_staff_outside_the_jurisdiction_see_no_room_and_a_reader_cannot_write(world):
    room = open_room(world)
    west = Client()
    west.force_login(world["west_dispatcher"])
    assert west.get(reverse("online:room", args=[room.pk])).status_code == 403
    assert west.get(reverse("online:poll", args=[room.pk])).status_code == 403
    supervisor = Client()
    supervisor.force_login(world["supervisor"])
    page = supervisor.get(reverse("online:room", args=[room.pk]))
    assert page.status_code == 200 and "只读" in page.content.decode()
    assert supervisor.post(reverse("online:send", args=[room.pk]), {"text": "hi"}).status_code == 403


def test_opening_a_room_from_the_case_page_and_the_card_shows_the_record(world):
    from .factories import mediated_case

    case = mediated_case(world)
    mediator = Client()
    mediator.force_login(world["street_mediator"])
    page = mediator.get(reverse("case_detail", args=[case.tracking_code])).content.decode()
    assert 'data-testid="online-open"' in page
    response = mediator.post(reverse("online:open", args=[case.tracking_code]))
    assert response.status_code == 302
    assert Event.objects.filter(case=case, action="online_room").count() == 1
    again = mediator.post(reverse("online:open", args=[case.tracking_code]))
    assert again["Location"] == response["Location"]  # one open room per case
    page = mediator.get(reverse("case_detail", args=[case.tracking_code])).content.decode()
    assert 'data-testid="online-room"' in page and 'data-testid="online-open"' not in page
    assert "开设线上调解室" in page  # the event on the timeline
    clerk = Client()
    clerk.force_login(world["clerk"])  # sees the case, does not hold it
    refused = clerk.post(reverse("online:open", args=[case.tracking_code]))
    assert refused.status_code == 403 and "只有承办该案件的调解员" in refused.content.decode()


def test_the_mediator_sees_the_residents_wish_for_online_mediation(world):
    from .factories import mediated_case

    case = mediated_case(world)
    mediator = Client()
    mediator.force_login(world["street_mediator"])
    url = reverse("case_detail", args=[case.tracking_code])
    assert 'data-testid="online-wish"' not in mediator.get(url).content.decode()
    Case.objects.filter(pk=case.pk).update(mediation_preference="online")
    assert "当事人登记时选择了线上调解" in mediator.get(url).content.decode()


def test_a_party_writing_tells_the_mediator_once_until_read(world):
    from jiefen.notify.models import Notification

    room, mediator, complainant, respondent = three(world)
    send = reverse("online:send", args=[room.pk])
    complainant.post(send, {"text": "我明天上午有空。"})
    respondent.post(send, {"text": "我下午才行。"})
    notices = Notification.objects.filter(user=world["street_mediator"], kind="online_message")
    assert notices.count() == 1 and notices.get().url == reverse("online:room", args=[room.pk])
    mediator.get(reverse("notifications"))  # read
    mediator.post(send, {"text": "那就下午三点。"})  # the mediator's own words tell nobody
    assert notices.count() == 1
    complainant.post(send, {"text": "好的。"})
    assert notices.count() == 2


def test_the_mediator_closes_the_room_and_nobody_can_write_but_all_is_kept(world):
    room, mediator, complainant, _respondent = three(world)
    send = reverse("online:send", args=[room.pk])
    complainant.post(send, {"text": "协议我同意。"})
    close = reverse("online:close", args=[room.pk])
    refused = complainant.post(close)
    assert refused.status_code in (302, 403)
    room.refresh_from_db()
    assert room.closed_at is None  # a party cannot close it
    assert mediator.post(close, {"reason": "已达成协议"}).status_code == 302
    room.refresh_from_db()
    assert room.closed_at is not None
    late = complainant.post(send, {"text": "还有一件事"}, headers={"x-requested-with": "fetch"})
    assert late.status_code == 409 and "调解室已关闭" in late.json()["error"]
    assert "协议我同意。" in texts(complainant, room) and "还有一件事" not in texts(complainant, room)
    assert Event.objects.filter(case=room.case, action="online_room_closed").count() == 1
    assert mediator.post(close).status_code in (302, 409)  # twice: refused, nothing more written
    assert Event.objects.filter(case=room.case, action="online_room_closed").count() == 1
