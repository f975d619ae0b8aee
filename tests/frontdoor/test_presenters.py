"""A contact's two clocks in words: each named with its standard, and saying where it stands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from mace.frontdoor.presenters import DECISION, REVIEW, contact_clocks, decision_clock, review_clock

RECEIVED = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)  # a Wednesday, 09:00 in London


def _contact(**kw: object) -> SimpleNamespace:
    values: dict[str, object] = {
        "received_at": RECEIVED,
        "review_due_at": RECEIVED + timedelta(hours=24),
        "decision_due_at": RECEIVED.replace(hour=17),
        "approved_at": None,
        "decided_at": None,
    }
    return SimpleNamespace(**{**values, **kw})


def test_a_review_approved_after_its_deadline_reads_reviewed_late_and_by_how_much() -> None:
    contact = _contact(approved_at=RECEIVED + timedelta(hours=27), decided_at=RECEIVED + timedelta(hours=2))
    line = review_clock(contact, RECEIVED + timedelta(days=2))
    assert line.name == "Review (24 hours)"
    assert line.text == "Reviewed late, 19 Nov 2026 12:00, 3 hours after the deadline"
    assert line.rag == ""


def test_a_decision_made_within_the_working_day_reads_decided_on_time() -> None:
    line = decision_clock(_contact(decided_at=RECEIVED + timedelta(hours=2)), RECEIVED + timedelta(days=2))
    assert line.name == "Decision (same working day)"
    assert line.text == "Decided on time, 18 Nov 2026 11:00"


def test_a_decision_made_the_next_day_reads_decided_late_and_by_how_much() -> None:
    line = decision_clock(_contact(decided_at=RECEIVED + timedelta(hours=24)), RECEIVED + timedelta(days=2))
    assert line.text == "Decided late, 19 Nov 2026 09:00, 16 hours after the deadline"


def test_an_unreviewed_contact_past_its_24_hours_says_it_is_overdue_and_by_how_much() -> None:
    line = review_clock(_contact(), RECEIVED + timedelta(hours=27, minutes=10))
    assert (line.rag, line.tag) == ("breached", "Overdue")
    assert line.text == "Not yet reviewed, overdue by 3 hours 10 minutes (it was due 19 Nov 2026 09:00)"


def test_a_running_review_shows_the_time_left_and_when_it_is_due() -> None:
    line = review_clock(_contact(), RECEIVED + timedelta(hours=20))
    assert (line.rag, line.tag) == ("red", "4 hours left")
    assert line.text == "Not yet reviewed, due by 19 Nov 2026 09:00"


def test_a_decided_contact_still_awaiting_approval_shows_both_clocks_named() -> None:
    contact = _contact(decided_at=RECEIVED + timedelta(hours=2))
    review, decision = contact_clocks(contact, RECEIVED + timedelta(hours=30))
    assert (review.name, review.tag) == (REVIEW, "Overdue")
    assert (decision.name, decision.text) == (DECISION, "Decided on time, 18 Nov 2026 11:00")
