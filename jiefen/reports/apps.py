from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.reports"
    label = "reports"
    verbose_name = _("稳定专报")
