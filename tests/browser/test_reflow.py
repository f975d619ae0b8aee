"""What a new user sees on a phone and in the text of every page, over a seeded partnership.

One crawl per role (from its home page, through the links its pages offer, one page per URL pattern
within a budget) at a 320 by 640 viewport. The tests below each assert one thing about what it saw.
"""

# shifted-clocks: pinned (every test fixes the instants it reasons about)

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlparse

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, connections
from django.test import override_settings

from mace.core import triggers
from mace.demo.generate import DEMO_PASSWORD, generate
from mace.demo.organisation import DEMO_ACCOUNTS

from .conftest import WCAG_TAGS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("reflow")]

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
VIEWPORT = {"width": 320, "height": 640}
PAGES_PER_ROLE = 40
SKIP = re.compile(r"sign-out|\.pdf$|\.csv$|\.xlsx$|/export|/download|/api/")
# Scroll regions are for genuinely two-dimensional figures only (docs/decisions/0017-reflow.md).
SCROLL_REGION = ".mace-scroll[role=region][aria-label][tabindex='0']"

MEASURE = """() => {
  const doc = document.documentElement;
  const scrollers = [];
  for (const el of document.querySelectorAll('main *')) {
    const style = getComputedStyle(el);
    if (['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1) {
      scrollers.push({html: el.outerHTML.slice(0, 120), labelled: el.matches(arguments[0] || '')});
    }
  }
  const clipped = [];
  for (const svg of document.querySelectorAll('main svg')) {
    // On the screen, after every transform (a chart library nests labels in translated, rotated groups).
    const outer = svg.getBoundingClientRect();
    for (const t of svg.querySelectorAll('text')) {
      const b = t.getBoundingClientRect();
      if (!b.width && !b.height) continue;
      const out = b.left < outer.left - 0.5 || b.top < outer.top - 0.5
        || b.right > outer.right + 0.5 || b.bottom > outer.bottom + 0.5;
      if (out) {
        const from = Math.round(b.left - outer.left), to = Math.round(b.right - outer.left);
        clipped.push(`${t.textContent} at ${from}..${to} in ${Math.round(outer.width)}`);
      }
    }
  }
  return {
    scrollWidth: doc.scrollWidth,
    innerWidth: window.innerWidth,
    scrollers: scrollers,
    clipped: clipped,
    text: document.querySelector('main') ? document.querySelector('main').innerText : document.body.innerText,
    html: document.documentElement.outerHTML,
  };
}"""


@dataclass
class Seen:
    role: str
    path: str
    scroll_width: int
    inner_width: int
    scrollers: list[dict[str, Any]]
    clipped: list[str]
    text: str
    html: str
    violations: list[str] = field(default_factory=list)


@dataclass
class Crawl:
    pages: list[Seen] = field(default_factory=list)

    def patterns(self) -> set[str]:
        return {pattern(p.path) for p in self.pages}


def pattern(path: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/{id}", urlparse(path).path)


def _measure(page: Any) -> dict[str, Any]:
    return page.evaluate(MEASURE.replace("arguments[0]", repr(SCROLL_REGION)))


def _violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [v["id"] for v in results.response["violations"]]


def _crawl_role(browser: Any, base: str, role: str, username: str, done: set[str], crawl: Crawl) -> None:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(f"{base}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")
    queue, visited = ["/"], 0
    while queue and visited < PAGES_PER_ROLE:
        path = queue.pop(0)
        key = pattern(path)
        # Every role's home page differs; other patterns are measured once, by the first role to reach them.
        if (key != "/" and key in done) or SKIP.search(urlparse(path).path):
            continue
        done.add(key)
        response = page.goto(base + path)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        visited += 1
        m = _measure(page)
        measured = (m[k] for k in ("scrollWidth", "innerWidth", "scrollers", "clipped", "text", "html"))
        crawl.pages.append(Seen(role, path, *measured, violations=_violations(page)))
        for href in page.eval_on_selector_all("main a[href], nav a[href]", "els => els.map(e => e.href)"):
            target = urlparse(urljoin(base + path, href))
            if f"{target.scheme}://{target.netloc}" != base:
                continue
            if pattern(target.path) not in done:
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    context.close()


@pytest.fixture(scope="module")
def crawl(browser: Any, live_server: Any, django_db_setup: Any, django_db_blocker: Any) -> Iterator[Crawl]:
    result = Crawl()
    # The live server's request threads would keep their PostgreSQL connections for CONN_MAX_AGE after
    # hundreds of requests, and the test database could not be dropped at the end of the session.
    db = connections.settings["default"]
    max_age = db.get("CONN_MAX_AGE", 0)
    db["CONN_MAX_AGE"] = 0
    with django_db_blocker.unblock(), override_settings(DEMO_MODE=True):
        with time_machine.travel(NOW, tick=True):
            generate(children=60, seed=17)
            done: set[str] = set()
            for role, username, *_ in DEMO_ACCOUNTS:
                _crawl_role(browser, live_server.url, role, username, done, result)
        yield result
        triggers.remove(connection)
        call_command("flush", interactive=False, verbosity=0)
        triggers.install(connection)
    db["CONN_MAX_AGE"] = max_age


def test_the_crawl_reaches_the_page_patterns_of_every_role(crawl: Crawl) -> None:
    assert {p.role for p in crawl.pages} == {role for role, *_ in DEMO_ACCOUNTS}
    assert len(crawl.patterns()) >= 50


def test_no_page_scrolls_sideways_at_320_pixels(crawl: Crawl) -> None:
    wide = [f"{p.role} {p.path}: {p.scroll_width}px" for p in crawl.pages if p.scroll_width > p.inner_width]
    assert wide == []


def test_only_labelled_regions_scroll_inside_a_page(crawl: Crawl) -> None:
    unlabelled = [f"{p.path}: {s['html']}" for p in crawl.pages for s in p.scrollers if not s["labelled"]]
    assert unlabelled == []


def test_every_page_is_accessible_at_320_pixels(crawl: Crawl) -> None:
    failing = [f"{p.role} {p.path}: {', '.join(p.violations)}" for p in crawl.pages if p.violations]
    assert failing == [], "\n".join(failing)


def test_no_chart_label_is_drawn_outside_its_chart(crawl: Crawl) -> None:
    clipped = [f"{p.path}: {c}" for p in crawl.pages for c in p.clipped]
    assert clipped == []


def test_no_page_shows_none_an_iso_date_or_a_raw_field_name(crawl: Crawl) -> None:
    problems = []
    for p in crawl.pages:
        if re.search(r">\s*None\s*<", p.html):
            problems.append(f"{p.path}: None")
        for rx in (r"Nhs number", r"nhs_number", r"\b\d{4}-\d{2}-\d{2}\b"):
            for m in re.finditer(rx, p.text):
                problems.append(f"{p.path}: {p.text[max(0, m.start() - 30) : m.end()]!r}")
    assert problems == [], "\n".join(problems)
