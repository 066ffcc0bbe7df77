from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.risk"
    label = "risk"
    verbose_name = _("重点人员")
