"""Background work of the early-warning app."""

from django_tasks import task

from .services import raise_risk_grade


@task()
def raise_risk_after_signal(case_id: int) -> str | None:
    return raise_risk_grade(case_id)
