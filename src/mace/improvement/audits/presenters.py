"""What the audit pages show, built in Python: the results table beside the last audit, the records table
(a child's name only where the reader may know it), periods offered in the draw form."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from mace.core.ui import uk_date

from . import results as results_mod
from . import tool
from .models import Audit, AuditRecord
from .selectors import Results


def previous_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def previous_quarter(today: date) -> tuple[date, date]:
    first_month = (today.month - 1) // 3 * 3 + 1
    end = date(today.year, first_month, 1) - timedelta(days=1)
    return date(end.year, end.month - 2, 1), end


def result_sentence(question: tool.Question, rate: results_mod.Rate, *, suppress: bool) -> str:
    """'A safeguarding risk assessment was completed in 53 of 61 (87%)'."""
    if not rate.of:
        return f"{question.text}: none applicable"
    return f"{question.text} in {rate.shown(suppress=suppress)}"


def results_rows(found: Results, *, suppress: bool) -> list[list[dict[str, Any]]]:
    rows = []
    for row in found.rows:
        rows.append(
            [
                {"text": row.question.text},
                {"text": row.rate.shown(suppress=suppress)},
                {"text": row.before.shown(suppress=suppress) if row.before else "No earlier audit"},
                {"text": results_mod.change_text(row.change)},
            ]
        )
    return rows


def record_label(record: AuditRecord, number: int, *, visible: bool) -> str:
    what = record.get_source_display()
    when = uk_date(record.occurred_at.date())
    if visible and record.person_id and record.person is not None:
        return f"{number}. {record.person.display_name}, {what.lower()} on {when}"
    return f"{number}. {what} on {when} (record {record.source_id})"


def record_rows(
    records: list[AuditRecord],
    t: tool.Tool,
    *,
    visible: set[int],
    answerable: set[int],
    mine: set[int],
    audit_id: int,
    can_assign: bool = False,
) -> list[list[dict[str, Any]]]:
    rows = []
    for n, r in enumerate(records, 1):
        answered = len(r.answers.all())
        label = record_label(r, n, visible=r.pk in visible)
        who = ", ".join(
            f"{a.agency_kind_label}: {a.auditor.get_full_name() or a.auditor.username}"
            for a in _labelled(r.assignments.all())
        )
        href = f"/improvement/audits/{audit_id}/records/{r.pk}/"
        cell = (
            {"html": f'<a class="govuk-link" href="{href}">{_esc(label)}</a>'}
            if r.pk in answerable
            else {"text": label}
        )
        row = [
            cell,
            {"text": r.team.name if r.team else "No team"},
            {"text": who or "Not assigned"},
            {"text": f"{answered} of {len(t.questions)}" + (" (yours)" if r.pk in mine else "")},
        ]
        if can_assign:
            row.append(
                {
                    "html": f'<a class="govuk-link" href="{href}assign/">Reassign'
                    f'<span class="govuk-visually-hidden"> record {n}</span></a>'
                }
            )
        rows.append(row)
    return rows


AGENCY_LABELS = {
    "police": "Police",
    "health": "Health",
    "csc": "Children's social care",
    "early_help": "Early help",
    "education": "Education",
    "commissioned": "Commissioned service",
    "partnership": "Partnership",
}


def _labelled(assignments: Any) -> list[Any]:
    out = []
    for a in assignments:
        a.agency_kind_label = AGENCY_LABELS.get(a.agency_kind, a.agency_kind)
        out.append(a)
    return out


def link_html(href: str, text: str) -> str:
    return f'<a class="govuk-link" href="{href}">{_esc(text)}</a>'


def _esc(text: str) -> str:
    from django.utils.html import escape

    return str(escape(text))


def status_text(audited: Audit) -> str:
    return "Complete" if audited.completed_at else "In progress"
