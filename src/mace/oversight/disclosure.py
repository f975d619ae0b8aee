"""Disclosure control (6.2, non-negotiable 9): leaders see numbers, not children.

A reader who may not open children's records (executive, scrutineer, analyst unless so configured) gets
aggregates only: no name, no free text that could name someone, and any count from 1 to 4 is shown as
"fewer than 5" (small numbers identify children in a small area). Zero is shown: it identifies nobody, and
"none" is itself a finding. Every page and export open to such a reader formats its counts through here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from mace.core import access
from mace.core.disclosure import (
    SUPPRESSED,
    THRESHOLD,
    count_text,
    rate_text,
    suppressed,
)

# The one rule, shared with the journey modules' report pages: formatting lives in `mace.core.disclosure`.
__all__ = [
    "SUPPRESSED",
    "THRESHOLD",
    "count_text",
    "names_allowed",
    "rate_text",
    "rows_allowed",
    "suppressed",
]


def names_allowed(user: Any) -> bool:
    """May this reader see which children are behind a figure? Only roles that work with records do, and
    even they see a child's name only where they may open the child's record. The rule lives in
    `mace.core.access`, so the missing reports (a lower layer) apply the same one."""
    return access.names_allowed(user)


def rows_allowed(user: Any) -> bool:
    """May this reader see the pseudonymised rows behind a figure (no names, no free text)? Record roles
    do; the partnership analyst does where the deployment says so (`MACE_ANALYST_SEES_ROWS`)."""
    from mace.accounts.models import Role

    if names_allowed(user):
        return True
    return bool(getattr(settings, "MACE_ANALYST_SEES_ROWS", False)) and Role.PARTNERSHIP_ANALYST in getattr(
        user, "role_codes", frozenset()
    )
