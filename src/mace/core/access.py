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
    all_partnerships: bool = False  # sees the figures of every partnership in the deployment (read-only)
    manage_users: bool = False  # administers accounts
    submit_contacts: bool = False  # may send a concern about a child to the front door
    front_door: bool = False  # works the front door queue: matching, information, analysis, decisions
    approve_decisions: bool = False  # approves front door decisions (management oversight)
    report_missing: bool = False  # records missing episodes, their updates and the child's return
    missing_list: bool = False  # sees every child missing now in the partnership (the morning list)
    return_interviews: bool = False  # offers and completes return home interviews
    record_strategy: bool = False  # records that a required strategy meeting was held
    meetings: bool = False  # arranges, chairs and minutes strategy meetings, MACE panels and plan reviews
    complete_screenings: bool = False  # completes the exploitation screening tool for a child
    agree_judgements: bool = False  # agrees (or changes) a screening judgement lower than its indicators
    manage_tools: bool = False  # publishes new versions of the screening tool
    ed_attendances: bool = False  # records children's emergency department attendances
    discharge_review: bool = False  # reads the trust's ED records, reviews discharges, audits
    edit_plans: bool = False  # holds a child's one plan: saves its versions, agrees it, records reviews
    record_visits: bool = False  # records visits to a child, with the child's words
    timetables: bool = False  # plans a child's activity timetable and records its weekly attendance
    supervise: bool = False  # records case supervision; sees the team's supervision and caseloads
    write_commentary: bool = False  # writes the commentary on a red scorecard measure (its owner, analysts)
    statutory_exports: bool = (
        False  # makes the statutory returns (CIN, SSDA903, Annex A, SSD): no names in them
    )
    manage_improvement: bool = False  # records progress and evidence on the partnership's action plans
    sign_off_areas: bool = False  # records the improvement board's sign-off of a plan's priority area
    health_waits: bool = False  # records a child's referral for an autism or ADHD assessment and its outcome
    manage_training: bool = False  # runs training: courses, sessions, attendance, evaluations, follow-ups
    # The network (docs/decisions/0030): police intelligence about adults, places, vehicles and groups.
    intelligence: bool = False  # sees subjects, gradings and disruption as far as each handling code allows
    record_intelligence: bool = False  # records subjects and links, confirms proposals, records disruption
    nrm: bool = False  # records a child's NRM referral and its decisions (first responders)
    # Child protection chairs (decision 0031): chair child protection and context conferences.
    chair_conferences: bool = False


POLICY: dict[str, Capabilities] = {
    Role.FRONT_DOOR_WORKER: Capabilities(
        nrm=True,
        records=True,
        break_glass=True,
        create_people=True,
        set_flags=True,
        submit_contacts=True,
        front_door=True,
        report_missing=True,
        missing_list=True,
        record_strategy=True,
        meetings=True,
        complete_screenings=True,
    ),
    Role.FRONT_DOOR_MANAGER: Capabilities(
        nrm=True,
        records=True,
        break_glass=True,
        create_people=True,
        set_flags=True,
        aggregates=True,
        submit_contacts=True,
        front_door=True,
        approve_decisions=True,
        report_missing=True,
        missing_list=True,
        record_strategy=True,
        meetings=True,
        complete_screenings=True,
        agree_judgements=True,
        write_commentary=True,
        manage_improvement=True,
    ),
    Role.SOCIAL_WORKER: Capabilities(
        nrm=True,
        records=True,
        break_glass=True,
        set_flags=True,
        submit_contacts=True,
        record_strategy=True,
        meetings=True,
        complete_screenings=True,
        edit_plans=True,
        record_visits=True,
        timetables=True,
        health_waits=True,
    ),
    Role.TEAM_MANAGER: Capabilities(
        chair_conferences=True,
        nrm=True,
        records=True,
        break_glass=True,
        set_flags=True,
        aggregates=True,
        submit_contacts=True,
        record_strategy=True,
        meetings=True,
        complete_screenings=True,
        agree_judgements=True,
        edit_plans=True,
        record_visits=True,
        timetables=True,
        supervise=True,
        write_commentary=True,
        manage_improvement=True,
        health_waits=True,
    ),
    Role.EARLY_HELP_PRACTITIONER: Capabilities(
        records=True,
        break_glass=True,
        submit_contacts=True,
        complete_screenings=True,
        meetings=True,
        edit_plans=True,
        record_visits=True,
        timetables=True,
        health_waits=True,
    ),
    Role.POLICE_OFFICER: Capabilities(
        intelligence=True,
        record_intelligence=True,
        nrm=True,
        records=True,
        break_glass=True,
        create_people=True,
        set_flags=True,
        submit_contacts=True,
        report_missing=True,
        missing_list=True,
        record_strategy=True,
        meetings=True,
        complete_screenings=True,
    ),
    Role.ED_CLINICIAN: Capabilities(
        records=True,
        break_glass=True,
        create_people=True,
        submit_contacts=True,
        complete_screenings=True,
        ed_attendances=True,
    ),
    Role.HEALTH_SAFEGUARDING_LEAD: Capabilities(
        records=True,
        break_glass=True,
        set_flags=True,
        review_break_glass=True,
        aggregates=True,
        submit_contacts=True,
        complete_screenings=True,
        agree_judgements=True,
        discharge_review=True,
        write_commentary=True,
        health_waits=True,
        manage_training=True,  # the trusts' level 3 safeguarding training
    ),
    Role.EDUCATION_OFFICER: Capabilities(
        records=True, break_glass=True, submit_contacts=True, complete_screenings=True, timetables=True
    ),
    # A commissioned service sees only the children it is asked to work with: no break-glass.
    Role.RHI_WORKER: Capabilities(
        records=True, submit_contacts=True, return_interviews=True, complete_screenings=True
    ),
    Role.PARTNERSHIP_ANALYST: Capabilities(aggregates=True, write_commentary=True, statutory_exports=True),
    # The partnership's business manager runs the improvement plans and minutes the improvement board.
    # The business manager also runs the partnership's training offer (the trainer: 5.1).
    Role.BUSINESS_MANAGER: Capabilities(
        aggregates=True, manage_improvement=True, sign_off_areas=True, manage_training=True
    ),
    Role.EXECUTIVE: Capabilities(aggregates=True),
    # The independent scrutineer reads every partnership's figures and changes nothing.
    Role.SCRUTINEER: Capabilities(aggregates=True, all_partnerships=True),
    Role.ADMINISTRATOR: Capabilities(
        review_break_glass=True,
        manage_users=True,
        aggregates=True,
        manage_tools=True,
        manage_improvement=True,
        sign_off_areas=True,
        manage_training=True,
    ),
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


def names_allowed(user: Any) -> bool:
    """May this reader see children's names, or free text that may name someone? Only a reader who works
    with children's records (and even then a name only where a list says so). Every other reader of
    figures (executive, scrutineer, analyst) sees aggregates only: no names, no free text, and counts of 1
    to 4 as "fewer than 5" (`mace.core.disclosure`). The one rule for every layer that shows figures."""
    return capabilities(user).records


def _pred(name: str) -> Any:
    @rules.predicate(name=name)
    def check(user: Any) -> bool:
        return bool(getattr(capabilities(user), name))

    return check


for _field in Capabilities.__dataclass_fields__:
    rules.add_perm(f"mace.{_field}", _pred(_field))
