"""Emergency department pages: the ED's attendances, recording one, discharge, the screening from an
attendance, the safeguarding team's discharge review queue (ED audits: `mace.improvement.audits`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from mace.accounts.actors import signed_in
from mace.core.access import capabilities
from mace.core.ui import apply_errors, error_list, pager
from mace.core.ui import require as _require
from mace.people.selectors import PersonNotFound, openable, person_for_user
from mace.screening import views as screening_views

from . import selectors, services
from .forms import (
    LONDON,
    AttendanceForm,
    DischargeForm,
    ReviewForm,
    WaitForm,
    WaitOutcomeForm,
)
from .models import AssessmentWait, Attendance, DischargeReview


def _require_ed_records(request: HttpRequest) -> None:
    """The ED's own staff and the trust's safeguarding team read the trust's attendances."""
    caps = capabilities(request.user)
    if not (caps.ed_attendances or caps.discharge_review):
        raise Http404("Not found")


def _attendance_or_404(request: HttpRequest, attendance_id: int) -> Attendance:
    try:
        return selectors.attendance_for_user(request.user, attendance_id)
    except PersonNotFound as exc:
        raise Http404("Not found") from exc


def _yes(value: str) -> bool:
    return value == "yes"


def attendances(request: HttpRequest) -> HttpResponse:
    _require_ed_records(request)
    flag = request.GET.get("flag", "")
    return render(
        request,
        "health/attendances.html",
        {
            "title": "Emergency department: children's attendances",
            "rows": selectors.recent_attendances(request.user, flag=flag),
            "flag": flag,
            "frequent": services.frequent_count(),
            "can_record": capabilities(request.user).ed_attendances,
        },
    )


def _now_initial(prefix: str) -> dict[str, Any]:
    now = timezone.now().astimezone(LONDON)
    return {
        f"{prefix}_day": now.day,
        f"{prefix}_month": now.month,
        f"{prefix}_year": now.year,
        f"{prefix}_time": now.strftime("%H:%M"),
    }


@require_http_methods(["GET", "POST"])
def attendance_new(request: HttpRequest) -> HttpResponse:
    _require(request, "ed_attendances")
    form = AttendanceForm(request.POST or None, initial=_now_initial("arrived"))
    if request.method == "POST" and form.is_valid():
        subject = form.subject()
        arrived = form.when("arrived", "Arrival")
        d = form.cleaned_data
        if not form.errors:
            data = services.AttendanceIn(
                arrived_at=arrived,
                presenting_complaint=d["presenting_complaint"],
                subject=subject,
                accompanied_by=d["accompanied_by"],
                seen_alone=_yes(d["seen_alone"]),
                not_seen_alone_reason=d["not_seen_alone_reason"],
                cpis_checked=_yes(d["cpis_checked"]),
                cpis_result=d["cpis_result"],
                exploitation_question_asked=_yes(d["exploitation_question_asked"]),
                exploitation_concern=_yes(d["exploitation_concern"]),
                safeguarding_referral_made=_yes(d["safeguarding_referral_made"]),
                child_voice=d["child_voice"],
            )
            try:
                attendance, _ = services.attendance_record(data=data, by=signed_in(request))
            except ValidationError as exc:
                apply_errors(
                    form,
                    ValidationError(
                        {("arrived_day" if k == "arrived_at" else k): v for k, v in exc.message_dict.items()}
                    ),
                )
            else:
                messages.success(request, "Attendance recorded")
                return HttpResponseRedirect(reverse("health:attendance", args=[attendance.pk]))
    return render(
        request,
        "health/attendance_new.html",
        {
            "title": "Record a child's attendance",
            "form": form,
            "page_errors": error_list(form),
            "cpis_results": Attendance.CpisResult.choices,
        },
        status=400 if form.errors else 200,
    )


def attendance_detail(request: HttpRequest, attendance_id: int) -> HttpResponse:
    _require_ed_records(request)
    attendance = _attendance_or_404(request, attendance_id)
    return _render_attendance(request, attendance)


