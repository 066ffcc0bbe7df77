from .tasks import notify_event, notify_events


def on_event_committed(sender, event, **kwargs) -> None:
    notify_event.enqueue(event.pk)


def on_events_committed(sender, event_ids, **kwargs) -> None:
    notify_events.enqueue(list(event_ids))
