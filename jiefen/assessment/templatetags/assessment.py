"""{% assessment_nav %}: the header link of this app (nothing where the user has nothing here)."""

from django import template

register = template.Library()


@register.inclusion_tag("assessment/_nav.html", takes_context=True)
def assessment_nav(context):
    return {"show": False}
