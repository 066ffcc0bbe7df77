"""Background work run by `jiefen worker`."""

from django_tasks import task

from .services import deliver, notify_for_event


@task()
def notify_event(event_id: int) -> int:
    return notify_for_event(event_id)


@task()
def notify_events(event_ids: list[int]) -> int:
    return sum(notify_for_event(event_id) for event_id in event_ids)


@task()
def deliver_now(keys: list[str]) -> int:
    """Send these new deliveries at once; what fails is left to the retry job (notify.retry)."""
    return deliver(keys)
