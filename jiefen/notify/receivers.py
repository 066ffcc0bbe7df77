from .tasks import notify_event


def on_event_committed(sender, event, **kwargs) -> None:
    notify_event.enqueue(event.pk)
