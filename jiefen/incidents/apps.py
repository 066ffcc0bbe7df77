from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.incidents"
    label = "incidents"
    verbose_name = _("重复件与群体性")

    def ready(self) -> None:
        from jiefen.cases import workflow
        from jiefen.intake.signals import case_received

        from .services import EVENT_LABELS, on_case_received

        case_received.connect(on_case_received, dispatch_uid="incidents-detect")
        workflow.add_event_labels(EVENT_LABELS)
