"""Front door pages: the queue, a contact's work from matching to approval, the meetings, the
figures, and the public 'report a concern' form. Views parse and render; selectors and services do
the rest."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from mace.accounts.actors import signed_in
from mace.accounts.selectors import partnership_of
from mace.core import tabular, ui
from mace.core.access import capabilities, names_allowed
from mace.core.ui import apply_errors, error_list, pager
from mace.core.ui import require as _require
from mace.people.selectors import PersonNotFound

from . import presenters, selectors, services, thresholds
from .forms import (
    AnalysisForm,
    ApprovalForm,
    DecisionForm,
    InformationRequestForm,
    InformationResponseForm,
    MeetingActionForm,
    MeetingForm,
    ProfessionalContactForm,
    PublicConcernForm,
    VersionForm,
)
from .models import Contact

PUBLIC_MIN_SECONDS = 3  # a person takes longer than this to fill in the form
PUBLIC_MAX_SECONDS = 24 * 3600  # a form open longer than this is sent again with a fresh time


def _not_found(request: HttpRequest) -> HttpResponse:
    return ui.not_found(request, "contact")


def queue(request: HttpRequest) -> HttpResponse:
    _require(request, "front_door")
    filters = selectors.QueueFilters(
        kind=request.GET.get("kind", ""),
        agency=request.GET.get("agency", ""),
        status=request.GET.get("status", ""),
        match=request.GET.get("match", ""),
        team=request.GET.get("team", ""),
    )
    qs = selectors.front_door_queue_rows(request.user, filters)
    if fmt := tabular.requested(request):
        now = timezone.now()
        return tabular.download(
            request,
            name="front-door-queue",
            head=presenters.QUEUE_HEAD,
            rows=(presenters.queue_export_row(c, now) for c in qs),
            fmt=fmt,
            object_type="contact",
            detail={k: v for k, v in asdict(filters).items() if v},
            sheet="Front door queue",
        )
    page = pager(request, qs.count(), selectors.QUEUE_PAGE)
    contacts = list(qs[page.start : page.end])
    openable = selectors.openable_people(request.user, [c.person_id for c in contacts if c.person_id])
    now = timezone.now()
    rows = [(c, *presenters.queue_clocks(c, now), c.person_id in openable) for c in contacts]
    return render(
        request,
        "frontdoor/queue.html",
        {
            "title": "Front door queue",
            "rows": rows,
            "total": page.total,
            "pager": page,
            "filters": filters,
            "kinds": Contact.Kind.choices,
            "statuses": [s for s in Contact.Status.choices if s[0] != "closed"],
            "matches": Contact.Match.choices,
            "review_count": len(selectors.needs_review(request.user)),
            "agencies": selectors.meeting_agencies(request.user),
            "teams": selectors.queue_teams(request.user),
            "downloads": {f: tabular.filters_query(request, f) for f in tabular.FORMATS},
        },
    )


@require_http_methods(["GET", "POST"])
def contact_new(request: HttpRequest) -> HttpResponse:
    _require(request, "submit_contacts")
    form = ProfessionalContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        subject = form.subject()
        for key in ("police_id", "upn"):
            if form.cleaned_data.get(key):
                subject[key] = form.cleaned_data[key].strip()
        partnership = partnership_of(request.user)  # type: ignore[arg-type]
        if not form.errors and partnership is not None:
            data = services.ContactIn(
                kind=form.cleaned_data["kind"],
                received_at=timezone.now(),
                summary=form.cleaned_data["summary"],
                subject=subject,
                source_agency=request.user.agency,  # type: ignore[union-attr]
                concerns=form.cleaned_data["concerns"],
                child_voice=form.cleaned_data["child_voice"],
                reporter={"name": request.user.get_full_name(), "job_title": request.user.job_title},  # type: ignore[union-attr]
            )
            try:
                contact, _ = services.contact_receive(
                    data=data, partnership=partnership, route=Contact.Route.WEB, by=signed_in(request)
                )
            except ValidationError as exc:
                apply_errors(form, _flatten(exc))
            else:
                return render(
                    request,
                    "frontdoor/sent.html",
                    {"title": "Concern sent to the front door", "contact": contact},
                )
    return render(
        request,
        "frontdoor/contact_new.html",
        {
            "title": "Tell the front door about a concern",
            "form": form,
            "page_errors": error_list(form),
            "kinds": [c for c in Contact.Kind.choices if c[0] != "public"],
            "concern_choices": thresholds.CONCERNS,
        },
        status=400 if form.errors else 200,
    )


def _flatten(exc: ValidationError) -> ValidationError:
    """Service errors name subject fields 'subject.x'; the forms call them 'x'."""
    return ValidationError(
        {
            k.removeprefix("subject.").replace("date_of_birth", "dob_day"): v
            for k, v in exc.message_dict.items()
        }
    )


def contact_detail(request: HttpRequest, contact_id: int) -> HttpResponse:
    try:
        contact = selectors.contact_for_user(request.user, contact_id)
    except PersonNotFound:
        return _not_found(request)
    return _render_contact(request, contact)


def _render_contact(
    request: HttpRequest, contact: Contact, *, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    caps = capabilities(request.user)
    now = timezone.now()
    forms = forms or {}
    analysis = forms.get("analysis") or AnalysisForm(
        initial={
            "version": contact.version,
            "analysis": contact.analysis,
            "risk": contact.risk or None,
            "child_voice": contact.child_voice,
            "concerns": contact.concerns,
        }
    )
    decision = forms.get("decision") or DecisionForm(initial={"version": contact.version})
    approval = forms.get("approval") or ApprovalForm(initial={"version": contact.version})
    request_form = forms.get("request") or InformationRequestForm()
    page_errors = [e for f in forms.values() for e in error_list(f)]
    return render(
        request,
        "frontdoor/contact.html",
        {
            "title": f"Contact {contact.pk}",
            "c": contact,
            "clock_lines": presenters.contact_clocks(contact, now),
            "requests": selectors.contact_requests(contact),
            "history": selectors.contact_history(contact),
            "threshold": selectors.threshold_for(contact),
            "concern_labels": thresholds.CONCERNS,
            "teams": selectors.allocation_teams(contact) if caps.front_door else [],
            "workers": selectors.allocation_workers(contact) if caps.front_door else [],
            "analysis_form": analysis,
            "decision_form": decision,
            "approval_form": approval,
            "request_form": request_form,
            "page_errors": page_errors,
            "now": now,
            "tasks": list(contact.tasks.select_related("assignee", "team")),
        },
        status=status,
    )


def _conflict(request: HttpRequest, exc: services.Conflict) -> HttpResponse:
    return render(
        request,
        "core/conflict.html",
        {
            "title": "Someone else changed this contact",
            "record": exc.record,
            "attempted": exc.attempted,
            "saved_rows": [
                ("Status", exc.record.get_status_display()),
                ("Analysis", exc.record.analysis or "None yet"),
                ("Risk", exc.record.get_risk_display()),
                ("Decision", exc.record.get_decision_display() or "None yet"),
                ("Child's voice", exc.record.child_voice or "Not recorded"),
            ],
            "back": reverse("frontdoor:contact", args=[exc.record.pk]),
        },
        status=409,
    )


def _contact_or_404(request: HttpRequest, contact_id: int) -> Contact:
    try:
        return selectors.contact_for_user(request.user, contact_id)
    except PersonNotFound as exc:
        raise Http404("Not found") from exc


def _contact_action(
    request: HttpRequest,
    contact_id: int,
    *,
    capability: str,
    form_class: type[Any],
    form_key: str,
    run: Callable[[Contact, dict[str, Any]], object],
    message: str,
    anchor: str = "",
) -> HttpResponse:
    """One POST on a contact: validate the form, run the service, and answer with the contact page,
    the conflict page when someone else saved first, or the form again with every problem named."""
    _require(request, capability)
    contact = _contact_or_404(request, contact_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            run(contact, form.cleaned_data)
        except services.Conflict as exc:
            return _conflict(request, exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, message)
            return HttpResponseRedirect(reverse("frontdoor:contact", args=[contact.pk]) + anchor)
    return _render_contact(request, contact, forms={form_key: form}, status=400)


@require_POST
def contact_analyse(request: HttpRequest, contact_id: int) -> HttpResponse:
    return _contact_action(
        request,
        contact_id,
        capability="front_door",
        form_class=AnalysisForm,
        form_key="analysis",
        message="Analysis saved",
        anchor="#decision",
        run=lambda contact, d: services.contact_analyse(
            contact=contact,
            analysis=d["analysis"],
            risk=d["risk"],
            child_voice=d["child_voice"],
            concerns=d["concerns"],
            by=signed_in(request),
            version=d["version"],
        ),
    )


@require_POST
def contact_decide(request: HttpRequest, contact_id: int) -> HttpResponse:
    def run(contact: Contact, d: dict[str, Any]) -> object:
        team, worker = selectors.allocation_target(contact, d["allocated_team"], d["allocated_worker"])
        return services.contact_decide(
            contact=contact,
            decision=d["decision"],
            reason=d["reason"],
            by=signed_in(request),
            version=d["version"],
            allocated_team=team,
            allocated_worker=worker,
        )

    return _contact_action(
        request,
        contact_id,
        capability="front_door",
        form_class=DecisionForm,
        form_key="decision",
        run=run,
        message="Decision recorded: it now needs a manager's approval",
    )


@require_POST
def contact_approve(request: HttpRequest, contact_id: int) -> HttpResponse:
    return _contact_action(
        request,
        contact_id,
        capability="approve_decisions",
        form_class=ApprovalForm,
        form_key="approval",
        message="Decision approved: the allocated team has been told",
        run=lambda contact, d: services.contact_approve(
            contact=contact, by=signed_in(request), version=d["version"], note=d["note"]
        ),
    )


@require_POST
def request_new(request: HttpRequest, contact_id: int) -> HttpResponse:
    return _contact_action(
        request,
        contact_id,
        capability="front_door",
        form_class=InformationRequestForm,
        form_key="request",
        message="Information requested",
        anchor="#information",
        run=lambda contact, d: services.information_request(
            contact=contact, source=d["source"], question=d["question"], by=signed_in(request)
        ),
    )


@require_http_methods(["GET", "POST"])
def request_respond(request: HttpRequest, request_id: int) -> HttpResponse:
    info = selectors.information_request_for(request.user, request_id)
    if info is None:
        raise Http404("Not found")
    form = InformationResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.information_respond(
                request=info, response=form.cleaned_data["response"], by=signed_in(request)
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return HttpResponseRedirect(reverse("frontdoor:contact", args=[info.contact_id]) + "#information")
    return render(
        request,
        "frontdoor/respond.html",
        {"title": "Record the information shared", "r": info, "form": form, "page_errors": error_list(form)},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def contact_match(request: HttpRequest, contact_id: int) -> HttpResponse:
    _require(request, "front_door")
    contact = _contact_or_404(request, contact_id)
    form = VersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "")
        try:
            if action == "new":
                services.contact_create_person(
                    contact=contact, by=signed_in(request), version=form.cleaned_data["version"]
                )
            elif action.startswith("link-") and action[5:].isdigit():
                person = selectors.linkable_person(request.user, contact, int(action[5:]))
                if person is None:
                    raise Http404("Not found")
                services.contact_link(
                    contact=contact,
                    person=person,
                    by=signed_in(request),
                    version=form.cleaned_data["version"],
                )
            else:
                form.add_error(None, "Choose a child to link, or create a new record")
        except services.Conflict as exc:
            return _conflict(request, exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        if not form.errors:
            messages.success(request, "Contact linked to the child's record")
            return HttpResponseRedirect(reverse("frontdoor:contact", args=[contact.pk]))
    candidates = selectors.match_candidates(request.user, contact)
    return render(
        request,
        "frontdoor/match.html",
        {
            "title": "Match the contact to a child",
            "c": contact,
            "candidates": candidates,
            "form": form,
            "page_errors": error_list(form),
        },
        status=400 if form.errors else 200,
    )


def matching_list(request: HttpRequest) -> HttpResponse:
    _require(request, "front_door")
    return render(
        request,
        "frontdoor/matching.html",
        {"title": "Contacts to match", "contacts": selectors.needs_review(request.user)},
    )


def _day(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return default


def _meeting_post(request: HttpRequest, kind: str, held_on: date, meeting: Any) -> tuple[Any, Any, bool]:
    """Handle the meeting page's two forms: record the meeting, or add an agreed action."""
    agencies = selectors.meeting_agencies(request.user)
    record_form = MeetingForm(
        request.POST if request.POST.get("form") == "meeting" else None, agencies=agencies
    )
    action_form = MeetingActionForm(request.POST if request.POST.get("form") == "action" else None)
    done = False
    if request.method == "POST" and record_form.is_bound and record_form.is_valid():
        chosen = [a for a in agencies if str(a.pk) in record_form.cleaned_data["agencies"]]
        try:
            services.meeting_record(
                partnership=partnership_of(request.user),  # type: ignore[arg-type]
                kind=kind,
                held_on=held_on,
                agencies=chosen,
                notes=record_form.cleaned_data["notes"],
                by=signed_in(request),
            )
            done = True
        except ValidationError as exc:
            apply_errors(record_form, exc)
    if request.method == "POST" and action_form.is_bound and action_form.is_valid():
        if meeting is None:
            action_form.add_error(None, "Record the meeting before adding actions")
        else:
            owner = next((a for a in agencies if a.pk == action_form.cleaned_data["owner_agency"]), None)
            contact_id = action_form.cleaned_data["contact"]
            contact = None
            if contact_id:
                try:
                    contact = selectors.contact_for_user(request.user, contact_id)
                except PersonNotFound:
                    action_form.add_error("contact", "There is no contact with that number")
            if not action_form.errors:
                try:
                    services.meeting_action_add(
                        meeting=meeting,
                        description=action_form.cleaned_data["description"],
                        owner_agency=owner,
                        due_on=action_form.cleaned_data["due_on"],
                        contact=contact,
                        by=signed_in(request),
                    )
                    done = True
                except ValidationError as exc:
                    apply_errors(action_form, exc)
    return record_form, action_form, done


