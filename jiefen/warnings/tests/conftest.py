import pytest


@pytest.fixture
def warning_words(db):
    from jiefen.warnings.defaults import load_defaults

    load_defaults()


@pytest.fixture
def judged(world, warning_words, django_capture_on_commit_callbacks):
    """Submit a case and let the judging layers (after commit) run, as the worker would."""
    from jiefen.testing.factories import submit

    def submit_judged(**overrides):
        with django_capture_on_commit_callbacks(execute=True):
            case = submit(world, **overrides)
        case.refresh_from_db()
        return case

    return submit_judged
