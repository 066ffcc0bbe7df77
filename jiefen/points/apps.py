from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.points"
    label = "points"
    verbose_name = _("社区下单")

    def ready(self) -> None:
        from jiefen.notify.kinds import register

        register("points", _("社区下单"))
