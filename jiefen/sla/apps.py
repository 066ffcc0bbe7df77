from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.sla"
    label = "sla"
    verbose_name = _("时限与督办")

    def ready(self) -> None:
        from jiefen.cases.signals import case_changed, event_committed

        from .clocks import on_case_changed
        from .ladder import on_event_committed

        case_changed.connect(on_case_changed, dispatch_uid="sla-clocks")
        # the escalation ladder looks at each failed mediation after its commit
        event_committed.connect(on_event_committed, dispatch_uid="sla-ladder")
