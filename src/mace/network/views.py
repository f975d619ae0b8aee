"""Pages of the network: parse the request, ask the selectors, call the services, render. Forbidden and
missing answer the same 404 (the selectors log the denial)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mace.accounts.actors import signed_in
from mace.accounts.selectors import partnership_of
from mace.core import audit
from mace.core.access import capabilities
from mace.core.conflict import Conflict
from mace.core.models import AccessLogEntry
from mace.core.ui import url

from . import presenters, selectors, services
from .models import (
    Assessment,
    Confidence,
    Disruption,
    Handling,
    Link,
    NrmReferral,
    Reliability,
    Source,
    Subject,
)


def _signed_in(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise Http404("Not found")


def _date(post: Any, prefix: str) -> tuple[date | None, bool]:
    parts = [post.get(f"{prefix}_{p}", "").strip() for p in ("day", "month", "year")]
    if not any(parts):
        return None, False
    try:
        day, month, year = (int(p) for p in parts)
        return date(year, month, day), True
    except ValueError:
        return None, True


def _iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _errors(exc: ValidationError) -> tuple[list[dict[str, str]], dict[str, str]]:
    fe = {f: ms[0] for f, ms in exc.message_dict.items()}
    return [
        {"text": m, "href": f"#{f.replace('_', '-')}" if f != "__all__" else "#main-content"}
        for f, m in fe.items()
    ], fe


def _filters(request: HttpRequest) -> selectors.Filters:
    kinds = tuple(k for k in request.GET.getlist("kind") if k in Link.values)
    return selectors.Filters(
        starts=_iso(request.GET.get("from", "")), ends=_iso(request.GET.get("to", "")), kinds=kinds
    )


def _subject(request: HttpRequest, subject_id: int, purpose: str = "view") -> Subject:
    _signed_in(request)
    try:
        return selectors.subject_for_user(request.user, subject_id, purpose=purpose)
    except selectors.NotFound:
        raise Http404("Not found") from None


def _network_context(
    request: HttpRequest, net: selectors.Network, filters: selectors.Filters, export: str
) -> dict[str, Any]:
    query = request.GET.urlencode()
    return {
        "net": net,
        "link_head": presenters.LINK_HEAD,
        "link_rows": presenters.link_rows(net),
        "chart": presenters.chart_data(net),
        "filters": filters,
        "link_kinds": Link.choices,
        "export": export + (f"?{query}" if query else ""),
    }


def index(request: HttpRequest) -> HttpResponse:
    _signed_in(request)
    caps = capabilities(request.user)
    if caps.intelligence or selectors.allowed_codes(request.user) - selectors.PARTNER_CODES:
        kind = request.GET.get("type", "")
        kind = kind if kind in Subject.Kind.values else ""
        q = request.GET.get("q", "")[:100]
        found = selectors.subject_list(request.user, kind=kind, q=q)
        audit.record(
            audit.Actor.of(request.user),
            audit.Event(
                AccessLogEntry.Action.SEARCH,
                "network_subject",
                "",
                detail={"kind": kind, "q": q, "results": len(found)},
            ),
        )
        rows = [
            [
                {"html": presenters.link(url("network:subject", s.pk), s.name)},
                {"text": s.get_kind_display() + (" (proposed)" if s.proposed else "")},
                {"text": s.grading},
                {"text": s.recorded_by_label},
            ]
            for s in found
        ]
        return render(
            request,
            "network/index.html",
            {
                "title": "Network",
                "rows": rows,
                "kinds": Subject.Kind.choices,
                "kind": kind,
                "q": q,
                "proposals": len(selectors.proposals_for(request.user)),
                "can_record": caps.record_intelligence,
            },
        )
    if caps.aggregates:
        return render(
            request,
            "network/counts.html",
            {"title": "Network figures", "counts": selectors.counts(request.user)},
        )
    raise Http404("Not found")


_KIND_TITLES = {
    "adult": "Record an adult of concern",
    "place": "Record a place",
    "vehicle": "Record a vehicle",
    "online": "Record an online identity",
    "group": "Record a group",
}


def subject_new(request: HttpRequest) -> HttpResponse:
    _signed_in(request)
    if not capabilities(request.user).record_intelligence:
        raise Http404("Not found")
    kind = request.GET.get("kind", request.POST.get("kind", "adult"))
    if kind not in Subject.Kind.values:
        kind = "adult"
    typed: dict[str, Any] = {}
    page_errors: list[dict[str, str]] = []
    fe: dict[str, str] = {}
    if request.method == "POST":
        p = request.POST
        typed = p.dict()
        dob, dob_typed = _date(p, "date_of_birth")
        data = services.SubjectIn(
            kind=kind,
            name=p.get("name", ""),
            aliases=p.get("aliases", ""),
            date_of_birth=dob,
            place_kind=p.get("place_kind", ""),
            address=p.get("address", ""),
            postcode=p.get("postcode", ""),
            cuckooed=p.get("cuckooed") == "yes",
            foreign=p.get("foreign") == "yes",
            make_model=p.get("make_model", ""),
            platform=p.get("platform", ""),
            description=p.get("description", ""),
            source=p.get("source", ""),
            source_reliability=p.get("source_reliability", ""),
            information_assessment=int(p.get("information_assessment") or 0),
            handling_code=int(p.get("handling_code") or 0),
        )
        partnership = partnership_of(request.user)  # type: ignore[arg-type]
        try:
            if dob_typed and dob is None:
                raise ValidationError({"date_of_birth": "Enter a real date of birth, for example 27 3 1990"})
            if partnership is None:
                raise ValidationError({"__all__": "Your account is not in a partnership"})
            s = services.subject_record(partnership=partnership, data=data, by=signed_in(request))
        except ValidationError as exc:
            page_errors, fe = _errors(exc)
        else:
            messages.success(request, f"{s.get_kind_display()} recorded")
            return redirect("network:subject", s.pk)
    return render(
        request,
        "network/subject_new.html",
        {
            "title": _KIND_TITLES[kind],
            "kind": kind,
            "typed": typed,
            "fe": fe,
            "page_errors": page_errors,
            "place_kinds": Subject.PlaceKind.choices,
            "reliability": Reliability.choices,
            "assessment": Assessment.choices,
            "handling": Handling.choices,
        },
    )


def subject(request: HttpRequest, subject_id: int) -> HttpResponse:
    found = _subject(request, subject_id)
    filters = _filters(request)
    net = selectors.network_around_subject(request.user, found, filters)
    context = _network_context(request, net, filters, url("network:subject-export", found.pk))
    context.update(
        {
            "title": found.name,
            "subject": found,
            "disruptions": selectors.disruptions_for(request.user, found),
            "group": selectors.group_page(request.user, found) if found.kind == Subject.Kind.GROUP else None,
            "contexts": selectors.context_assessments_for(request.user, subject=found),
        }
    )
    return render(request, "network/subject.html", context)


def _export_response(
    request: HttpRequest, net: selectors.Network, object_type: str, object_id: int, person_id: int | None
) -> HttpResponse:
    audit.record(
        audit.Actor.of(request.user),
        audit.Event(
            AccessLogEntry.Action.EXPORT,
            object_type,
            str(object_id),
            person_id,
            detail={"format": "ftm-jsonl", "links": len(net.edges)},
        ),
    )
    response = HttpResponse(presenters.ftm_lines(net), content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="network-{object_type}-{object_id}.jsonl"'
    return response


def subject_export(request: HttpRequest, subject_id: int) -> HttpResponse:
    found = _subject(request, subject_id, purpose="export")
    if not capabilities(request.user).intelligence:
        raise Http404("Not found")
    net = selectors.network_around_subject(request.user, found, _filters(request))
    return _export_response(request, net, "network_subject", found.pk, None)


def link_new(request: HttpRequest, subject_id: int) -> HttpResponse:
    found = _subject(request, subject_id, purpose="link")
    if not capabilities(request.user).record_intelligence:
        raise Http404("Not found")
    typed: dict[str, Any] = {}
    page_errors: list[dict[str, str]] = []
    fe: dict[str, str] = {}
    if request.method == "POST":
        p = request.POST
        typed = p.dict()
        starts, s_typed = _date(p, "starts")
        ends, e_typed = _date(p, "ends")
        try:
            problems = {}
            if s_typed and starts is None:
                problems["starts"] = "Enter a real start date, for example 14 3 2026"
            if e_typed and ends is None:
                problems["ends"] = "Enter a real end date, for example 14 3 2026"
            person = other = None
            ref = p.get("other", "").strip().lower()
            if ref.startswith("s") and ref[1:].isdigit():
                other = selectors.subjects_visible_to(request.user).filter(pk=int(ref[1:])).first()
                if other is None:
                    problems["other"] = "You may not link to a record you cannot see"
            elif ref.isdigit():
                person = selectors.person_by_id(int(ref))
                if person is None:
                    problems["other"] = "You may not link to a record you cannot see"
            else:
                problems["other"] = "Enter the child's MACE number, or S and the number of another subject"
            if problems:
                raise ValidationError(problems)
            data = services.LinkIn(
                kind=p.get("link_kind", ""),
                person=person,
                from_subject=other,
                subject=found,
                starts=starts,
                ends=ends,
                source_kind=p.get("source_kind", ""),
                source_id=p.get("source_id", "")[:64],
                confidence=p.get("confidence", ""),
                note=p.get("note", ""),
            )
            services.association_record(partnership=found.partnership, data=data, by=signed_in(request))
        except ValidationError as exc:
            page_errors, fe = _errors(exc)
            fe["other"] = fe.pop("person", fe.get("other", "")) or fe.get("other", "")
            if not fe["other"]:
                fe.pop("other")
        else:
            messages.success(request, "Link recorded")
            return redirect("network:subject", found.pk)
    return render(
        request,
        "network/link_new.html",
        {
            "title": f"Link {found.name}",
            "subject": found,
            "typed": typed,
            "fe": fe,
            "page_errors": page_errors,
            "link_kinds": Link.choices,
            "sources": Source.choices,
            "confidences": Confidence.choices,
        },
    )


@require_POST
def adopt(request: HttpRequest, subject_id: int) -> HttpResponse:
    found = _subject(request, subject_id, purpose="adopt")
    version = request.POST.get("version", "")
    try:
        services.group_adopt(
            group=found, by=signed_in(request), version=int(version) if version.isdigit() else None
        )
    except PermissionError:
        raise Http404("Not found") from None
    except (ValidationError, Conflict):
        messages.error(request, "The group was changed or adopted by someone else; check it and try again.")
    else:
        messages.success(request, "Group adopted as a subject of the MACE panel")
        if request.POST.get("then") == "context":
            return redirect("network:context-new", found.pk)
    return redirect("network:subject", found.pk)


def disruption_new(request: HttpRequest, subject_id: int) -> HttpResponse:
    found = _subject(request, subject_id, purpose="disruption")
    if not capabilities(request.user).record_intelligence:
        raise Http404("Not found")
    linked = sorted(
        {
            e.source
            for e in selectors.network_around_subject(request.user, found).edges
            if e.source.startswith("p")
        }
    )
    children = selectors.children_named(request.user, [int(k[1:]) for k in linked])
    typed: dict[str, Any] = {}
    page_errors: list[dict[str, str]] = []
    fe: dict[str, str] = {}
    if request.method == "POST":
        p = request.POST
        typed = p.dict()
        served, s_typed = _date(p, "served_on")
        expires, e_typed = _date(p, "expires_on")
        chosen = [int(x) for x in p.getlist("children") if x.isdigit() and int(x) in children]
        try:
            problems = {}
            if s_typed and served is None:
                problems["served_on"] = "Enter a real date it was served, for example 14 3 2026"
            if e_typed and expires is None:
                problems["expires_on"] = "Enter a real expiry date, for example 14 3 2027"
            if problems:
                raise ValidationError(problems)
            d = services.disruption_record(
                subject=found,
                data=services.DisruptionIn(
                    kind=p.get("disruption_kind", ""),
                    issuer=p.get("issuer", ""),
                    served_on=served,
                    expires_on=expires,
                    conditions=p.get("conditions", ""),
                    children=selectors.people_by_ids(chosen),
                ),
                by=signed_in(request),
            )
        except ValidationError as exc:
            page_errors, fe = _errors(exc)
        else:
            messages.success(request, f"{d.get_kind_display()} recorded")
            return redirect("network:disruption", d.pk)
    return render(
        request,
        "network/disruption_new.html",
        {
            "title": f"Record disruption against {found.name}",
            "subject": found,
            "typed": typed,
            "fe": fe,
            "page_errors": page_errors,
            "kinds": Disruption.Kind.choices,
            "children": children,
            "chosen": [
                int(x) for x in (request.POST.getlist("children") if request.method == "POST" else [])
            ],
        },
    )


def disruption(request: HttpRequest, disruption_id: int) -> HttpResponse:
    _signed_in(request)
    try:
        found = selectors.disruption_for_user(request.user, disruption_id)
    except selectors.NotFound:
        raise Http404("Not found") from None
    typed: dict[str, Any] = {}
    page_errors: list[dict[str, str]] = []
    fe: dict[str, str] = {}
    if request.method == "POST":
        p = request.POST
        typed = p.dict()
        on, typed_on = _date(p, "on")
        try:
            if typed_on and on is None:
                raise ValidationError({"on": "Enter a real date of the breach, for example 14 3 2026"})
            services.breach_record(
                disruption=found, on=on, details=p.get("details", ""), by=signed_in(request)
            )
        except PermissionError:
            raise Http404("Not found") from None
        except ValidationError as exc:
            page_errors, fe = _errors(exc)
        else:
            messages.success(request, "Breach recorded; the lead officer has been told")
            return redirect("network:disruption", found.pk)
    children = selectors.children_named(request.user, list(found.children.values_list("pk", flat=True)))
    return render(
        request,
        "network/disruption.html",
        {
            "title": f"{found.get_kind_display()} against {found.subject.name}",
            "d": found,
            "typed": typed,
            "fe": fe,
            "page_errors": page_errors,
            "children": children,
            "breaches": list(found.breaches.all()),
            "can_record": capabilities(request.user).record_intelligence,
        },
    )


def proposals(request: HttpRequest) -> HttpResponse:
    _signed_in(request)
    if not capabilities(request.user).record_intelligence:
        raise Http404("Not found")
    found = selectors.proposals_for(request.user)
    names = selectors.children_named(request.user, [p.person_id for p in found])
    audit.record(
        audit.Actor.of(request.user),
        audit.Event(AccessLogEntry.Action.VIEW, "network_proposals", "", detail={"count": len(found)}),
    )
    return render(
        request,
        "network/proposals.html",
        {"title": "Proposed links", "proposals": found, "names": names, "confidences": Confidence.choices},
    )


@require_POST
def proposal_decide(request: HttpRequest, proposal_id: int) -> HttpResponse:
    _signed_in(request)
    try:
        found = selectors.proposal_for_user(request.user, proposal_id)
    except selectors.NotFound:
        raise Http404("Not found") from None
    decision = request.POST.get("decision", "")
    try:
        if decision not in ("confirm", "reject"):
            raise ValidationError({"decision": "Choose whether to confirm or reject the proposed link"})
        services.proposal_decide(
            proposal=found,
            confirm=decision == "confirm",
            reason=request.POST.get("reason", ""),
            confidence=request.POST.get("confidence", Confidence.MEDIUM),
            by=signed_in(request),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in exc.message_dict.values() for m in ms))
    else:
        messages.success(request, "Link confirmed" if decision == "confirm" else "Proposed link rejected")
    return redirect("network:proposals")


def _child(request: HttpRequest, person_id: int) -> Any:
    _signed_in(request)
    caps = capabilities(request.user)
    if not (caps.records or caps.intelligence):
        raise Http404("Not found")
    try:
        return selectors.child_for_user(request.user, person_id)
    except selectors.NotFound:
        raise Http404("Not found") from None


def child(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _child(request, person_id)
    filters = _filters(request)
    net = selectors.network_around_child(request.user, person, filters)
    context = _network_context(request, net, filters, url("network:child-export", person.pk))
    context.update(
        {
            "title": f"{person.display_name}: network",
            "person": person,
            "nrm": selectors.nrm_for_child(request.user, person),
        }
    )
    return render(request, "network/child.html", context)


def child_export(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _child(request, person_id)
    if not capabilities(request.user).intelligence:
        raise Http404("Not found")
    net = selectors.network_around_child(request.user, person, _filters(request))
    return _export_response(request, net, "person", person.pk, person.pk)


def nrm_new(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _child(request, person_id)
    if not capabilities(request.user).nrm:
        raise Http404("Not found")
    typed: dict[str, Any] = {}
    page_errors: list[dict[str, str]] = []
    fe: dict[str, str] = {}
    if request.method == "POST":
        p = request.POST
        typed = p.dict()
        on, on_typed = _date(p, "referred_on")
        try:
            if on_typed and on is None:
                raise ValidationError(
                    {"referred_on": "Enter a real date of the referral, for example 14 3 2026"}
                )
            r = services.nrm_refer(
                person=person,
                exploitation=p.get("exploitation", ""),
                first_responder=p.get("first_responder", ""),
                referred_on=on,
                by=signed_in(request),
            )
        except ValidationError as exc:
            page_errors, fe = _errors(exc)
        else:
            messages.success(request, "NRM referral recorded")
            return redirect("network:nrm", r.pk)
    return render(
        request,
        "network/nrm_new.html",
        {
            "title": f"NRM referral for {person.display_name}",
            "person": person,
            "typed": typed,
            "fe": fe,
            "page_errors": page_errors,
            "kinds": NrmReferral.Exploitation.choices,
        },
    )


def nrm(request: HttpRequest, referral_id: int) -> HttpResponse:
    _signed_in(request)
    try:
        found = selectors.nrm_for_user(request.user, referral_id)
    except selectors.NotFound:
        raise Http404("Not found") from None
    typed: dict[str, Any] = {}
    page_errors: list[dict[str, str]] = []
    fe: dict[str, str] = {}
    if request.method == "POST":
        p = request.POST
        typed = p.dict()
        on, on_typed = _date(p, "on")
        version = p.get("version", "")
        try:
            if on_typed and on is None:
                raise ValidationError({"on": "Enter a real date of the decision, for example 14 3 2026"})
            services.nrm_decide(
                referral=found,
                stage=p.get("stage", ""),
                on=on,
                decision=p.get("decision", ""),
                by=signed_in(request),
                version=int(version) if version.isdigit() else None,
            )
        except Conflict:
            messages.error(request, "Someone else changed this referral; check it and try again.")
            return redirect("network:nrm", found.pk)
        except ValidationError as exc:
            page_errors, fe = _errors(exc)
        else:
            messages.success(request, "Decision recorded")
            return redirect("network:nrm", found.pk)
    stage = "conclusive" if found.reasonable_grounds_on else "reasonable"
    return render(
        request,
        "network/nrm.html",
        {
            "title": f"NRM referral for {found.person.display_name}",
            "r": found,
            "typed": typed,
            "fe": fe,
            "page_errors": page_errors,
            "stage": stage,
            "decisions": NrmReferral.Decision.choices,
        },
    )


# Contextual safeguarding: a place or group assessed step by step, conferenced, planned for and reviewed -----


def _may_work_context(request: HttpRequest) -> bool:
    return capabilities(request.user).meetings


def _context(request: HttpRequest, assessment_id: int, purpose: str = "view") -> Any:
    _signed_in(request)
    try:
        return selectors.context_for_user(request.user, assessment_id, purpose=purpose)
    except selectors.NotFound:
        raise Http404("Not found") from None


def _version(post: Any) -> int | None:
    v = post.get("version", "")
    return int(v) if v.isdigit() else None


def _context_conflict(request: HttpRequest, exc: Conflict, back: str) -> HttpResponse:
    return render(
        request,
        "core/conflict.html",
        {
            "title": "Someone else changed this context assessment",
            "record": exc.record,
            "attempted": exc.attempted,
            "back": back,
        },
        status=409,
    )


def context_list(request: HttpRequest) -> HttpResponse:
    _signed_in(request)
    caps = capabilities(request.user)
    if selectors.may_read_context(request.user):
        found = selectors.context_assessments_for(request.user)
        audit.record(
            audit.Actor.of(request.user),
            audit.Event(AccessLogEntry.Action.VIEW, "network_context", "", detail={"count": len(found)}),
        )
        return render(
            request,
            "network/context_list.html",
            {"title": "Context assessments", "rows": presenters.context_rows(found)},
        )
    if caps.aggregates:
        return render(
            request,
            "network/context_counts.html",
            {"title": "Context assessments: figures", "counts": selectors.context_counts(request.user)},
        )
    raise Http404("Not found")


def context_new(request: HttpRequest, subject_id: int) -> HttpResponse:
    found = _subject(request, subject_id, purpose="context")
    if not _may_work_context(request):
        raise Http404("Not found")
    typed: dict[str, Any] = {}
    page_errors: list[dict[str, str]] = []
    fe: dict[str, str] = {}
    if request.method == "POST":
        p = request.POST
        typed = p.dict()
        on, on_typed = _date(p, "triggered_on")
        try:
            if on_typed and on is None:
                raise ValidationError(
                    {"triggered_on": "Enter a real date of the trigger, for example 14 3 2026"}
                )
            a = services.context_start(
                subject=found,
                data=services.TriggerIn(
                    trigger=p.get("trigger", ""),
                    triggered_on=on,
                    source_kind=p.get("source_kind", ""),
                    source_id=p.get("source_id", "")[:64],
                ),
                by=signed_in(request),
            )
        except PermissionError:
            raise Http404("Not found") from None
        except ValidationError as exc:
            page_errors, fe = _errors(exc)
        else:
            messages.success(request, "Context assessment started: now set its scope")
            return redirect("network:context-scope", a.pk)
    return render(
        request,
        "network/context_new.html",
        {
            "title": f"Start a context assessment of {found.name}",
            "subject": found,
            "typed": typed,
            "fe": fe,
            "page_errors": page_errors,
            "sources": [("", "Not from a record"), *Source.choices],
        },
    )


def context(request: HttpRequest, assessment_id: int) -> HttpResponse:
    a = _context(request, assessment_id)
    plan = selectors.context_plan(a)
    return render(
        request,
        "network/context.html",
        {
            "title": f"Context assessment: {a.subject.name}",
            "a": a,
            "summary": presenters.context_summary(a),
            "children": selectors.children_named(request.user, list(a.children.values_list("pk", flat=True))),
            "conference": selectors.context_conference(a),
            "plan": plan,
            "plan_rows": presenters.context_plan_rows(plan),
            "review_text": presenters.review_text(plan),
            "reviews": list(plan.reviews.all()) if plan else [],
            "next": presenters.context_next(a),
            "can_work": _may_work_context(request),
        },
    )


def _context_step(
    request: HttpRequest, assessment_id: int, template: str, title: str, save: Any, extra: Any = None
) -> HttpResponse:
    """One step's page: GET shows the form; POST calls `save(a, post)` and goes back to the assessment,
    or shows the problems, or (a stale form) the conflict page."""
    a = _context(request, assessment_id, purpose="edit")
    if not _may_work_context(request):
        raise Http404("Not found")
    typed: dict[str, Any] = {}
    page_errors: list[dict[str, str]] = []
    fe: dict[str, str] = {}
    if request.method == "POST":
        typed = request.POST.dict()
        try:
            message, target = save(a, request.POST)
        except PermissionError:
            raise Http404("Not found") from None
        except Conflict as exc:
            return _context_conflict(request, exc, url("network:context", a.pk))
        except ValidationError as exc:
            page_errors, fe = _errors(exc)
        else:
            messages.success(request, message)
            return redirect(target, a.pk)
    context = {
        "title": title,
        "a": a,
        "typed": typed,
        "fe": fe,
        "page_errors": page_errors,
    }
    context.update(extra(a) if extra else {})
    return render(request, template, context)


def context_scope(request: HttpRequest, assessment_id: int) -> HttpResponse:
    def save(a: Any, p: Any) -> tuple[str, str]:
        allowed = selectors.scope_candidates(request.user, a.subject)
        chosen = [int(x) for x in p.getlist("children") if x.isdigit()]
        services.context_scope(
            assessment=a,
            area=p.get("area", ""),
            children=selectors.people_by_ids([c for c in chosen if c in allowed]),
            by=signed_in(request),
            version=_version(p),
        )
        return "Scope recorded: now record what was observed", "network:context-observation"

    return _context_step(
        request,
        assessment_id,
        "network/context_scope.html",
        "Scope of the assessment",
        save,
        lambda a: {
            "candidates": selectors.scope_candidates(request.user, a.subject),
            "chosen": [int(x) for x in request.POST.getlist("children") if x.isdigit()],
        },
    )


SAFETY_ROWS = 3


def context_observation(request: HttpRequest, assessment_id: int) -> HttpResponse:
    def save(a: Any, p: Any) -> tuple[str, str]:
        on, on_typed = _date(p, "on")
        if on_typed and on is None:
            raise ValidationError({"on": "Enter a real date of the observation, for example 14 3 2026"})
        safety = [
            services.SafetyIn(
                p.get(f"safety_place_{n}", ""), p.get(f"safety_feels_{n}", ""), p.get(f"safety_why_{n}", "")
            )
            for n in range(1, SAFETY_ROWS + 1)
            if p.get(f"safety_place_{n}", "").strip() or p.get(f"safety_why_{n}", "").strip()
        ]
        services.context_observe(
            assessment=a,
            on=on,
            where=p.get("where", ""),
            what=p.get("what", ""),
            safety=safety,
            by=signed_in(request),
            version=_version(p),
        )
        if p.get("then") == "weigh":
            return "Observation recorded: now weigh the contexts", "network:context-weighing"
        return "Observation recorded", "network:context-observation"

    return _context_step(
        request,
        assessment_id,
        "network/context_observation.html",
        "Observation and safety mapping",
        save,
        lambda a: {"safety_rows": range(1, SAFETY_ROWS + 1), "observations": presenters.observation_rows(a)},
    )


def context_weighing(request: HttpRequest, assessment_id: int) -> HttpResponse:
    from .models import ContextKind

    def save(a: Any, p: Any) -> tuple[str, str]:
        services.context_weigh(
            assessment=a,
            contexts=[
                services.ContextIn(k, p.get(f"harm_{k}", ""), p.get(f"protective_{k}", ""))
                for k in ContextKind.values
            ],
            judgement=p.get("judgement", ""),
            by=signed_in(request),
            version=_version(p),
        )
        return "Contexts weighed: now record the context conference", "network:context-conference"

    return _context_step(
        request,
        assessment_id,
        "network/context_weighing.html",
        "Weigh the contexts",
        save,
        lambda a: {"kinds": ContextKind.choices},
    )


def _attendees(text: str) -> list[services.AttendeeIn]:
    """One attendee a line: "Name, agency"."""
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, _, agency = line.partition(",")
        out.append(services.AttendeeIn(name.strip(), agency.strip()))
    return out


def context_conference(request: HttpRequest, assessment_id: int) -> HttpResponse:
    def save(a: Any, p: Any) -> tuple[str, str]:
        on, on_typed = _date(p, "held_on")
        if on_typed and on is None:
            raise ValidationError({"held_on": "Enter a real date of the conference, for example 14 3 2026"})
        chair_id = p.get("chair", "")
        services.context_conference(
            assessment=a,
            data=services.ConferenceIn(
                held_on=on,
                chair=selectors.chair_by_id(request.user, int(chair_id)) if chair_id.isdigit() else None,
                attendees=_attendees(p.get("attendees", "")),
                discussion=p.get("discussion", ""),
                decisions=p.get("decisions", ""),
            ),
            by=signed_in(request),
            version=_version(p),
        )
        return "Context conference recorded: now write the context plan", "network:context-plan"

    return _context_step(
        request,
        assessment_id,
        "network/context_conference.html",
        "Context conference",
        save,
        lambda a: {
            "chairs": [(str(u.pk), u.get_full_name() or u.username) for u in selectors.chairs(request.user)]
        },
    )


ACTION_ROWS_BLANK = 2


def context_plan(request: HttpRequest, assessment_id: int) -> HttpResponse:
    from .models import PartnerKind

    def save(a: Any, p: Any) -> tuple[str, str]:
        review_on, r_typed = _date(p, "review_on")
        problems = {}
        if r_typed and review_on is None:
            problems["review_on"] = "Enter a real review date, for example 14 3 2027"
        actions: list[services.ContextActionIn] = []
        rows = min(int(p["rows"]), 50) if p.get("rows", "").isdigit() else 0
        for n in range(1, rows + 1):
            text = p.get(f"action_text_{n}", "")
            due_on, d_typed = _date(p, f"action_due_{n}")
            if not (text.strip() or p.get(f"action_owner_{n}", "").strip() or d_typed):
                continue
            if d_typed and due_on is None:
                problems[f"action_{len(actions) + 1}"] = f"Action {len(actions) + 1}: enter a real due date"
            actions.append(
                services.ContextActionIn(
                    text=text,
                    partner=p.get(f"action_partner_{n}", ""),
                    owner=p.get(f"action_owner_{n}", ""),
                    due=due_on,
                    progress=p.get(f"action_progress_{n}", ""),
                    key=p.get(f"action_key_{n}", "")[:12],
                )
            )
        if problems:
            raise ValidationError(problems)
        services.context_plan_save(
            assessment=a,
            data=services.ContextPlanIn(
                summary=p.get("summary", ""), review_on=review_on, actions=actions, reason=p.get("reason", "")
            ),
            by=signed_in(request),
            version=_version(p),
        )
        return "Context plan saved", "network:context"

    def extra(a: Any) -> dict[str, Any]:
        plan = selectors.context_plan(a)
        return presenters.context_plan_form(
            plan,
            selectors.context_conference(a),
            PartnerKind.choices,
            ACTION_ROWS_BLANK,
            request.method == "POST",
        )

    return _context_step(request, assessment_id, "network/context_plan.html", "Context plan", save, extra)


def context_review(request: HttpRequest, assessment_id: int) -> HttpResponse:
    from .models import ContextPlanReview

    def save(a: Any, p: Any) -> tuple[str, str]:
        plan = selectors.context_plan(a)
        if plan is None:
            raise ValidationError({"__all__": "Write the context plan before reviewing it."})
        held_on, h_typed = _date(p, "held_on")
        next_on, n_typed = _date(p, "next_review_on")
        problems = {}
        if h_typed and held_on is None:
            problems["held_on"] = "Enter a real date of the review, for example 14 3 2027"
        if n_typed and next_on is None:
            problems["next_review_on"] = "Enter a real date of the next review, for example 14 6 2027"
        if problems:
            raise ValidationError(problems)
        services.context_review(
            plan=plan,
            data=services.ContextReviewIn(
                held_on=held_on,
                attendees=p.get("attendees", ""),
                progress=p.get("progress", ""),
                safer=p.get("safer", ""),
                decision=p.get("decision", ""),
                next_review_on=next_on,
            ),
            by=signed_in(request),
        )
        return "Review recorded", "network:context"

    return _context_step(
        request,
        assessment_id,
        "network/context_review.html",
        "Review the context plan",
        save,
        lambda a: {
            "safer": ContextPlanReview.Safer.choices,
            "decisions": ContextPlanReview.Decision.choices,
            "plan": selectors.context_plan(a),
        },
    )


def subject_merge(request: HttpRequest, subject_id: int) -> HttpResponse:
    """Merge another record of the same adult into this one (police intelligence roles). Reversible."""
    found = _subject(request, subject_id, purpose="merge")
    if found.kind != Subject.Kind.ADULT or not capabilities(request.user).record_intelligence:
        raise Http404("Not found")
    q = request.GET.get("q", "")
    candidates = selectors.merge_candidates(request.user, found, q=q)
    page_errors: list[dict[str, str]] = []
    fe: dict[str, str] = {}
    typed: dict[str, Any] = {}
    if request.method == "POST":
        typed = request.POST.dict()
        other_id = request.POST.get("other", "")
        other = next((c for c in candidates if str(c.pk) == other_id), None)
        if other is None and other_id.isdigit():
            try:
                other = selectors.subject_for_user(request.user, int(other_id), purpose="merge")
            except selectors.NotFound:
                other = None
        try:
            if other is None:
                raise ValidationError({"other": "Choose the other record of this adult"})
            services.subject_merge(
                survivor=found, other=other, reason=request.POST.get("reason", ""), by=signed_in(request)
            )
        except ValidationError as exc:
            page_errors, fe = _errors(exc)
        except PermissionError:
            raise Http404("Not found") from None
        else:
            assert other is not None
            messages.success(request, f"{other.name} merged into this record; the merge can be undone")
            return redirect(url("network:subject", found.pk))
    return render(
        request,
        "network/subject_merge.html",
        {
            "title": f"Merge another record into {found.name}",
            "subject": found,
            "q": q,
            "candidates": candidates,
            "merges": selectors.merges_into(found),
            "page_errors": page_errors,
            "fe": fe,
            "typed": typed,
            "choices": [
                (
                    str(c.pk),
                    f"{c.name} (S{c.pk}){', also known as ' + c.aliases if c.aliases else ''}"
                    + (f", born {c.date_of_birth:%-d %B %Y}" if c.date_of_birth else ""),
                )
                for c in candidates
            ],
        },
        status=400 if page_errors else 200,
    )


@require_POST
def merge_undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    _signed_in(request)
    if not capabilities(request.user).record_intelligence:
        raise Http404("Not found")
    try:
        merge = selectors.merge_for_user(request.user, merge_id)
        services.merge_undo(merge=merge, by=signed_in(request))
    except selectors.NotFound:
        raise Http404("Not found") from None
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in exc.message_dict.values() for m in ms))
    else:
        messages.success(request, f"Merge undone: {merge.other.name} is a separate record again")
    return redirect(url("network:subject", merge.survivor_id))
