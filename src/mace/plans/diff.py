"""What changed between two versions of a plan: field by field, and action by action. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .models import PlanStatus, PlanType, PlanVersion

FIELDS = [
    ("plan_type", "Type of plan"),
    ("status", "Status"),
    ("needs_and_risks", "Needs and risks"),
    ("outcomes", "What will change"),
    ("child_views", "The child's views, in their words"),
    ("family_views", "The family's views"),
    ("contingency", "Contingency plan"),
]
ACTION_FIELDS = [
    ("text", "action"),
    ("owner", "owner"),
    ("agency", "agency"),
    ("due", "due date"),
    ("done", "completed"),
]


@dataclass
class FieldChange:
    name: str
    label: str
    before: str
    after: str


@dataclass
class ActionChange:
    text: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (what, before, after)


@dataclass
class PlanDiff:
    fields: list[FieldChange] = field(default_factory=list)
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    changed: list[ActionChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.fields or self.added or self.removed or self.changed)


def _shown(name: str, value: str) -> str:
    if name == "plan_type" and value in PlanType.values:
        return str(PlanType(value).label)
    if name == "status" and value in PlanStatus.values:
        return str(PlanStatus(value).label)
    return value


def compare(old: PlanVersion | dict[str, Any] | None, new: PlanVersion | dict[str, Any]) -> PlanDiff:
    """Compare two versions (or a version and an attempted save, as a dict). No old version: all new."""

    def get(v: Any, name: str) -> Any:
        if v is None:
            return [] if name == "actions" else ""
        return v.get(name, "") if isinstance(v, dict) else getattr(v, name)

    out = PlanDiff()
    for name, label in FIELDS:
        before, after = str(get(old, name) or ""), str(get(new, name) or "")
        if before != after:
            out.fields.append(FieldChange(name, label, _shown(name, before), _shown(name, after)))
    before_actions = {a["key"]: a for a in get(old, "actions")}
    after_actions = {a["key"]: a for a in get(new, "actions")}
    for key, a in after_actions.items():
        if key not in before_actions:
            out.added.append(a)
            continue
        b = before_actions[key]
        changes = [
            (label, str(b.get(f, "")), str(a.get(f, "")))
            for f, label in ACTION_FIELDS
            if str(b.get(f, "")) != str(a.get(f, ""))
        ]
        if changes:
            out.changed.append(ActionChange(a.get("text", ""), changes))
    out.removed = [b for key, b in before_actions.items() if key not in after_actions]
    return out
