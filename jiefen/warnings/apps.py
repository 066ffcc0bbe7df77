from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.warnings"
    label = "warnings"
    verbose_name = _("风险预警")