@require_http_methods(["GET", "POST"])
def daily_meeting(request: HttpRequest) -> HttpResponse:
    _require(request, "front_door")
    day = _day(request.GET.get("date"), timezone.localdate())
    meeting = selectors.meeting_for(request.user, "daily", day)
    record_form, action_form, done = _meeting_post(request, "daily", day, meeting)
    if done:
        return HttpResponseRedirect(reverse("frontdoor:daily") + f"?date={day.isoformat()}")
    return render(
        request,
        "frontdoor/daily.html",
        {
            "title": "Daily information-sharing meeting",
            "day": day,
            "groups": selectors.daily_meeting_contacts(request.user, day),
            "meeting": meeting,
            "actions": selectors.meeting_actions(meeting),
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "record_form": record_form,
            "action_form": action_form,
            "agencies": selectors.meeting_agencies(request.user),
            "page_errors": error_list(record_form) + error_list(action_form),
        },
        status=400 if record_form.errors or action_form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def weekly_meeting(request: HttpRequest) -> HttpResponse:
    _require(request, "front_door")
    today = timezone.localdate()
    start = _day(request.GET.get("week"), today - timedelta(days=today.weekday() + 7))
    start = start - timedelta(days=start.weekday())
    held_on = min(start + timedelta(days=7), today)
    meeting = selectors.meeting_for(request.user, "weekly", held_on)
    record_form, action_form, done = _meeting_post(request, "weekly", held_on, meeting)
    if done:
        return HttpResponseRedirect(reverse("frontdoor:weekly") + f"?week={start.isoformat()}")
    return render(
        request,
        "frontdoor/weekly.html",
        {
            "title": "Weekly front door meeting",
            "start": start,
            "end": start + timedelta(days=6),
            "contacts": selectors.weekly_meeting_contacts(request.user, start),
            "meeting": meeting,
            "actions": selectors.meeting_actions(meeting),
            "previous": start - timedelta(days=7),
            "next": start + timedelta(days=7),
            "record_form": record_form,
            "action_form": action_form,
            "agencies": selectors.meeting_agencies(request.user),
            "held_on": held_on,
            "page_errors": error_list(record_form) + error_list(action_form),
        },
        status=400 if record_form.errors or action_form.errors else 200,
    )


@require_POST
def meeting_action_complete(request: HttpRequest, action_id: int) -> HttpResponse:
    action = selectors.meeting_action_for(request.user, action_id)
    if action is None:
        raise Http404("Not found")
    services.meeting_action_complete(action=action, by=signed_in(request))
    target = "frontdoor:daily" if action.meeting.kind == "daily" else "frontdoor:weekly"
    return HttpResponseRedirect(
        reverse(target)
        + ("?date=" if target.endswith("daily") else "?week=")
        + (
            action.meeting.held_on if target.endswith("daily") else action.meeting.held_on - timedelta(days=7)
        ).isoformat()
    )


def performance(request: HttpRequest) -> HttpResponse:
    caps = capabilities(request.user)
    if not (caps.front_door or caps.aggregates):
        raise Http404("Not found")
    until = _day(request.GET.get("until"), timezone.localdate())
    since = _day(request.GET.get("since"), until - timedelta(days=89))
    return render(
        request,
        "frontdoor/performance.html",
        {
            "title": "Front door performance",
            "p": selectors.performance(request.user, since, until),
            "suppress": not names_allowed(request.user),  # counts of 1 to 4 read "fewer than 5"
        },
    )


def contact_list(request: HttpRequest) -> HttpResponse:
    caps = capabilities(request.user)
    if not (caps.front_door or caps.aggregates):
        raise Http404("Not found")
    qs = selectors.contact_list(request.user, request.GET.dict())
    page = pager(request, qs.count())
    return render(
        request,
        "frontdoor/list.html",
        {
            "title": "Contacts behind the figure",
            "contacts": list(qs[page.start : page.end]),
            "total": page.total,
            "pager": page,
            "show_names": caps.front_door,
            "now": timezone.now(),
        },
    )


@require_http_methods(["GET", "POST"])
def report_concern(request: HttpRequest) -> HttpResponse:
    """A child, parent or member of the public reports a concern: no sign-in, protected from abuse.

    A submission that looks automated (the hidden field filled, sent within seconds of the form
    appearing, or from a form open more than a day) is never thanked and dropped: the form comes back
    with everything kept and a fresh time, and a person sends it again (decision 0013)."""
    form = PublicConcernForm(request.POST or None)
    ask_again = ""
    if request.method == "POST":
        source = services.public_source(request.META.get("REMOTE_ADDR", "unknown"))
        if selectors.public_reports_exhausted(source):
            return _public_limited(request)
        if form.is_valid():
            ask_again = _automated_reason(form.cleaned_data)
        if form.is_valid() and not ask_again:
            subject = form.subject()
            if not form.errors:
                data = services.ContactIn(
                    kind=Contact.Kind.PUBLIC,
                    received_at=timezone.now(),
                    summary=form.cleaned_data["summary"],
                    subject=subject,
                    reporter={
                        k: form.cleaned_data[f"reporter_{k}"] for k in ("name", "contact", "relationship")
                    },
                )
                try:
                    contact = services.public_concern_receive(
                        data=data, partnership=_public_partnership(), source=source
                    )
                except services.PublicRateLimited:
                    return _public_limited(request)
                except ValidationError as exc:
                    apply_errors(form, _flatten(exc))
                else:
                    return render(
                        request,
                        "frontdoor/public_thanks.html",
                        {"title": "Thank you", "reference": contact.pk},
                    )
    return render(
        request,
        "frontdoor/public.html",
        {
            "title": ("Not sent yet: " if ask_again else "") + "Report a concern about a child",
            "form": form,
            "page_errors": error_list(form),
            "ask_again": ask_again,
            "shown": signing.dumps(timezone.now().timestamp()),
        },
        status=400 if form.errors else 200,
    )


def _public_limited(request: HttpRequest) -> HttpResponse:
    return render(request, "frontdoor/public_limited.html", {"title": "Please call us instead"}, status=429)


def _automated_reason(cleaned: dict[str, Any]) -> str:
    """Why a submission must be sent again before it is stored, or "" for one a person sent."""
    if cleaned["website"]:
        return "check"
    try:
        shown = float(signing.loads(cleaned["shown"]))
    except (signing.BadSignature, ValueError, TypeError):
        return "check"
    waited = timezone.now().timestamp() - shown
    if waited > PUBLIC_MAX_SECONDS:
        return "stale"
    if waited < PUBLIC_MIN_SECONDS:
        return "check"
    return ""


def _public_partnership() -> Any:
    from .selectors import public_partnership

    return public_partnership()
