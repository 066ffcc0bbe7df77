import pytest

from jiefen.testing.factories import submit


@pytest.fixture
def judged(django_capture_on_commit_callbacks):
    """Submit a case and run what follows its commit (the judging task and its receivers)."""

    def submit_and_judge(world, **overrides):
        with django_capture_on_commit_callbacks(execute=True):
            case = submit(world, **overrides)
        case.refresh_from_db()
        return case

    return submit_and_judge
