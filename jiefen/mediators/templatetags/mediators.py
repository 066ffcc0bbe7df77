"""{% mediators_nav %}: the header link of this app (nothing where the user has nothing here)."""

from django import template

register = template.Library()


@register.inclusion_tag("mediators/_nav.html", takes_context=True)
def mediators_nav(context):
    return {"show": False}


@register.inclusion_tag("mediators/_empty.html", takes_context=True)
def mediators_case_card(context, case):
    return {}


@register.inclusion_tag("mediators/_empty.html", takes_context=True)
def mediators_track_card(context, case):
    return {}
