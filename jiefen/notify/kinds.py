"""Kinds of notice a user chooses channels for, the events of each kind, and the defaults.

In-app is always on. Another app names a kind of its own (or adds its events to one) from its
AppConfig.ready() with `register`; an event of no kind is "other"."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

IN_APP, EMAIL, SMS, WEBHOOK = "in_app", "email", "sms", "webhook"
CHANNELS = {IN_APP: _("站内"), EMAIL: _("邮件"), SMS: _("短信"), WEBHOOK: _("Webhook")}
OUTSIDE = (EMAIL, SMS, WEBHOOK)  # the channels a user may turn on or off
OTHER = "other"


@dataclass
class Kind:
    name: str
    label: str | Promise
    actions: set[str] = field(default_factory=set)
    defaults: frozenset[str] = frozenset({WEBHOOK})  # besides in-app


KINDS: dict[str, Kind] = {}


def register(name: str, label=None, actions=(), defaults=None) -> Kind:
    """Add a kind, or more events to an existing one."""
    kind = KINDS.get(name)
    if kind is None:
        kind = KINDS[name] = Kind(name, label or name)
    if label is not None:
        kind.label = label
    kind.actions.update(actions)
    if defaults is not None:
        kind.defaults = frozenset(defaults)
    return kind


register("assignment", _("派单交办"), {"dispatch", "transfer", "set_helpers", "assign_leader", "set_task_force"})
register("new_case", _("新诉求"), {"submit", "reopen"})
register("return", _("退单"), {"return"})
register("result", _("办理结果"), {"resolve", "close_unresolved"})
register("sheet", _("督办催办"), {"raise_sheet", "urge"}, defaults={EMAIL, WEBHOOK})
register("escalation", _("提级"), {"escalate", "propose_escalation"}, defaults={EMAIL, WEBHOOK})
register("warning", _("预警"), {"threat_signal", "criminal_risk_high", "group_warning"},
         defaults={EMAIL, SMS, WEBHOOK})
# Events other apps write, named here as strings (notify imports none of them).
register("follow_up", _("回访跟进"), {"schedule_follow_up", "online_overdue"})
register("mediator_order", _("点单调解"),
         {"mediator_ordered", "mediator_accepted", "mediator_declined", "mediator_cancelled"})
register("typical_case", _("典型案例"))
register("report", _("稳定专报"))
register(OTHER, _("其他"))


def kind_of(action: str) -> str:
    return next((k.name for k in KINDS.values() if action in k.actions), OTHER)


def known(name: str) -> str:
    """The kind whose preferences apply to a notice announced as `name`."""
    return name if name in KINDS else OTHER
