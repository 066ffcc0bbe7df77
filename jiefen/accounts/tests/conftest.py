import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Lockouts and rate limits are counted in the cache: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()
