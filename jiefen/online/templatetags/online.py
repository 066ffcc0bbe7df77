"""{% online_case_card case %} on the staff case page: the case's online rooms, their record
and agreements, and the button that opens a room. {% online_track_card case %} on the
resident's tracking page: the signed agreement's terms to confirm as honoured or not."""

from django import template

from .. import services

register = template.Library()


@register.inclusion_tag("online/_case_card.html", takes_context=True)
def online_case_card(context, case):
    user = context.get("user")
    rooms = list(case.online_rooms.select_related("mediator").order_by("-created_at"))
    for room in rooms:
        room.recent = list(room.messages.select_related("private_with").order_by("-id")[:5])[::-1]
        room.count = room.messages.count()
        room.people = list(room.participants.select_related("party"))
    agreements = list(case.online_agreements.prefetch_related("terms").select_related("judicial"))
    return {
        "case": case, "rooms": rooms, "agreements": agreements, "request": context.get("request"),
        "may_open": user is not None and services.may_open(user, case) and not any(r.is_open for r in rooms),
    }


@register.inclusion_tag("online/_track_card.html", takes_context=True)
def online_track_card(context, case):
    agreements = list(services.signed_agreements(case))
    return {"case": case, "agreements": agreements, "request": context.get("request")}
