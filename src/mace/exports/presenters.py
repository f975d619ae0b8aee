"""GOV.UK macro arguments for the exports pages, built here so they can be unit-tested."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mace.core.ui import uk_datetime

from .models import ExportRun, Problem
from .selectors import RuleCount
from .years import CollectionYear

STATUS_TAG = {
    ExportRun.Status.QUEUED: "govuk-tag--grey",
    ExportRun.Status.RUNNING: "govuk-tag--blue",
    ExportRun.Status.DONE: "govuk-tag--green",
    ExportRun.Status.FAILED: "govuk-tag--red",
}
VALIDATION_TAG = {
    ExportRun.Validation.PASSED: "govuk-tag--green",
    ExportRun.Validation.FAILED: "govuk-tag--red",
    ExportRun.Validation.UNAVAILABLE: "govuk-tag--yellow",
    ExportRun.Validation.NOT_RUN: "govuk-tag--grey",
}
SEVERITY_TAG = {
    "error": "govuk-tag--red",
    "query": "govuk-tag--yellow",
    "warning": "govuk-tag--yellow",
    "not_held": "govuk-tag--grey",
    "defect": "govuk-tag--grey",
}
SEVERITY_LABEL = {
    "error": "Error",
    "query": "Query",
    "warning": "Warning",
    "not_held": "Not held by MACE",
    "defect": "Validator defect",
}


def error_list(errors: dict[str, list[str]]) -> list[dict[str, str]]:
    return [{"text": msg, "href": f"#{field}"} for field, msgs in errors.items() for msg in msgs]


def _tag(text: str, classes: str) -> dict[str, Any]:
    return {"html": f'<strong class="govuk-tag {classes}">{text}</strong>'}


def scope(run: ExportRun) -> str:
    if run.year:
        return f"Collection year {CollectionYear(run.year).label}, counted to {run.as_of:%-d %B %Y}"
    return f"Six months to {run.as_of:%-d %B %Y}" if run.kind == "annex_a" else f"To {run.as_of:%-d %B %Y}"


def run_row(run: ExportRun) -> list[dict[str, Any]]:
    link = reverse("exports:run", kwargs={"run_id": run.pk})
    return [
        {"html": f'<a class="govuk-link" href="{link}">{run.get_kind_display()}</a>'},
        {"text": run.partnership.name},
        {"text": scope(run)},
        {"text": uk_datetime(run.requested_at)},
        _tag(run.get_status_display(), STATUS_TAG[ExportRun.Status(run.status)]),
        _tag(run.get_validation_display(), VALIDATION_TAG[ExportRun.Validation(run.validation)])
        if run.status == ExportRun.Status.DONE
        else {"text": ""},
    ]


def run_summary(run: ExportRun) -> list[dict[str, Any]]:
    rows = [
        {"key": {"text": "Return"}, "value": {"text": run.get_kind_display()}},
        {"key": {"text": "Partnership"}, "value": {"text": run.partnership.name}},
        {"key": {"text": "Covers"}, "value": {"text": scope(run)}},
        {
            "key": {"text": "Asked for"},
            "value": {"text": f"{uk_datetime(run.requested_at)} by {run.requested_by_label}"},
        },
        {
            "key": {"text": "Status"},
            "value": _tag(run.get_status_display(), STATUS_TAG[ExportRun.Status(run.status)]),
        },
    ]
    if run.counts:
        text = ", ".join(f"{k.replace('_', ' ')}: {v:,}" for k, v in run.counts.items())
        rows.append({"key": {"text": "Rows"}, "value": {"text": text}})
    if run.status == ExportRun.Status.DONE:
        s = run.validation_summary or {}
        verdict = run.get_validation_display()
        if run.validation in (ExportRun.Validation.PASSED, ExportRun.Validation.FAILED):
            verdict += f": {s.get('errors', 0):,} errors, {s.get('queries', 0):,} queries"
        notes = " ".join([*(s.get("notes") or []), s.get("note", "")]).strip()
        rows.append(
            {
                "key": {"text": "Validation"},
                "value": {
                    "html": _tag(verdict, VALIDATION_TAG[ExportRun.Validation(run.validation)])["html"]
                    + (f'<p class="govuk-body-s govuk-!-margin-top-2">{_escape(notes)}</p>' if notes else "")
                },
            }
        )
    if run.error:
        rows.append({"key": {"text": "What went wrong"}, "value": {"text": run.error}})
    return rows


def _escape(text: str) -> str:
    from django.utils.html import escape

    return str(escape(text))


def rule_rows(counts: list[RuleCount], run: ExportRun) -> list[list[dict[str, Any]]]:
    out = []
    base = reverse("exports:problems", kwargs={"run_id": run.pk})
    for c in counts:
        label = c.rule or c.field
        href = f"{base}?source={c.source}&rule={label}"
        out.append(
            [
                {"text": Problem.Source(c.source).label},
                _tag(
                    SEVERITY_LABEL.get(c.severity, c.severity),
                    SEVERITY_TAG.get(c.severity, "govuk-tag--grey"),
                ),
                {"html": f'<a class="govuk-link" href="{_escape(href)}">{_escape(label)}</a>'},
                {"text": c.message},
                {"text": f"{c.count:,}", "format": "numeric"},
            ]
        )
    return out


def problem_row(p: Problem) -> list[dict[str, Any]]:
    return [
        {"text": p.child or "The whole return"},
        {"text": p.rule or p.field},
        _tag(SEVERITY_LABEL.get(p.severity, p.severity), SEVERITY_TAG.get(p.severity, "govuk-tag--grey")),
        {"text": p.message},
        {"text": p.fix},
    ]
