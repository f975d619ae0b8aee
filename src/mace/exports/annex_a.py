"""Ofsted's Annex A lists, as an xlsx workbook in Annex A's layout (one sheet per list, Annex A's column
headings, Annex A's coded values such as "a) Male" and "q) 6: Police").

MACE fills the lists it holds records for: 1 (contacts), 3 (referrals), 4 (assessments), 5 (section 47
enquiries), 6 (children in need), 7 (child protection plans) and 8 (children looked after, with missing and
absent counts and return interviews). Lists 2 and 9 to 11 (early help, care leavers, adoption) are written
with their headings only: MACE does not hold those records. Lists 1 to 5 look back six months from the
date the workbook is made; lists 6 to 8 hold every child open in those six months."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import IO, Any

from . import mappings
from .records import ChildReturn
from .years import six_months_before

COMMON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age"]
TEAM = ["Allocated Team", "Allocated Worker"]
DISABILITY = "Does the Child have a Disability"
LISTS: dict[str, list[str]] = {
    "List 1": [*COMMON, "Date of Contact", "Contact Source"],
    "List 2": [
        *COMMON,
        "Assessment start date",
        "Assessment completion date",
        "Organisation completing assessment",
    ],
    "List 3": [
        *COMMON,
        "Date of Referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
        *TEAM,
    ],
    "List 4": [
        *COMMON,
        DISABILITY,
        "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment",
        "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children's social care support?",
        *TEAM,
    ],
    "List 5": [
        *COMMON,
        DISABILITY,
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months",
        "Number of ICPCs in the last 12 months",
        *TEAM,
    ],
    "List 6": [
        *COMMON,
        DISABILITY,
        "CIN Start Date",
        "Primary Need Code",
        "Date Child Was Last Seen",
        "CIN Closure Date",
        "Reason for Closure",
        "Case Status",
        *TEAM,
    ],
    "List 7": [
        *COMMON,
        DISABILITY,
        "Child Protection Plan Start Date",
        "Initial Category of Abuse",
        "Latest Category of Abuse",
        "Date of the Last Statutory Visit",
        "Was the Child Seen Alone?",
        "Date of latest review conference",
        "Child Protection Plan End Date",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
        "Number of Previous Child Protection Plans",
        *TEAM,
    ],
    "List 8": [
        *COMMON,
        "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
        DISABILITY,
        "Date Started to be Looked After",
        "Child's Category of Need",
        "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
        "Start date of current legal status",
        "Child's Legal Status",
        "Date of Latest Statutory Review",
        "Date of Last Social Work Visit",
        "What is the permanence plan for this child?",
        "Date of Last IRO Visit / Contact to the Child",
        "Date of Last Health Assessment",
        "Date of Last Dental Check",
        "Number of Placements in the Last 12 months",
        "Date Ceased to be Looked After",
        "Reason Ceased to be Looked After",
        "Start Date of Most Recent Placement",
        "Placement Type",
        "Placement Provider",
        "Placement postcode",
        "URN of Placement",
        "Placement Location",
        "LA of Placement",
        "Number of Episodes the Child has been ‘Missing’ from their Placement in the last 12 months",  # noqa: RUF001
        "Number of Episodes the Child has been ‘Absent’ from their Placement in the last 12 months",  # noqa: RUF001
        "Was the child offered a Return Interview after their last missing episode (Y/N)?",
        "Did the child accept a Return Interview after their last missing episode (Y/N)?",
        *TEAM,
    ],
    "List 9": [
        *COMMON,
        DISABILITY,
        *TEAM,
        "Eligibility Category",
        "LA in Touch",
        "Type of Accommodation",
        "Suitability of Accommodation",
        "Activity Status",
    ],
    "List 10": [
        "Child Unique ID",
        "Family identifier",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        DISABILITY,
        "Date the Child Entered Care",
        "Date of Decision that Child Should be Placed for Adoption",
        "Date of Placement Order",
        "Date of Matching Child and Prospective Adopters",
        "Date Placed for Adoption",
        "Date of Adoption Order",
        "Date of Decision that Child Should No Longer be Placed for Adoption",
        "Reason Why Child No Longer Placed for Adoption",
        "Date the child was placed for fostering in FFA or concurrent planning placement",
    ],
    "List 11": [
        "Individual adopter identifier",
        "Family identifier",
        "Gender",
        "Ethnicity",
        "Disability",
        "Is the (prospective) adopter fostering for adoption?",
        "Date enquiry received",
        "Date Stage 1 started",
        "Date Stage 1 ended",
        "Date Stage 2 started",
        "Date Stage 2 ended",
        "Date application submitted",
        "Date application approved",
        "Date adopter matched with child(ren)",
        "Date child/children placed with adopter(s)",
        "No. of children placed",
        "Date of Adoption Order",
        "Date of leaving adoption process",
        "Reason for leaving adoption process",
    ],
}
NOT_HELD = ("List 2", "List 9", "List 10", "List 11")

GENDER = {"M": "a) Male", "F": "b) Female", "U": "c) Not stated/recorded"}
YES, NO, UNKNOWN = "a) Yes", "b) No", "c) Unknown"
CATEGORY = {
    "NEG": "a) Neglect",
    "PHY": "b) Physical abuse",
    "SAB": "c) Sexual abuse",
    "EMO": "d) Emotional abuse",
    "MUL": "e) Multiple/not recommended",
}
NEED = {
    "N0": "N0 - Not stated",
    "N1": "N1 - Abuse or neglect",
    "N2": "N2 - Child's disability",
    "N3": "N3 - Parental disability or illness",
    "N4": "N4 - Family in acute stress",
    "N5": "N5 - Family dysfunction",
    "N6": "N6 - Socially unacceptable behaviour",
    "N7": "N7 - Low income",
    "N8": "N8 - Absent parenting",
    "N9": "N9 - Cases other than children in need",
}
CLOSURE = {
    "RC7": "RC7 - Services ceased for any other reason, including child no longer in need",
    "RC8": "RC8 - Case closed after assessment, no further action",
}
LEGAL = {
    "C1": "C1: ICO",
    "C2": "C2: FCO",
    "E1": "E1: Placement order",
    "V2": "V2: Single period under S20",
}
PLACEMENT = {
    "U3": "c) U3: Foster placement - relative - not FFA",
    "U6": "f) U6: Foster placement - not FFA",
    "P1": "k) P1: Placed with parents",
    "H5": "n) H5: Residential accommodation",
    "K3": "n) H5: Residential accommodation",
    "K1": "o) K1: Secure Children's Homes",
    "K2": "p) K2: Children's Homes",
    "Z1": "v) Z1: Other placements",
    "Z11": "v) Z1: Other placements",
}
PROVIDER = {
    "PR0": "a) PR0: Parents/Parental responsibility",
    "PR1": "b) PR1: Own provision",
    "PR2": "c) PR2: Other LA provision",
    "PR4": "e) PR4: Private provision",
}


def ethnicity_label(code: str) -> str:
    order = mappings.ANNEX_A_ETHNICITY_ORDER
    if code in ("REFU", "NOBT"):
        return f"s) {code}"
    index = order.index(code) if code in order else order.index("NOBT")
    return f"{chr(ord('a') + index)}) {code}"


def _dt(value: date | None) -> datetime | None:
    return datetime(value.year, value.month, value.day) if value else None


def _common(child: ChildReturn, on: date) -> list[Any]:
    return [
        child.la_child_id,
        GENDER[child.sex],
        ethnicity_label(child.ethnicity),
        _dt(child.dob),
        child.age_on(on),
    ]


def rows(children: list[ChildReturn], *, on: date) -> dict[str, list[list[Any]]]:
    since = six_months_before(on)
    year_ago = on - timedelta(days=365)
    out: dict[str, list[list[Any]]] = {name: [] for name in LISTS}
    for child in children:
        if child.dob is None:
            continue
        common = _common(child, on)
        for c in child.contacts:
            if since <= c.on <= on:
                out["List 1"].append(
                    [*common, _dt(c.on), mappings.ANNEX_A_SOURCE.get(c.source, "u) 10: Unknown")]
                )
        referrals_12 = sum(1 for e in child.episodes if year_ago <= e.referral_date <= on)
        enquiries = [q for ep in child.episodes for q in ep.enquiries]
        s47_12 = sum(1 for q in enquiries if year_ago <= q.start <= on)
        icpc_12 = sum(1 for q in enquiries if q.icpc_date and year_ago <= q.icpc_date <= on)
        for e in child.episodes:
            if since <= e.referral_date <= on:
                out["List 3"].append(
                    [
                        *common,
                        _dt(e.referral_date),
                        mappings.ANNEX_A_SOURCE.get(e.source, "u) 10: Unknown"),
                        "a) Yes" if e.nfa else "b) No",
                        referrals_12,
                        *_allocated(e),
                    ]
                )
            for a in e.assessments:
                if since <= a.start <= on:
                    out["List 4"].append(
                        [
                            *common,
                            UNKNOWN,
                            _dt(a.start),
                            "c) Unknown",
                            _dt(a.authorised),
                            "a) Yes" if (e.cin_plans or e.cp_plans) else "b) No",
                            *_allocated(e),
                        ]
                    )
            for q in e.enquiries:
                if since <= q.start <= on:
                    out["List 5"].append(
                        [
                            *common,
                            UNKNOWN,
                            _dt(q.start),
                            "b) No" if q.icpc_date else "a) Yes",
                            _dt(q.icpc_date),
                            "a) Yes" if q.icpc_date else "b) No",
                            s47_12,
                            icpc_12,
                            q.team or _allocated(e)[0],
                            _allocated(e)[1],
                        ]
                    )
            if e.overlaps(since, on):
                status = _case_status(child, e, on)
                out["List 6"].append(
                    [
                        *common,
                        UNKNOWN,
                        _dt(e.referral_date),
                        NEED.get(e.primary_need, "N0 - Not stated"),
                        None,
                        _dt(e.closure_date),
                        CLOSURE.get(e.closure_reason, "") if e.closure_date else "",
                        status,
                        *_allocated(e),
                    ]
                )
            for p in e.cp_plans:
                if p.start <= on and (p.end is None or p.end >= since):
                    out["List 7"].append(
                        [
                            *common,
                            UNKNOWN,
                            _dt(p.start),
                            CATEGORY.get(p.initial_category, CATEGORY["MUL"]),
                            CATEGORY.get(p.latest_category, CATEGORY["MUL"]),
                            None,
                            UNKNOWN,
                            _dt(max(p.reviews)) if p.reviews else None,
                            _dt(p.end),
                            UNKNOWN,
                            p.previous,
                            *_allocated(e),
                        ]
                    )
        out["List 8"].extend(_looked_after(child, common, since, on, year_ago))
    return out


def _allocated(e: Any) -> tuple[str, str]:
    """The episode's allocated team and worker (Annex A says "Unallocated" where there is none)."""
    return (e.team or "Unallocated", e.worker or "Unallocated")


