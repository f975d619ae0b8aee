"""Reading export runs: only a reader who may make statutory returns, and only for their partnerships.
Forbidden and missing look the same (`LookupError`, a 404)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from mace.accounts.models import Partnership
from mace.accounts.selectors import figure_partnership_ids
from mace.core.access import capabilities

from . import mappings
from .models import ExportRun, Problem

PROBLEMS_PAGE = 200


def partnerships_for(user: Any) -> list[Partnership]:
    if not capabilities(user).statutory_exports:
        return []
    return list(Partnership.objects.filter(pk__in=figure_partnership_ids(user)).order_by("name"))


def runs_for(user: Any, *, limit: int = 25) -> list[ExportRun]:
    ids = [p.pk for p in partnerships_for(user)]
    return list(
        ExportRun.objects.filter(partnership_id__in=ids)
        .select_related("partnership")
        .order_by("-requested_at", "-pk")[:limit]
    )


def run_for(user: Any, run_id: int) -> ExportRun:
    ids = [p.pk for p in partnerships_for(user)]
    run = ExportRun.objects.filter(pk=run_id, partnership_id__in=ids).select_related("partnership").first()
    if run is None:
        raise LookupError("No such export")
    return run


@dataclass(frozen=True)
class RuleCount:
    source: str
    severity: str
    rule: str
    field: str
    count: int
    message: str


def problem_summary(run: ExportRun) -> list[RuleCount]:
    """The problems by source, severity and rule (or field), most frequent first, with one message each."""
    grouped = (
        Problem.objects.filter(run=run)
        .values("source", "severity", "rule", "field")
        .annotate(n=Count("pk"))
        .order_by("-n", "rule", "field")
    )
    out = []
    for g in grouped[:100]:
        sample = (
            Problem.objects.filter(run=run, source=g["source"], rule=g["rule"], field=g["field"])
            .values_list("message", flat=True)
            .first()
        )
        out.append(RuleCount(g["source"], g["severity"], g["rule"], g["field"], g["n"], sample or ""))
    return out


def problems(
    run: ExportRun, *, source: str = "", rule: str = "", page: int = 1
) -> tuple[QuerySet[Problem], int]:
    qs = Problem.objects.filter(run=run)
    if source:
        qs = qs.filter(source=source)
    if rule:
        qs = qs.filter(rule=rule) | qs.filter(field=rule, rule="")
    total = qs.count()
    start = (max(page, 1) - 1) * PROBLEMS_PAGE
    return qs.order_by("child", "rule", "pk")[start : start + PROBLEMS_PAGE], total


def mapping_tables() -> list[dict[str, Any]]:
    """The mapping tables in force, for the page that shows them."""
    overridden = mappings.overridden()
    names = {
        "referral_source": (
            "Referral and contact source",
            "The sending agency's kind",
            mappings.REFERRAL_SOURCE_CODES,
        ),
        "assessment_factor": ("Assessment factors", "The front door concern", mappings.FACTOR_CODES),
        "ethnicity": ("Ethnicity", "The recorded ethnicity", mappings.ETHNICITY_CODES),
        "primary_need": ("Primary need", "", {}),
        "category_of_abuse": ("Category of abuse", "The concern", {}),
        "placement_type": ("Placement type (SSDA903)", "MACE's placement kind", {}),
        "legal_status": ("Legal status (SSDA903)", "", {}),
        "placement_provider": ("Placement provider (SSDA903)", "MACE's placement kind", {}),
        "reason_new_episode": ("Reason for new episode (SSDA903)", "", {}),
        "la_code": ("Local authority code", "The partnership", {}),
    }
    out = []
    for key, table in mappings.tables().items():
        title, what, labels = names.get(key, (key, "", {}))
        out.append(
            {
                "key": key,
                "title": title,
                "what": what or "Every record",
                "rows": [
                    (
                        k if k != "default" else "Anything else",
                        str(v),
                        labels.get(str(v), ""),
                        k in overridden.get(key, set()),
                    )
                    for k, v in table.items()
                ],
            }
        )
    return out
