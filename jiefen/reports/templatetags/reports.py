"""{% reports_nav %}: the header link of this app (nothing where the user has nothing here)."""

from django import template

register = template.Library()


@register.inclusion_tag("reports/_nav.html", takes_context=True)
def reports_nav(context):
    return {"show": False}
