"""{% mediators_nav %} in the header, {% mediators_case_card case %} on the case page and
{% mediators_track_card case %} on the resident's tracking page. Each renders nothing where
the app has nothing to show."""

from django import template

from jiefen.web.views import TRACKED

from .. import services
from ..models import Mediator, OrderStatus

register = template.Library()


@register.inclusion_tag("mediators/_nav.html", takes_context=True)
def mediators_nav(context):
    """Mediators with an account: 点单待确认 with the orders waiting for their answer; other
    staff: the directory."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"show": False}
    if Mediator.objects.filter(user=user).exists():
        return {"show": True, "orders": True, "waiting": services.waiting_count(user)}
    return {"show": True, "orders": False}


@register.inclusion_tag("mediators/_case_card.html", takes_context=True)
def mediators_case_card(context, case):
    """The case's orders; for the center desk the order form, the cancel button, and the
    answer on behalf of a mediator without an account. (The case page is already scoped.)"""
    user = context.get("user")
    orders = list(case.mediator_orders.select_related("mediator", "mediator__organisation", "ordered_by"))
    current = next((o for o in orders if o.is_open), None)
    desk = services.is_desk(user, case)
    out = {"case": case, "orders": orders, "current": current, "desk": desk, "request": context.get("request"),
           "may_answer": bool(current and current.status == OrderStatus.REQUESTED and services.may_answer(user, current))}
    if desk and current is None and services.orderable(case):
        candidates = list(services.candidates(case, staff=True))
        for m in candidates:
            m.full = m.open_orders >= m.max_open_orders
        out["candidates"] = candidates
        out["may_order"] = True
    return out


@register.inclusion_tag("mediators/_track_card.html", takes_context=True)
def mediators_track_card(context, case):
    """For the resident who proved the tracking code: the order, the way to order one, the rating."""
    request = context.get("request")
    if request is None or case.pk not in request.session.get(TRACKED, []):
        return {}
    orders = list(case.mediator_orders.select_related("mediator", "mediator__organisation"))
    return {
        "show": True, "case": case, "orders": orders, "current": next((o for o in orders if o.is_open), None),
        "orderable": services.orderable(case), "ratable": services.ratable(case), "request": request,
        "scores": [5, 4, 3, 2, 1],
    }
