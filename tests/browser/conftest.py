from __future__ import annotations

import json
import os
from typing import Any

import pytest
from playwright.sync_api import expect

from ..markup import ESCAPED_TAG, assert_no_escaped_tags

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# (factories, reading a TOTP device) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
# CI runs three suites side by side on two cores: a page can take seconds to arrive. Assertions wait for it
# (expect(...).to_be_visible(), never a bare is_visible(), which answers at once).
expect.set_options(timeout=20_000)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def assert_accessible() -> Any:
    """Run axe-core in the page; fail listing every WCAG 2.2 AA violation."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Error as PlaywrightError

    axe = Axe()

    def check(page: Any) -> None:
        # A click on a link returns before the next page has replaced the old one; axe run in
        # between finds no document ("reading 'documentElement'") or has its context destroyed.
        # Wait for the page to settle and run it again: the page under test is the one that loads.
        for attempt in range(3):
            page.wait_for_load_state("load")
            try:
                assert_no_escaped_tags(page.content(), page.url)
                results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
                break
            except PlaywrightError as error:
                navigating = any(
                    sign in str(error) for sign in ("documentElement", "context was destroyed", "navigating")
                )
                if not navigating or attempt == 2:
                    raise
                page.wait_for_timeout(200)
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"

    return check


_REPORT_ESCAPED_TAGS = """
document.addEventListener("DOMContentLoaded", () => {
  const pattern = new RegExp(%s, "gi");
  const html = document.documentElement.outerHTML;
  const hits = [];
  for (const m of html.matchAll(pattern)) {
    hits.push(html.slice(Math.max(0, m.index - 60), m.index + 80));
    if (hits.length >= 5) break;
  }
  if (hits.length) window.__maceEscapedTags(location.href, hits);
});
"""


@pytest.fixture(autouse=True)
def _no_page_shows_markup_as_text(request: pytest.FixtureRequest) -> Any:
    """Every page a journey loads, not only those it checks with axe: no tag escaped into the text.
    The page reports itself as it loads (Playwright's own events arrive too late to read the page)."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    found: list[str] = []

    def report(_source: Any, url: str, hits: list[str]) -> None:
        found.extend(f"{url}: {hit}" for hit in hits)

    page.context.expose_binding("__maceEscapedTags", report)
    page.context.add_init_script(_REPORT_ESCAPED_TAGS % json.dumps(ESCAPED_TAG.pattern))
    yield
    if not page.is_closed():
        page.evaluate("1")  # let the last page's report arrive
    assert not found, "markup shown as text:\n" + "\n".join(found)
