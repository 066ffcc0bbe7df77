from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.mediators"
    label = "mediators"
    verbose_name = _("调解员与调解组织")

    def ready(self) -> None:
        from jiefen.cases import workflow
        from jiefen.cases.signals import case_changed

        from .services import EVENT_LABELS, on_case_changed

        workflow.add_event_labels(EVENT_LABELS)
        case_changed.connect(on_case_changed, dispatch_uid="mediators-case-ends")
