"""A breadth-first crawl of the pages a user's own navigation reaches: every link followed must open
for that user. Used by the browser suite's crawl test; `fetch` is how a page is opened."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# Links a crawl never follows: signing out ends the session, static files are not pages, the API is
# reached with a token, not a session.
SKIP = re.compile(r"^/(sign-out/|static/|api/)")
DENIED = ("Record not available",)
SIGN_IN = ("/sign-in", "/two-factor")


@dataclass(frozen=True)
class Page:
    status: int
    url: str  # after redirects
    html: str


@dataclass
class Crawl:
    visited: list[str] = field(default_factory=list)
    broken: list[tuple[str, str, str]] = field(default_factory=list)  # (url, found on, why)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links(html: str, base: str) -> list[str]:
    """Same-site page links on a page, as paths with their query, in page order."""
    parser = _Links()
    parser.feed(html)
    host = urlsplit(base).netloc
    out = []
    for href in parser.hrefs:
        if href.startswith(("mailto:", "tel:", "javascript:", "#")):
            continue
        parts = urlsplit(urljoin(base, href))
        if parts.netloc != host or SKIP.match(parts.path):
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def _why_broken(page: Page) -> str:
    if page.status >= 400:
        return f"status {page.status}"
    if any(marker in urlsplit(page.url).path for marker in SIGN_IN):
        return "sent to sign in"
    for text in DENIED:
        if text in page.html:
            return text
    return ""


def shape(path: str) -> str:
    """/people/12/plan/ → /people/#/plan/: pages of one kind."""
    return re.sub(r"\d+", "#", path)


def crawl(fetch: Callable[[str], Page], *, start: str = "/", budget: int = 40, per_shape: int = 4) -> Crawl:
    """Open `start`, then every link found, breadth first, until `budget` pages are open. A path is
    opened once: its query-string variants after the first are skipped. Every link on the start
    page (the user's own work) is opened; beyond it, at most `per_shape` pages of one kind, so that
    the budget reaches every kind of page rather than every record."""
    result = Crawl()
    queue: deque[tuple[str, str]] = deque([(start, "")])
    seen_paths: set[str] = set()
    shapes: dict[str, int] = {}
    while queue and len(result.visited) < budget:
        url, found_on = queue.popleft()
        path = url.split("?", 1)[0]
        if path in seen_paths:
            continue
        if found_on and found_on != start and shapes.get(shape(path), 0) >= per_shape:
            continue
        shapes[shape(path)] = shapes.get(shape(path), 0) + 1
        seen_paths.add(path)
        page = fetch(url)
        result.visited.append(url)
        why = _why_broken(page)
        if why:
            result.broken.append((url, found_on, why))
            continue
        if "html" not in page.html[:200].lower() and "<a " not in page.html:
            continue  # a download (CSV, PDF): nothing to follow
        for link in links(page.html, page.url):
            if link.split("?", 1)[0] not in seen_paths:
                queue.append((link, url))
    return result
