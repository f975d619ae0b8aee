"""Pages for the partnership's action plans: parse the request, ask the selectors, call the services,
render. Every signed-in member of the partnership reads; the business manager, managers and
administrators update; the business manager records the improvement board's sign-off. No page names a
child: this is partnership business."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from mace.accounts.actors import signed_in
from mace.core import audit
from mace.core.access import capabilities
from mace.core.conflict import Conflict
from mace.core.models import AccessLogEntry
from mace.core.ui import uk_date, url

from . import presenters, rag, selectors, services
from .models import Evidence


def _signed_in(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise Http404("Not found")


def _plan(request: HttpRequest, plan_id: int) -> Any:
    _signed_in(request)
    try:
        return selectors.plan_for(request.user, plan_id)
    except selectors.NotFound:
        raise Http404("Not found") from None


def _date_from(post: Any, prefix: str) -> tuple[date | None, bool]:
    """(the date, whether anything was typed)."""
    parts = [post.get(f"{prefix}_{p}", "").strip() for p in ("day", "month", "year")]
    if not any(parts):
        return None, False
    try:
        day, month, year = (int(p) for p in parts)
        return date(year, month, day), True
    except ValueError:
        return None, True


def _version(post: Any) -> int | None:
    raw = post.get("version", "")
    return int(raw) if raw.isdigit() else None


def _errors(exc: ValidationError, anchors: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"text": m, "href": anchors.get(field, anchors.get("__all__", "#main-content"))}
        for field, msgs in exc.message_dict.items()
        for m in msgs
    ]


def plans(request: HttpRequest) -> HttpResponse:
    _signed_in(request)
    found = list(selectors.plans_for(request.user))
    if len(found) == 1:
        return redirect("improvement:plan", found[0].pk)
    return render(request, "improvement/plans.html", {"title": "Action plans", "plans": found})


def _plan_view(request: HttpRequest, plan_id: int) -> tuple[selectors.PlanView, selectors.Filters]:
    found = _plan(request, plan_id)
    on = presenters.parse_date(request.GET.get("on", "")) or timezone.localdate()
    colour = request.GET.get("rag", "")
    filters = selectors.Filters(
        rag=colour if colour in rag.COLOURS else "",
        owner=request.GET.get("owner", "")[:300],
        area=request.GET.get("area", "")[:10],
    )
    return selectors.plan_view(request.user, found, on=on, filters=filters), filters


def plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan: its areas and actions, each with its computed RAG and the reason; filters by RAG, owner
    and area; as at another date (`?on=2022-12-14`, the date of the plan's last published update)."""
    view, filters = _plan_view(request, plan_id)
    query = request.GET.urlencode()
    return render(
        request,
        "improvement/plan.html",
        {
            "title": view.plan.title,
            "view": view,
            "head": presenters.PLAN_HEAD,
            "blocks": [(b.area, presenters.plan_rows(b.rows)) for b in view.areas],
            "counts": presenters.counts_text(view.counts),
            "filters": filters,
            "today": view.on == timezone.localdate(),
            "export": url("improvement:export", view.plan.pk) + (f"?{query}" if query else ""),
            "rag_choices": [(c, rag.LABELS[c]) for c in rag.COLOURS],
        },
    )


