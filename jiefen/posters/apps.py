from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.posters"
    label = "posters"
    verbose_name = _("网格二维码")
