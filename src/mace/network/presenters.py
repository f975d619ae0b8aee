"""The network as GOV.UK table rows, as the chart's data and as a FollowTheMoney-style export. Built here
so templates only print them; the table and the chart are made from the same `Network`, so they always
show the same links."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from mace.core.ui import link, uk_date

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
