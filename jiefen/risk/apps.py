from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.risk"
    label = "risk"
    verbose_name = _("重点人员")

    def ready(self) -> None:
        from jiefen.cases.signals import case_changed
        from jiefen.intake.signals import case_received

        from .services import on_case_changed, on_case_received

        case_received.connect(on_case_received, dispatch_uid="risk-propose-new-case")
        case_changed.connect(on_case_changed, dispatch_uid="risk-propose-classified-case")
