from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.field"
    label = "field"
    verbose_name = _("网格工作")

    def ready(self) -> None:
        from jiefen.cases.workflow import add_event_labels

        from .services import PROXY_EVENT

        add_event_labels({PROXY_EVENT: _("网格员代办")})
