"""Browser test fixtures: Debian's Chromium driven by Playwright against pytest-django's
live_server.

Reuse them in any tests/e2e/test_*.py:

    def test_it_shows_the_board(page, live_server, login, rep):
        login(page, live_server, rep.username)          # password "pw" by default
        page.goto(live_server.url + "/deals/")
        expect(page.get_by_role("heading", name="Deals")).to_be_visible()

- `browser`: one headless Chromium for the whole session.
- `page`: a fresh browser context (own cookies) per test, 1280x900, 10 s timeouts.
- `new_page(width=1280, height=900)`: another fresh context, e.g. a second user in the
  same test or a phone-width screen (`new_page(width=390, height=844)`).
- `login(page, live_server, username, password="pw")`: logs in through the real form and
  waits until the home page (or `next`) is shown.
- `logout(page)`: logs out through the user menu's form.

Every test in this folder is marked `e2e` automatically, and `live_server` brings a
transactional database, so rows made with factories in the test are visible to the server.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio loop running in this thread; the ORM would then
# refuse to run (SynchronousOnlyOperation) between browser steps. Tests here are
# synchronous code that only looks async to Django, so allow it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEFAULT_TIMEOUT_MS = 10_000
E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    # This hook sees the whole session's items, so mark only the ones in this folder.
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def _playwright():
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python is not installed (pip install -r requirements.txt)")
    # expect() waits as long as actions do: on a loaded CI machine a swap can take over 5 s
    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
    manager = sync_playwright()
    playwright = manager.start()
    try:
        yield playwright
    finally:
        manager.__exit__(None, None, None)


@pytest.fixture(scope="session")
def browser(_playwright):
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        pytest.skip(
            "Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)"
        )
    browser = _playwright.chromium.launch(
        executable_path=str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")),
        headless=True,
        args=CHROMIUM_ARGS,
    )
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser):
    """Factory for pages in fresh contexts; all are closed at the end of the test."""
    contexts = []

    def make(width=1280, height=900):
        context = browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def _login(page, live_server, username, password="pw"):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_function("() => !window.location.pathname.startsWith('/login/')")
    page.wait_for_load_state("domcontentloaded")
    return page


def _logout(page):
    page.locator("details.user-menu summary").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state("domcontentloaded")
    return page


@pytest.fixture
def login():
    return _login


@pytest.fixture
def logout():
    return _logout
