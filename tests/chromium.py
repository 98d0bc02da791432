"""One headless Chromium for a run of consecutive browser tests, instead of one per test.

Starting Playwright's driver and Chromium costs 1–2 s of CPU, and there are 15 browser tests. The
`browser` fixture (tests/test_browser.py) takes the running browser from here, or starts it; every
test opens its own browser contexts (new_page / new_context: its own cookies, storage and cache), and
whatever contexts a test leaves open are closed after it. The browser is stopped before the first
test that does not ask for it (pytest_runtest_setup in conftest.py) and at the end of the session:
while Playwright's sync API is started, its event loop counts as running in this thread, which a test
using asyncio or asgiref would trip over, so it must never outlive the browser tests."""

from __future__ import annotations

import os
import shutil

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

_running: dict = {}  # "playwright", "browser" while started
launches = 0  # how many times Chromium was started this session (pytest_terminal_summary)


def browser():
    global launches
    from playwright.sync_api import sync_playwright

    if _running and not _running["browser"].is_connected():  # crashed during the last test
        stop()
    if not _running:
        assert os.path.exists(CHROMIUM), "Debian chromium is required: bash scripts/test.sh installs it"
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop shares the thread with the ORM
        playwright = sync_playwright().start()
        try:
            _running["browser"] = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        except BaseException:
            playwright.stop()
            raise
        _running["playwright"] = playwright
        launches += 1
    return _running["browser"]


def after_test() -> None:
    """The fixture's teardown: nothing a test opened carries over to the next."""
    if _running:
        for context in list(_running["browser"].contexts):
            context.close()


def stop() -> None:
    if _running:
        try:
            _running["browser"].close()
        finally:
            _running.pop("playwright").stop()
            _running.clear()


def before_test(item) -> None:
    """pytest_runtest_setup: stop the browser before a test that does not use it."""
    if _running and "browser" not in getattr(item, "fixturenames", ()):
        stop()
