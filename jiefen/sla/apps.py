from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.sla"
    label = "sla"
    verbose_name = _("时限与督办")

    def ready(self) -> None:
        from jiefen.cases.signals import case_changed

        from .clocks import on_case_changed

        case_changed.connect(on_case_changed, dispatch_uid="sla-clocks")
