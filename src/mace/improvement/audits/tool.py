"""Audit tools as data: a versioned JSON file of questions, answer scales and guidance, in parts that each
agency answers (a multi-agency audit has several parts). Pure: no database, no I/O except reading the
files shipped in `tools/`, like the screening tool (`mace.screening.tool`)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

TOOLS_DIR = Path(__file__).resolve().parent / "tools"
CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# The records a dip sample can draw, each from its owner's selectors (see `sampling`).
SOURCES = {"ed_attendance": "ED attendances", "frontdoor_contact": "Front door contacts"}
AGENCY_KINDS = {"police", "health", "csc", "early_help", "education", "commissioned", "partnership"}
# Answers that are left out of a percentage (not applicable): everything else counts; "yes" is met.
MET, NOT_APPLICABLE = "yes", "na"


class ToolError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    guidance: str
    scale: tuple[tuple[str, str], ...]  # (answer code, label), in order
    agency: str  # the agency kind that answers it

    @property
    def answers(self) -> dict[str, str]:
        return dict(self.scale)


@dataclass(frozen=True)
class Part:
    agency: str
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Tool:
    code: str
    version: int
    title: str
    source: str
    purpose: str
    parts: tuple[Part, ...]

    @property
    def questions(self) -> dict[str, Question]:
        return {q.code: q for p in self.parts for q in p.questions}

    @property
    def agencies(self) -> tuple[str, ...]:
        return tuple(p.agency for p in self.parts)

    @property
    def key(self) -> str:
        return f"{self.code}-v{self.version}"


def _text(value: Any, where: str, problems: list[str]) -> str:
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where} must be text")
        return ""
    return value.strip()


def parse(data: Any) -> Tool:
    """A tool from its JSON, or ToolError naming every problem."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise ToolError(["the tool must be an object"])
    code = data.get("code")
    if not isinstance(code, str) or not CODE.match(code):
        problems.append("code must be lower case letters, digits and _")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append("version must be a whole number from 1")
    title = _text(data.get("title"), "title", problems)
    purpose = _text(data.get("purpose"), "purpose", problems)
    source = data.get("source")
    if source not in SOURCES:
        problems.append(f"source must be one of {', '.join(SOURCES)}")
    scales_in = data.get("scales")
    scales: dict[str, tuple[tuple[str, str], ...]] = {}
    if not isinstance(scales_in, dict) or not scales_in:
        problems.append("scales must name at least one answer scale")
    else:
        for name, answers in scales_in.items():
            if not isinstance(answers, dict) or MET not in answers or len(answers) < 2:
                problems.append(f"scale {name} must have 'yes' and at least one other answer")
                continue
            if not all(
                isinstance(k, str) and CODE.match(k) and isinstance(v, str) for k, v in answers.items()
            ):
                problems.append(f"scale {name}: answers are codes with labels")
                continue
            scales[name] = tuple(answers.items())
    parts: list[Part] = []
    seen: set[str] = set()
    parts_in = data.get("parts")
    if not isinstance(parts_in, list) or not parts_in:
        problems.append("parts must be a list of at least one part")
        parts_in = []
    agencies: set[str] = set()
    for n, part in enumerate(parts_in, 1):
        where = f"part {n}"
        if not isinstance(part, dict):
            problems.append(f"{where} must be an object")
            continue
        agency = part.get("agency")
        if agency not in AGENCY_KINDS:
            problems.append(f"{where}: agency must be an agency kind")
        elif agency in agencies:
            problems.append(f"{where}: agency {agency} has two parts")
        agencies.add(str(agency))
        part_title = _text(part.get("title"), f"{where} title", problems)
        questions: list[Question] = []
        for m, q in enumerate(part.get("questions") or [], 1):
            qwhere = f"{where} question {m}"
            if not isinstance(q, dict):
                problems.append(f"{qwhere} must be an object")
                continue
            qcode = q.get("code")
            if not isinstance(qcode, str) or not CODE.match(qcode):
                problems.append(f"{qwhere}: code must be lower case letters, digits and _")
                continue
            if qcode in seen:
                problems.append(f"{qwhere}: code {qcode} is used twice")
            seen.add(qcode)
            scale = q.get("scale")
            if scale not in scales:
                problems.append(f"{qwhere}: scale {scale!r} is not one of the tool's scales")
                continue
            questions.append(
                Question(
                    code=qcode,
                    text=_text(q.get("text"), f"{qwhere} text", problems),
                    guidance=_text(q.get("guidance"), f"{qwhere} guidance", problems),
                    scale=scales[scale],
                    agency=str(agency),
                )
            )
        if not questions:
            problems.append(f"{where} has no questions")
        parts.append(Part(agency=str(agency), title=part_title, questions=tuple(questions)))
    if problems:
        raise ToolError(problems)
    assert isinstance(code, str) and isinstance(version, int) and isinstance(source, str)
    return Tool(code=code, version=version, title=title, source=source, purpose=purpose, parts=tuple(parts))


@cache
def shipped() -> dict[tuple[str, int], Tool]:
    """Every tool version shipped, by (code, version)."""
    tools = {}
    for path in sorted(TOOLS_DIR.glob("*.json")):
        t = parse(json.loads(path.read_text(encoding="utf-8")))
        tools[(t.code, t.version)] = t
    return tools


def get(code: str, version: int | None = None) -> Tool:
    """A tool version, or its latest version; KeyError for none."""
    versions = {v: t for (c, v), t in shipped().items() if c == code}
    if not versions:
        raise KeyError(code)
    return versions[version if version is not None else max(versions)]


def latest() -> list[Tool]:
    codes = sorted({c for c, _ in shipped()})
    return [get(c) for c in codes]
