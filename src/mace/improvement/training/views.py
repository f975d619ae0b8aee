"""Training pages: compliance by agency and team, who in a team has not been trained, courses with what
their attendees said, sessions with bookings and attendance, and each attendee's evaluation and
three-month follow-up. Every signed-in member of the partnership reads (partnership business: no child is
named); trainers (`manage_training`) book, record attendance, evaluations and follow-ups."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from mace.accounts.actors import signed_in
from mace.core.access import capabilities
from mace.core.conflict import Conflict
from mace.core.ui import uk_date

from .. import presenters as plan_presenters
from ..views import _date_from, _errors, _signed_in, _version
from . import presenters, selectors, services
from .models import Level, TrainingBooking, TrainingFollowUp


def _on(request: HttpRequest) -> Any:
    return plan_presenters.parse_date(request.GET.get("on", "")) or timezone.localdate()


def overview(request: HttpRequest) -> HttpResponse:
    """Compliance by agency and team against the required level, follow-ups due, sessions, courses."""
    _signed_in(request)
    on = _on(request)
    found = selectors.compliance(request.user, on)
    query = f"?on={on.isoformat()}" if on != timezone.localdate() else ""
    sessions = list(selectors.sessions_for(request.user).prefetch_related("bookings")[:20])
    return render(
        request,
        "improvement/training/overview.html",
        {
            "title": "Training on exploitation",
            "on": on,
            "today": on == timezone.localdate(),
            "total": presenters.rate(found.trained, found.counted),
            "agency_head": presenters.AGENCY_HEAD,
            "agency_rows": presenters.agency_rows(found),
            "team_head": presenters.TEAM_HEAD,
            "team_rows": presenters.team_rows(found, query),
            "follow_up_head": presenters.FOLLOW_UP_HEAD,
            "follow_up_rows": presenters.follow_up_rows(selectors.follow_ups_due(request.user, on)),
            "session_head": presenters.SESSION_HEAD,
            "session_rows": presenters.session_rows(sessions),
            "courses": list(selectors.courses_for(request.user)),
            "can_manage": capabilities(request.user).manage_training,
        },
    )


def team(request: HttpRequest, team_id: int) -> HttpResponse:
    """A team that works with exploited children: its required level, compliance and who is not trained."""
    _signed_in(request)
    try:
        requirement = selectors.team_for(request.user, team_id)
    except selectors.NotFound:
        raise Http404("Not found") from None
    on = _on(request)
    row = selectors.compliance(request.user, on).team(team_id)
    assert row is not None
    history = selectors.team_history(requirement)
    return render(
        request,
        "improvement/training/team.html",
        {
            "title": f"Training: {requirement.team.name}",
            "requirement": requirement,
            "on": on,
            "row": row,
            "rate": presenters.rate(row.trained, row.counted),
            "untrained_head": presenters.UNTRAINED_HEAD,
            "untrained_rows": presenters.untrained_rows(row, history),
            "can_manage": capabilities(request.user).manage_training,
        },
    )


def _course(request: HttpRequest, course_id: int) -> Any:
    _signed_in(request)
    try:
        return selectors.course_for(request.user, course_id)
    except selectors.NotFound:
        raise Http404("Not found") from None


def _course_context(request: HttpRequest, found: Any) -> dict[str, Any]:
    sessions = list(selectors.sessions_for(request.user).filter(course=found).prefetch_related("bookings"))
    impact = selectors.course_impact(found)
    return {
        "title": found.title,
        "course": found,
        "impact": impact,
        "changed_labels": dict(TrainingFollowUp.Changed.choices),
        "session_head": presenters.SESSION_HEAD,
        "session_rows": presenters.session_rows(sessions),
        "can_manage": capabilities(request.user).manage_training,
        "typed": {},
    }


def course(request: HttpRequest, course_id: int) -> HttpResponse:
    found = _course(request, course_id)
    return render(request, "improvement/training/course.html", _course_context(request, found))


SCHEDULE_ANCHORS = {"on": "#on-day", "venue": "#venue", "capacity": "#capacity", "__all__": "#schedule"}


def schedule(request: HttpRequest, course_id: int) -> HttpResponse:
    """A trainer schedules a session of the course."""
    if request.method != "POST":
        raise Http404("Not found")
    found = _course(request, course_id)
    post = request.POST
    on, typed_date = _date_from(post, "on")
    raw = post.get("capacity", "").strip()
    try:
        if typed_date and on is None:
            raise ValidationError({"on": ["Enter a real date, for example 14 1 2027"]})
        if raw and not raw.isdigit():
            raise ValidationError({"capacity": ["Enter the number of places, for example 30"]})
        saved = services.session_schedule(
            course=found,
            on=on,
            venue=post.get("venue", ""),
            trainer_label=post.get("trainer", ""),
            capacity=int(raw) if raw else 30,
            by=signed_in(request),
        )
    except PermissionError:
        raise Http404("Not found") from None
    except ValidationError as exc:
        context = _course_context(request, found)
        context["page_errors"] = _errors(exc, SCHEDULE_ANCHORS)
        context["field_errors"] = {k: " ".join(v) for k, v in exc.message_dict.items()}
        context["typed"] = {k: v for k, v in post.items() if k != "csrfmiddlewaretoken"}
        return render(request, "improvement/training/course.html", context, status=400)
    messages.success(request, f"Session on {uk_date(saved.on)} scheduled")
    return redirect("improvement:training-session", saved.pk)


def _session(request: HttpRequest, session_id: int) -> Any:
    _signed_in(request)
    try:
        return selectors.session_for(request.user, session_id)
    except selectors.NotFound:
        raise Http404("Not found") from None


def _session_context(request: HttpRequest, found: Any) -> dict[str, Any]:
    can = capabilities(request.user).manage_training
    return {
        "title": f"{found.course.title}, {uk_date(found.on)}",
        "session": found,
        "bookings": list(found.bookings.all()),
        "booking_head": presenters.BOOKING_HEAD,
        "booking_rows": presenters.booking_rows(found),
        "can_manage": can,
        "bookable": selectors.bookable(request.user, found) if can else [],
        "statuses": [
            (TrainingBooking.Status.ATTENDED, "Attended"),
            (TrainingBooking.Status.ABSENT, "Did not attend"),
            (TrainingBooking.Status.CANCELLED, "Cancelled"),
        ],
        "future": found.on > timezone.localdate(),
        "typed": {},
    }


def session(request: HttpRequest, session_id: int) -> HttpResponse:
    found = _session(request, session_id)
    return render(request, "improvement/training/session.html", _session_context(request, found))


def attendance(request: HttpRequest, session_id: int) -> HttpResponse:
    if request.method != "POST":
        raise Http404("Not found")
    found = _session(request, session_id)
    statuses: dict[int, str] = {}
    for key in request.POST:
        if key.startswith("booking_") and key[8:].isdigit():
            statuses[int(key[8:])] = request.POST.get(key, "")
    try:
        services.attendance_record(
            session=found, statuses=statuses, version=_version(request.POST), by=signed_in(request)
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
                    "Attendance recorded": (
                        f"{exc.record.attendance_recorded_by_label}, "
                        f"{exc.record.attendance_recorded_at:%d %B %Y %H:%M}"
                        if exc.record.attendance_recorded_at
                        else "Not yet"
                    ),
                },
                "attempted": {"Attendance": f"{len(exc.attempted)} bookings"},
                "back": f"/improvement/training/sessions/{found.pk}/",
            },
            status=409,
        )
    except ValidationError as exc:
        context = _session_context(request, found)
        context["page_errors"] = _errors(exc, {"__all__": "#attendance"})
        context["typed"] = dict(request.POST.items())
        return render(request, "improvement/training/session.html", context, status=400)
    messages.success(request, "Attendance saved")
    return redirect("improvement:training-session", found.pk)


def book(request: HttpRequest, session_id: int) -> HttpResponse:
    if request.method != "POST":
        raise Http404("Not found")
    found = _session(request, session_id)
    if not capabilities(request.user).manage_training:
        raise Http404("Not found")
    raw = request.POST.get("practitioner", "")
    practitioner = (
        selectors.practitioners_for(request.user).filter(pk=int(raw)).first() if raw.isdigit() else None
    )
    try:
        if practitioner is None:
            raise ValidationError({"practitioner": ["Choose a practitioner from the register"]})
        services.booking_add(session=found, practitioner=practitioner, by=signed_in(request))
    except PermissionError:
        raise Http404("Not found") from None
    except ValidationError as exc:
        context = _session_context(request, found)
        context["page_errors"] = _errors(exc, {"practitioner": "#practitioner"})
        context["field_errors"] = {k: " ".join(v) for k, v in exc.message_dict.items()}
        return render(request, "improvement/training/session.html", context, status=400)
    messages.success(request, f"{practitioner.name} booked")
    return redirect("improvement:training-session", found.pk)


def _booking(request: HttpRequest, booking_id: int) -> Any:
    _signed_in(request)
    try:
        return selectors.booking_for(request.user, booking_id)
    except selectors.NotFound:
        raise Http404("Not found") from None


def _booking_context(request: HttpRequest, found: Any) -> dict[str, Any]:
    return {
        "title": f"{found.practitioner.name}: {found.session.course.title}",
        "booking": found,
        "evaluation": found.evaluation if selectors.has_evaluation(found) else None,
        "follow_up": found.follow_up if selectors.has_follow_up(found) else None,
        "due": selectors.follow_up_due(found),
        "attended": found.status == TrainingBooking.Status.ATTENDED,
        "can_manage": capabilities(request.user).manage_training,
        "scale": list(services.SCALE),
        "changed_choices": TrainingFollowUp.Changed.choices,
        "typed": {},
    }


def booking(request: HttpRequest, booking_id: int) -> HttpResponse:
    found = _booking(request, booking_id)
    return render(request, "improvement/training/booking.html", _booking_context(request, found))


def _int(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None


def _booking_refused(
    request: HttpRequest, found: Any, exc: ValidationError, anchors: dict[str, str]
) -> HttpResponse:
    context = _booking_context(request, found)
    context["page_errors"] = _errors(exc, anchors)
    context["field_errors"] = {k: " ".join(v) for k, v in exc.message_dict.items()}
    context["typed"] = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    return render(request, "improvement/training/booking.html", context, status=400)


EVALUATION_ANCHORS = {
    "confidence_before": "#confidence-before",
    "confidence_after": "#confidence-after",
    "will_do": "#will-do",
    "__all__": "#evaluation",
}


def evaluation(request: HttpRequest, booking_id: int) -> HttpResponse:
    if request.method != "POST":
        raise Http404("Not found")
    found = _booking(request, booking_id)
    post = request.POST
    try:
        services.evaluation_record(
            booking=found,
            confidence_before=_int(post.get("confidence_before", "")),
            confidence_after=_int(post.get("confidence_after", "")),
            will_do=post.get("will_do", ""),
            by=signed_in(request),
        )
    except PermissionError:
        raise Http404("Not found") from None
    except ValidationError as exc:
        return _booking_refused(request, found, exc, EVALUATION_ANCHORS)
    messages.success(request, "Evaluation saved")
    return redirect("improvement:training-booking", found.pk)


FOLLOW_UP_ANCHORS = {
    "on": "#on-day",
    "attendee_says": "#attendee-says",
    "manager_name": "#manager-name",
    "manager_says": "#manager-says",
    "changed": "#changed",
    "__all__": "#follow-up",
}


def follow_up(request: HttpRequest, booking_id: int) -> HttpResponse:
    if request.method != "POST":
        raise Http404("Not found")
    found = _booking(request, booking_id)
    post = request.POST
    on, typed_date = _date_from(post, "on")
    try:
        if typed_date and on is None:
            raise ValidationError({"on": ["Enter a real date, for example 3 3 2023"]})
        services.follow_up_record(
            booking=found,
            on=on,
            attendee_says=post.get("attendee_says", ""),
            manager_name=post.get("manager_name", ""),
            manager_says=post.get("manager_says", ""),
            changed=post.get("changed", ""),
            by=signed_in(request),
        )
    except PermissionError:
        raise Http404("Not found") from None
    except ValidationError as exc:
        return _booking_refused(request, found, exc, FOLLOW_UP_ANCHORS)
    messages.success(request, "Follow-up saved")
    return redirect("improvement:training-booking", found.pk)


# Courses, the register and required levels ----------------------------------------------------------------


def _trainer(request: HttpRequest) -> None:
    _signed_in(request)
    if not capabilities(request.user).manage_training:
        raise Http404("Not found")


def _typed(request: HttpRequest) -> dict[str, Any]:
    return {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}


def _level(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None


COURSE_ANCHORS = {
    "partnership": "#partnership",
    "title": "#title",
    "level": "#level",
    "delivery": "#delivery",
    "agency": "#agency",
    "code": "#title",
    "__all__": "#title",
}


def course_new(request: HttpRequest) -> HttpResponse:
    """A trainer adds a course: single-agency (naming the agency that runs it) or multi-agency, at an
    exploitation level. Refused input writes nothing and the form comes back with what was typed."""
    _trainer(request)
    partnerships = selectors.partnerships_for(request.user)
    context: dict[str, Any] = {
        "title": "Add a course",
        "partnerships": partnerships,
        "agencies": selectors.agencies_for(request.user),
        "levels": Level.choices,
        "typed": {},
    }
    if request.method == "POST":
        post = request.POST
        chosen = {str(p.pk): p for p in partnerships}.get(post.get("partnership", ""))
        partnership = chosen or (partnerships[0] if len(partnerships) == 1 else None)
        delivery = post.get("delivery", "")
        agencies = {str(a.pk): a for a in context["agencies"]}
        title = post.get("title", "")
        try:
            problems: dict[str, list[str]] = {}
            if partnership is None:
                problems["partnership"] = ["Choose the partnership the course is for"]
            if delivery not in ("multi", "single"):
                problems["delivery"] = ["Choose whether the course is multi-agency or single agency"]
            if problems:
                raise ValidationError(problems)
            assert partnership is not None
            saved = services.course_create(
                partnership=partnership,
                code=services.course_code(partnership, title),
                title=title,
                level=_level(post.get("level", "")) or 0,
                multi_agency=delivery == "multi",
                agency=agencies.get(post.get("agency", "")),
                description=post.get("description", "")[:5000],
                by=signed_in(request),
            )
        except PermissionError:
            raise Http404("Not found") from None
        except ValidationError as exc:
            context["page_errors"] = _errors(exc, COURSE_ANCHORS)
            context["field_errors"] = {k: " ".join(v) for k, v in exc.message_dict.items()}
            context["typed"] = _typed(request)
            return render(request, "improvement/training/course_new.html", context, status=400)
        messages.success(request, f"Course {saved.title} added: schedule its first session")
        return redirect("improvement:training-course", saved.pk)
    return render(request, "improvement/training/course_new.html", context)


def teams(request: HttpRequest) -> HttpResponse:
    """Every team of the partnership with its required level (if it works with exploited children) and
    the number on its training register."""
    _signed_in(request)
    requirements = selectors.requirements_by_team(request.user)
    counts = selectors.register_counts(request.user)
    found = list(selectors.teams_for(request.user))
    return render(
        request,
        "improvement/training/teams.html",
        {
            "title": "Teams and the training register",
            "head": presenters.REGISTER_TEAM_HEAD,
            "rows": presenters.register_team_rows(found, requirements, counts),
            "can_manage": capabilities(request.user).manage_training,
        },
    )


def _register_team(request: HttpRequest, team_id: int) -> Any:
    _signed_in(request)
    try:
        return selectors.register_team_for(request.user, team_id)
    except selectors.NotFound:
        raise Http404("Not found") from None


PRACTITIONER_ANCHORS = {
    "name": "#name",
    "job_title": "#job-title",
    "manager_name": "#manager-name",
    "user": "#user",
    "joined_on": "#joined-on-day",
    "team": "#name",
    "__all__": "#name",
}


def practitioners(request: HttpRequest, team_id: int) -> HttpResponse:
    """A team's training register (every member reads it: staff, not children); a trainer adds a
    practitioner, who may be one of the team's MACE accounts."""
    found = _register_team(request, team_id)
    can = capabilities(request.user).manage_training
    users = selectors.linkable_users(found) if can else []
    context: dict[str, Any] = {
        "title": f"Training register: {found.name}",
        "team": found,
        "requirement": selectors.requirement_of(found),
        "head": presenters.REGISTER_HEAD,
        "rows": presenters.register_rows(selectors.register_of(found), can_manage=can),
        "can_manage": can,
        "users": users,
        "typed": {},
    }
    if request.method == "POST":
        if not can:
            raise Http404("Not found")
        post = request.POST
        joined_on, typed_date = _date_from(post, "joined_on")
        raw_user = post.get("user", "")
        user = {str(u.pk): u for u in users}.get(raw_user)
        try:
            if typed_date and joined_on is None:
                raise ValidationError({"joined_on": ["Enter a real date, for example 1 9 2026"]})
            if raw_user and user is None:
                raise ValidationError({"user": ["Choose one of the team's MACE accounts, or none"]})
            assert found.partnership is not None
            saved = services.practitioner_add(
                partnership=found.partnership,
                team=found,
                name=post.get("name", ""),
                job_title=post.get("job_title", ""),
                manager_name=post.get("manager_name", ""),
                user=user,
                joined_on=joined_on,
                by=signed_in(request),
            )
        except PermissionError:
            raise Http404("Not found") from None
        except ValidationError as exc:
            context["page_errors"] = _errors(exc, PRACTITIONER_ANCHORS)
            context["field_errors"] = {k: " ".join(v) for k, v in exc.message_dict.items()}
            context["typed"] = _typed(request)
            return render(request, "improvement/training/practitioners.html", context, status=400)
        messages.success(request, f"{saved.name} added to the training register")
        return redirect("improvement:training-practitioners", found.pk)
    return render(request, "improvement/training/practitioners.html", context)


