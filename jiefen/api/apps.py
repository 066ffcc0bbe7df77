from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.api"
    label = "api"
    verbose_name = _("系统接口")
