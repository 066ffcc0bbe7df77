import pytest

from jiefen.knowledge.similar import invalidate


@pytest.fixture(autouse=True)
def _fresh_matrix():
    """Each test starts from its own database: no matrix from an earlier test."""
    invalidate()
    yield
    invalidate()
