"""Browser tests: Playwright (PyPI) driving Debian's Chromium against pytest-django's live server.

Never `playwright install`: the browser is /usr/bin/chromium from Debian's `chromium` package. Without it the tests
skip with the reason, unless BERDAYA_REQUIRE_BROWSER=1 (set by .ci/run), where a missing browser is a failure.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("BERDAYA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PHONE = {"width": 360, "height": 740}
SHOTS = Path("/tmp/e2e_shots")  # noqa: S108 - screenshots for a person to look at, not a secret


def _require_browser() -> None:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return
    reason = f"no Chromium at {CHROMIUM}: install Debian's `chromium` package to run the browser tests"
    if os.environ.get("BERDAYA_REQUIRE_BROWSER") == "1":
        pytest.fail(f"BERDAYA_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    print(f"\nSKIP browser tests: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def _stray_connections_closed(django_db_setup, django_db_blocker):
    """The live server answers each request in a daemon thread, which closes its database connection when the
    request ends; a request the browser abandoned as it closed may still hold one when the session ends, and on
    PostgreSQL the test database then cannot be dropped ("being accessed by other users"). Set up before the live
    server, so torn down after it has stopped and before the database is dropped."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                       " WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture
def browser(monkeypatch):
    """A fresh headless Chromium per test (the suite has few browser tests; nothing leaks into other tests)."""
    _require_browser()
    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _phone_page(browser, *, javascript: bool):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="id-ID", timezone_id="Asia/Jakarta", java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.csp_violations = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and page.csp_violations.append(msg.text))
    return context, page


@pytest.fixture
def phone(browser):
    """A page in a 360×740 phone-sized context; Content-Security-Policy violations are collected."""
    context, page = _phone_page(browser, javascript=True)
    yield page
    context.close()


@pytest.fixture
def phone_without_javascript(browser):
    context, page = _phone_page(browser, javascript=False)
    yield page
    context.close()


@pytest.fixture
def shots():
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
