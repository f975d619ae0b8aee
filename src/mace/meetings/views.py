"""Meeting pages: arranging, holding, minuting and sharing, actions, compliance and the police rota.
Views parse and render; selectors and services do the rest."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from mace.accounts.actors import signed_in
from mace.accounts.selectors import partnership_of
from mace.core import clocks, tabular, ui
from mace.core.access import capabilities, names_allowed
from mace.core.ui import apply_errors, error_list, pager, problems_text
from mace.core.ui import require as _require
from mace.people.selectors import PersonNotFound, openable

from . import presenters, selectors, services
from .forms import ActionForm, HoldForm, MinutesForm, ScheduleForm
from .models import Meeting

RENAME = {"scheduled_at": "at_day", "held_at": "held_day"}


def _not_found(request: HttpRequest) -> HttpResponse:
    return ui.not_found(request)


def meeting_list(request: HttpRequest) -> HttpResponse:
    caps = capabilities(request.user)
    if not (caps.meetings or caps.records):
        raise Http404("Not found")
    upcoming_qs, unshared_qs = selectors.my_meetings(request.user)
    coming = pager(request, upcoming_qs.count(), param="coming")
    due = pager(request, unshared_qs.count(), param="minutes")
    now = timezone.now()
    rows = [
        (
            m,
            clocks.rag(m.minutes_due_at, now, started=m.held_at),
            clocks.format_time_left(m.minutes_due_at - now),
        )
        for m in unshared_qs[due.start : due.end]
        if m.minutes_due_at and m.held_at  # always set here (the selector filters); narrows the types
    ]
    return render(
        request,
        "meetings/list.html",
        {
            "title": "Meetings",
            "upcoming": list(upcoming_qs[coming.start : coming.end]),
            "unshared": rows,
            "coming_pager": coming,
            "minutes_pager": due,
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    _require(request, "meetings")
    user = signed_in(request)
    params = request.POST if request.method == "POST" else request.GET
    ids = [int(v) for v in params.getlist("person") if v.isdigit()]
    task = selectors.task_for_user(user, int(params["task"])) if params.get("task", "").isdigit() else None
    requirement = (
        selectors.requirement_for_user(user, int(params["requirement"]))
        if params.get("requirement", "").isdigit()
        else None
    )
    if task is not None:
        ids.append(task.person_id)
    if requirement is not None and requirement.episode.person_id:
        ids.append(requirement.episode.person_id)
    children = selectors.children_for_meeting(user, ids)
    kind = params.get("kind", "")
    if task is not None or requirement is not None:
        kind = Meeting.Kind.STRATEGY
    form = ScheduleForm(request.POST or None, initial={"kind": kind})
    if request.method == "POST" and form.is_valid():
        partnership = partnership_of(user)
        team = selectors.team_for_meetings(user)
        if partnership is None or team is None:
            form.add_error(None, "Your account is not in a team of a partnership")
        else:
            data = services.MeetingIn(
                kind=form.cleaned_data["kind"],
                scheduled_at=form.cleaned_data["scheduled_at"],
                purpose=form.cleaned_data["purpose"],
                places=form.cleaned_data["places"],
                children=children,
                task=task,
                requirement=requirement,
            )
            try:
                meeting = services.meeting_schedule(data=data, partnership=partnership, team=team, by=user)
            except PermissionError as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                apply_errors(form, exc, RENAME)
            else:
                messages.success(
                    request, f"{meeting.get_kind_display()} arranged; {meeting.invitations.count()} invited."
                )
                return HttpResponseRedirect(reverse("meetings:detail", args=[meeting.pk]))
    return render(
        request,
        "meetings/new.html",
        {
            "title": "Arrange a meeting",
            "form": form,
            "children": children,
            "task": task,
            "requirement": requirement,
            "kind": kind,
            "kinds": Meeting.Kind.choices,
            "page_errors": error_list(form),
        },
        status=400 if form.errors else 200,
    )


def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    try:
        d = selectors.meeting_detail(request.user, meeting_id)
    except PersonNotFound:
        return _not_found(request)
    now = timezone.now()
    m = d.meeting
    return render(
        request,
        "meetings/detail.html",
        {
            "title": f"{m.get_kind_display()}, {timezone.localtime(m.scheduled_at):%d %B %Y}",
            "d": d,
            "m": m,
            "now": now,
            "minutes_rag": clocks.rag(m.minutes_due_at, now, started=m.held_at)
            if m.minutes_due_at and m.held_at
            else None,
            "minutes_left": clocks.format_time_left(m.minutes_due_at - now) if m.minutes_due_at else "",
            "owners": selectors.owners_for(m),
            "hold_form": HoldForm(),
            # A MACE panel or a strategy meeting can be about children the reader does not work with.
            "openable": openable(request.user, [c.pk for c in d.children]),
        },
    )


@require_POST
def meeting_hold(request: HttpRequest, meeting_id: int) -> HttpResponse:
    _require(request, "meetings")
    try:
        d = selectors.meeting_detail(request.user, meeting_id)
    except PersonNotFound:
        return _not_found(request)
    if not d.can_edit:
        return _not_found(request)
    form = HoldForm(request.POST)
    if form.is_valid():
        came = set(request.POST.getlist("attended"))
        s47 = {"yes": True, "no": False}.get(form.cleaned_data["section_47"])
        data = services.HeldIn(
            held_at=form.cleaned_data["held_at"],
            attendance={i.pk: str(i.pk) in came for i in d.invitations},
            decision=form.cleaned_data["decision"],
            section_47=s47,
            child_voice=form.cleaned_data["child_voice"],
        )
        try:
            services.meeting_hold(
                meeting=d.meeting, data=data, by=signed_in(request), version=form.cleaned_data["version"]
            )
        except services.Conflict as c:
            return _conflict(request, c)
        except PermissionError as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, problems_text(exc))
        else:
            messages.success(request, "Meeting recorded as held. Write and share the minutes within 10 days.")
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return HttpResponseRedirect(reverse("meetings:detail", args=[meeting_id]))


def _conflict(request: HttpRequest, c: services.Conflict) -> HttpResponse:
    return render(
        request,
        "core/conflict.html",
        {
            "title": "Someone else changed this meeting",
            "record": c.record,
            "attempted": c.attempted,
            "back": reverse("meetings:detail", args=[c.record.pk]),
        },
        status=409,
    )


@require_POST
def minutes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    _require(request, "meetings")
    try:
        d = selectors.meeting_detail(request.user, meeting_id)
    except PersonNotFound:
        return _not_found(request)
    if not d.can_edit:
        return _not_found(request)
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            services.minutes_write(
                meeting=d.meeting,
                minutes=form.cleaned_data["minutes"],
                by=signed_in(request),
                version=form.cleaned_data["version"],
            )
        except services.Conflict as c:
            return _conflict(request, c)
        except ValidationError as exc:
            messages.error(request, problems_text(exc))
        else:
            messages.success(request, "Minutes saved.")
    else:
        messages.error(request, "Write the minutes.")
    return HttpResponseRedirect(reverse("meetings:detail", args=[meeting_id]) + "#minutes")


@require_POST
def share(request: HttpRequest, meeting_id: int) -> HttpResponse:
    _require(request, "meetings")
    try:
        d = selectors.meeting_detail(request.user, meeting_id)
    except PersonNotFound:
        return _not_found(request)
    if not d.can_edit:
        return _not_found(request)
    ids = [int(v) for v in request.POST.getlist("recipients") if v.isdigit()]
    recipients = selectors.invitees_of(d.meeting, ids)
    if len(recipients) != len(set(ids)):
        messages.error(request, "Minutes are shared only with people invited to the meeting.")
    else:
        try:
            services.minutes_share(meeting=d.meeting, recipients=recipients, by=signed_in(request))
        except ValidationError as exc:
            messages.error(request, problems_text(exc))
        else:
            messages.success(request, f"Minutes shared with {len(recipients)} people.")
    return HttpResponseRedirect(reverse("meetings:detail", args=[meeting_id]) + "#minutes")


@require_POST
def action_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    _require(request, "meetings")
    try:
        d = selectors.meeting_detail(request.user, meeting_id)
    except PersonNotFound:
        return _not_found(request)
    if not d.can_edit:
        return _not_found(request)
    form = ActionForm(request.POST)
    if form.is_valid():
        owner = (
            selectors.owner_for(d.meeting, form.cleaned_data["owner"]) if form.cleaned_data["owner"] else None
        )
        try:
            due = date(
                form.cleaned_data["due_year"], form.cleaned_data["due_month"], form.cleaned_data["due_day"]
            )
        except ValueError:
            messages.error(request, "The due date must be a real date.")
            return HttpResponseRedirect(reverse("meetings:detail", args=[meeting_id]) + "#actions")
        try:
            services.action_add(
                meeting=d.meeting,
                description=form.cleaned_data["description"],
                owner=owner,
                due_on=due,
                by=signed_in(request),
                person=d.children[0] if len(d.children) == 1 else None,
            )
        except ValidationError as exc:
            messages.error(request, problems_text(exc))
        else:
            messages.success(request, "Action added.")
    else:
        messages.error(request, "Describe the action, choose its owner and give a due date.")
    return HttpResponseRedirect(reverse("meetings:detail", args=[meeting_id]) + "#actions")


@require_POST
def action_complete(request: HttpRequest, action_id: int) -> HttpResponse:
    action = selectors.action_for_user(request.user, action_id)
    if action is None:
        return _not_found(request)
    try:
        services.action_complete(action=action, by=signed_in(request))
    except PermissionError:
        return _not_found(request)
    messages.success(request, "Action completed.")
    return HttpResponseRedirect(reverse("meetings:detail", args=[action.meeting_id]) + "#actions")


def compliance(request: HttpRequest) -> HttpResponse:
    caps = capabilities(request.user)
    if not (caps.aggregates or caps.meetings):
        raise Http404("Not found")
    until = timezone.localdate()
    since = (until.replace(day=1) - timedelta(days=335)).replace(day=1)
    c = selectors.minutes_compliance(request.user, since=since, until=until)
    suppress = not names_allowed(request.user)  # counts of 1 to 4 read "fewer than 5"
    if fmt := tabular.requested(request):
        return tabular.download(
            request,
            name="minutes-compliance",
            head=presenters.COMPLIANCE_HEAD,
            rows=presenters.compliance_rows(c, suppress=suppress),
            fmt=fmt,
            object_type="meeting",
            detail={"since": since.isoformat(), "until": until.isoformat()},
            sheet="Minutes compliance",
        )
    return render(
        request,
        "meetings/compliance.html",
        {
            "title": "Minutes shared within 10 days",
            "c": c,
            "since": since,
            "until": until,
            "suppress": suppress,
            "downloads": {f: tabular.filters_query(request, f) for f in tabular.FORMATS},
        },
    )


@require_http_methods(["GET", "POST"])
def rota(request: HttpRequest) -> HttpResponse:
    _require(request, "meetings")
    if request.method == "POST":
        day_text = request.POST.get("day", "")
        officer_id = request.POST.get("officer", "")
        officers = {str(o.pk): o for o in selectors.police_officers(request.user)}
        partnership = partnership_of(request.user)  # type: ignore[arg-type]
        try:
            day = date.fromisoformat(day_text)
            if officer_id not in officers or partnership is None:
                raise ValidationError({"officer": "Choose a police officer"})
            services.rota_set(
                partnership=partnership, day=day, officer=officers[officer_id], by=signed_in(request)
            )
        except ValueError:
            messages.error(request, "Choose a day.")
        except PermissionError as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, problems_text(exc))
        else:
            messages.success(request, "Rota updated.")
        return HttpResponseRedirect(reverse("meetings:rota"))
    return render(
        request,
        "meetings/rota.html",
        {
            "title": "Police rota for strategy meetings",
            "days": selectors.rota(request.user, timezone.localdate()),
            "officers": selectors.police_officers(request.user),
            "can_set": request.user.has_role("police_officer"),  # type: ignore[union-attr]
        },
    )
