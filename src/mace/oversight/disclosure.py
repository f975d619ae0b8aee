"""Disclosure control (6.2, non-negotiable 9): leaders see numbers, not children.

A reader who may not open children's records (executive, scrutineer, analyst unless so configured) gets
aggregates only: no name, no free text that could name someone, and any count from 1 to 4 is shown as
"fewer than 5" (small numbers identify children in a small area). Zero is shown: it identifies nobody, and
"none" is itself a finding. Every page and export open to such a reader formats its counts through here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from mace.core.access import capabilities

THRESHOLD = 5
SUPPRESSED = "fewer than 5"


def names_allowed(user: Any) -> bool:
    """May this reader see which children are behind a figure? Only roles that work with records do, and
    even they see a child's name only where they may open the child's record."""
    return capabilities(user).records


def rows_allowed(user: Any) -> bool:
    """May this reader see the pseudonymised rows behind a figure (no names, no free text)? Record roles
    do; the partnership analyst does where the deployment says so (`MACE_ANALYST_SEES_ROWS`)."""
    from mace.accounts.models import Role

    if names_allowed(user):
        return True
    return bool(getattr(settings, "MACE_ANALYST_SEES_ROWS", False)) and Role.PARTNERSHIP_ANALYST in getattr(
        user, "role_codes", frozenset()
    )


def suppressed(count: int | None, user: Any) -> bool:
    return count is not None and 0 < count < THRESHOLD and not names_allowed(user)


def count_text(count: int | None, user: Any) -> str:
    """A count as this reader may see it: '1,234', '0', or 'fewer than 5'."""
    if count is None:
        return "No data"
    if suppressed(count, user):
        return SUPPRESSED
    return f"{count:,}"


def rate_text(met: int, total: int, user: Any) -> str:
    """'95 of 100 (95%)'. For an aggregate reader, neither side of a rate may be 1 to 4: a small numerator
    reads 'fewer than 5 of 120', a small remainder 'more than 115 of 120', a small total 'fewer than 5'."""
    if not total:
        return "Nothing in the period"
    if suppressed(total, user):
        return SUPPRESSED
    if suppressed(met, user):
        return f"{SUPPRESSED} of {total:,}"
    if suppressed(total - met, user):
        return f"more than {total - THRESHOLD:,} of {total:,}"
    return f"{met:,} of {total:,} ({100.0 * met / total:.0f}%)"
