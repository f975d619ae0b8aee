"""What a contact's two clocks say, in words a worker understands. Built here, from the one clock
service, so that the page only prints it and the wording is unit-tested."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mace.core import clocks
from mace.core.ui import uk_datetime

REVIEW = "Review (24 hours)"
DECISION = "Decision (same working day)"


@dataclass(frozen=True)
class ClockLine:
    """One clock of a contact. `rag` is set while the clock runs (the page shows it as a tag with
    `tag` in it); `text` says in words where the clock stands."""

    name: str
    text: str
    rag: str = ""
    tag: str = ""


def _running(name: str, verb: str, due: datetime, started: datetime, now: datetime) -> ClockLine:
    left = clocks.time_left(due, now)
    status = clocks.rag(due, now, started=started)
    if status is clocks.RagStatus.BREACHED:
        text = f"Not yet {verb}, {clocks.format_time_left(left)} (it was due {uk_datetime(due)})"
        return ClockLine(name, text, rag=status.value, tag="Overdue")
    text = f"Not yet {verb}, due by {uk_datetime(due)}"
    return ClockLine(name, text, rag=status.value, tag=clocks.format_time_left(left))


def _finished(name: str, verb: str, done: datetime, due: datetime) -> ClockLine:
    if clocks.on_time(done, due):
        return ClockLine(name, f"{verb.capitalize()} on time, {uk_datetime(done)}")
    late = clocks.format_against_deadline(done, due)
    return ClockLine(name, f"{verb.capitalize()} late, {uk_datetime(done)}, {late}")


def review_clock(contact: Any, now: datetime) -> ClockLine:
    """The 24-hour review runs from receipt until a manager approves the decision."""
    if contact.approved_at:
        return _finished(REVIEW, "reviewed", contact.approved_at, contact.review_due_at)
    return _running(REVIEW, "reviewed", contact.review_due_at, contact.received_at, now)


def decision_clock(contact: Any, now: datetime) -> ClockLine:
    """The decision is due by the end of the working day the contact (effectively) arrived."""
    if contact.decided_at:
        return _finished(DECISION, "decided", contact.decided_at, contact.decision_due_at)
    return _running(DECISION, "decided", contact.decision_due_at, contact.received_at, now)


def contact_clocks(contact: Any, now: datetime) -> list[ClockLine]:
    """Both clocks of a contact, review first, each named with its standard."""
    return [review_clock(contact, now), decision_clock(contact, now)]


# The queue: one row's clocks for the page, and the same row for its download ------------------------------

QUEUE_HEAD = [
    "Contact",
    "Child",
    "Kind",
    "From",
    "Risk",
    "Status",
    REVIEW,
    DECISION,
    "Received",
    "Review due by",
    "Decision due by",
]


def queue_clocks(contact: Any, now: datetime) -> tuple[clocks.RagStatus, str, str]:
    """The review's red/amber/green, the review's time left and the decision's time left (or "Decided")."""
    return (
        clocks.rag(contact.review_due_at, now, started=contact.received_at),
        clocks.format_time_left(clocks.time_left(contact.review_due_at, now)),
        clocks.format_time_left(clocks.time_left(contact.decision_due_at, now))
        if not contact.decided_at
        else "Decided",
    )


def queue_child(contact: Any) -> str:
    return contact.person.display_name if contact.person else f"{contact.subject_name} (not matched)"


def queue_export_row(contact: Any, now: datetime) -> list[Any]:
    """What the queue's table shows of a contact, as plain cells (the review tag's text: "Overdue" once the
    24 hours are over), and the three instants behind the clocks as dates."""
    rag, review_left, decision_left = queue_clocks(contact, now)
    return [
        contact.pk,
        queue_child(contact),
        contact.get_kind_display(),
        contact.source_agency.name if contact.source_agency else "Public",
        contact.get_risk_display(),
        contact.get_status_display(),
        "Overdue" if rag is clocks.RagStatus.BREACHED else review_left,
        decision_left,
        contact.received_at,
        contact.review_due_at,
        contact.decision_due_at,
    ]
