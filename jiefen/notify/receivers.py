from .services import notify_for_event
from .tasks import notify_event, notify_events


def on_event_committed(sender, event, **kwargs) -> None:
    notify_event.enqueue(event.pk)


def on_events_committed(sender, event_ids, **kwargs) -> None:
    notify_events.enqueue(list(event_ids))


def on_case_received(sender, case, event_id=None, **kwargs) -> None:
    """A new case: its "submit" event is noticed in the intake's own task (no second task)."""
    if event_id is not None:
        notify_for_event(event_id)
