"""Disclosure control (6.2, non-negotiable 9), the rule every layer shares: leaders see numbers, not
children.

A reader who may not see names (`mace.core.access.names_allowed`: executive, scrutineer, analyst) gets
aggregates only: no name, no free text that could name someone, and a count from 1 to 4 reads "fewer than
5" (small numbers identify children in a small area). Zero is shown: it identifies nobody, and "none" is
itself a finding. The journey modules' report pages and `mace.oversight.disclosure` both format through
here, so a page and its CSV or PDF never disagree.
"""

from __future__ import annotations

from typing import Any

from mace.core.access import names_allowed

THRESHOLD = 5
SUPPRESSED = "fewer than 5"


def small(count: int | None, *, suppress: bool) -> bool:
    """Is this a count from 1 to 4 that a reader who may not see names must not be shown?"""
    return suppress and count is not None and 0 < count < THRESHOLD


def suppressed(count: int | None, user: Any) -> bool:
    return small(count, suppress=not names_allowed(user))


def count_str(count: int | None, *, suppress: bool) -> str:
    """'1,234', '0', 'No data', or, when `suppress` and the count is 1 to 4, 'fewer than 5'."""
    if count is None:
        return "No data"
    if small(count, suppress=suppress):
        return SUPPRESSED
    return f"{count:,}"


def count_text(count: int | None, user: Any) -> str:
    """A count as this reader may see it: '1,234', '0', or 'fewer than 5'."""
    return count_str(count, suppress=not names_allowed(user))


def rate_str(met: int, total: int, *, suppress: bool, empty: str = "Nothing in the period") -> str:
    """'95 of 100 (95%)'. When `suppress`, neither side of a rate may be 1 to 4: a small numerator reads
    'fewer than 5 of 120', a small remainder 'more than 115 of 120', a small total 'fewer than 5'."""
    if not total:
        return empty
    if small(total, suppress=suppress):
        return SUPPRESSED
    if small(met, suppress=suppress):
        return f"{SUPPRESSED} of {total:,}"
    if small(total - met, suppress=suppress):
        return f"more than {total - THRESHOLD:,} of {total:,}"
    return f"{met:,} of {total:,} ({100.0 * met / total:.0f}%)"


def rate_text(met: int, total: int, user: Any) -> str:
    return rate_str(met, total, suppress=not names_allowed(user))


def figure(value: Any, *, suppress: bool) -> str:
    """Any figure a report holds, as text: a count, a rate (anything with `met`, `total` or `of`, and
    `text`), or other text unchanged. For a reader who may see names, exactly today's text."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return count_str(value, suppress=suppress)
    total = getattr(value, "total", getattr(value, "of", None))
    if hasattr(value, "met") and isinstance(total, int):
        if not suppress:
            return str(value.text)
        return rate_str(value.met, total, suppress=True, empty=str(value.text))
    return "" if value is None else str(value)
