"""Audit pages: the programme and its audits, drawing a dip sample by a rule, an audit's results beside the
last audit of the same tool, assigning records to auditors across agencies, answering a record, and the
learning fed to the action plan. Results are partnership business; a record's child is named only to a
reader who may know the child."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from mace.accounts.actors import signed_in
from mace.core.access import capabilities
from mace.core.conflict import Conflict

from ..selectors import NotFound
from . import presenters, selectors, services, tool


def _signed_in(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise Http404("Not found")


def _audit(request: HttpRequest, audit_id: int) -> Any:
    _signed_in(request)
    try:
        return selectors.audit_for(request.user, audit_id)
    except NotFound:
        raise Http404("Not found") from None


def _date(post: Any, prefix: str) -> tuple[date | None, bool]:
    parts = [post.get(f"{prefix}_{p}", "").strip() for p in ("day", "month", "year")]
    if not any(parts):
        return None, False
    try:
        day, month, year = (int(p) for p in parts)
        return date(year, month, day), True
    except ValueError:
        return None, True


def _problems(exc: ValidationError) -> tuple[list[dict[str, str]], dict[str, str]]:
    summary, fields = [], {}
    for name, msgs in exc.message_dict.items():
        anchor = "#main-content" if name == "__all__" else f"#{name.replace('_', '-')}"
        for m in msgs:
            summary.append({"text": m, "href": anchor})
        if name != "__all__":
            fields[name] = " ".join(msgs)
    return summary, fields


def audits(request: HttpRequest) -> HttpResponse:
    _signed_in(request)
    tool_code = request.GET.get("tool", "")
    tool_code = tool_code if tool_code in {t.code for t in tool.latest()} else ""
    found = list(selectors.audits_for(request.user, tool_code=tool_code)[:200])
    rows = [
        [
            {"html": presenters.link_html(f"/improvement/audits/{a.pk}/", a.title)},
            {"text": a.programme.title if a.programme else "Outside the programme"},
            {"text": f"{a.period_start:%-d %b %Y} to {a.period_end:%-d %b %Y}"},
            {"text": presenters.status_text(a)},
        ]
        for a in found
    ]
    return render(
        request,
        "improvement/audits/audits.html",
        {
            "title": "Audits and dip samples",
            "programmes": list(selectors.programmes_for(request.user)),
            "rows": rows,
            "tools": tool.latest(),
            "tool_code": tool_code,
            "can_run": services.may_run(signed_in(request)),
            "can_plan": capabilities(request.user).manage_improvement,
        },
    )


@require_http_methods(["GET", "POST"])
def audit_new(request: HttpRequest) -> HttpResponse:
    _signed_in(request)
    if not services.may_run(signed_in(request)):
        raise Http404("Not found")
    today = timezone.localdate()
    partnerships = selectors.partnerships_for(request.user)
    programmes = list(selectors.programmes_for(request.user))
    trusts = selectors.trusts_for(request.user)
    caps = capabilities(request.user)
    post = request.POST
    typed: dict[str, Any] = {"seed": str(today.toordinal()), "period": "last_month", "tool": ""}
    summary: list[dict[str, str]] = []
    fields: dict[str, str] = {}
    if request.method == "POST":
        typed = {k: post.get(k, "") for k in post}
        try:
            rule, partnership, programme = _rule_from(
                post, today, partnerships, programmes, trusts, request.user
            )
            made = services.audit_draw(
                partnership=partnership,
                rule=rule,
                title=post.get("title", "")[:300],
                programme=programme,
                by=signed_in(request),
            )
        except PermissionError:
            raise Http404("Not found") from None
        except ValidationError as exc:
            summary, fields = _problems(exc)
        else:
            messages.success(
                request, f"{made.records.count()} records drawn from {made.matched} that matched"
            )
            return redirect("improvement:audit", made.pk)
    return render(
        request,
        "improvement/audits/new.html",
        {
            "title": "Draw a dip sample",
            "tools": tool.latest(),
            "partnerships": partnerships,
            "programmes": programmes,
            "trusts": trusts
            if (caps.manage_improvement or not caps.discharge_review)
            else [t for t in trusts if t.pk == getattr(request.user, "agency_id", None)],
            "flags": list(services.FLAGS.items()),
            "typed": typed,
            "page_errors": summary,
            "fe": fields,
            "last_month": presenters.previous_month(today),
            "last_quarter": presenters.previous_quarter(today),
        },
        status=400 if summary else 200,
    )


def _rule_from(
    post: Any, today: date, partnerships: list[Any], programmes: list[Any], trusts: list[Any], user: Any
) -> tuple[services.Rule, Any, Any]:
    errors: dict[str, list[str]] = {}
    period = post.get("period", "")
    start: date | None
    end: date | None
    if period == "last_month":
        start, end = presenters.previous_month(today)
    elif period == "last_quarter":
        start, end = presenters.previous_quarter(today)
    else:
        start, typed_start = _date(post, "period_start")
        end, typed_end = _date(post, "period_end")
        if typed_start and start is None:
            errors["period_start"] = ["Enter a real date, for example 1 11 2026"]
        if typed_end and end is None:
            errors["period_end"] = ["Enter a real date, for example 30 11 2026"]
    size_raw = post.get("size", "").strip()
    size = None
    if size_raw:
        if size_raw.isdigit():
            size = int(size_raw)
        else:
            errors["size"] = ["Enter how many records as a number, or leave it empty for every record"]
    seed_raw = post.get("seed", "").strip()
    if not seed_raw.isdigit():
        errors["seed"] = ["Enter the seed as a whole number (the same seed draws the same records)"]
    by_pk = {str(p.pk): p for p in partnerships}
    partnership = by_pk.get(post.get("partnership", "")) or (
        partnerships[0] if len(partnerships) == 1 else None
    )
    if partnership is None:
        errors["partnership"] = ["Choose the partnership"]
    programme = {str(p.pk): p for p in programmes}.get(post.get("programme", ""))
    trust = {str(t.pk): t for t in trusts}.get(post.get("trust", ""))
    if post.get("trust") and trust is None:
        errors["trust"] = ["Choose a trust of your partnership"]
    if errors:
        raise ValidationError(errors)
    rule = services.Rule(
        tool_code=post.get("tool", ""),
        period_start=start,
        period_end=end,
        size=size,
        seed=int(seed_raw),
        flag=post.get("flag", ""),
        stratify=post.get("stratify") == "yes",
        trust=trust,
    )
    return rule, partnership, programme


def audit(request: HttpRequest, audit_id: int) -> HttpResponse:
    found = _audit(request, audit_id)
    t = tool.get(found.tool_code, found.tool_version)
    result = selectors.results(found)
    records = selectors.records_of(found)
    visible = selectors.visible_records(request.user, records)
    answerable = {
        r.pk
        for r in records
        if any(
            services.may_answer(
                signed_in(request), found, a, {x.agency_kind: x.auditor_id for x in r.assignments.all()}
            )
            for a in t.agencies
        )
    }
    suppress = selectors.suppress(request.user)
    can_run = services.may_run_audit(signed_in(request), found.tool_code, found.trust)
    return render(
        request,
        "improvement/audits/audit.html",
        {
            "title": found.title,
            "audit": found,
            "tool": t,
            "result": result,
            "sentences": [
                presenters.result_sentence(r.question, r.rate, suppress=suppress) for r in result.rows
            ],
            "result_rows": presenters.results_rows(result, suppress=suppress),
            "record_rows": presenters.record_rows(
                records,
                t,
                visible=visible,
                answerable=answerable,
                mine=selectors.my_records(request.user, found),
                audit_id=found.pk,
                can_assign=can_run,
            ),
            "can_run": can_run,
            "can_learn": capabilities(request.user).manage_improvement,
            "parts": [
                (p, selectors.auditors_for(found, p.agency), presenters.AGENCY_LABELS[p.agency])
                for p in t.parts
            ]
            if can_run
            else [],
            "actions": selectors.plan_actions(found) if capabilities(request.user).manage_improvement else [],
        },
    )


@require_http_methods(["POST"])
def assign(request: HttpRequest, audit_id: int) -> HttpResponse:
    found = _audit(request, audit_id)
    kind = request.POST.get("agency_kind", "")
    chosen = set(request.POST.getlist("auditors"))
    auditors = [u for u in selectors.auditors_for(found, kind) if str(u.pk) in chosen] if kind else []
    try:
        count = services.audit_assign(
            audited=found, agency_kind=kind, auditors=auditors, by=signed_in(request)
        )
    except PermissionError:
        raise Http404("Not found") from None
    except ValidationError as exc:
        for m in (m for ms in exc.message_dict.values() for m in ms):
            messages.error(request, m)
    else:
        messages.success(request, f"{count} records assigned")
    return redirect("improvement:audit", found.pk)


@require_http_methods(["POST"])
def learning(request: HttpRequest, audit_id: int) -> HttpResponse:
    found = _audit(request, audit_id)
    raw = request.POST.get("action", "")
    action = selectors.action_of(found, int(raw)) if raw.isdigit() else None
    if raw and action is None:
        messages.error(request, "Choose an action of your partnership's plan")
        return redirect("improvement:audit", found.pk)
    try:
        services.learning_record(
            audited=found, learning=request.POST.get("learning", ""), action=action, by=signed_in(request)
        )
    except PermissionError:
        raise Http404("Not found") from None
    except ValidationError as exc:
        for m in (m for ms in exc.message_dict.values() for m in ms):
            messages.error(request, m)
    else:
        messages.success(request, "Learning saved" + (f" and added to action {action.ref}" if action else ""))
    return redirect("improvement:audit", found.pk)


@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, audit_id: int, record_id: int) -> HttpResponse:
    found = _audit(request, audit_id)
    t = tool.get(found.tool_code, found.tool_version)
    try:
        item, visible = selectors.record_for(request.user, found, record_id)
    except NotFound:
        raise Http404("Not found") from None
    assignments = {a.agency_kind: a.auditor_id for a in item.assignments.all()}
    mine = [p for p in t.parts if services.may_answer(signed_in(request), found, p.agency, assignments)]
    if not mine:
        raise Http404("Not found")
    answers = selectors.answers_of(item)
    typed = {
        **selectors.suggested_answers(item, visible=visible),
        **{c: a.answer for c, a in answers.items()},
    }
    notes = {code: a.note for code, a in answers.items()}
    summary: list[dict[str, str]] = []
    fields: dict[str, str] = {}
    if request.method == "POST":
        posted = {
            q.code: request.POST.get(q.code, "")
            for p in mine
            for q in p.questions
            if request.POST.get(q.code)
        }
        posted_notes = {
            q.code: request.POST.get(f"{q.code}_note", "")[:2000] for p in mine for q in p.questions
        }
        try:
            services.record_answer(record=item, answers=posted, notes=posted_notes, by=signed_in(request))
        except PermissionError:
            raise Http404("Not found") from None
        except ValidationError as exc:
            summary, fields = _problems(exc)
            typed.update(posted)
            notes.update(posted_notes)
        else:
            messages.success(request, "Answers saved")
            return redirect("improvement:audit", found.pk)
    records = list(found.records.values_list("pk", flat=True))
    number = records.index(item.pk) + 1
    return render(
        request,
        "improvement/audits/record.html",
        {
            "title": f"{found.title}: record {number}",
            "audit": found,
            "tool": t,
            "item": item,
            "label": presenters.record_label(item, number, visible=visible),
            "visible": visible,
            "parts": mine,
            "typed": typed,
            "notes": notes,
            "page_errors": summary,
            "fe": fields,
        },
        status=400 if summary else 200,
    )


def folded(request: HttpRequest, old_id: int) -> HttpResponse:
    """The address of an ED audit the health module used to keep."""
    _signed_in(request)
    try:
        found = selectors.folded_health_audit(request.user, old_id)
    except NotFound:
        raise Http404("Not found") from None
    return redirect("improvement:audit", found.pk)


def _programme_year() -> int:
    today = timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1


def _may_plan(request: HttpRequest) -> None:
    _signed_in(request)
    if not capabilities(request.user).manage_improvement:
        raise Http404("Not found")


def _typed(request: HttpRequest) -> dict[str, Any]:
    return {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}


def _version(post: Any) -> int | None:
    raw = post.get("version", "")
    return int(raw) if raw.isdigit() else None


@require_http_methods(["GET", "POST"])
def programme_new(request: HttpRequest) -> HttpResponse:
    """The year's audit programme: its year, title and what it covers, and (if already agreed) by whom
    and when. Refused input writes nothing and the form comes back with its reasons."""
    _may_plan(request)
    partnerships = selectors.partnerships_for(request.user)
    year = _programme_year()
    context: dict[str, Any] = {
        "title": "Add the year's audit programme",
        "partnerships": partnerships,
        "typed": {"year": str(year), "title": f"Multi-agency audit programme {year} to {year + 1}"},
        "fe": {},
    }
    if request.method == "POST":
        post = request.POST
        partnership = {str(p.pk): p for p in partnerships}.get(post.get("partnership", "")) or (
            partnerships[0] if len(partnerships) == 1 else None
        )
        agreed_on, typed = _date(post, "agreed_on")
        raw_year = post.get("year", "").strip()
        try:
            if partnership is None:
                raise ValidationError({"partnership": ["Choose the partnership"]})
            if typed and agreed_on is None:
                raise ValidationError({"agreed_on": ["Enter a real date, for example 12 12 2026"]})
            if agreed_on is not None and agreed_on > timezone.localdate():
                raise ValidationError({"agreed_on": ["The programme cannot be agreed in the future"]})
            if agreed_on is not None and not post.get("agreed_by", "").strip():
                raise ValidationError(
                    {"agreed_by": ["Say which group agreed it, for example the LSCP Executive"]}
                )
            saved = services.programme_create(
                partnership=partnership,
                year=int(raw_year) if raw_year.isdigit() else 0,
                title=post.get("title", "")[:300],
                agreed_on=agreed_on,
                agreed_by=post.get("agreed_by", "")[:300],
                by=signed_in(request),
            )
            if post.get("description", "").strip():
                saved = services.programme_update(
                    programme=saved,
                    title=saved.title,
                    description=post.get("description", "")[:5000],
                    version=saved.version,
                    by=signed_in(request),
                )
        except PermissionError:
            raise Http404("Not found") from None
        except ValidationError as exc:
            context["page_errors"], context["fe"] = _problems(exc)
            context["typed"] = _typed(request)
            return render(request, "improvement/audits/programme_new.html", context, status=400)
        messages.success(request, "Audit programme added")
        return redirect("improvement:audit-programme-page", saved.pk)
    return render(request, "improvement/audits/programme_new.html", context)


def _programme(request: HttpRequest, programme_id: int) -> Any:
    _signed_in(request)
    found = selectors.programmes_for(request.user).filter(pk=programme_id).first()
    if found is None:
        raise Http404("Not found")
    return found


def _programme_context(request: HttpRequest, found: Any) -> dict[str, Any]:
    audits = list(found.audits.order_by("period_start", "pk"))
    return {
        "title": found.title,
        "programme": found,
        "rows": [
            [
                {"html": presenters.link_html(f"/improvement/audits/{a.pk}/", a.title)},
                {"text": f"{a.period_start:%-d %b %Y} to {a.period_end:%-d %b %Y}"},
                {"text": presenters.status_text(a)},
            ]
            for a in audits
        ],
        "can_plan": capabilities(request.user).manage_improvement,
        "typed": {},
        "fe": {},
    }


def _programme_conflict(request: HttpRequest, exc: Conflict, found: Any) -> HttpResponse:
    saved = exc.record
    return render(
        request,
        "core/conflict.html",
        {
            "title": "Someone else changed this record",
            "record": saved,
            "saved": {
                "Title": saved.title,
                "What it covers": saved.description or "Not given",
                "Agreed": f"{saved.agreed_by}, {saved.agreed_on:%-d %B %Y}" if saved.agreed_on else "Not yet",
            },
            "attempted": {k.replace("_", " ").capitalize(): v for k, v in exc.attempted.items()},
            "back": f"/improvement/audits/programme/{found.pk}/",
        },
        status=409,
    )


@require_http_methods(["GET", "POST"])
def programme(request: HttpRequest, programme_id: int) -> HttpResponse:
    """The programme with its audits; whoever runs the plans records that it was agreed (versioned)."""
    found = _programme(request, programme_id)
    context = _programme_context(request, found)
    if request.method == "POST":
        if not context["can_plan"]:
            raise Http404("Not found")
        agreed_on, typed = _date(request.POST, "agreed_on")
        try:
            if typed and agreed_on is None:
                raise ValidationError({"agreed_on": ["Enter a real date, for example 12 12 2026"]})
            services.programme_agree(
                programme=found,
                agreed_on=agreed_on,
                agreed_by=request.POST.get("agreed_by", "")[:400],
                version=_version(request.POST),
                by=signed_in(request),
            )
        except PermissionError:
            raise Http404("Not found") from None
        except Conflict as exc:
            return _programme_conflict(request, exc, found)
        except ValidationError as exc:
            context["page_errors"], context["fe"] = _problems(exc)
            context["typed"] = _typed(request)
            return render(request, "improvement/audits/programme.html", context, status=400)
        messages.success(request, "Agreement recorded")
        return redirect("improvement:audit-programme-page", found.pk)
    return render(request, "improvement/audits/programme.html", context)


@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Edit the programme's title and what it covers (versioned: a stale page is the conflict page)."""
    _may_plan(request)
    found = _programme(request, programme_id)
    context: dict[str, Any] = {
        "title": f"Edit {found.title}",
        "programme": found,
        "typed": {"title": found.title, "description": found.description, "version": str(found.version)},
        "fe": {},
    }
    if request.method == "POST":
        try:
            services.programme_update(
                programme=found,
                title=request.POST.get("title", "")[:400],
                description=request.POST.get("description", "")[:6000],
                version=_version(request.POST),
                by=signed_in(request),
            )
        except PermissionError:
            raise Http404("Not found") from None
        except Conflict as exc:
            return _programme_conflict(request, exc, found)
        except ValidationError as exc:
            context["page_errors"], context["fe"] = _problems(exc)
            context["typed"] = _typed(request)
            return render(request, "improvement/audits/programme_edit.html", context, status=400)
        messages.success(request, "Programme saved")
        return redirect("improvement:audit-programme-page", found.pk)
    return render(request, "improvement/audits/programme_edit.html", context)


