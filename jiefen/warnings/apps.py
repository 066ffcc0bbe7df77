"""Early warning: extreme-behaviour signals in the text and the civil-to-criminal (民转刑) risk score."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.warnings"
    label = "warnings"
    verbose_name = _("风险预警")

    def ready(self) -> None:
        from jiefen.cases import workflow
        from jiefen.cases.signals import case_changed
        from jiefen.intake.signals import case_received

        from .services import EVENT_LABELS, on_case_changed, on_case_received

        case_received.connect(on_case_received, dispatch_uid="warnings-new-case")
        case_changed.connect(on_case_changed, dispatch_uid="warnings-case-changed")
        workflow.add_event_labels(EVENT_LABELS)
