"""Template tags the shared pages call: {% risk_nav %} in the header, {% risk_card case %}
on the case page. Each renders nothing where the app has nothing to show."""

from django import template
from django.utils import timezone

from .. import services

register = template.Library()


@register.inclusion_tag("risk/_nav.html", takes_context=True)
def risk_nav(context):
    """Grid workers: 重点人员走访 with the visits due by today; center desks: 重点人员 with the
    proposals waiting for review; other posts with a region: the register."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {}
    out = {"show_register": user.is_superuser or bool(services._paths(user))}
    if services.is_grid_worker(user):
        out["show_visits"] = True
        out["due"] = services.visits_for(user).filter(
            done_at__isnull=True, cancelled_at__isnull=True, due_date__lte=timezone.localdate()).count()
    if services.is_reviewer(user):
        out["proposals"] = services.proposals_for(user).count()
    return out


@register.inclusion_tag("risk/_case_card.html", takes_context=True)
def risk_card(context, case):
    """The parties' register entries and outside records (the case page is already scoped)."""
    user = context.get("user")
    rows = []
    for party in case.parties.all():
        entries = list(services.entries_for_party(party))
        visible = set(services.register_for(user).filter(pk__in=[e.pk for e in entries]).values_list("pk", flat=True))
        for entry in entries:
            entry.visible = entry.pk in visible
        records = list(services.records_for(party.name, party.id_number, party.phone)[:20])
        if entries or records:
            rows.append({"party": party, "entries": entries, "records": records})
    return {"rows": rows}
