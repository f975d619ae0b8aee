"""Casework pages: a child's visits and supervision, the activity timetable and its weekly
attendance, the team's supervision compliance and caseloads. Views parse and render; selectors
read (scoped to the user, logged) and services write."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from mace.accounts.actors import signed_in
from mace.core import tabular, ui
from mace.core.access import names_allowed
from mace.core.ui import apply_errors, error_list
from mace.core.ui import require as _require
from mace.people.selectors import PersonNotFound

from . import presenters, selectors, services
from .forms import ACTION_ROWS, PlacementForm, SessionEndForm, SessionForm, SupervisionForm, VisitForm
from .models import Placement, Supervision, TimetableSession

RENAME = {
    "visited_on": "visited_day",
    "started_on": "started_day",
    "active_from": "from_day",
    "held_on": "held_day",
    "starts_at": "starts",
    "last_day": "last_day",
    "ends_at": "ends",
    **{f"action_{i}": f"action_{i}_text" for i in range(1, ACTION_ROWS + 1)},
}


def _not_found(request: HttpRequest) -> HttpResponse:
    return ui.not_found(request)


def _yes(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def child(request: HttpRequest, person_id: int) -> HttpResponse:
    _require(request, "records")
    try:
        c = selectors.child_casework(request.user, person_id)
    except PersonNotFound:
        return _not_found(request)
    return render(
        request,
        "casework/child.html",
        {
            "title": f"Visits and supervision: {c.person.display_name}",
            "c": c,
            "today": timezone.localdate(),
            "voice_days": settings.MACE_VOICE_DAYS,
        },
    )


@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest, person_id: int) -> HttpResponse:
    _require(request, "record_visits")
    try:
        person = selectors.person_for_casework(request.user, person_id, purpose="record-visit")
    except PersonNotFound:
        return _not_found(request)
    form = VisitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and not form.errors:
        data = services.VisitIn(
            visited_on=form.cleaned_data["visited_on"],
            seen=_yes(form.cleaned_data["seen"]),
            seen_alone=_yes(form.cleaned_data["seen_alone"]),
            place=form.cleaned_data["place"],
            child_words=form.cleaned_data["child_words"],
            observations=form.cleaned_data["observations"],
        )
        try:
            services.visit_record(person=person, data=data, by=signed_in(request))
        except ValidationError as exc:
            apply_errors(form, exc, RENAME)
        else:
            messages.success(request, "Visit recorded.")
            return HttpResponseRedirect(reverse("casework:child", args=[person.pk]))
    return render(
        request,
        "casework/visit.html",
        {
            "title": f"Record a visit: {person.display_name}",
            "person": person,
            "form": form,
            "page_errors": error_list(form),
        },
        status=400 if form.errors else 200,
    )


def timetable(request: HttpRequest, person_id: int) -> HttpResponse:
    _require(request, "records")
    try:
        t = selectors.timetable_view(request.user, person_id)
    except PersonNotFound:
        return _not_found(request)
    return render(
        request,
        "casework/timetable.html",
        {
            "title": f"Activity timetable: {t.person.display_name}",
            "t": t,
            "weekdays": services.WEEKDAYS,
        },
    )


@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest, person_id: int) -> HttpResponse:
    _require(request, "timetables")
    try:
        person = selectors.person_for_casework(request.user, person_id, purpose="plan-timetable")
    except PersonNotFound:
        return _not_found(request)
    form = SessionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and not form.errors:
        data = services.SessionIn(
            weekday=form.cleaned_data["weekday"],
            starts_at=form.cleaned_data["starts"],
            ends_at=form.cleaned_data["ends"],
            kind=form.cleaned_data["kind"],
            provider=form.cleaned_data["provider"],
            active_from=form.cleaned_data["active_from"],
        )
        try:
            services.session_add(person=person, data=data, by=signed_in(request))
        except ValidationError as exc:
            apply_errors(form, exc, RENAME)
        else:
            messages.success(request, "Session added to the timetable.")
            return HttpResponseRedirect(reverse("casework:timetable", args=[person.pk]))
    return render(
        request,
        "casework/session.html",
        {
            "title": f"Add a session: {person.display_name}",
            "person": person,
            "form": form,
            "page_errors": error_list(form),
            "kinds": TimetableSession.Kind.choices,
            "weekdays": services.WEEKDAYS,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def session_end(request: HttpRequest, person_id: int, session_id: int) -> HttpResponse:
    _require(request, "timetables")
    try:
        session = selectors.session_for_casework(
            request.user, person_id, session_id, purpose="plan-timetable"
        )
    except PersonNotFound:
        return _not_found(request)
    person = session.person
    form = SessionEndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and not form.errors:
        try:
            services.session_end(
                session=session, last_day=form.cleaned_data["last_day"], by=signed_in(request)
            )
        except ValidationError as exc:
            apply_errors(form, exc, RENAME)
        else:
            messages.success(request, "Session ended. Weeks after its last day no longer plan it.")
            return HttpResponseRedirect(reverse("casework:timetable", args=[person.pk]))
    return render(
        request,
        "casework/session_end.html",
        {
            "title": f"End a session: {person.display_name}",
            "person": person,
            "session": session,
            "weekdays": services.WEEKDAYS,
            "form": form,
            "page_errors": error_list(form),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def placement_new(request: HttpRequest, person_id: int) -> HttpResponse:
    _require(request, "timetables")
    try:
        person = selectors.person_for_casework(request.user, person_id, purpose="record-placement")
    except PersonNotFound:
        return _not_found(request)
    form = PlacementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and not form.errors:
        try:
            services.placement_record(
                person=person,
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
                started_on=form.cleaned_data["started_on"],
                by=signed_in(request),
            )
        except ValidationError as exc:
            apply_errors(form, exc, RENAME)
        else:
            messages.success(request, "Placement move recorded.")
            return HttpResponseRedirect(reverse("casework:timetable", args=[person.pk]))
    return render(
        request,
        "casework/placement.html",
        {
            "title": f"Record a placement move: {person.display_name}",
            "person": person,
            "form": form,
            "page_errors": error_list(form),
            "kinds": Placement.Kind.choices,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def week(request: HttpRequest, person_id: int, week_starting: str) -> HttpResponse:
    _require(request, "timetables")
    try:
        monday = date.fromisoformat(week_starting)
    except ValueError:
        return _not_found(request)
    try:
        w = selectors.timetable_week(request.user, person_id, monday)
    except PersonNotFound:
        return _not_found(request)
    problems: dict[str, list[str]] = {}
    posted = request.POST if request.method == "POST" else None
    if posted is not None:
        marks = {
            s.pk: services.Mark(
                _yes(posted.get(f"session_{s.pk}", "")), posted.get(f"reason_{s.pk}", "")[:300]
            )
            for s in w.sessions
        }
        try:
            result = services.week_attendance_record(
                person=w.person,
                data=services.WeekIn(week_starting=monday, marks=marks),
                by=signed_in(request),
            )
        except ValidationError as exc:
            problems = exc.message_dict
        else:
            messages.success(
                request,
                f"Attendance recorded: {result.attended} of {result.planned} sessions, "
                f"{result.tuition_hours:g} hours tuition.",
            )
            return HttpResponseRedirect(reverse("casework:timetable", args=[w.person.pk]))
    errors = [
        {"text": p, "href": f"#id_{k}" if k.startswith(("session_", "reason_")) else "#main-content"}
        for k, ps in problems.items()
        for p in ps
    ]
    return render(
        request,
        "casework/week.html",
        {
            "title": f"Attendance for the week of {monday:%-d %B %Y}: {w.person.display_name}",
            "w": w,
            "problems": {k: " ".join(v) for k, v in problems.items()},
            "page_errors": errors,
            "posted": posted,
            "weekdays": services.WEEKDAYS,
            "today": timezone.localdate(),
            "previous": (monday - timedelta(days=7)).isoformat(),
            "next": (monday + timedelta(days=7)).isoformat(),
        },
        status=400 if problems else 200,
    )


@require_http_methods(["GET", "POST"])
def supervision_new(request: HttpRequest, person_id: int) -> HttpResponse:
    _require(request, "supervise")
    try:
        person = selectors.person_for_casework(request.user, person_id, purpose="record-supervision")
    except PersonNotFound:
        return _not_found(request)
    form = SupervisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and not form.errors:
        data = services.SupervisionIn(
            held_on=form.cleaned_data["held_on"],
            attendees=form.cleaned_data["attendees"],
            reflection=form.cleaned_data["reflection"],
            safer=form.cleaned_data["safer"],
            analysis=form.cleaned_data["analysis"],
            actions=[services.ActionIn(t, o, d) for t, o, d in form.cleaned_data["actions"]],
        )
        try:
            s = services.supervision_record(person=person, data=data, by=signed_in(request))
        except ValidationError as exc:
            apply_errors(form, exc, RENAME)
        else:
            messages.success(request, f"Supervision recorded. The next is due by {s.next_due_on:%-d %B %Y}.")
            return HttpResponseRedirect(reverse("casework:child", args=[person.pk]))
    return render(
        request,
        "casework/supervision.html",
        {
            "title": f"Record case supervision: {person.display_name}",
            "person": person,
            "form": form,
            "page_errors": error_list(form),
            "safer": Supervision.Safer.choices,
            "rows": range(1, ACTION_ROWS + 1),
        },
        status=400 if form.errors else 200,
    )


def supervision_overview(request: HttpRequest) -> HttpResponse:
    overview = selectors.supervision_overview(request.user)
    if overview is None:
        raise Http404("Not found")
    return render(
        request,
        "casework/supervision_overview.html",
        {"title": "Case supervision", "o": overview, "suppress": not names_allowed(request.user)},
    )


def caseloads(request: HttpRequest) -> HttpResponse:
    c = selectors.caseloads(request.user)
    if c is None:
        raise Http404("Not found")
    suppress = not names_allowed(request.user)
    if fmt := tabular.requested(request):
        return tabular.download(
            request,
            name="caseloads",
            head=presenters.caseloads_head(c),
            rows=presenters.caseloads_rows(c, suppress=suppress),
            fmt=fmt,
            object_type="caseloads",
            detail={"months": len(c.months)},
            sheet="Caseloads",
        )
    peak = max([n for _, n in c.trend] + [1])
    return render(
        request,
        "casework/caseloads.html",
        {
            "title": "Caseloads",
            "c": c,
            "peak": peak,
            "suppress": suppress,
            "downloads": {f: tabular.filters_query(request, f) for f in tabular.FORMATS},
        },
    )
