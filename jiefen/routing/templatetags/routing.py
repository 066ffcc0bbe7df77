"""Template tags the shared pages call: {% routing_nav %} in the header, {% routing_card case %}
on the case page. Each renders nothing where the app has nothing to show."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def routing_nav(context):
    return ""


@register.simple_tag(takes_context=True)
def routing_card(context, case):
    return ""
