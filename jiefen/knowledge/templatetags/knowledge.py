"""{% knowledge_nav %}: the header link of this app (nothing where the user has nothing here)."""

from django import template

register = template.Library()


@register.inclusion_tag("knowledge/_nav.html", takes_context=True)
def knowledge_nav(context):
    return {"show": False}


@register.inclusion_tag("knowledge/_empty.html", takes_context=True)
def knowledge_case_card(context, case):
    return {}