@require_http_methods(["GET", "POST"])
def record_assign(request: HttpRequest, audit_id: int, record_id: int) -> HttpResponse:
    """Whoever runs the audit gives one record's part for an agency to another auditor of that agency
    kind. The record is named as on the audit page (its child only to a reader who may know the child)."""
    found = _audit(request, audit_id)
    if not services.may_run_audit(signed_in(request), found.tool_code, found.trust):
        raise Http404("Not found")
    t = tool.get(found.tool_code, found.tool_version)
    try:
        item, visible = selectors.record_for(request.user, found, record_id)
    except NotFound:
        raise Http404("Not found") from None
    assignments = {a.agency_kind: a for a in item.assignments.select_related("auditor")}
    answered = set(item.answers.values_list("question", flat=True))
    parts: list[dict[str, Any]] = [
        {
            "kind": p.agency,
            "label": presenters.AGENCY_LABELS[p.agency],
            "auditors": selectors.auditors_for(found, p.agency),
            "current": assignments[p.agency].auditor if p.agency in assignments else None,
            "answered": {q.code for q in p.questions} <= answered,
        }
        for p in t.parts
    ]
    summary: list[dict[str, str]] = []
    fields: dict[str, str] = {}
    if request.method == "POST":
        kind = request.POST.get("agency_kind", "")
        raw = request.POST.get("auditor", "")
        chosen = next(
            (u for p in parts if p["kind"] == kind for u in p["auditors"] if str(u.pk) == raw), None
        )
        try:
            if kind in t.agencies and raw and chosen is None:
                raise ValidationError(
                    {"auditor": ["Choose an auditor of that agency kind in the partnership"]}
                )
            services.record_reassign(record=item, agency_kind=kind, auditor=chosen, by=signed_in(request))
        except PermissionError:
            raise Http404("Not found") from None
        except ValidationError as exc:
            summary, fields = _problems(exc)
        else:
            assert chosen is not None  # the service refuses no auditor
            who = chosen.get_full_name() or chosen.username
            messages.success(
                request, f"{presenters.AGENCY_LABELS[kind]} part of the record assigned to {who}"
            )
            return redirect("improvement:audit", found.pk)
    records = list(found.records.values_list("pk", flat=True))
    number = records.index(item.pk) + 1
    return render(
        request,
        "improvement/audits/record_assign.html",
        {
            "title": f"{found.title}: assign record {number}",
            "audit": found,
            "label": presenters.record_label(item, number, visible=visible),
            "parts": parts,
            "posted_kind": request.POST.get("agency_kind", "") if request.method == "POST" else "",
            "page_errors": summary,
            "fe": fields,
        },
        status=400 if summary else 200,
    )
