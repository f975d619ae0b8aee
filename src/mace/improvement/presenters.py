"""The action plan as GOV.UK components and as a workbook: tags with the colour in words, table rows, and
the xlsx export for the board pack. Built here so templates only print them."""

from __future__ import annotations

import io
from datetime import date
from html import escape
from typing import Any

from mace.core.ui import link, uk_date, url

from . import rag
from .selectors import ActionRow, PlanView

RAG_CLASSES = {rag.RED: "govuk-tag--red", rag.AMBER: "govuk-tag--yellow", rag.GREEN: "govuk-tag--green"}
PLAN_HEAD = [
    {"text": "Ref"},
    {"text": "Action", "classes": "govuk-!-width-one-third"},
    {"text": "Owner"},
    {"text": "Due by"},
    {"text": "RAG"},
    {"text": "Why"},
]


def rag_tag(colour: str) -> dict[str, Any]:
    return {"text": rag.LABELS.get(colour, colour), "classes": RAG_CLASSES.get(colour, "govuk-tag--grey")}


def tag_html(colour: str) -> str:
    tag = rag_tag(colour)
    return f'<strong class="govuk-tag {tag["classes"]}">{escape(tag["text"])}</strong>'


def due_text(row_or_action: Any) -> str:
    action = getattr(row_or_action, "action", row_or_action)
    if action.due is None:
        return "To be determined" + (f" ({action.due_note})" if action.due_note else "")
    return uk_date(action.due)


def action_href(row: ActionRow) -> str:
    return url("improvement:action", row.action.area.plan_id, row.action.ref)


def short_flag(flag: str) -> str:
    """The flag as the plan's table shows it; the action's page gives it in full."""
    if flag.startswith("Green with no evidence"):
        return "Flag: no evidence"
    if flag.startswith("Red with no update"):
        return "Flag: no update for a month"
    return flag


def plan_rows(rows: list[ActionRow]) -> list[list[dict[str, Any]]]:
    out: list[list[dict[str, Any]]] = []
    for r in rows:
        why = escape(r.judgement.reason)
        if r.judgement.flags:
            why += "".join(f"<br><strong>{escape(short_flag(f))}</strong>" for f in r.judgement.flags)
        out.append(
            [
                {
                    "html": link(action_href(r), r.action.ref, f"action {r.action.ref}"),
                    "classes": "mace-nowrap",
                },
                {"text": r.action.text},
                {"text": r.action.owner},
                {"text": due_text(r), "classes": "mace-nowrap" if r.action.due else ""},
                {"html": tag_html(r.judgement.colour)},
                {"html": why},
            ]
        )
    return out


def counts_text(counts: Any) -> str:
    return ", ".join(f"{counts.get(c, 0)} {rag.LABELS[c].lower()}" for c in rag.COLOURS)


def workbook(view: PlanView) -> bytes:
    """The plan for the board pack: one sheet of every action with its computed RAG and reason."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Action plan"
    ws.append([view.plan.title])
    ws.append([f"RAG as at {uk_date(view.on)}: {counts_text(view.counts)}"])
    ws.append([])
    head = [
        "Section",
        "Area",
        "Ref",
        "Action",
        "Owner",
        "Due by",
        "Owner's RAG",
        "RAG",
        "Why",
        "Flags",
        "Last update",
        "Progress",
        "Area signed off",
    ]
    ws.append(head)
    for cell in ws[4]:
        cell.font = Font(bold=True)
    fills = {rag.RED: "F4B6B6", rag.AMBER: "FFE08A", rag.GREEN: "B8E0C2"}
    for block in view.areas:
        area = block.area
        for r in block.rows:
            last = r.last_update
            ws.append(
                [
                    f"{area.section}. {area.section_title}",
                    f"{area.number} {area.title}",
                    r.action.ref,
                    r.action.text,
                    r.action.owner,
                    r.action.due if r.action.due else "To be determined",
                    rag.LABELS[last.rag if last else r.action.owner_rag],
                    r.judgement.label,
                    r.judgement.reason,
                    "; ".join(r.judgement.flags),
                    last.on if last else None,
                    last.text if last else "",
                    area.signed_off_on if area.signed_off else None,
                ]
            )
            row = ws.max_row
            ws.cell(row=row, column=8).fill = PatternFill("solid", fgColor=fills[r.judgement.colour])
            for col in (6, 11, 13):
                ws.cell(row=row, column=col).number_format = "d mmmm yyyy"
            for col in (4, 9, 12):
                ws.cell(row=row, column=col).alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip(
        "ABCDEFGHIJKLM", (28, 30, 7, 60, 30, 16, 12, 8, 40, 40, 16, 80, 16), strict=True
    ):
        ws.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None
