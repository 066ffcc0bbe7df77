from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.knowledge"
    label = "knowledge"
    verbose_name = _("典型案例与知识库")