def _render_attendance(
    request: HttpRequest, attendance: Attendance, *, form: DischargeForm | None = None, status: int = 200
) -> HttpResponse:
    form = form or DischargeForm(initial={"version": attendance.version, **_now_initial("discharged")})
    return render(
        request,
        "health/attendance.html",
        {
            "title": f"ED attendance {attendance.pk}",
            "a": attendance,
            "form": form,
            "page_errors": error_list(form),
            "frequent": services.frequent_count(),
            "can_record": capabilities(request.user).ed_attendances,
            # Reading the trust's ED records does not open the child's record: link only what opens.
            "child_opens": bool(openable(request.user, [attendance.person_id])),
        },
        status=status,
    )


@require_POST
def attendance_discharge(request: HttpRequest, attendance_id: int) -> HttpResponse:
    _require(request, "ed_attendances")
    attendance = _attendance_or_404(request, attendance_id)
    form = DischargeForm(request.POST)
    if form.is_valid():
        when = form.when("discharged", "Discharge")
        d = form.cleaned_data
        if not form.errors:
            try:
                services.attendance_discharge(
                    attendance=attendance,
                    discharged_at=when,
                    left_before_assessment=d["left_before_assessment"],
                    destination=d["discharge_destination"],
                    plan=d["discharge_plan"],
                    by=signed_in(request),
                    version=d["version"],
                )
            except services.Conflict as exc:
                return render(
                    request,
                    "core/conflict.html",
                    {
                        "title": "Someone else changed this attendance",
                        "record": exc.record,
                        "attempted": exc.attempted,
                        "saved_rows": [
                            ("Status", exc.record.get_status_display()),
                            ("Left", exc.record.discharged_at),
                            ("Going to", exc.record.discharge_destination or "Not recorded"),
                        ],
                        "back": reverse("health:attendance", args=[exc.record.pk]),
                    },
                    status=409,
                )
            except ValidationError as exc:
                apply_errors(
                    form,
                    ValidationError(
                        {
                            ("discharged_day" if k == "discharged_at" else k): v
                            for k, v in exc.message_dict.items()
                        }
                    ),
                )
            else:
                messages.success(request, "Discharge recorded: the safeguarding team will review it")
                return HttpResponseRedirect(reverse("health:attendance", args=[attendance.pk]))
    return _render_attendance(request, attendance, form=form, status=400)


@require_http_methods(["GET", "POST"])
def attendance_screening(request: HttpRequest, attendance_id: int) -> HttpResponse:
    """The exploitation screening tool, completed in the department for this attendance."""
    _require(request, "ed_attendances")
    attendance = _attendance_or_404(request, attendance_id)
    if attendance.screening_id:
        return HttpResponseRedirect(reverse("screening:detail", args=[attendance.screening_id]))
    return screening_views.complete_page(
        request,
        person=attendance.person,
        subject=attendance.subject,
        back=(reverse("health:attendance", args=[attendance.pk]), "Back to the attendance"),
        on_created=lambda s: services.attendance_link_screening(
            attendance=attendance, screening=s, by=signed_in(request)
        ),
    )


def review_queue(request: HttpRequest) -> HttpResponse:
    _require(request, "discharge_review")
    qs = selectors.review_queue_rows(request.user)
    page = pager(request, qs.count(), selectors.PAGE)
    return render(
        request,
        "health/review_queue.html",
        {
            "title": "Discharge review queue",
            "rows": list(qs[page.start : page.end]),
            "total": page.total,
            "pager": page,
            "now": timezone.now(),
        },
    )


@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, attendance_id: int) -> HttpResponse:
    _require(request, "discharge_review")
    attendance = _attendance_or_404(request, attendance_id)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            result = services.discharge_review(
                attendance=attendance,
                outcome=d["outcome"],
                notes=d["notes"],
                shared_with=d["shared_with"],
                by=signed_in(request),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                "Sent to the front door as an ED referral"
                if result.outcome == DischargeReview.Outcome.INTERVENTION
                else f"Recorded as shared with {result.get_shared_with_display().lower()}",
            )
            return HttpResponseRedirect(reverse("health:reviews"))
    return render(
        request,
        "health/review.html",
        {
            "title": "Review a discharged child",
            "a": attendance,
            "form": form,
            "page_errors": error_list(form),
            "outcomes": DischargeReview.Outcome.choices,
            "shared_choices": DischargeReview.SharedWith.choices,
        },
        status=400 if form.errors else 200,
    )


