from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.imports"
    label = "imports"
    verbose_name = _("外部工单接入")
