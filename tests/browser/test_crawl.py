"""Every link a role's own pages offer opens for that role: a breadth-first crawl from each demo
account's home page, in Chromium's request context (the browser's cookies), on a small generated
partnership. A link that answers "Record not available" promises what the reader cannot have."""

# shifted-clocks: pinned (every test fixes the instants it reasons about)

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from mace.accounts.models import User
from mace.demo.generate import generate
from mace.demo.organisation import DEMO_ACCOUNTS

from ..conftest import sign_in
from .crawl import Page, crawl

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)  # a Wednesday
BUDGET = 80  # pages per role


def _session_cookie(user: Any, base: str) -> dict[str, str]:
    client = sign_in(Client(), user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base,
    }


def test_every_link_on_every_page_a_role_reaches_opens_for_that_role(browser: Any, live_server: Any) -> None:
    with time_machine.travel(NOW, tick=True):
        generate(children=120, seed=16)
        broken: dict[str, list[tuple[str, str, str]]] = {}
        for _role, username, *_ in DEMO_ACCOUNTS:
            context = browser.new_context()
            context.add_cookies([_session_cookie(User.objects.get(username=username), live_server.url)])

            def fetch(url: str, context: Any = context) -> Page:
                response = context.request.get(f"{live_server.url}{url}", max_redirects=5)
                html = response.text() if "text/html" in response.headers.get("content-type", "") else ""
                return Page(response.status, response.url, html)

            result = crawl(fetch, budget=BUDGET)
            context.close()
            assert len(result.visited) > 1 or username in ("analyst", "executive", "scrutineer"), username
            if result.broken:
                broken[username] = result.broken
    assert broken == {}
