"""The access policy table: what each role may do. Relationships decide *which* records; this table
decides *whether* a role works with records at all. One table, read by selectors and by the tests.

`rules` predicates expose the same table to templates and views as permissions (`mace.view_records` …).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rules

from mace.accounts.models import Role


@dataclass(frozen=True)
class Capabilities:
    records: bool = False  # may open a child's record where a relationship exists
    break_glass: bool = False  # may open a record without a relationship, for a recorded reason
    create_people: bool = False  # may add a person to the partnership's records
    set_flags: bool = False  # may set or remove CSE, CCE, missing and CP-IS flags
    review_break_glass: bool = False  # works the break-glass review queue
    aggregates: bool = False  # sees partnership-wide figures (no personal data)
    manage_users: bool = False  # administers accounts
    submit_contacts: bool = False  # may send a concern about a child to the front door
    front_door: bool = False  # works the front door queue: matching, information, analysis, decisions
    approve_decisions: bool = False  # approves front door decisions (management oversight)


POLICY: dict[str, Capabilities] = {
    Role.FRONT_DOOR_WORKER: Capabilities(
        records=True,
        break_glass=True,
        create_people=True,
        set_flags=True,
        submit_contacts=True,
        front_door=True,
    ),
    Role.FRONT_DOOR_MANAGER: Capabilities(
        records=True,
        break_glass=True,
        create_people=True,
        set_flags=True,
        aggregates=True,
        submit_contacts=True,
        front_door=True,
        approve_decisions=True,
    ),
    Role.SOCIAL_WORKER: Capabilities(records=True, break_glass=True, set_flags=True, submit_contacts=True),
    Role.TEAM_MANAGER: Capabilities(
        records=True, break_glass=True, set_flags=True, aggregates=True, submit_contacts=True
    ),
    Role.EARLY_HELP_PRACTITIONER: Capabilities(records=True, break_glass=True, submit_contacts=True),
    Role.POLICE_OFFICER: Capabilities(
        records=True, break_glass=True, create_people=True, set_flags=True, submit_contacts=True
    ),
    Role.ED_CLINICIAN: Capabilities(records=True, break_glass=True, create_people=True, submit_contacts=True),
    Role.HEALTH_SAFEGUARDING_LEAD: Capabilities(
        records=True,
        break_glass=True,
        set_flags=True,
        review_break_glass=True,
        aggregates=True,
        submit_contacts=True,
    ),
    Role.EDUCATION_OFFICER: Capabilities(records=True, break_glass=True, submit_contacts=True),
    # A commissioned service sees only the children it is asked to work with: no break-glass.
    Role.RHI_WORKER: Capabilities(records=True, submit_contacts=True),
    Role.PARTNERSHIP_ANALYST: Capabilities(aggregates=True),
    Role.EXECUTIVE: Capabilities(aggregates=True),
    Role.ADMINISTRATOR: Capabilities(review_break_glass=True, manage_users=True, aggregates=True),
}

NONE = Capabilities()


def capabilities(user: Any) -> Capabilities:
    """The union of the capabilities of the user's roles. Inactive and anonymous users have none."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NONE
    merged: dict[str, bool] = {}
    for code in user.role_codes:
        for name, allowed in POLICY.get(code, NONE).__dict__.items():
            merged[name] = merged.get(name, False) or allowed
    return Capabilities(**merged)


def _pred(name: str) -> Any:
    @rules.predicate(name=name)
    def check(user: Any) -> bool:
        return bool(getattr(capabilities(user), name))

    return check


for _field in Capabilities.__dataclass_fields__:
    rules.add_perm(f"mace.{_field}", _pred(_field))
