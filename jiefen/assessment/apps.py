from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.assessment"
    label = "assessment"
    verbose_name = _("考评")
