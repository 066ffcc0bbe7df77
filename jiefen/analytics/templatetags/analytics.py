"""{% analytics_nav %}: the header link to the dashboard, for staff with a center or supervisor post."""

from django import template

from ..dashboard import DASHBOARD_ROLES

register = template.Library()


@register.inclusion_tag("analytics/_nav.html", takes_context=True)
def analytics_nav(context):
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"show": False}
    show = user.is_superuser or any(m.role in DASHBOARD_ROLES and m.region_id for m in user.memberships_cached())
    return {"show": show}