def export(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan as shown (the same filters and date) as a workbook for the board pack; logged."""
    view, _ = _plan_view(request, plan_id)
    audit.record(
        audit.Actor.of(request.user),
        audit.Event(
            AccessLogEntry.Action.EXPORT, "action_plan", str(view.plan.pk), detail={"format": "xlsx"}
        ),
    )
    response = HttpResponse(
        presenters.workbook(view),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="action-plan-{view.plan.pk}-{view.on.isoformat()}.xlsx"'
    )
    return response


def _action_context(request: HttpRequest, found: Any, action: Any) -> dict[str, Any]:
    row = selectors.as_at(action, timezone.localdate())
    return {
        "title": f"{action.ref}: action",
        "plan": found,
        "action": action,
        "row": row,
        "tag": presenters.rag_tag(row.judgement.colour),
        "due": presenters.due_text(action),
        "updates": list(action.updates.all()),
        "evidence": list(action.evidence.all()),
        "measures": selectors.evidence_measures([action]),
        "measure_choices": selectors.measure_choices(),
        "can_update": capabilities(request.user).manage_improvement,
        "rag_choices": [(c, rag.LABELS[c]) for c in rag.COLOURS],
        "evidence_kinds": Evidence.Kind.choices,
        "typed": {},
    }


def action(request: HttpRequest, plan_id: int, ref: str) -> HttpResponse:
    found = _plan(request, plan_id)
    try:
        item = selectors.action_for(request.user, found, ref)
    except selectors.NotFound:
        raise Http404("Not found") from None
    return render(request, "improvement/action.html", _action_context(request, found, item))


UPDATE_ANCHORS = {
    "on": "#on-day",
    "text": "#update-text",
    "rag": "#update-rag",
    "evidence": "#evidence-kind",
    "__all__": "#update-text",
}


def update(request: HttpRequest, plan_id: int, ref: str) -> HttpResponse:
    if request.method != "POST":
        raise Http404("Not found")
    found = _plan(request, plan_id)
    try:
        item = selectors.action_for(request.user, found, ref)
    except selectors.NotFound:
        raise Http404("Not found") from None
    post = request.POST
    on, typed_date = _date_from(post, "on")
    kind = post.get("evidence_kind", "")
    evidence = []
    if kind:
        evidence.append(
            services.EvidenceIn(
                kind=kind,
                description=post.get("evidence_description", ""),
                link=post.get("evidence_link", ""),
                measure_code=post.get("evidence_measure", ""),
            )
        )
    try:
        if typed_date and on is None:
            raise ValidationError({"on": ["Enter a real date, for example 14 12 2022"]})
        services.update_add(
            action=item,
            on=on,
            text=post.get("text", ""),
            owner_rag=post.get("rag", ""),
            evidence=evidence,
            no_evidence_reason=post.get("no_evidence_reason", ""),
            version=_version(post),
            by=signed_in(request),
        )
    except PermissionError:
        raise Http404("Not found") from None
    except Conflict as exc:
        latest = exc.record.updates.order_by("-on", "-recorded_at", "-pk").first()
        return render(
            request,
            "core/conflict.html",
            {
                "title": "Someone else changed this record",
                "record": exc.record,
                "saved": {
                    "Owner's RAG": exc.record.get_owner_rag_display(),
                    "Latest update": (
                        f"{uk_date(latest.on)}, {latest.get_rag_display()}: {latest.text}"
                        if latest
                        else "None"
                    ),
                },
                "attempted": {
                    "Date": uk_date(on),
                    "Progress": exc.attempted.get("text", ""),
                    "RAG": rag.LABELS.get(exc.attempted.get("rag", ""), ""),
                },
                "back": f"/improvement/plans/{found.pk}/actions/{ref}/",
            },
            status=409,
        )
    except ValidationError as exc:
        context = _action_context(request, found, item)
        context["page_errors"] = _errors(exc, UPDATE_ANCHORS)
        context["field_errors"] = {k: " ".join(v) for k, v in exc.message_dict.items()}
        context["typed"] = {k: post.get(k, "") for k in post if k != "csrfmiddlewaretoken"}
        return render(request, "improvement/action.html", context, status=400)
    messages.success(request, f"Progress on {ref} saved")
    return redirect("improvement:action", found.pk, ref)


def _area_context(request: HttpRequest, found: Any, area: Any) -> dict[str, Any]:
    rows = selectors.area_rows(found, area)
    return {
        "title": f"{area.number} {area.title}",
        "plan": found,
        "area": area,
        "action_rows": presenters.plan_rows(rows),
        "head": presenters.PLAN_HEAD,
        "all_green": all(r.judgement.colour == rag.GREEN for r in rows),
        "can_sign_off": capabilities(request.user).sign_off_areas,
        "watched": selectors.watched_measures(request.user, area),
        "typed": {},
    }


def area(request: HttpRequest, plan_id: int, number: str) -> HttpResponse:
    found = _plan(request, plan_id)
    try:
        item = selectors.area_for(request.user, found, number)
    except selectors.NotFound:
        raise Http404("Not found") from None
    return render(request, "improvement/area.html", _area_context(request, found, item))


SIGN_OFF_ANCHORS = {"on": "#on-day", "note": "#sign-off-note", "monitoring": "#sign-off-monitoring"}


def sign_off(request: HttpRequest, plan_id: int, number: str) -> HttpResponse:
    if request.method != "POST":
        raise Http404("Not found")
    found = _plan(request, plan_id)
    try:
        item = selectors.area_for(request.user, found, number)
    except selectors.NotFound:
        raise Http404("Not found") from None
    post = request.POST
    on, typed_date = _date_from(post, "on")
    try:
        if typed_date and on is None:
            raise ValidationError({"on": ["Enter a real date, for example 14 12 2022"]})
        services.area_sign_off(
            area=item,
            on=on,
            note=post.get("note", ""),
            monitoring=post.get("monitoring", ""),
            version=_version(post),
            by=signed_in(request),
        )
    except PermissionError:
        raise Http404("Not found") from None
    except Conflict as exc:
        return render(
            request,
            "core/conflict.html",
            {
                "title": "Someone else changed this record",
                "record": exc.record,
                "saved": {
                    "Signed off": uk_date(exc.record.signed_off_on)
                    if exc.record.signed_off_on
                    else "Not yet",
                    "How it will be monitored": exc.record.monitoring,
                },
                "attempted": {
                    "Date of the board": uk_date(on),
                    "Evidence the board accepted": exc.attempted.get("note", ""),
                    "How it will be monitored": exc.attempted.get("monitoring", ""),
                },
                "back": f"/improvement/plans/{found.pk}/areas/{number}/",
            },
            status=409,
        )
    except ValidationError as exc:
        context = _area_context(request, found, item)
        context["page_errors"] = _errors(exc, {**SIGN_OFF_ANCHORS, "__all__": "#sign-off-note"})
        context["field_errors"] = {k: " ".join(v) for k, v in exc.message_dict.items()}
        context["typed"] = {k: post.get(k, "") for k in post if k != "csrfmiddlewaretoken"}
        return render(request, "improvement/area.html", context, status=400)
    messages.success(request, f"{number} signed off as fully addressed")
    return redirect("improvement:area", found.pk, number)


def _review_context(request: HttpRequest, plan_id: int, *, pdf: bool) -> dict[str, Any]:
    found = _plan(request, plan_id)
    on = presenters.parse_date(request.GET.get("on", "")) or timezone.localdate()
    result = selectors.monthly_review(request.user, found, on)
    return {
        "title": "What changed since last month",
        "plan": found,
        "review": result,
        "falls": selectors.falls(request.user, found),
        "now": presenters.counts_text(result.counts_now),
        "before": presenters.counts_text(result.counts_before),
        "tag_html": presenters.tag_html,
        "href": presenters.action_href,
        "pdf": pdf,
        "layout": "oversight/pack_document.html" if pdf else "base.html",
    }


def review(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The monthly review of the three groups (executive oversight board, improvement board,
    improvement group): what changed in the month to a date."""
    return render(request, "improvement/review.html", _review_context(request, plan_id, pdf=False))


def review_pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The same review as a PDF for the board pack (WeasyPrint, fetching nothing from the network)."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from mace.oversight import pack as packs

    context = _review_context(request, plan_id, pdf=True)
    context["print_css"] = packs.print_css()
    html = render_to_string("improvement/review.html", context, request=request)
    content = HTML(string=html, base_url=packs.BASE_URL, url_fetcher=packs.local_fetcher()).write_pdf()
    audit.record(
        audit.Actor.of(request.user),
        audit.Event(
            AccessLogEntry.Action.EXPORT, "action_plan", str(context["plan"].pk), detail={"format": "pdf"}
        ),
    )
    response = HttpResponse(content, content_type="application/pdf")
    on = context["review"].on.isoformat()
    response["Content-Disposition"] = f'attachment; filename="monthly-review-{context["plan"].pk}-{on}.pdf"'
    return response


OWNER_ANCHORS = {"owner": "#owner", "owner_user": "#owner-user", "__all__": "#owner"}


def owner(request: HttpRequest, plan_id: int, ref: str) -> HttpResponse:
    """Who owns an action: the owner in words (a person or a partnership group) and, optionally, their
    MACE account, chosen from the partnership's users with a plain select (no script needed)."""
    found = _plan(request, plan_id)
    if not capabilities(request.user).manage_improvement:
        raise Http404("Not found")
    try:
        item = selectors.action_for(request.user, found, ref)
    except selectors.NotFound:
        raise Http404("Not found") from None
    users = selectors.owner_candidates(found.partnership_id)
    context: dict[str, Any] = {
        "title": f"{item.ref}: owner",
        "plan": found,
        "action": item,
        "users": users,
        "typed": {
            "owner": item.owner,
            "owner_user": str(item.owner_user_id or ""),
            "version": str(item.version),
        },
        "fe": {},
    }
    if request.method == "POST":
        post = request.POST
        raw = post.get("owner_user", "")
        chosen = {str(u.pk): u for u in users}.get(raw)
        try:
            if raw and chosen is None:
                raise ValidationError({"owner_user": ["Choose a user of the plan's partnership"]})
            services.action_owner_set(
                action=item,
                owner=post.get("owner", "")[:400],
                owner_user=chosen,
                version=_version(post),
                by=signed_in(request),
            )
        except PermissionError:
            raise Http404("Not found") from None
        except Conflict as exc:
            return render(
                request,
                "core/conflict.html",
                {
                    "title": "Someone else changed this record",
                    "record": exc.record,
                    "saved": {"Owner": exc.record.owner, "Owner's RAG": exc.record.get_owner_rag_display()},
                    "attempted": {"Owner": exc.attempted.get("owner", "")},
                    "back": url("improvement:action", found.pk, item.ref),
                },
                status=409,
            )
        except ValidationError as exc:
            context["page_errors"] = _errors(exc, OWNER_ANCHORS)
            context["fe"] = {k: " ".join(v) for k, v in exc.message_dict.items()}
            context["typed"] = {k: v for k, v in post.items() if k != "csrfmiddlewaretoken"}
            return render(request, "improvement/owner.html", context, status=400)
        messages.success(request, f"Owner of {item.ref} saved")
        return redirect("improvement:action", found.pk, item.ref)
    return render(request, "improvement/owner.html", context)
