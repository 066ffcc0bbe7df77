"""A party is invited by a one-time link sent by SMS, proves who they are by the last four
digits of their phone or by an SMS code, and then holds a cookie for that room only. Links
and codes expire, are used once and are rate-limited; a refusal changes nothing."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from jiefen.cases.models import PartyRole

from ..models import Participant
from .factories import COMPLAINANT_PHONE, code_in, invite, last_sms, open_room, party


def join_url(token):
    return reverse("online:join", args=[token])


def test_invitation_sms_carries_a_link_that_opens_the_room_with_the_last_four_digits(world, client):
    room = open_room(world)
    token = invite(world, party(room, PartyRole.COMPLAINANT))
    assert "线上调解" in last_sms(COMPLAINANT_PHONE)

    page = client.get(join_url(token))
    assert page.status_code == 200 and "手机号后 4 位" in page.content.decode()
    response = client.post(join_url(token), {"last4": COMPLAINANT_PHONE[-4:]})
    assert response.status_code == 302 and response["Location"] == reverse("online:room", args=[room.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200 and "您以“诉求人 王建国”的身份参加调解" in page.content.decode()
    assert party(room, PartyRole.COMPLAINANT).joined_at is not None


def test_the_room_refuses_anyone_without_the_cookie_and_the_cookie_opens_no_other_room(world, client):
    room = open_room(world)
    other = open_room(world)
    token = invite(world, party(room, PartyRole.COMPLAINANT))
    client.post(join_url(token), {"last4": COMPLAINANT_PHONE[-4:]})
    refused = client.get(reverse("online:room", args=[other.pk]))
    assert refused.status_code == 403 and "邀请链接" in refused.content.decode()
    assert client.get(reverse("online:poll", args=[other.pk])).status_code == 403


def test_a_used_link_is_refused_and_changes_nothing(world, client, settings):
    room = open_room(world)
    token = invite(world, party(room, PartyRole.COMPLAINANT))
    client.post(join_url(token), {"last4": COMPLAINANT_PHONE[-4:]})
    before = Participant.objects.get(token=token)

    again = client.post(join_url(token), {"last4": COMPLAINANT_PHONE[-4:]})
    assert again.status_code == 410
    assert "已经使用过" in again.content.decode()
    after = Participant.objects.get(token=token)
    assert (after.token_used_at, after.failed_attempts, after.session_key) == (
        before.token_used_at, before.failed_attempts, before.session_key)


def test_an_expired_link_is_refused(world, client):
    room = open_room(world)
    token = invite(world, party(room, PartyRole.COMPLAINANT))
    Participant.objects.filter(token=token).update(token_expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = client.post(join_url(token), {"last4": COMPLAINANT_PHONE[-4:]})
    assert response.status_code == 410 and "已过期" in response.content.decode()
    assert Participant.objects.get(token=token).token_used_at is None
    assert client.get(reverse("online:room", args=[room.pk])).status_code == 403


def test_a_new_invitation_ends_the_old_link_and_the_old_cookie(world, client):
    room = open_room(world)
    complainant = party(room, PartyRole.COMPLAINANT)
    first = invite(world, complainant)
    client.post(join_url(first), {"last4": COMPLAINANT_PHONE[-4:]})
    assert client.get(reverse("online:room", args=[room.pk])).status_code == 200
    second = invite(world, Participant.objects.get(pk=complainant.pk))
    assert client.get(join_url(first)).status_code == 404
    assert client.get(reverse("online:room", args=[room.pk])).status_code == 403
    assert client.post(join_url(second), {"last4": COMPLAINANT_PHONE[-4:]}).status_code == 302


def test_wrong_digits_count_down_and_lock_the_link(world, client):
    room = open_room(world)
    token = invite(world, party(room, PartyRole.COMPLAINANT))
    for left in (4, 3, 2, 1):
        response = client.post(join_url(token), {"last4": "0000"})
        assert response.status_code == 400
        assert f"还可尝试 {left} 次" in response.content.decode()
    locked = client.post(join_url(token), {"last4": "0000"})
    assert locked.status_code == 403 and "已锁定" in locked.content.decode()
    # even the right digits no longer open it
    assert client.post(join_url(token), {"last4": COMPLAINANT_PHONE[-4:]}).status_code == 403
    assert Participant.objects.get(token=token).token_used_at is None


def test_the_sms_code_opens_the_room_once_and_expires(world, client):
    room = open_room(world)
    token = invite(world, party(room, PartyRole.COMPLAINANT))
    assert client.post(join_url(token), {"action": "send_code"}).status_code == 200
    code = code_in(last_sms(COMPLAINANT_PHONE))

    from ..models import OneTimeCode

    OneTimeCode.objects.filter(participant__token=token).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired = client.post(join_url(token), {"code": code})
    assert expired.status_code == 400 and "验证码已过期" in expired.content.decode()

    client.post(join_url(token), {"action": "send_code"})
    code = code_in(last_sms(COMPLAINANT_PHONE))
    assert client.post(join_url(token), {"code": code}).status_code == 302
    assert client.post(join_url(token), {"code": code}).status_code == 410  # the link is used up


def test_codes_are_rate_limited(world, client):
    room = open_room(world)
    token = invite(world, party(room, PartyRole.COMPLAINANT))  # the invitation is the first SMS
    sent = [client.post(join_url(token), {"action": "send_code"}).status_code for _ in range(3)]
    assert sent == [200, 200, 429]
    from jiefen.notify import sms

    assert len([m for m in sms.outbox if m.phone == COMPLAINANT_PHONE]) == 3


def test_attempts_from_one_address_are_rate_limited(world, client, settings):
    settings.JIEFEN_ONLINE_LIMITS = {"attempt": (3, 600)}
    room = open_room(world)
    token = invite(world, party(room, PartyRole.COMPLAINANT))
    codes = [client.post(join_url(token), {"last4": "9999"}).status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]
    assert Participant.objects.get(token=token).failed_attempts == 3


def test_only_the_cases_mediator_invites_and_a_party_without_phone_cannot_be_invited(world, client):
    room = open_room(world)
    complainant = party(room, PartyRole.COMPLAINANT)
    client.force_login(world["west_dispatcher"])
    response = client.post(reverse("online:invite", args=[room.pk, complainant.pk]))
    assert response.status_code == 404
    assert Participant.objects.get(pk=complainant.pk).token is None

    complainant.party.phone = ""
    complainant.party.save()
    client.force_login(world["street_mediator"])
    response = client.post(reverse("online:invite", args=[room.pk, complainant.pk]))
    assert response.status_code == 409 and "没有留手机号" in response.content.decode()


def test_the_mediator_sees_the_live_invitation_as_a_qr_code_and_the_phones_masked(world, client):
    room = open_room(world)
    client.force_login(world["street_mediator"])
    client.post(reverse("online:invite", args=[room.pk, party(room, PartyRole.COMPLAINANT).pk]))
    page = client.get(reverse("online:room", args=[room.pk])).content.decode()
    assert 'alt="邀请二维码"' in page and "data:image/png;base64," in page
    assert "138****5678" in page and COMPLAINANT_PHONE not in page
