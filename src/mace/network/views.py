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
            s = services.subject_record(partnership=partnership, data=data, by=request.user)
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
    caps = capabilities(request.user)
    context.update(
        {
            "title": found.name,
            "subject": found,
            "caps": caps,
            "disruptions": selectors.disruptions_for(request.user, found),
            "group": selectors.group_page(request.user, found) if found.kind == Subject.Kind.GROUP else None,
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
            services.association_record(partnership=found.partnership, data=data, by=request.user)
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
            group=found, by=request.user, version=int(version) if version.isdigit() else None
        )
    except PermissionError:
        raise Http404("Not found") from None
    except (ValidationError, Conflict):
        messages.error(request, "The group was changed or adopted by someone else; check it and try again.")
    else:
        messages.success(request, "Group adopted as a subject of the MACE panel")
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
                by=request.user,
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
            services.breach_record(disruption=found, on=on, details=p.get("details", ""), by=request.user)
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
            by=request.user,
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
            "caps": capabilities(request.user),
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
                by=request.user,
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
                by=request.user,
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
