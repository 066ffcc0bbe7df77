from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.online"
    label = "online"
    verbose_name = _("线上调解")

    def ready(self) -> None:
        from jiefen.cases.workflow import add_event_labels

        from . import services
        from .services import EVENT_LABELS

        add_event_labels(EVENT_LABELS)
        from jiefen.notify.kinds import register

        register(services.MESSAGE_NOTICE, _("线上调解新消息"))
        # "online_overdue" is a notice of the kind 回访跟进 (follow_up), named in notify.kinds
