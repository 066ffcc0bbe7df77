"""{% reports_nav %}: the header link of this app (nothing where the user has nothing here)."""

from django import template

from jiefen.analytics.dashboard import may_see_dashboard, scope_of

register = template.Library()


@register.inclusion_tag("reports/_nav.html", takes_context=True)
def reports_nav(context):
    user = context.get("user")
    if user is None or not may_see_dashboard(user):
        return {"show": False}
    return {"show": bool(scope_of(user)[0])}
