import logging
import os

import pytest

# The test environment variables are set by jiefen/testing/pytest_env.py (see pyproject).


@pytest.fixture
def world(db):
    from jiefen.testing.factories import build_world

    return build_world()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _judgement_must_not_fail(caplog):
    """The judgement of a new case runs its layers robustly (one failing does not stop the
    others, in production); in a test, a layer that failed fails the test."""
    yield
    failed = [r.getMessage() for r in caplog.records
              if r.name == "jiefen.intake.tasks" and r.levelno >= logging.ERROR]
    assert not failed, failed


@pytest.fixture
def live_world(transactional_db):
    from jiefen.testing.factories import build_world

    return build_world()


SCREENS = os.path.join(os.path.dirname(__file__), "test-artifacts", "screens")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser):
    """Open browser contexts that are closed when the test ends, so that no request of
    theirs reaches the live server after the test's database is gone."""
    opened = []

    def open_(**options):
        context = browser.new_context(locale="zh-CN", **options)
        opened.append(context)
        return context

    yield open_
    for context in opened:
        context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under test-artifacts/screens/ to look at after the run."""
    os.makedirs(SCREENS, exist_ok=True)

    def take(page, name: str) -> None:
        page.screenshot(path=os.path.join(SCREENS, f"{name}.png"), full_page=True)

    return take
