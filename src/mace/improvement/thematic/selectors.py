"""A thematic report for a reader who sees partnership figures: the theme's scorecard measures (the
scorecard's own rows, with its disclosure control), the audit results on its questions in the period, and
children's words (the board pack's anonymised quotations: every name replaced, only an age band and where
they were heard). Audits register here (`AUDIT_SOURCES`): the partnership's audit programme (ED audits and
dip samples)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mace.core import disclosure
from mace.core.access import capabilities
from mace.oversight import pack_sections, scorecard
from mace.oversight.pack import figure_partnership_ids
from mace.oversight.periods import Period

from .themes import Theme


@dataclass(frozen=True)
class AuditLine:
    audit: str  # which audit: "ED audit, Mid Shire Hospitals, July to September 2026"
    question: str
    result: str  # "53 of 61 (87%)"


AuditSource = Callable[[Any, Period, Theme], list[AuditLine]]
AUDIT_SOURCES: list[AuditSource] = []


def audit_source(fn: AuditSource) -> AuditSource:
    AUDIT_SOURCES.append(fn)
    return fn


@audit_source
def programme_audits(user: Any, period: Period, theme: Theme) -> list[AuditLine]:
    """The audit programme's audits (ED audits, dip samples; `improvement.audits`) whose sampled period
    starts in the report's period, on the theme's questions."""
    from mace.improvement.audits import selectors as audits

    wanted = set(theme.audit_questions)
    if not wanted:
        return []
    out = []
    for audited in audits.audits_for(user).order_by("period_start", "pk"):
        if not period.contains(audited.period_start):
            continue
        for row in audits.results(audited).rows:
            if row.question.code in wanted and row.rate.of:
                out.append(
                    AuditLine(
                        audited.title,
                        row.question.text,
                        disclosure.rate_text(row.rate.met, row.rate.of, user),
                    )
                )
    return out


class Refused(Exception):
    """Only roles that see partnership figures read thematic reports."""


@dataclass
class Report:
    theme: Theme
    period: Period
    card: Any
    audits: list[AuditLine]
    quotes: list[dict[str, str]]
    children: str


QUOTES = 8


def report(user: Any, theme: Theme, period: Period) -> Report:
    if not capabilities(user).aggregates:
        raise Refused
    ids = figure_partnership_ids(user)
    card = scorecard.build(user, period, ids[0] if len(ids) == 1 else None, codes=theme.measures)
    audits = [line for source in AUDIT_SOURCES for line in source(user, period, theme)]
    words = pack_sections.build_childrens_experience(user, period, ids) if ids else None
    quotes = list((words or {}).get("quotes", []))
    if theme.words:
        quotes = [q for q in quotes if any(w in q["text"].lower() for w in theme.words)]
    return Report(theme, period, card, audits, quotes[:QUOTES], (words or {}).get("children", "0"))
