"""Statutory returns for analysts' tools: ask for one, follow it, read its problems and fetch its file.
The same rules as the pages: only a reader who may make returns, only for their partnerships (404 else)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Field, Router, Schema, Status

from mace.accounts.actors import signed_in
from mace.core.access import capabilities
from mace.core.api import ErrorOut

from . import selectors, services
from .models import ExportRun

router = Router(tags=["exports"])


class RunIn(Schema):
    kind: str = Field(..., pattern=r"^(cin|ssda903|annex_a|ssd)$", description="Which return")
    partnership: int
    year: int | None = Field(None, description="The collection year's end year (CIN and SSDA903): 2026")
    validate_file: bool = Field(True, alias="validate", description="Run the official validator")


class RuleOut(Schema):
    source: str
    severity: str
    rule: str
    count: int
    message: str


class RunOut(Schema):
    id: int
    kind: str
    partnership: int
    year: int | None
    as_of: date
    status: str
    stage: str
    done: int
    total: int
    requested_at: datetime
    finished_at: datetime | None
    error: str
    file_name: str
    counts: dict[str, int]
    validation: str
    validation_summary: dict[str, Any]
    problems: list[RuleOut]


def _out(run: ExportRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "kind": run.kind,
        "partnership": run.partnership_id,
        "year": run.year,
        "as_of": run.as_of,
        "status": run.status,
        "stage": run.stage,
        "done": run.done,
        "total": run.total,
        "requested_at": run.requested_at,
        "finished_at": run.finished_at,
        "error": run.error,
        "file_name": run.file_name,
        "counts": run.counts,
        "validation": run.validation,
        "validation_summary": run.validation_summary,
        "problems": [
            {
                "source": c.source,
                "severity": c.severity,
                "rule": c.rule or c.field,
                "count": c.count,
                "message": c.message,
            }
            for c in (selectors.problem_summary(run) if run.finished else [])
        ],
    }


@router.post(
    "/runs",
    response={202: RunOut, 404: ErrorOut, 422: ErrorOut},
    summary="Ask for a return; the worker makes it (follow it at /runs/{id})",
)
def post_run(request: HttpRequest, payload: RunIn) -> Status[Any]:
    if not capabilities(request.user).statutory_exports:
        return Status(404, {"detail": "Not found"})
    try:
        run = services.export_request(
            kind=payload.kind,
            partnership_id=payload.partnership,
            year=payload.year,
            validate=payload.validate_file,
            by=signed_in(request),
        )
    except services.ExportRefused:
        return Status(404, {"detail": "Not found"})
    return Status(202, _out(run))


@router.get("/runs", response={200: list[RunOut], 404: ErrorOut}, summary="The last 25 returns made")
def list_runs(request: HttpRequest) -> Status[Any]:
    if not capabilities(request.user).statutory_exports:
        return Status(404, {"detail": "Not found"})
    return Status(200, [_out(r) for r in selectors.runs_for(request.user)])


@router.get(
    "/runs/{run_id}", response={200: RunOut, 404: ErrorOut}, summary="A return: progress and findings"
)
def get_run(request: HttpRequest, run_id: int) -> Status[Any]:
    try:
        return Status(200, _out(selectors.run_for(request.user, run_id)))
    except LookupError:
        return Status(404, {"detail": "Not found"})


@router.get(
    "/runs/{run_id}/file", response={404: ErrorOut}, summary="The return's file (logged as an export)"
)
def get_file(request: HttpRequest, run_id: int) -> Any:
    try:
        run = selectors.run_for(request.user, run_id)
        path = services.export_download(run=run, by=signed_in(request))
    except (LookupError, FileNotFoundError, services.ExportRefused):
        return Status(404, {"detail": "Not found"})
    return FileResponse(path.open("rb"), as_attachment=True, filename=run.file_name)
