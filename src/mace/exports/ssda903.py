"""The SSDA903 (children looked after) tables MACE can fill: the missing table, with the header and episodes
rows the DfE validator reads it against.

Only children looked after are in it (a cared-for spell of the child's plan during the year), and only the
missing and absent episodes that began while they were looked after. The episodes table is built from the
cared-for spell and MACE's placements; legal status, provider and reason codes MACE does not record come
from the mapping tables (`mappings`), for the council to reconcile."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import IO

from . import mappings
from .records import ChildReturn, Spell
from .years import CollectionYear

HEADER = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
EPISODES = [
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
]
MISSING = ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"]


def _d(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


@dataclass
class Tables:
    header: list[dict[str, str]]
    episodes: list[dict[str, str]]
    missing: list[dict[str, str]]


def _upn_unknown_903(code: str) -> str:
    """SSDA903 takes UN1 to UN5 only: any other reason is sent as UN5 (the sources disagree)."""
    return code if code in ("UN1", "UN2", "UN3", "UN4", "UN5") else "UN5"


def _spells_in_year(child: ChildReturn, year: CollectionYear, until: date) -> list[Spell]:
    return [s for s in child.looked_after if s.overlaps(year.start, until)]


def _episode_rows(
    child: ChildReturn, spell: Spell, year: CollectionYear, until: date
) -> list[dict[str, str]]:
    """One row per placement in the spell (a placement change starts a new episode)."""
    moves = [
        p
        for p in child.placements
        if spell.start < p.started_on and (spell.end is None or p.started_on < spell.end)
    ]
    starting = [p for p in child.placements if p.started_on <= spell.start]
    kinds = [(spell.start, starting[-1].kind if starting else "other", "S")]
    kinds += [(p.started_on, p.kind, "P") for p in moves if p.started_on <= until]
    rows: list[dict[str, str]] = []
    for i, (start, kind, reason) in enumerate(kinds):
        last = i == len(kinds) - 1
        end = spell.end if last else kinds[i + 1][0]
        if end is not None and end > until:
            end = None
        if not (start <= until and (end is None or end >= year.start)):
            continue
        rows.append(
            {
                "CHILD": child.la_child_id,
                "DECOM": _d(start),
                "RNE": reason if reason == "P" else mappings.lookup("reason_new_episode", "default"),
                "LS": mappings.lookup("legal_status", "default"),
                "CIN": mappings.lookup("primary_need", "default"),
                "PLACE": mappings.lookup("placement_type", kind),
                "PLACE_PROVIDER": mappings.lookup("placement_provider", kind),
                "DEC": _d(end),
                "REC": ("E8" if last else "X1") if end else "",
                # The reason is recorded on the episode the change ends (rule 225).
                "REASON_PLACE_CHANGE": mappings.lookup("reason_place_change", "default")
                if end and not last
                else "",
                "HOME_POST": "",
                "PL_POST": "",
                "URN": "",
            }
        )
    return rows


def tables(
    children: list[ChildReturn],
    year: CollectionYear,
    *,
    until: date,
    progress: Callable[[int, int], None] | None = None,
) -> Tables:
    out = Tables([], [], [])
    total = len(children)
    for n, child in enumerate(children, 1):
        if progress is not None and (n % 1000 == 0 or n == total):
            progress(n, total)
        if child.dob is None:
            continue
        spells = _spells_in_year(child, year, until)
        if not spells:
            continue
        out.header.append(
            {
                "CHILD": child.la_child_id,
                "SEX": child.sex,
                "DOB": _d(child.dob),
                "ETHNIC": child.ethnicity,
                "UPN": child.upn or _upn_unknown_903(child.upn_unknown(year.end)),
                "MOTHER": mappings.lookup("mother", "default") if child.sex == "F" else "",
                "MC_DOB": "",
            }
        )
        for spell in spells:
            out.episodes.extend(_episode_rows(child, spell, year, until))
        for m in child.missing:
            if not (year.start <= m.start <= until):
                continue
            during = next((s for s in spells if s.holds(m.start) or s.start == m.start), None)
            if during is None:
                continue
            # Missing while looked after: a child who ceased to be looked after while missing is recorded
            # missing until the day care ended (rule 577: the period then has an end date).
            end = m.end
            if during.end is not None and during.end <= until and (end is None or end > during.end):
                end = during.end
            out.missing.append(
                {
                    "CHILD": child.la_child_id,
                    "DOB": _d(child.dob),
                    "MISSING": m.category,
                    "MIS_START": _d(m.start),
                    "MIS_END": _d(end) if end and end <= until else "",
                }
            )
    return out


def write_csv(out: IO[str], columns: list[str], rows: list[dict[str, str]]) -> None:
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