def audits(request: HttpRequest) -> HttpResponse:
    """ED audits are audits of the `ed` tool in the partnership's audit programme now."""
    if not request.user.is_authenticated:
        raise Http404("Not found")
    return HttpResponseRedirect(reverse("improvement:audits") + "?tool=ed")


def audit_detail(request: HttpRequest, audit_id: int) -> HttpResponse:
    """An ED audit's old address: the audit it was folded into."""
    if not request.user.is_authenticated:
        raise Http404("Not found")
    return HttpResponseRedirect(reverse("improvement:audit-folded", args=[audit_id]))


# Waits for an autism or ADHD assessment (action 3.4) ------------------------------------------------

WAIT_RENAME = {"referred_on": "referred_day", "assessed_on": "assessed_day"}


def _record_href(person_id: int) -> str:
    return reverse("people:detail", args=[person_id]) + "#assessment-waits"


@require_http_methods(["GET", "POST"])
def wait_new(request: HttpRequest, person_id: int) -> HttpResponse:
    _require(request, "health_waits")
    try:
        person, _ = person_for_user(request.user, person_id, purpose="record-assessment-referral")
    except PersonNotFound as exc:
        raise Http404("Not found") from exc
    form = WaitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and not form.errors:
        d = form.cleaned_data
        data = services.WaitIn(
            kind=d["kind"],
            referred_on=d["referred_on"],
            fast_track=d["fast_track"] == "yes",
            fast_track_reason=d["fast_track_reason"],
            provider=d["provider"],
        )
        try:
            services.assessment_wait_record(person=person, data=data, by=signed_in(request))
        except ValidationError as exc:
            apply_errors(form, exc, WAIT_RENAME)
        else:
            messages.success(request, "Referral recorded. The wait is counted from the referral date.")
            return HttpResponseRedirect(_record_href(person.pk))
    return render(
        request,
        "health/wait_new.html",
        {
            "title": f"Record a referral for an assessment: {person.display_name}",
            "person": person,
            "form": form,
            "page_errors": error_list(form),
            "kinds": AssessmentWait.Kind.choices,
            "back": _record_href(person.pk),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def wait_outcome(request: HttpRequest, person_id: int, wait_id: int) -> HttpResponse:
    _require(request, "health_waits")
    try:
        wait = selectors.wait_for_user(request.user, person_id, wait_id, purpose="record-assessment")
    except PersonNotFound as exc:
        raise Http404("Not found") from exc
    form = WaitOutcomeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and not form.errors:
        try:
            services.assessment_wait_outcome(
                wait=wait,
                assessed_on=form.cleaned_data["assessed_on"],
                outcome=form.cleaned_data["outcome"],
                by=signed_in(request),
                version=form.cleaned_data["version"],
            )
        except services.Conflict as exc:
            return render(
                request,
                "core/conflict.html",
                {
                    "title": "Someone else changed this referral",
                    "record": exc.record,
                    "attempted": exc.attempted,
                    "saved_rows": [
                        ("Assessed on", exc.record.assessed_on),
                        ("Outcome", exc.record.get_outcome_display() or "Not recorded"),
                    ],
                    "back": _record_href(person_id),
                },
                status=409,
            )
        except ValidationError as exc:
            apply_errors(form, exc, WAIT_RENAME)
        else:
            messages.success(request, "Outcome recorded. The wait stopped on the day of the assessment.")
            return HttpResponseRedirect(_record_href(person_id))
    return render(
        request,
        "health/wait_outcome.html",
        {
            "title": f"Record the assessment: {wait.person.display_name}",
            "wait": wait,
            "person": wait.person,
            "form": form,
            "page_errors": error_list(form),
            "outcomes": AssessmentWait.Outcome.choices,
            "back": _record_href(person_id),
        },
        status=400 if form.errors else 200,
    )
