"""The structured action plan file `mace import action-plan` reads: CSV, one row per action, grouped by
priority area, after a few `# key: value` lines that describe the plan (title, kind, source, starts,
as_of). The area's texts (priority action, what needs to improve, what inspectors found) are on the
area's first row. `due` is an ISO date, or the words "to be determined" with the plan's own words in
`due_note`; an empty owner or due date is refused. Parsing checks every row and lists every problem;
nothing is written by this module (`services.plan_import` writes the whole file or nothing)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import rag

SHIPPED = Path(__file__).with_name("data") / "action-plan-2022.csv"
COLUMNS = [
    "section",
    "section_title",
    "area",
    "area_title",
    "priority_action",
    "what_needs_to_improve",
    "what_inspectors_found",
    "ref",
    "action",
    "owner",
    "due",
    "due_note",
    "rag",
    "progress",
]
REQUIRED = ["section", "section_title", "area", "area_title", "ref", "action", "owner", "due", "rag"]
KINDS = ("inspection", "practice_review", "self_assessment")
TBD = "to be determined"
REF = re.compile(r"^(\d{1,2})\.(\d{1,2})([a-z]{1,2})$")
AREA = re.compile(r"^(\d{1,2})\.(\d{1,2})$")
RAG_WORDS = {
    "r": rag.RED,
    "red": rag.RED,
    "a": rag.AMBER,
    "amber": rag.AMBER,
    "g": rag.GREEN,
    "green": rag.GREEN,
}


class PlanFileError(ValueError):
    """The file cannot be imported: every problem, each with its line where it has one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Row:
    line: int
    section: int
    section_title: str
    area: str
    area_title: str
    priority_action: str
    needs_to_improve: str
    inspectors_found: str
    ref: str
    action: str
    owner: str
    due: date | None
    due_note: str
    rag: str
    progress: str


@dataclass
class PlanFile:
    title: str
    kind: str
    source: str
    starts: date
    as_of: date
    rows: list[Row] = field(default_factory=list)
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # (line, ref, reason)

    @property
    def problems(self) -> list[str]:
        return [f"line {line} ({ref or 'no ref'}): {why}" for line, ref, why in self.rejected]


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def read(path: Path) -> PlanFile:
    return parse(path.read_text(encoding="utf-8-sig"))


def parse(text: str) -> PlanFile:
    lines = text.splitlines(keepends=True)
    meta: dict[str, str] = {}
    skipped = 0
    for raw in lines:
        if not raw.startswith("#"):
            break
        key, _, value = raw[1:].partition(":")
        meta[key.strip().lower()] = value.strip()
        skipped += 1
    problems = []
    for key in ("title", "kind", "starts", "as_of"):
        if not meta.get(key):
            problems.append(f"the file does not say the plan's {key} (a line '# {key}: …' at the top)")
    if meta.get("kind") and meta["kind"] not in KINDS:
        problems.append(f"the plan's kind must be one of {', '.join(KINDS)}, not {meta['kind']!r}")
    starts, as_of = _date(meta.get("starts", "")), _date(meta.get("as_of", ""))
    if meta.get("starts") and starts is None:
        problems.append(f"the plan's start {meta['starts']!r} is not a date (YYYY-MM-DD)")
    if meta.get("as_of") and as_of is None:
        problems.append(f"the plan's as_of {meta['as_of']!r} is not a date (YYYY-MM-DD)")
    reader = csv.DictReader(io.StringIO("".join(lines[skipped:])))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        problems.append(f"the header has no column {', '.join(missing)}")
    if problems:
        raise PlanFileError(problems)
    assert starts is not None and as_of is not None
    plan = PlanFile(meta["title"], meta["kind"], meta.get("source", ""), starts, as_of)
    seen: dict[str, int] = {}
    areas: dict[str, str] = {}
    previous = 1  # the header's line (a row may span lines: its text has line breaks)
    for record in reader:
        line = skipped + previous + 1  # the row's first line in the file, counting the plan's lines
        previous = reader.line_num
        cells = {k: (record.get(k) or "").strip() for k in COLUMNS}
        ref = cells["ref"]
        why = _problems(cells, plan, seen, areas)
        if why:
            plan.rejected.append((line, ref, "; ".join(why)))
            continue
        seen[ref] = line
        areas.setdefault(cells["area"], cells["area_title"])
        due = None if cells["due"].lower() == TBD else _date(cells["due"])
        plan.rows.append(
            Row(
                line=line,
                section=int(cells["section"]),
                section_title=cells["section_title"],
                area=cells["area"],
                area_title=cells["area_title"],
                priority_action=cells["priority_action"],
                needs_to_improve=cells["what_needs_to_improve"],
                inspectors_found=cells["what_inspectors_found"],
                ref=ref,
                action=cells["action"],
                owner=cells["owner"],
                due=due,
                due_note=cells["due_note"],
                rag=RAG_WORDS[cells["rag"].lower()],
                progress=cells["progress"],
            )
        )
    if not plan.rows and not plan.rejected:
        raise PlanFileError(["the file has no actions"])
    return plan


def _problems(
    cells: dict[str, str], plan: PlanFile, seen: dict[str, int], areas: dict[str, str]
) -> list[str]:
    why = []
    for name in REQUIRED:
        if not cells[name]:
            why.append(
                {
                    "owner": "no action owner: every action needs a person or a group who owns it",
                    "due": "no due date: give a date (YYYY-MM-DD) or 'to be determined' with the reason",
                }.get(name, f"no {name.replace('_', ' ')}")
            )
    ref, area = cells["ref"], cells["area"]
    matched = REF.match(ref)
    if ref and not matched:
        why.append(f"the reference {ref!r} is not like 1.1a")
    if area and not AREA.match(area):
        why.append(f"the area {area!r} is not like 1.1")
    elif matched and area and f"{matched[1]}.{matched[2]}" != area:
        why.append(f"the reference {ref} is not in area {area}")
    if cells["section"] and (
        not cells["section"].isdigit() or (area and area.split(".")[0] != cells["section"])
    ):
        why.append(f"the section {cells['section']!r} does not match the area {area}")
    if ref in seen:
        why.append(f"the reference {ref} is already on line {seen[ref]}")
    if area in areas and cells["area_title"] and areas[area] != cells["area_title"]:
        why.append(f"area {area} is called {areas[area]!r} on an earlier row")
    due = cells["due"]
    if due:
        if due.lower() == TBD:
            if not cells["due_note"]:
                why.append("the due date is 'to be determined': say why in due_note")
        elif (parsed := _date(due)) is None:
            why.append(f"the due date {due!r} is not a date (YYYY-MM-DD)")
        elif parsed < plan.starts:
            why.append(f"the due date {due} is before the plan starts ({plan.starts.isoformat()})")
    if cells["rag"] and cells["rag"].lower() not in RAG_WORDS:
        why.append(f"the RAG {cells['rag']!r} is not red, amber or green (R, A or G)")
    return why
