"""{% field_nav %}: the header link of this app (nothing where the user has nothing here)."""

from django import template

from ..services import is_grid_worker

register = template.Library()


@register.inclusion_tag("field/_nav.html", takes_context=True)
def field_nav(context):
    """网格工作 (my tasks, patrol report, proxy filing) for grid workers."""
    user = context.get("user")
    return {"show": user is not None and is_grid_worker(user)}