def _case_status(child: ChildReturn, e: Any, on: date) -> str:
    if e.closure_date is not None and e.closure_date <= on:
        return "e) Closed episode"
    if any(s.holds(on) for s in child.looked_after):
        return "a) Looked after child"
    if any(p.start <= on and (p.end is None or p.end > on) for p in e.cp_plans):
        return "b) Child Protection plan"
    if any(s.holds(on) for s in e.cin_plans):
        return "c) Child in need plan"
    return "d) Open assessment"


def _looked_after(
    child: ChildReturn, common: list[Any], since: date, on: date, year_ago: date
) -> list[list[Any]]:
    out = []
    spells = child.looked_after
    latest_episode = max(child.episodes, key=lambda e: e.referral_date, default=None)
    worker = _allocated(latest_episode) if latest_episode else ("Unallocated", "Unallocated")
    for i, spell in enumerate(spells):
        if not spell.overlaps(since, on):
            continue
        placements = [p for p in child.placements if p.started_on <= on]
        latest = placements[-1] if placements else None
        kind = latest.kind if latest else "other"
        placement = mappings.lookup("placement_type", kind)
        provider = mappings.lookup("placement_provider", kind)
        in_12 = [p for p in placements if p.started_on >= year_ago]
        missing = [m for m in child.missing if year_ago <= m.start <= on and spell.start <= m.start]
        last_missing = max((m for m in missing if m.category == "M"), key=lambda m: m.start, default=None)
        repeat = any(s.end is not None and s.end >= year_ago and s.end <= spell.start for s in spells[:i])
        out.append(
            [
                *common,
                UNKNOWN,
                UNKNOWN,
                _dt(spell.start),
                NEED.get(mappings.lookup("primary_need", "default"), "N0 - Not stated"),
                YES if repeat else NO,
                _dt(spell.start),
                LEGAL.get(mappings.lookup("legal_status", "default"), "C2: FCO"),
                None,
                None,
                "",
                None,
                None,
                None,
                len(in_12),
                _dt(spell.end) if spell.end and spell.end <= on else None,
                "t) E8: Care ceased for any other reason" if spell.end and spell.end <= on else "",
                _dt(latest.started_on if latest and latest.started_on >= spell.start else spell.start),
                PLACEMENT.get(placement, "v) Z1: Other placements"),
                PROVIDER.get(provider, "b) PR1: Own provision"),
                "",
                "",
                "",
                "",
                sum(1 for m in missing if m.category == "M"),
                sum(1 for m in missing if m.category == "A"),
                (YES if last_missing.rhi_offered == "Y" else NO) if last_missing else "",
                (YES if last_missing.rhi_accepted == "Y" else NO) if last_missing else "",
                *worker,
            ]
        )
    return out


def write(
    out: IO[bytes],
    children: list[ChildReturn],
    *,
    on: date,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Write the workbook; returns the number of rows in each list."""
    from openpyxl import Workbook

    data = rows(children, on=on)
    book = Workbook(write_only=True)
    counts: dict[str, int] = {}
    for n, (name, heads) in enumerate(LISTS.items(), 1):
        sheet = book.create_sheet(name)
        sheet.append(heads)
        for row in data[name]:
            sheet.append(row)
        counts[name] = len(data[name])
        if progress is not None:
            progress(n, len(LISTS))
    book.save(out)
    return counts
