"""Template tags the shared pages call: {% incidents_nav %} in the header, {% incidents_card case %}
on the case page. Each renders nothing where the app has nothing to show."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def incidents_nav(context):
    return ""


@register.simple_tag(takes_context=True)
def incidents_card(context, case):
    return ""
