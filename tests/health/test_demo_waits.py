"""The demo's waits for autism and ADHD assessments: children at risk waiting, some fast-tracked, waits
worked out from the dates, and the scorecard's figures counted from them."""

# shifted-clocks: pinned (the demo is generated and counted at NOW)

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine

from mace.demo.generate import generate
from mace.health.models import AssessmentWait
from mace.oversight import sources
from mace.oversight.periods import Period
from mace.oversight.sources import Scope

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def demo() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        generate(children=600, seed=2)
        yield


def test_the_demo_has_children_at_risk_waiting_some_fast_tracked(demo: None) -> None:
    waits = list(AssessmentWait.objects.all())
    assert any(w.waiting for w in waits) and any(not w.waiting for w in waits)
    assert all(w.assessed_on is None or w.assessed_on >= w.referred_on for w in waits)
    assert all(w.referred_on <= date(2026, 12, 2) for w in waits)
    assert all(bool(w.fast_track_reason) == w.fast_track for w in waits)
    partnership_id = Counter(w.partnership_id for w in waits).most_common(1)[0][0]  # Eastshire, the largest
    scope = Scope((partnership_id,), Period.ending("month", date(2026, 11, 1)), now=NOW)
    waiting = sources.compute("assessment_waiting", scope, {})
    fast = sources.compute("assessment_fast_tracked", scope, {})
    longest = sources.compute("assessment_wait_weeks", scope, {"statistic": "longest"})
    assert waiting.numerator >= 5
    assert 0 < fast.numerator < waiting.numerator
    assert longest.numerator >= 52  # waits of a year or more, as inspectors found
