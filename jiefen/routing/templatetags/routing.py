"""Template tags the shared pages call: {% routing_nav %} in the header, {% routing_card case %}
on the case page. Each renders nothing where the app has nothing to show."""

from django import template

from jiefen.cases.workflow import ACTIONS, is_available

from ..models import Proposal
from ..services import manual_queue, may_classify_somewhere

register = template.Library()


@register.inclusion_tag("routing/_nav.html", takes_context=True)
def routing_nav(context):
    """The header link to the manual-classification queue, for staff who may classify; the
    badge counts the cases waiting in their scope."""
    user = context.get("user")
    if user is None or not may_classify_somewhere(user):
        return {"show": False}
    return {"show": True, "count": manual_queue(user).count()}


@register.inclusion_tag("routing/_case_card.html", takes_context=True)
def routing_card(context, case):
    user = context.get("user")
    p = Proposal.objects.filter(case_id=case.pk).select_related(
        "item", "category", "department", "center", "version", "final_item__category"
    ).defer("version__model").first()
    if p is None or user is None or not user.is_authenticated:
        return {"p": None}
    differs = case.item_id != p.item_id or case.risk_grade != p.risk_grade
    can_adopt = differs and is_available(user, case, ACTIONS["classify"])
    return {"p": p, "case": case, "can_adopt": can_adopt, "csrf_token": context.get("csrf_token")}
