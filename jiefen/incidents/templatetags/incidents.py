"""Template tags the shared pages call: {% incidents_nav %} in the header, {% incidents_card case %}
on the case page. Each renders nothing where the app has nothing to show."""

from django import template
from django.db.models import Q

from jiefen.accounts.models import Role
from jiefen.cases.scope import visible_cases

from ..bursts import warnings_for
from ..models import Decision, GroupMember, WarningCase, WarningStatus
from ..services import SIGNAL_LABELS, may_decide

register = template.Library()

CENTER_STAFF = {Role.CLERK, Role.DISPATCHER, Role.LEADER, Role.SUPERVISOR, Role.MEDIATOR}


@register.inclusion_tag("incidents/_nav.html", takes_context=True)
def incidents_nav(context):
    """The header link to the group warnings, for center staff; the badge counts the open ones."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"show": False}
    if not (user.is_superuser or any(m.role in CENTER_STAFF for m in user.memberships_cached())):
        return {"show": False}
    return {"show": True, "open": warnings_for(user).filter(status=WarningStatus.OPEN).count()}


@register.inclusion_tag("incidents/_case_card.html", takes_context=True)
def incidents_card(context, case):
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"show": False}
    from ..models import Suggestion

    suggestions = list(
        Suggestion.objects.filter(Q(case=case) | Q(other=case))
        .select_related("case", "other", "decided_by").order_by("-created_at", "-id")
    )
    membership = GroupMember.objects.filter(case=case).select_related("group").first()
    members = []
    if membership:
        members = [m.case for m in GroupMember.objects.filter(group=membership.group).select_related("case")]
    warning_ids = WarningCase.objects.filter(case=case).values("warning_id")
    warnings = list(warnings_for(user).filter(pk__in=warning_ids).select_related("region"))
    if not (suggestions or members or warnings):
        return {"show": False}
    related = {s.case_id for s in suggestions} | {s.other_id for s in suggestions} | {c.pk for c in members}
    visible = set(visible_cases(user).filter(pk__in=related).values_list("pk", flat=True))
    deciding = may_decide(user, case)
    rows = []
    for s in suggestions:
        other = s.other if s.case_id == case.pk else s.case
        rows.append({
            "s": s, "other": other, "visible": other.pk in visible, "newer": s.case_id != case.pk,
            "signals": [SIGNAL_LABELS[x] for x in s.signals if x in SIGNAL_LABELS],
            "may_decide": s.status == Decision.SUGGESTED and (deciding if s.case_id == case.pk else may_decide(user, s.case)),
        })
    return {
        "show": True, "case": case, "rows": rows, "warnings": warnings,
        "members": [{"case": c, "visible": c.pk in visible, "lead": c.pk == membership.group.lead_id} for c in members],
    }
