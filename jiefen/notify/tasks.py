"""Background work run by `jiefen worker`."""

from django_tasks import task

from .services import notify_for_event


@task()
def notify_event(event_id: int) -> int:
    return notify_for_event(event_id)
