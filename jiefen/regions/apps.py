from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.regions"
    label = "regions"
    verbose_name = _("区域与部门")
