"""Governance pages: the lead professionals for exploitation, agency by agency, and the quarterly and
pan-area meetings with attendance, the pack from oversight and decisions whose actions go into the action
plan. Every signed-in member of the partnership reads; the business manager, managers and administrators
record."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from mace.accounts.actors import signed_in
from mace.core.access import capabilities
from mace.core.ui import url

from .. import selectors as plan_selectors
from ..views import _date_from, _errors, _signed_in
from . import selectors, services
from .models import GovernanceAttendance, GovernanceMeeting


def _partnership(request: HttpRequest) -> Any:
    found = selectors.home_partnership(request.user)
    if found is None:
        raise Http404("Not found")
    return found


def _index_context(request: HttpRequest) -> dict[str, Any]:
    return {
        "title": "Lead professionals and governance meetings",
        "leads": selectors.leads_for(request.user),
        "meetings": list(selectors.meetings_for(request.user)),
        "agencies": list(selectors.agencies_for(request.user)),
        "kinds": GovernanceMeeting.Kind.choices,
        "can_manage": capabilities(request.user).manage_improvement,
        "typed": {},
    }


def index(request: HttpRequest) -> HttpResponse:
    _signed_in(request)
    return render(request, "improvement/governance/index.html", _index_context(request))


def _refused(request: HttpRequest, exc: ValidationError, anchors: dict[str, str]) -> HttpResponse:
    context = _index_context(request)
    context["page_errors"] = _errors(exc, anchors)
    context["field_errors"] = {k: " ".join(v) for k, v in exc.message_dict.items()}
    context["typed"] = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    return render(request, "improvement/governance/index.html", context, status=400)


def lead_set(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        raise Http404("Not found")
    _signed_in(request)
    post = request.POST
    raw = post.get("agency", "")
    agency = selectors.agencies_for(request.user).filter(pk=int(raw)).first() if raw.isdigit() else None
    since, typed = _date_from(post, "since")
    try:
        if agency is None:
            raise ValidationError({"agency": ["Choose the agency"]})
        if typed and since is None:
            raise ValidationError({"since": ["Enter a real date, for example 1 4 2026"]})
        partnership = _partnership(request)
        services.lead_professional_set(
            partnership=partnership,
            agency=agency,
            name=post.get("name", ""),
            job_title=post.get("job_title", ""),
            contact=post.get("contact", ""),
            since=since,
            by=signed_in(request),
        )
    except PermissionError:
        raise Http404("Not found") from None
    except ValidationError as exc:
        return _refused(request, exc, {"agency": "#lead-agency", "name": "#lead-name", "since": "#since-day"})
    messages.success(request, f"Lead professional for {agency.name} saved")
    return redirect("improvement:governance")


def meeting_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        raise Http404("Not found")
    _signed_in(request)
    post = request.POST
    held_on, typed = _date_from(post, "held")
    try:
        if typed and held_on is None:
            raise ValidationError({"held_on": ["Enter a real date, for example 12 10 2026"]})
        found = services.meeting_record(
            partnership=_partnership(request),
            kind=post.get("kind", ""),
            held_on=held_on,
            chair=post.get("chair", ""),
            notes=post.get("notes", ""),
            by=signed_in(request),
        )
    except PermissionError:
        raise Http404("Not found") from None
    except ValidationError as exc:
        return _refused(request, exc, {"kind": "#kind", "held_on": "#held-day", "chair": "#chair"})
    messages.success(request, f"{found.get_kind_display()} recorded")
    return redirect("improvement:governance-meeting", found.pk)


def _meeting(request: HttpRequest, meeting_id: int) -> Any:
    _signed_in(request)
    try:
        return selectors.meeting_for(request.user, meeting_id)
    except selectors.NotFound:
        raise Http404("Not found") from None


def _meeting_context(request: HttpRequest, found: Any) -> dict[str, Any]:
    period = selectors.pack_period(found)
    query = f"?period={period.key}&kind={found.kind}"
    return {
        "title": f"{found.get_kind_display()}, {found.held_on:%-d %B %Y}",
        "meeting": found,
        "attendance": list(found.attendance.all()),
        "decisions": list(found.decisions.all()),
        "period": period,
        "pack_href": url("oversight:pack") + query,
        "pack_pdf": url("oversight:pack") + query + "&format=pdf",
        "sees_pack": capabilities(request.user).aggregates,
        "agencies": list(selectors.agencies_for(request.user)),
        "areas": selectors.areas_for(request.user),
        "owner_users": plan_selectors.owner_candidates(found.partnership_id)
        if capabilities(request.user).manage_improvement
        else [],
        "statuses": GovernanceAttendance.Status.choices,
        "can_manage": capabilities(request.user).manage_improvement,
        "typed": {},
    }


def meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    found = _meeting(request, meeting_id)
    return render(request, "improvement/governance/meeting.html", _meeting_context(request, found))


def _meeting_refused(
    request: HttpRequest, found: Any, exc: ValidationError, anchors: dict[str, str]
) -> HttpResponse:
    context = _meeting_context(request, found)
    context["page_errors"] = _errors(exc, anchors)
    context["field_errors"] = {k: " ".join(v) for k, v in exc.message_dict.items()}
    context["typed"] = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    return render(request, "improvement/governance/meeting.html", context, status=400)


def attendance(request: HttpRequest, meeting_id: int) -> HttpResponse:
    if request.method != "POST":
        raise Http404("Not found")
    found = _meeting(request, meeting_id)
    post = request.POST
    raw = post.get("agency", "")
    agency = selectors.agencies_for(request.user).filter(pk=int(raw)).first() if raw.isdigit() else None
    try:
        services.attendance_add(
            meeting=found,
            name=post.get("attendee", ""),
            agency=agency,
            status=post.get("status", ""),
            by=signed_in(request),
        )
    except PermissionError:
        raise Http404("Not found") from None
    except ValidationError as exc:
        return _meeting_refused(request, found, exc, {"attendee": "#attendee", "status": "#status"})
    messages.success(request, "Attendance saved")
    return redirect("improvement:governance-meeting", found.pk)


def decision(request: HttpRequest, meeting_id: int) -> HttpResponse:
    if request.method != "POST":
        raise Http404("Not found")
    found = _meeting(request, meeting_id)
    post = request.POST
    raw = post.get("area", "")
    area = next((a for a in selectors.areas_for(request.user) if str(a.pk) == raw), None)
    due, typed = _date_from(post, "due")
    raw_user = post.get("owner_user", "")
    owner_user = next(
        (u for u in plan_selectors.owner_candidates(found.partnership_id) if str(u.pk) == raw_user), None
    )
    try:
        if typed and due is None:
            raise ValidationError({"due": ["Enter a real date, for example 31 3 2027"]})
        if raw_user and owner_user is None:
            raise ValidationError({"owner_user": ["Choose a user of the partnership"]})
        saved = services.decision_add(
            meeting=found,
            text=post.get("text", ""),
            area=area,
            action_text=post.get("action_text", ""),
            owner=post.get("owner", ""),
            owner_user=owner_user,
            due=due,
            by=signed_in(request),
        )
    except PermissionError:
        raise Http404("Not found") from None
    except ValidationError as exc:
        return _meeting_refused(
            request,
            found,
            exc,
            {
                "text": "#decision-text",
                "owner": "#owner",
                "owner_user": "#owner-user",
                "due": "#due-day",
                "action_text": "#action-text",
                "area": "#area",
            },
        )
    messages.success(
        request,
        "Decision saved" + (f", and action {saved.action.ref} added to the plan" if saved.action else ""),
    )
    return redirect("improvement:governance-meeting", found.pk)
