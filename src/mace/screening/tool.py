"""The exploitation screening tool as data: parsing and validating a tool definition, and scoring.

Pure: no database, no I/O except reading the JSON files shipped in `tools/`. A definition is a list
of sections (child sexual exploitation, child criminal exploitation including county lines), each a
list of indicators with guidance text, a weight and a `high_harm` marker, and a scoring rule: the sum
of the ticked indicators' weights against thresholds for low, medium and high.

The score never decides alone (action 4.2): see `needs_agreement`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from mace.frontdoor.thresholds import CONCERNS

TOOLS_DIR = Path(__file__).resolve().parent / "tools"

NONE, LOW, MEDIUM, HIGH = 0, 1, 2, 3
LEVELS = {NONE: "No concerns", LOW: "Low", MEDIUM: "Medium", HIGH: "High"}
CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_WEIGHT = 10


class ToolError(ValueError):
    """A tool definition that cannot be used; `problems` names every one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Indicator:
    code: str
    text: str
    guidance: str
    weight: int
    high_harm: bool
    concern: str  # the front door concern it maps to (frontdoor.thresholds.CONCERNS)


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Tool:
    code: str
    version: int
    title: str
    sections: tuple[Section, ...]
    thresholds: dict[int, int]  # level -> the lowest score that reaches it (LOW, MEDIUM, HIGH)
    sources: tuple[str, ...]

    @property
    def indicators(self) -> dict[str, Indicator]:
        return {i.code: i for s in self.sections for i in s.indicators}


@dataclass(frozen=True)
class Score:
    score: int
    level: int
    high_harm: tuple[str, ...]  # the ticked indicators marked high harm


def _text(value: Any, where: str, problems: list[str], *, required: bool = True, limit: int = 2000) -> str:
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(f"{where} must be text")
        return ""
    if len(value) > limit:
        problems.append(f"{where} must be {limit} characters or fewer")
    return value.strip()


def parse_tool(data: Any) -> Tool:
    """A validated tool from its JSON form; every problem is reported at once."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise ToolError(["The tool must be a JSON object"])
    code = data.get("code")
    if not isinstance(code, str) or not CODE.match(code):
        problems.append("code must be lower-case letters, digits and underscores")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append("version must be a whole number, 1 or more")
    title = _text(data.get("title"), "title", problems, limit=200)
    sources = data.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) and s.strip() for s in sources):
        problems.append("sources must be a list of texts")
        sources = []
    raw_thresholds = data.get("thresholds")
    thresholds: dict[int, int] = {}
    if not isinstance(raw_thresholds, dict) or set(raw_thresholds) != {"low", "medium", "high"}:
        problems.append("thresholds must give the lowest score for low, medium and high")
    else:
        for name, level in (("low", LOW), ("medium", MEDIUM), ("high", HIGH)):
            value = raw_thresholds[name]
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                problems.append(f"thresholds.{name} must be a whole number, 1 or more")
            else:
                thresholds[level] = value
        if len(thresholds) == 3 and not thresholds[LOW] < thresholds[MEDIUM] < thresholds[HIGH]:
            problems.append("thresholds must rise: low below medium below high")
    sections: list[Section] = []
    seen: set[str] = set()
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        problems.append("sections must be a non-empty list")
        raw_sections = []
    for s_index, raw in enumerate(raw_sections):
        where = f"sections[{s_index}]"
        if not isinstance(raw, dict):
            problems.append(f"{where} must be an object")
            continue
        s_code = raw.get("code")
        if not isinstance(s_code, str) or not CODE.match(s_code):
            problems.append(f"{where}.code must be lower-case letters, digits and underscores")
            s_code = ""
        s_title = _text(raw.get("title"), f"{where}.title", problems, limit=200)
        indicators: list[Indicator] = []
        raw_indicators = raw.get("indicators")
        if not isinstance(raw_indicators, list) or not raw_indicators:
            problems.append(f"{where}.indicators must be a non-empty list")
            raw_indicators = []
        for i_index, item in enumerate(raw_indicators):
            at = f"{where}.indicators[{i_index}]"
            if not isinstance(item, dict):
                problems.append(f"{at} must be an object")
                continue
            i_code = item.get("code")
            if not isinstance(i_code, str) or not CODE.match(i_code):
                problems.append(f"{at}.code must be lower-case letters, digits and underscores")
                continue
            if i_code in seen:
                problems.append(f"{at}.code {i_code} is used twice")
            seen.add(i_code)
            weight = item.get("weight")
            if not isinstance(weight, int) or isinstance(weight, bool) or not 1 <= weight <= MAX_WEIGHT:
                problems.append(f"{at}.weight must be a whole number from 1 to {MAX_WEIGHT}")
                weight = 1
            high_harm = item.get("high_harm", False)
            if not isinstance(high_harm, bool):
                problems.append(f"{at}.high_harm must be true or false")
                high_harm = False
            concern = item.get("concern", "")
            if concern not in CONCERNS:
                problems.append(f"{at}.concern must be one of the front door's concerns")
            indicators.append(
                Indicator(
                    code=i_code,
                    text=_text(item.get("text"), f"{at}.text", problems, limit=300),
                    guidance=_text(item.get("guidance"), f"{at}.guidance", problems),
                    weight=weight,
                    high_harm=high_harm,
                    concern=str(concern),
                )
            )
        sections.append(Section(code=s_code, title=s_title, indicators=tuple(indicators)))
    section_codes = [s.code for s in sections]
    if len(set(section_codes)) != len(section_codes):
        problems.append("section codes must be different")
    if problems:
        raise ToolError(problems)
    return Tool(
        code=str(code),
        version=int(version),  # type: ignore[arg-type]
        title=title,
        sections=tuple(sections),
        thresholds=thresholds,
        sources=tuple(s.strip() for s in sources),
    )


def level_for(score: int, thresholds: dict[int, int]) -> int:
    level = NONE
    for candidate in (LOW, MEDIUM, HIGH):
        if score >= thresholds[candidate]:
            level = candidate
    return level


def score(tool: Tool, ticked: Iterable[str]) -> Score:
    """The score rule: the sum of the ticked indicators' weights, banded by the tool's thresholds."""
    indicators = tool.indicators
    chosen = sorted({c for c in ticked if c in indicators})
    total = sum(indicators[c].weight for c in chosen)
    return Score(
        score=total,
        level=level_for(total, tool.thresholds),
        high_harm=tuple(c for c in chosen if indicators[c].high_harm),
    )


def needs_agreement(*, level: int, judgement: int, high_harm: bool) -> bool:
    """A manager must agree when the practitioner's judgement is lower than the indicators suggest, or
    when indicators of high harm are present under a judgement of low risk or no concerns."""
    return judgement < level or (high_harm and judgement <= LOW)


def load_file(path: Path) -> Tool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ToolError([f"{path.name} is not valid JSON: {exc}"]) from exc
    try:
        return parse_tool(data)
    except ToolError as exc:
        raise ToolError([f"{path.name}: {p}" for p in exc.problems]) from exc


@cache
def shipped_tools() -> tuple[tuple[Tool, dict[str, Any]], ...]:
    """Every tool version shipped in the package, validated; raises ToolError naming every problem."""
    found = []
    for path in sorted(TOOLS_DIR.glob("*.json")):
        tool = load_file(path)
        found.append((tool, json.loads(path.read_text(encoding="utf-8"))))
    return tuple(found)
