"""A thematic report for a reader who sees partnership figures: the theme's scorecard measures (the
scorecard's own rows, with its disclosure control), the audit results on its questions in the period, and
children's words (the board pack's anonymised quotations: every name replaced, only an age band and where
they were heard). Audits register here (`AUDIT_SOURCES`): the ED audits today; the partnership's audit
programme adds its own results the same way."""

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
def ed_audits(user: Any, period: Period, theme: Theme) -> list[AuditLine]:
    """The emergency departments' audits (`health`) whose month falls in the period."""
    from mace.health import selectors as health
    from mace.health.models import Question

    labels = dict(Question.choices)
    wanted = [q for q in theme.audit_questions if q in labels]
    if not wanted:
        return []
    out = []
    for result in health.audit_results(user, period="month"):
        if not period.contains(result.period):
            continue
        for q in wanted:
            rate = result.rates.get(q)
            if rate is not None and rate.of:
                out.append(
                    AuditLine(
                        f"ED audit, {result.trust}, {result.period:%B %Y}",
                        labels[q],
                        disclosure.rate_text(rate.met, rate.of, user),
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
