"""{% knowledge_nav %}: the header link to the typical-case library (staff only; the badge
counts what waits for this user's review). {% knowledge_case_card case %}: on the case page,
the closest typical and closed cases, and proposing a closed case as a typical case."""

from django import template

from jiefen.cases.models import Status

from .. import services
from ..similar import similar

register = template.Library()


@register.inclusion_tag("knowledge/_nav.html", takes_context=True)
def knowledge_nav(context):
    user = context.get("user")
    if user is None or not services.is_staff(user):
        return {"show": False}
    return {"show": True, "queue": services.review_queue(user).count()}


@register.inclusion_tag("knowledge/_case_card.html", takes_context=True)
def knowledge_case_card(context, case):
    user = context.get("user")
    if user is None or not services.is_staff(user):
        return {"show": False}
    item = case.item or case.reported_item
    matches = similar(case.description, item, limit=5, user=user, exclude_case=case)
    write_up = services.open_write_up(case) if case.status == Status.CLOSED else None
    if write_up is not None and not services.library_for(user).filter(pk=write_up.pk).exists():
        write_up = None
    return {
        "show": True, "case": case, "matches": matches, "write_up": write_up,
        "answers": services.answers_for(item or case.category),
        "may_propose": write_up is None and services.may_propose(user, case),
        "csrf_token": context.get("csrf_token"),
    }
