from django import template
from django.utils import timezone

from ..services import follow_ups_for, has_follow_up_post

register = template.Library()


@register.inclusion_tag("followup/_nav.html", takes_context=True)
def follow_up_nav(context):
    """The header link to 我的回访, for grid workers (and center desks, who get the visits of
    cases without a grid worker); the badge counts the visits due by today."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"show": False}
    if user.is_superuser:
        return {"show": True, "due": 0}
    if not has_follow_up_post(user):
        return {"show": False}
    due = follow_ups_for(user).pending().filter(due_date__lte=timezone.localdate()).count()
    return {"show": True, "due": due}


@register.inclusion_tag("followup/_case_card.html", takes_context=True)
def follow_up_card(context, case):
    user = context.get("user")
    rows = list(case.follow_ups.order_by("due_date", "id").select_related("done_by"))
    mine = set()
    if rows and user is not None and user.is_authenticated:
        mine = set(follow_ups_for(user).filter(case_id=case.pk).values_list("pk", flat=True))
    return {"follow_ups": rows, "mine": mine, "today": timezone.localdate()}
