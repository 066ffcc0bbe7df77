from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.routing"
    label = "routing"
    verbose_name = _("分类与派单建议")
