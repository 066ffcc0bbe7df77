"""Background work of the sla app, run by `jiefen worker`."""

from django_tasks import task

from .ladder import after_mediation


@task()
def climb_after_mediation(event_id: int) -> str | None:
    return after_mediation(event_id)
