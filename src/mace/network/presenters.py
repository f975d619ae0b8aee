"""The network as GOV.UK table rows, as the chart's data and as a FollowTheMoney-style export. Built here
so templates only print them; the table and the chart are made from the same `Network`, so they always
show the same links."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.utils import timezone

from mace.core.ui import link, uk_date, url

from .selectors import Network

LINK_HEAD = [
    {"text": "From"},
    {"text": "Link"},
    {"text": "To"},
    {"text": "From date"},
    {"text": "To date"},
    {"text": "Source"},
    {"text": "Confidence"},
]

KIND_WORDS = {
    "child": "Child",
    "adult": "Adult of concern",
    "place": "Place",
    "vehicle": "Vehicle",
    "online": "Online identity",
    "group": "Group",
    "withheld": "Withheld",
}


def _cell(net: Network, key: str) -> dict[str, Any]:
    node = net.nodes[key]
    if node.href:
        return {"html": link(node.href, node.label)}
    return {"text": node.label}


def link_rows(net: Network) -> list[list[dict[str, Any]]]:
    return [
        [
            _cell(net, e.source),
            {"text": e.kind_label},
            _cell(net, e.target),
            {"text": uk_date(e.starts) if e.starts else "Not known"},
            {"text": uk_date(e.ends) if e.ends else "Not known"},
            {"text": e.source_label},
            {"text": e.confidence or "Withheld"},
        ]
        for e in net.edges
    ]


def chart_data(net: Network) -> str:
    """Cytoscape.js elements: a node per record, an edge per link (the table's rows, one for one)."""
    used = {k for e in net.edges for k in (e.source, e.target)}
    elements: list[dict[str, Any]] = [
        {"data": {"id": k, "label": n.label, "kind": n.kind, "href": n.href}}
        for k, n in net.nodes.items()
        if k in used
    ]
    elements += [
        {"data": {"id": f"e{e.pk}", "source": e.source, "target": e.target, "label": e.kind_label}}
        for e in net.edges
    ]
    return json.dumps(elements)


def _iso(d: date | None) -> list[str]:
    return [d.isoformat()] if d else []


def ftm_lines(net: Network) -> str:
    """The visible network as FollowTheMoney entities, one JSON object a line: Person, Address, Vehicle,
    UserAccount and Organization for the records, and a Associate / UnknownLink / Occupancy-like link for
    each association. Withheld records are left out, with their links."""
    schema = {
        "child": "Person",
        "adult": "Person",
        "place": "Address",
        "vehicle": "Vehicle",
        "online": "UserAccount",
        "group": "Organization",
    }
    lines = []
    for k, n in net.nodes.items():
        if n.withheld:
            continue
        props: dict[str, list[str]] = {"name": [n.label]}
        if n.kind == "place":
            props = {"full": [n.label]}
        elif n.kind == "vehicle":
            props = {"registrationNumber": [n.label]}
        elif n.kind == "online":
            props = {"username": [n.label]}
        lines.append({"id": f"mace-{k}", "schema": schema.get(n.kind, "LegalEntity"), "properties": props})
    for e in net.edges:
        if net.nodes[e.source].withheld or net.nodes[e.target].withheld:
            continue
        both_people = net.nodes[e.source].kind in ("child", "adult") and net.nodes[e.target].kind in (
            "child",
            "adult",
        )
        lines.append(
            {
                "id": f"mace-link-{e.pk}",
                "schema": "Associate" if both_people else "UnknownLink",
                "properties": {
                    ("person" if both_people else "subject"): [f"mace-{e.source}"],
                    ("associate" if both_people else "object"): [f"mace-{e.target}"],
                    ("relationship" if both_people else "role"): [e.kind_label],
                    "startDate": _iso(e.starts),
                    "endDate": _iso(e.ends),
                    "sourceUrl": [],
                    "summary": [f"{e.source_label}, confidence {e.confidence.lower()}"],
                },
            }
        )
    return "".join(json.dumps(line, sort_keys=True) + "\n" for line in lines)


# Contextual safeguarding --------------------------------------------------------------------------------

CONTEXT_HEAD = [
    {"text": "Place or group"},
    {"text": "Triggered"},
    {"text": "Step reached"},
    {"text": "Plan review"},
]

_NEXT = {
    "trigger": ("network:context-scope", "Set the scope"),
    "scope": ("network:context-observation", "Record an observation"),
    "observation": ("network:context-weighing", "Weigh the contexts"),
    "weighing": ("network:context-conference", "Record the context conference"),
    "conference": ("network:context-plan", "Write the context plan"),
    "plan": ("network:context-review", "Review the context plan"),
}


def context_next(a: Any) -> dict[str, str]:
    name, text = _NEXT[a.step]
    return {"href": url(name, a.pk), "text": text}


def review_text(plan: Any) -> str:
    from mace.core import due
    from mace.core.ui import time_left

    if plan is None:
        return "No plan yet"
    if plan.status == "closed":
        return "Closed"
    return f"{uk_date(plan.review_on)} ({time_left(due.end_of_day(plan.review_on))})"


def context_rows(found: list[Any]) -> list[list[dict[str, Any]]]:
    from .models import ContextPlan

    rows: list[list[dict[str, Any]]] = []
    for a in found:
        try:
            plan = a.plan
        except ContextPlan.DoesNotExist:
            plan = None
        rows.append(
            [
                {
                    "html": link(
                        url("network:context", a.pk), f"{a.subject.get_kind_display()}: {a.subject.name}"
                    )
                },
                {"text": uk_date(a.triggered_on)},
                {"text": a.get_step_display()},
                {"text": review_text(plan)},
            ]
        )
    return rows


def context_summary(a: Any) -> list[dict[str, Any]]:
    """The steps recorded so far, each with who and when, as summary list rows."""
    from mace.core.ui import uk_datetime

    from .models import ContextKind

    rows = [
        {"key": {"text": "Trigger"}, "value": {"text": f"{uk_date(a.triggered_on)}: {a.trigger}"}},
        {
            "key": {"text": "Started by"},
            "value": {"text": f"{a.started_by_label}, {uk_datetime(a.started_at)}"},
        },
    ]
    if a.trigger_source_kind:
        rows.append(
            {
                "key": {"text": "Prompted by"},
                "value": {"text": f"{a.get_trigger_source_kind_display()} {a.trigger_source_id}".strip()},
            }
        )
    if a.scoped_at:
        rows.append(
            {
                "key": {"text": "Scope"},
                "value": {
                    "text": f"{a.scope_area} (recorded by {a.scoped_by_label}, {uk_datetime(a.scoped_at)})"
                },
            }
        )
    if a.observed_at:
        rows.append(
            {
                "key": {"text": "Observation"},
                "value": {
                    "text": f"{len(a.observations)} observations, {len(a.safety_map)} safety mapping entries "
                    f"(last by {a.observed_by_label}, {uk_datetime(a.observed_at)})"
                },
            }
        )
    if a.weighed_at:
        labels = dict(ContextKind.choices)
        weighed = "; ".join(labels.get(c["context"], c["context"]) for c in a.contexts)
        rows.append(
            {
                "key": {"text": "Contexts weighed"},
                "value": {
                    "text": f"{weighed}. {a.judgement} ({a.weighed_by_label}, {uk_datetime(a.weighed_at)})"
                },
            }
        )
    return rows


def observation_rows(a: Any) -> dict[str, Any]:
    return {
        "observed": [
            [
                {"text": uk_date(date.fromisoformat(o["on"]))},
                {"text": o["where"]},
                {"text": o["what"]},
                {"text": o["by"]},
            ]
            for o in a.observations
        ],
        "mapped": [
            [{"text": s["place"]}, {"text": "Safe" if s["feels"] == "safe" else "Unsafe"}, {"text": s["why"]}]
            for s in a.safety_map
        ],
    }


def context_plan_rows(plan: Any) -> list[list[dict[str, Any]]]:
    from .models import PartnerKind

    if plan is None:
        return []
    current = plan.versions.get(number=plan.version)
    partners = dict(PartnerKind.choices)
    return [
        [
            {"text": x["text"]},
            {"text": partners.get(x["partner"], x["partner"])},
            {"text": x["owner"]},
            {"text": uk_date(date.fromisoformat(x["due"])) if x.get("due") else ""},
            {"text": x.get("progress") or "None recorded"},
        ]
        for x in current.actions
    ]


def context_plan_form(
    plan: Any, conference: Any, partners: list[tuple[str, str]], blank: int, posted: bool
) -> dict[str, Any]:
    """The plan form: the current version's actions (to edit) and `blank` empty rows; a new plan is
    reviewed three months after the conference unless the writer says otherwise."""
    from .services import default_review_on

    current = plan.versions.get(number=plan.version) if plan else None
    actions = list(current.actions) if current else []
    prefill: dict[str, str] = {}
    if not posted:
        start = conference.held_on if conference else timezone.localdate()
        review_on = current.review_on if current else default_review_on(start)
        prefill = {
            "summary": current.summary if current else "",
            "review_on_day": str(review_on.day),
            "review_on_month": str(review_on.month),
            "review_on_year": str(review_on.year),
        }
        for n, x in enumerate(actions, start=1):
            d = date.fromisoformat(x["due"]) if x.get("due") else None
            prefill.update(
                {
                    f"action_key_{n}": x.get("key", ""),
                    f"action_text_{n}": x["text"],
                    f"action_partner_{n}": x["partner"],
                    f"action_owner_{n}": x["owner"],
                    f"action_progress_{n}": x.get("progress", ""),
                    f"action_due_{n}_day": str(d.day) if d else "",
                    f"action_due_{n}_month": str(d.month) if d else "",
                    f"action_due_{n}_year": str(d.year) if d else "",
                }
            )
    return {
        "plan": plan,
        "current": current,
        "conference": conference,
        "partners": partners,
        "rows": range(1, len(actions) + blank + 1),
        "row_count": len(actions) + blank,
        "prefill": prefill,
        "plan_version": plan.version if plan else 0,
    }
