from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.notify"
    label = "notify"
    verbose_name = _("消息提醒")

    def ready(self) -> None:
        from jiefen.cases.signals import event_committed, events_committed
        from jiefen.intake.signals import case_received

        from .receivers import on_case_received, on_event_committed, on_events_committed

        event_committed.connect(on_event_committed, dispatch_uid="notify-event")
        events_committed.connect(on_events_committed, dispatch_uid="notify-events")
        case_received.connect(on_case_received, dispatch_uid="notify-new-case")
