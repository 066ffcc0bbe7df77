"""Template tags the shared pages call: {% warnings_nav %} in the header, {% warnings_card case %}
on the case page. Each renders nothing where the app has nothing to show."""

from django import template

from ..models import Level, RiskScore
from ..services import WHY, reason_text, signals_for, watches

register = template.Library()


@register.inclusion_tag("warnings/_nav.html", takes_context=True)
def warnings_nav(context):
    """The header link to 风险预警 for center and grid staff, with the count of signals in
    their jurisdiction nobody has handled yet."""
    user = context.get("user")
    if user is None or not watches(user):
        return {"show": False}
    return {"show": True, "open": signals_for(user).open().count()}


@register.inclusion_tag("warnings/_case_card.html", takes_context=True)
def warnings_card(context, case):
    """The case's signals (phrase highlighted) and its 民转刑 score with the reasons. The case
    page is only shown to staff who can see the case."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"show": False}
    signals = list(case.threat_signals.order_by("created_at", "id"))
    score = RiskScore.objects.filter(case=case).first()
    rows = [(s, *_parts(s), WHY.get(s.why, "")) for s in signals]
    return {
        "show": bool(signals or score),
        "signals": rows,
        "score": score,
        "reasons": [reason_text(r) for r in score.reasons] if score else [],
        "high": score is not None and score.level == Level.HIGH,
        "watches": watches(user),
    }


def _parts(signal) -> tuple[str, str, str]:
    before, phrase, after = signal.excerpt.partition(signal.phrase)
    if not phrase:
        return "", signal.phrase, ""
    return before, phrase, after
