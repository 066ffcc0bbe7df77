"""{% assessment_nav %}: the header link of this app (nothing where the user has nothing here)."""

from django import template

from ..services import may_assess

register = template.Library()


@register.inclusion_tag("assessment/_nav.html", takes_context=True)
def assessment_nav(context):
    user = context.get("user")
    return {"show": user is not None and may_assess(user)}
