"""Thematic reports: one theme's scorecard measures, audit results and children's anonymised words, as a
page and a PDF, for the roles that see partnership figures only."""

# shifted-clocks: pinned

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client

from mace.accounts.models import Role
from mace.core.models import AccessLogEntry
from mace.improvement.thematic import selectors
from mace.improvement.thematic.themes import THEMES
from mace.oversight import pack_sections
from mace.oversight.periods import Period

from ...conftest import sign_in
from ...factories import UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
QUARTER = Period.parse("quarter:2026-07", today=NOW.date())


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _client(role: str) -> tuple[Client, Any]:
    user = UserFactory(roles=[role])
    client = Client()
    sign_in(client, user)
    return client, user


def test_the_executive_reads_the_voice_report_with_its_measures(monkeypatch: Any) -> None:
    client, _ = _client(Role.EXECUTIVE)
    page = client.get("/improvement/thematic/voice/?period=quarter:2026-07")
    assert page.status_code == 200
    text = page.content.decode()
    assert "The voice of the child" in text and "July to September 2026" in text
    assert "The child&#39;s own words recorded in the last 3 months" in text


def test_a_social_worker_has_no_thematic_reports() -> None:
    client, _ = _client(Role.SOCIAL_WORKER)
    assert client.get("/improvement/thematic/").status_code == 404
    assert client.get("/improvement/thematic/voice/").status_code == 404


def test_the_pdf_is_made_from_the_same_template_and_logged() -> None:
    client, user = _client(Role.BUSINESS_MANAGER)
    response = client.get("/improvement/thematic/supervision/report.pdf?period=quarter:2026-07")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AccessLogEntry.objects.filter(
        actor_id=user.pk,
        action=AccessLogEntry.Action.EXPORT,
        object_type="thematic_report",
        object_id="supervision",
    ).exists()


def test_a_registered_audit_source_is_in_the_report(monkeypatch: Any) -> None:
    line = selectors.AuditLine(
        "Multi-agency audit, June 2026", "The child's voice was recorded", "53 of 61 (87%)"
    )
    monkeypatch.setattr(selectors, "AUDIT_SOURCES", [lambda user, period, theme: [line]])
    _, user = _client(Role.EXECUTIVE)
    assert selectors.report(user, THEMES["voice"], QUARTER).audits == [line]


def test_only_childrens_words_on_the_theme_are_quoted(monkeypatch: Any) -> None:
    quotes = [
        {"text": "I hate school when [name] is there", "who": "A child aged 14 to 15, a visit"},
        {"text": "Nobody asked me", "who": "A child aged 16 to 17, a return home interview"},
    ]
    monkeypatch.setattr(
        pack_sections, "build_childrens_experience", lambda *a: {"quotes": quotes, "children": "2"}
    )
    _, user = _client(Role.EXECUTIVE)
    assert [q["text"] for q in selectors.report(user, THEMES["education"], QUARTER).quotes] == [
        quotes[0]["text"]
    ]
    assert len(selectors.report(user, THEMES["voice"], QUARTER).quotes) == 2


def test_a_period_not_yet_ended_is_refused_with_its_reason() -> None:
    client, _ = _client(Role.EXECUTIVE)
    response = client.get("/improvement/thematic/voice/?period=quarter:2026-10")
    assert response.status_code == 400
    assert "has not ended yet" in response.content.decode()
