"""A case held by the east street's center, signed for by its mediator, with a respondent who
left a phone: ready for an online room."""

from __future__ import annotations

import re

from django.core.cache import cache

from jiefen.cases.models import Case, PartyRole
from jiefen.cases.services import perform
from jiefen.notify import sms
from jiefen.testing.factories import World, submit

from .. import services
from ..models import Participant, Room

COMPLAINANT_PHONE = "13812345678"
RESPONDENT_PHONE = "13900001111"


def mediated_case(world: World) -> Case:
    case = submit(world, amount="8600", description="邻居装修把我家卫生间天花板泡坏了，要求赔偿维修费八千六百元。")
    case.parties.filter(role=PartyRole.RESPONDENT).update(name="李明", phone=RESPONDENT_PHONE)
    case = perform(case, "accept", world["clerk"])
    case = perform(case, "classify", world["clerk"], data={"item": world.property_item.pk})
    case = perform(case, "dispatch", world["dispatcher"], data={"center": world.streets[0].pk})
    return perform(case, "sign", world["street_mediator"])


def open_room(world: World, case: Case | None = None) -> Room:
    return services.open_room(case or mediated_case(world), world["street_mediator"])


def party(room: Room, role: str) -> Participant:
    return room.participants.select_related("party").get(party__role=role)


def invite(world: World, participant: Participant) -> str:
    """Send the invitation; returns its token (read from the SMS, as the party would)."""
    link = services.invite(participant, world["street_mediator"])
    assert last_sms(participant.party.phone) and link in last_sms(participant.party.phone)
    return link.rstrip("/").rsplit("/", 1)[-1]


def last_sms(phone: str) -> str:
    texts = [m.text for m in sms.outbox if m.phone == phone]
    return texts[-1] if texts else ""


def code_in(text: str) -> str:
    found = re.search(r"验证码(?:是)? ?(\d{6})", text)
    assert found, text
    return found.group(1)


def reset() -> None:
    sms.outbox.clear()
    cache.clear()  # the rate limits' counters
