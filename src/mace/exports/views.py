"""The analyst's pages for statutory returns: ask for one, watch it being made, read what the data-quality
checks and the official validator found (by rule and by child), download it, and see the mapping tables."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from mace.accounts.actors import signed_in
from mace.core.access import capabilities

from . import presenters, selectors, services
from .models import ExportRun, Kind, Problem
from .years import latest_complete


def _require(request: HttpRequest) -> None:
    if not capabilities(request.user).statutory_exports:
        raise Http404("Not found")


def index(request: HttpRequest) -> HttpResponse:
    _require(request)
    partnerships = selectors.partnerships_for(request.user)
    errors: dict[str, list[str]] = {}
    typed = request.POST if request.method == "POST" else None
    if request.method == "POST":
        raw = request.POST.get("partnership", "")
        chosen = next((p for p in partnerships if str(p.pk) == raw), None)
        if chosen is None and len(partnerships) == 1:
            chosen = partnerships[0]
        if chosen is None:
            errors["partnership"] = ["Choose the partnership"]
        else:
            try:
                run = services.export_request(
                    kind=request.POST.get("kind", ""),
                    partnership_id=chosen.pk,
                    year=request.POST.get("year", ""),
                    validate=request.POST.get("validate", "") == "yes",
                    by=signed_in(request),
                )
            except ValidationError as exc:
                errors = exc.message_dict
            except services.ExportRefused:
                raise Http404("Not found") from None
            else:
                return redirect("exports:run", run_id=run.pk)
    context = {
        "kinds": Kind.choices,
        "partnerships": partnerships,
        "runs": [presenters.run_row(r) for r in selectors.runs_for(request.user)],
        "errors": errors,
        "page_errors": presenters.error_list(errors),
        "title": "Statutory returns",
        "typed": typed,
        "default_year": latest_complete(timezone.localdate()).year,
    }
    return render(request, "exports/index.html", context, status=400 if errors else 200)


def _run(request: HttpRequest, run_id: int) -> ExportRun:
    _require(request)
    try:
        return selectors.run_for(request.user, run_id)
    except LookupError:
        raise Http404("Not found") from None


def run_page(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    context = {
        "run": run,
        "summary": presenters.run_summary(run),
        "rules": presenters.rule_rows(selectors.problem_summary(run), run) if run.finished else [],
        "title": run.get_kind_display(),
    }
    return render(request, "exports/run.html", context)


def problems_page(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    source = request.GET.get("source", "")
    if source and source not in Problem.Source.values:
        source = ""
    rule = request.GET.get("rule", "")[:80]
    try:
        page = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page = 1
    rows, total = selectors.problems(run, source=source, rule=rule, page=page)
    context = {
        "run": run,
        "rows": [presenters.problem_row(p) for p in rows],
        "total": total,
        "source": source,
        "rule": rule,
        "page": page,
        "pages": max((total + selectors.PROBLEMS_PAGE - 1) // selectors.PROBLEMS_PAGE, 1),
        "title": f"Problems: {run.get_kind_display()}",
    }
    return render(request, "exports/problems.html", context)


def download(request: HttpRequest, run_id: int) -> FileResponse:
    run = _run(request, run_id)
    try:
        path = services.export_download(run=run, by=signed_in(request))
    except (FileNotFoundError, services.ExportRefused):
        raise Http404("Not found") from None
    return FileResponse(path.open("rb"), as_attachment=True, filename=run.file_name)


def mappings_page(request: HttpRequest) -> HttpResponse:
    _require(request)
    return render(
        request,
        "exports/mappings.html",
        {"tables": selectors.mapping_tables(), "title": "How MACE codes the returns"},
    )
