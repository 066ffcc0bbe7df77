"""Classification and routing: the text classifier, its versions, the manual-classification queue and the department proposal."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.routing"
    label = "routing"
    verbose_name = _("分类与派单建议")

    def ready(self) -> None:
        from jiefen.cases import workflow
        from jiefen.cases.signals import case_changed
        from jiefen.intake.signals import case_received

        from .services import PROPOSE_ACTION, on_case_changed, on_case_received

        case_received.connect(on_case_received, dispatch_uid="routing-propose")
        case_changed.connect(on_case_changed, dispatch_uid="routing-verdict")
        workflow.add_event_labels({PROPOSE_ACTION: _("分类派单建议")})
