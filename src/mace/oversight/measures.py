"""The scorecard's measures are data (6.2d): a versioned definition file, like the screening tool.

Each measure names a *source* (a function in `sources.py` that counts from live records), the source's
parameters, a unit, a target and the red/amber/green rule. A partnership adds a measure by publishing a new
version of the file, without code; a definition that refers to an unknown source or parameter, or gives a
percentage target outside 0 to 100, is refused with every problem listed.

    {"code": "fd_reviewed_24h", "group": "front_door", "title": "Contacts reviewed within 24 hours",
     "source": "contacts_reviewed_on_time", "params": {}, "unit": "percent", "better": "higher",
     "target": 95, "amber_from": 85, "owner": "Head of the integrated front door",
     "definition": "Of the contacts received in the period ..."}
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import sources

SHIPPED = Path(__file__).parent / "definitions" / "scorecard-v2.json"
# "weeks": a wait in whole weeks (a median or a longest) over the children waiting: the figure's numerator
# is the weeks and its denominator the children it was worked out from (sources.Figure.weeks).
UNITS = ("count", "percent", "weeks")
BETTER = ("higher", "lower")


class DefinitionError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Group:
    code: str
    title: str


@dataclass(frozen=True)
class Rag:
    colour: str  # "green", "amber", "red", or "" (no target)
    rule: str  # the rule that made it, in words

    @property
    def label(self) -> str:
        return {"green": "Green", "amber": "Amber", "red": "Red"}.get(self.colour, "No target")


@dataclass(frozen=True)
class Measure:
    code: str
    group: str
    title: str
    source: str
    params: dict[str, Any]
    unit: str  # count, percent or weeks
    better: str | None  # higher, lower, or None (for information: no direction is better)
    target: float | None
    amber_from: float | None  # the edge of amber on the far side of the target
    owner: str
    definition: str
    per_10000: bool = False  # also show as a rate per 10,000 children (counts of children only)

    @property
    def percent(self) -> bool:
        return self.unit == "percent"

    @property
    def weeks(self) -> bool:
        return self.unit == "weeks"

    def rule_text(self) -> str:
        if self.target is None or self.better is None:
            return "No target: shown for information"
        fmt = (
            (lambda v: f"{v:g}%")
            if self.percent
            else ((lambda v: f"{v:g} weeks") if self.weeks else (lambda v: f"{v:g}"))
        )
        no_amber = self.amber_from is None or self.amber_from == self.target
        if self.better == "higher":
            green = f"green at {fmt(self.target)} or more"
            if no_amber:
                return f"{green.capitalize()}; red below"
            return (
                f"{green.capitalize()}; amber from {fmt(self.amber_from)}; red below {fmt(self.amber_from)}"
            )
        green = (
            f"green at {fmt(self.target)} or fewer"
            if not self.percent
            else f"green at {fmt(self.target)} or less"
        )
        if no_amber:
            return f"{green.capitalize()}; red above"
        return f"{green.capitalize()}; amber up to {fmt(self.amber_from)}; red above {fmt(self.amber_from)}"

    def rag(self, value: float | None) -> Rag:
        """Red, amber or green for a value, with the rule that made it. No value (an empty period) and no
        target give no colour."""
        rule = self.rule_text()
        if value is None or self.target is None or self.better is None:
            return Rag("", rule)
        if self.better == "higher":
            if value >= self.target:
                return Rag("green", rule)
            if self.amber_from is not None and self.amber_from != self.target and value >= self.amber_from:
                return Rag("amber", rule)
            return Rag("red", rule)
        if value <= self.target:
            return Rag("green", rule)
        if self.amber_from is not None and self.amber_from != self.target and value <= self.amber_from:
            return Rag("amber", rule)
        return Rag("red", rule)

    def direction(self, now: float | None, before: float | None) -> str:
        """Direction of travel against the previous period: improving, worse, no change, or no
        comparison."""
        if now is None or before is None:
            return "No comparison"
        if abs(now - before) < 1e-9:
            return "No change"
        if self.better is None:
            return "Up" if now > before else "Down"
        up_is_good = self.better == "higher"
        return "Improving" if (now > before) == up_is_good else "Worse"


@dataclass(frozen=True)
class MeasureSetDefinition:
    code: str
    version: int
    title: str
    groups: list[Group]
    measures: list[Measure] = field(default_factory=list)

    def measure(self, code: str) -> Measure:
        for m in self.measures:
            if m.code == code:
                return m
        raise KeyError(code)

    def by_group(self) -> list[tuple[Group, list[Measure]]]:
        return [(g, [m for m in self.measures if m.group == g.code]) for g in self.groups]


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def parse(data: Any) -> MeasureSetDefinition:
    """Check a definition and build it; every problem is listed, each naming the measure it is in."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise DefinitionError(["The definition must be a JSON object"])
    for key in ("code", "title", "groups", "measures"):
        if key not in data:
            problems.append(f"'{key}' is missing")
    if problems:
        raise DefinitionError(problems)
    groups: list[Group] = []
    for g in data["groups"] if isinstance(data["groups"], list) else []:
        if not isinstance(g, dict) or not g.get("code") or not g.get("title"):
            problems.append("each group needs a code and a title")
            continue
        groups.append(Group(str(g["code"]), str(g["title"])))
    group_codes = {g.code for g in groups}
    measures: list[Measure] = []
    seen: set[str] = set()
    for index, m in enumerate(data["measures"] if isinstance(data["measures"], list) else []):
        where = f"measure {index + 1}"
        if not isinstance(m, dict):
            problems.append(f"{where} must be an object")
            continue
        code = str(m.get("code") or "")
        where = f"measure '{code}'" if code else where
        before = len(problems)
        if not code:
            problems.append(f"{where}: 'code' is missing")
        elif code in seen:
            problems.append(f"{where}: the code is used twice")
        seen.add(code)
        for key in ("title", "definition", "owner"):
            if not str(m.get(key) or "").strip():
                problems.append(f"{where}: '{key}' is missing")
        if m.get("group") not in group_codes:
            problems.append(f"{where}: group '{m.get('group')}' is not one of the groups")
        unit = m.get("unit")
        if unit not in UNITS:
            problems.append(f"{where}: unit must be one of {', '.join(UNITS)}")
        better = m.get("better")
        if better is not None and better not in BETTER:
            problems.append(f"{where}: 'better' must be higher, lower or absent")
        source = sources.SOURCES.get(str(m.get("source")))
        params = m.get("params") or {}
        if source is None:
            known = ", ".join(sorted(sources.SOURCES))
            problems.append(f"{where}: source '{m.get('source')}' is not known (known: {known})")
        elif not isinstance(params, dict):
            problems.append(f"{where}: 'params' must be an object")
        else:
            if source.unit != unit and unit in UNITS:
                problems.append(f"{where}: source '{source.name}' gives a {source.unit}, not a {unit}")
            for name, value in params.items():
                allowed = source.params.get(name)
                if allowed is None:
                    names = ", ".join(sorted(source.params)) or "none"
                    problems.append(
                        f"{where}: source '{source.name}' has no field '{name}' (fields: {names})"
                    )
                elif isinstance(allowed, tuple) and value not in allowed:
                    problems.append(f"{where}: '{name}' must be one of {', '.join(map(str, allowed))}")
                elif allowed is int and not (isinstance(value, int) and value > 0):
                    problems.append(f"{where}: '{name}' must be a whole number above 0")
        target, amber = m.get("target"), m.get("amber_from")
        for name, value in (("target", target), ("amber_from", amber)):
            if value is None:
                continue
            if not _number(value):
                problems.append(f"{where}: '{name}' must be a number")
            elif unit == "percent" and not 0 <= value <= 100:
                problems.append(f"{where}: '{name}' of a percentage must be between 0 and 100, not {value}")
            elif value < 0:
                problems.append(f"{where}: '{name}' cannot be below 0")
        if target is not None and better is None:
            problems.append(f"{where}: a target needs 'better' (higher or lower)")
        if amber is not None and target is None:
            problems.append(f"{where}: 'amber_from' needs a target")
        if (
            isinstance(target, int | float)
            and isinstance(amber, int | float)
            and ((better == "higher" and amber > target) or (better == "lower" and amber < target))
        ):
            problems.append(f"{where}: amber must lie on the red side of the target")
        if m.get("per_10000") and unit != "count":
            problems.append(f"{where}: only a count can be shown per 10,000 children")
        if len(problems) == before:
            measures.append(
                Measure(
                    code=code,
                    group=str(m["group"]),
                    title=str(m["title"]).strip(),
                    source=str(m["source"]),
                    params=dict(params),
                    unit=str(unit),
                    better=better,
                    target=float(target) if target is not None else None,
                    amber_from=float(amber) if amber is not None else None,
                    owner=str(m["owner"]).strip(),
                    definition=str(m["definition"]).strip(),
                    per_10000=bool(m.get("per_10000")),
                )
            )
    if not measures and not problems:
        problems.append("the definition has no measures")
    if problems:
        raise DefinitionError(problems)
    return MeasureSetDefinition(
        code=str(data["code"]),
        version=int(data.get("version") or 1),
        title=str(data["title"]),
        groups=groups,
        measures=measures,
    )


def shipped() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SHIPPED.read_text(encoding="utf-8"))
    return data
