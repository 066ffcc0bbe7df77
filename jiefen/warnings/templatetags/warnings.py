"""Template tags the shared pages call: {% warnings_nav %} in the header, {% warnings_card case %}
on the case page. Each renders nothing where the app has nothing to show."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def warnings_nav(context):
    return ""


@register.simple_tag(takes_context=True)
def warnings_card(context, case):
    return ""