def requirement(request: HttpRequest, team_id: int) -> HttpResponse:
    """A trainer sets the level a team that works with exploited children must be trained to."""
    _trainer(request)
    found = _register_team(request, team_id)
    current = selectors.requirement_of(found)
    context: dict[str, Any] = {
        "title": f"Required level: {found.name}",
        "team": found,
        "current": current,
        "levels": Level.choices,
        "typed": {"level": str(current.level), "reason": current.reason} if current else {},
    }
    if request.method == "POST":
        post = request.POST
        try:
            services.requirement_set(
                team=found,
                level=_level(post.get("level", "")),
                reason=post.get("reason", ""),
                by=signed_in(request),
            )
        except PermissionError:
            raise Http404("Not found") from None
        except ValidationError as exc:
            context["page_errors"] = _errors(
                exc, {"level": "#level", "reason": "#reason", "__all__": "#level"}
            )
            context["field_errors"] = {k: " ".join(v) for k, v in exc.message_dict.items()}
            context["typed"] = _typed(request)
            return render(request, "improvement/training/requirement.html", context, status=400)
        messages.success(request, f"{found.name} must now be trained to level {post.get('level')}")
        return redirect("improvement:training-team", found.pk)
    return render(request, "improvement/training/requirement.html", context)


def practitioner_left(request: HttpRequest, practitioner_id: int) -> HttpResponse:
    """A trainer records that a practitioner left the team: from that day they are not counted."""
    _trainer(request)
    try:
        found = selectors.practitioner_for(request.user, practitioner_id)
    except selectors.NotFound:
        raise Http404("Not found") from None
    context: dict[str, Any] = {
        "title": f"{found.name} left the team",
        "practitioner": found,
        "typed": {},
    }
    if request.method == "POST":
        left_on, typed_date = _date_from(request.POST, "left_on")
        try:
            if typed_date and left_on is None:
                raise ValidationError({"left_on": ["Enter a real date, for example 31 10 2026"]})
            services.practitioner_leave(practitioner=found, left_on=left_on, by=signed_in(request))
        except ValidationError as exc:
            context["page_errors"] = _errors(exc, {"left_on": "#left-on-day", "__all__": "#left-on-day"})
            context["field_errors"] = {k: " ".join(v) for k, v in exc.message_dict.items()}
            context["typed"] = _typed(request)
            return render(request, "improvement/training/practitioner_left.html", context, status=400)
        messages.success(request, f"{found.name} recorded as having left {found.team.name}")
        return redirect("improvement:training-practitioners", found.team_id)
    return render(request, "improvement/training/practitioner_left.html", context)
