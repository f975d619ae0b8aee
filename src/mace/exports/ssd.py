"""The Standard Safeguarding Dataset (Data to Insight's SSD): one CSV per table, SSD field names, in one zip.

`pers_person_id` is the child's council identifier (MACE's own where none is recorded) and links every
table; `pers_legacy_id` is MACE's record number. Names are never written (`pers_forename`, `pers_surname`
are empty): the council's case system holds them, and an extract that leaves MACE is pseudonymous
(decision 0022)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from datetime import date
from typing import IO

from .records import ChildReturn

TABLES: dict[str, list[str]] = {
    "ssd_person": [
        "pers_legacy_id",
        "pers_person_id",
        "pers_upn",
        "pers_forename",
        "pers_surname",
        "pers_sex",
        "pers_gender",
        "pers_ethnicity",
        "pers_dob",
        "pers_single_unique_id",
        "pers_upn_unknown",
        "pers_send_flag",
        "pers_expected_dob",
        "pers_death_date",
        "pers_is_mother",
        "pers_nationality",
    ],
    "ssd_contacts": [
        "cont_contact_id",
        "cont_person_id",
        "cont_contact_date",
        "cont_contact_source_code",
        "cont_contact_source_desc",
        "cont_contact_outcome_json",
    ],
    "ssd_cin_episodes": [
        "cine_referral_id",
        "cine_person_id",
        "cine_referral_date",
        "cine_cin_primary_need_code",
        "cine_referral_source_code",
        "cine_referral_source_desc",
        "cine_referral_outcome_json",
        "cine_referral_nfa",
        "cine_close_reason",
        "cine_close_date",
        "cine_referral_team",
        "cine_referral_worker_id",
    ],
    "ssd_assessment_factors": ["cinf_table_id", "cinf_assessment_id", "cinf_assessment_factors_json"],
    "ssd_s47_enquiry": [
        "s47e_s47_enquiry_id",
        "s47e_referral_id",
        "s47e_person_id",
        "s47e_s47_start_date",
        "s47e_s47_end_date",
        "s47e_s47_nfa",
        "s47e_s47_outcome_json",
        "s47e_s47_completed_by_team",
        "s47e_s47_completed_by_worker_id",
    ],
    "ssd_missing": [
        "miss_table_id",
        "miss_person_id",
        "miss_missing_episode_start_date",
        "miss_missing_episode_type",
        "miss_missing_episode_end_date",
        "miss_missing_rhi_offered",
        "miss_missing_rhi_accepted",
    ],
    "ssd_linked_identifiers": [
        "link_table_id",
        "link_person_id",
        "link_identifier_type",
        "link_identifier_value",
        "link_valid_from_date",
        "link_valid_to_date",
    ],
}
OUTCOME = {
    "referral": "NEW_REFERRAL_FLAG",
    "strategy": "CP_ENQUIRY_FLAG",
    "nfa": "NFA_FLAG",
    "advice": "ADVICE_FLAG",
    "early_help": "OTHER_OUTCOMES_EXIST_FLAG",
}


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


def rows(
    children: list[ChildReturn], source_names: dict[str, str], *, on: date
) -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = {name: [] for name in TABLES}
    for child in children:
        pid = child.la_child_id
        out["ssd_person"].append(
            [
                str(child.person_id),
                pid,
                child.upn,
                "",
                "",
                child.sex,
                "",
                child.ethnicity,
                _d(child.dob),
                "",
                "" if child.upn else child.upn_unknown(on),
                "",
                "",
                "",
                "",
                "",
            ]
        )
        if child.upn:
            out["ssd_linked_identifiers"].append(
                [f"{child.person_id}-upn", pid, "Unique Pupil Number", child.upn, "", ""]
            )
        if not child.la_id_from_mace:
            out["ssd_linked_identifiers"].append(
                [f"{child.person_id}-case", pid, "Case Number", child.la_child_id, "", ""]
            )
        for c in child.contacts:
            flags = {flag: ("Y" if OUTCOME.get(c.decision) == flag else "N") for flag in OUTCOME.values()}
            out["ssd_contacts"].append(
                [str(c.id), pid, _d(c.on), c.source, source_names.get(c.source, ""), json.dumps(flags)]
            )
        for e in child.episodes:
            outcome = {
                "OUTCOME_SINGLE_ASSESSMENT_FLAG": "Y" if e.assessments else "N",
                "OUTCOME_STRATEGY_DISCUSSION_FLAG": "Y" if e.enquiries else "N",
                "OUTCOME_NFA_FLAG": "Y" if e.nfa else "N",
            }
            out["ssd_cin_episodes"].append(
                [
                    str(e.referral_id),
                    pid,
                    _d(e.referral_date),
                    e.primary_need,
                    e.source,
                    source_names.get(e.source, ""),
                    json.dumps(outcome),
                    "Y" if e.nfa else "N",
                    e.closure_reason if e.closure_date else "",
                    _d(e.closure_date),
                    e.team,
                    "",
                ]
            )
            for a in e.assessments:
                out["ssd_assessment_factors"].append(
                    [f"{e.referral_id}-{a.id}", str(a.id), json.dumps(a.factors)]
                )
            for q in e.enquiries:
                out["ssd_s47_enquiry"].append(
                    [
                        f"{q.id}-{child.person_id}",
                        str(e.referral_id),
                        pid,
                        _d(q.start),
                        _d(q.icpc_date),
                        "N" if q.icpc_date else "Y",
                        json.dumps({"CP_CONFERENCE_FLAG": "Y" if q.icpc_date else "N"}),
                        q.team,
                        "",
                    ]
                )
        for m in child.missing:
            out["ssd_missing"].append(
                [str(m.id), pid, _d(m.start), m.category, _d(m.end), m.rhi_offered, m.rhi_accepted]
            )
    return out


def write(
    out: IO[bytes],
    children: list[ChildReturn],
    *,
    source_names: dict[str, str],
    on: date,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """A zip of one CSV per SSD table; returns the rows in each."""
    data = rows(children, source_names, on=on)
    counts: dict[str, int] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for n, (table, columns) in enumerate(TABLES.items(), 1):
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows(data[table])
            archive.writestr(f"{table}.csv", text.getvalue())
            counts[table] = len(data[table])
            if progress is not None:
                progress(n, len(TABLES))
    return counts
