from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from mace.core import voice

from ..factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_every_module_that_records_the_childs_words_is_a_source() -> None:
    assert {
        "front door contacts",
        "missing episodes",
        "return home interviews",
        "screenings",
        "emergency department attendances",
    } <= set(voice.SOURCES)


def test_the_latest_words_win_and_say_where_they_were_recorded(monkeypatch: Any) -> None:
    child = PersonFactory()
    early, late = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)
    monkeypatch.setattr(
        voice, "SOURCES", {"a": lambda ids: {child.pk: early}, "b": lambda ids: {child.pk: late}}
    )
    assert voice.last_heard([child.pk]) == {child.pk: (late, "b")}


def test_a_child_never_heard_is_absent() -> None:
    child = PersonFactory()
    assert voice.last_heard([child.pk]) == {}
