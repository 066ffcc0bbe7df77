import pytest

from .factories import october as build_october


@pytest.fixture
def october(world, django_capture_on_commit_callbacks):
    return build_october(world, django_capture_on_commit_callbacks)
