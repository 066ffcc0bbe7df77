from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.followup"
    label = "followup"
    verbose_name = _("回访")

    def ready(self) -> None:
        from jiefen.cases import workflow
        from jiefen.cases.signals import case_changed

        from .services import on_case_changed, visits_pending

        case_changed.connect(on_case_changed, dispatch_uid="followup-schedule")
        if visits_pending not in workflow.VISITORS:
            workflow.VISITORS.append(visits_pending)
