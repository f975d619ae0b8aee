"""The scorecard through the API: the same figures and disclosure as the page; commentary only on red."""

# shifted-clocks: pinned (every test fixes the instants it reasons about)

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from mace.accounts.models import Role
from mace.accounts.services import token_create
from mace.core.audit import Actor
from mace.oversight.models import Commentary

from ..factories import UserFactory
from .conftest import Records, at


def _client(*roles: str) -> Client:
    user = UserFactory(roles=list(roles))
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, by=Actor.system('test')).raw}")


def _late(records: Records) -> None:
    child = records.child()
    for day in range(2, 12):
        records.contact(child, received_at=at(day), approved_at=at(day, 20) if day < 4 else None)


def test_the_executive_reads_the_scorecard_with_small_counts_withheld(records: Records) -> None:
    _late(records)
    body = _client(Role.EXECUTIVE).get("/api/v1/oversight/scorecard?period=month:2026-11").json()
    row = next(m for m in body["measures"] if m["code"] == "fd_reviewed_24h")
    assert (row["current"]["text"], row["current"]["value"], row["rag"]) == (
        "fewer than 5 of 10",
        20.0,
        "red",
    )
    assert body["period"] == "month:2026-11" and len(row["trend"]) == 12


def test_a_period_not_yet_ended_is_refused_naming_the_period(records: Records) -> None:
    response = _client(Role.EXECUTIVE).get("/api/v1/oversight/scorecard?period=month:2026-12")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "period"


def test_a_role_without_figures_gets_not_found(records: Records) -> None:
    assert _client(Role.SOCIAL_WORKER).get("/api/v1/oversight/scorecard").status_code == 404


def test_the_analyst_puts_commentary_on_a_red_measure_and_a_stale_version_is_refused(
    records: Records,
) -> None:
    _late(records)
    client = _client(Role.PARTNERSHIP_ANALYST)
    body: dict[str, Any] = {"period": "month:2026-11", "text": "Vacancies.", "version": 0}
    put = client.put(
        "/api/v1/oversight/measures/fd_reviewed_24h/commentary",
        json.dumps(body),
        content_type="application/json",
    )
    assert put.status_code == 200 and put.json()["version"] == 1
    again = client.put(
        "/api/v1/oversight/measures/fd_reviewed_24h/commentary",
        json.dumps({**body, "text": "Overwrite?"}),
        content_type="application/json",
    )
    assert again.status_code == 409
    assert Commentary.objects.get().text == "Vacancies."


def test_commentary_on_a_measure_that_is_not_red_is_refused_and_nothing_saved(records: Records) -> None:
    client = _client(Role.PARTNERSHIP_ANALYST)
    body = {"period": "month:2026-11", "text": "x", "version": 0}
    put = client.put(
        "/api/v1/oversight/measures/screenings/commentary", json.dumps(body), content_type="application/json"
    )
    assert put.status_code == 422 and "not red" in json.dumps(put.json())
    assert not Commentary.objects.exists()
