"""Loaded by pytest before Django is set up (`-p jiefen.testing.pytest_env` in pyproject), so
that a plain `pytest` from the repo has the test settings, as `bin/test` does."""

import os

os.environ.setdefault("JIEFEN_TESTING", "1")
# Playwright's sync API runs an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Tasks run at once, inside the test; notify/tests/test_worker_notifies.py runs the real queue.
os.environ.setdefault("JIEFEN_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
