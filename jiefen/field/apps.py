from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.field"
    label = "field"
    verbose_name = _("网格工作")
