"""A live server on 127.0.0.1 and Debian's Chromium driven by Playwright, for browser tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking switches Chromium keeps calling out to Google, which a
# closed network refuses; none of them changes how pages render.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture
def live_server(app: Any) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    page.console_messages = []  # type: ignore[attr-defined]
    page.on("console", lambda message: page.console_messages.append(message))  # type: ignore[attr-defined]
    yield page
    context.close()


AXE_SOURCE = resources.files("axe_playwright_python").joinpath("axe.min.js").read_text("utf-8")


def accessibility_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 A and AA violations on the page as it is now.

    axe is evaluated through the browser's debugging protocol, which the page's
    Content-Security-Policy does not govern; the page itself still runs no inline script.
    """
    page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "targets": [node["target"] for node in v["nodes"]]} for v in result["violations"]]
