from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.incidents"
    label = "incidents"
    verbose_name = _("重复件与群体性")
