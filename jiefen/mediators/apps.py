from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.mediators"
    label = "mediators"
    verbose_name = _("调解员与调解组织")
