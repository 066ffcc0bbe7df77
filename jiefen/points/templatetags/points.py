"""{% points_nav %} in the header: 抢单大厅 for department handlers (open orders to take),
社区下单 for a community's staff (orders to confirm), 积分排名 for leaders. Nothing for others."""

from django import template

from .. import services

register = template.Library()


@register.inclusion_tag("points/_nav.html", takes_context=True)
def points_nav(context):
    user = context.get("user")
    if user is None or not user.is_authenticated or not services.in_use(user):
        return {}
    counts = services.waiting_counts(user)
    return {
        "hall": "hall" in counts, "open": counts.get("hall", 0) + counts.get("todo", 0),
        "community": "confirm" in counts, "confirm": counts.get("confirm", 0),
        "ranking": not counts,
    }
