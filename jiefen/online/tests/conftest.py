import pytest

from .factories import reset


@pytest.fixture(autouse=True)
def _fresh_outbox_and_limits():
    reset()
    yield
    reset()
