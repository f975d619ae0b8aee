"""Missing pages: the morning list, reporting and returns, the 48-hour strategy meeting, return home
interviews, a child's history, the patterns and the reports. Views parse and render; selectors and
services do the rest."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from mace.accounts.actors import signed_in
from mace.accounts.selectors import partnership_of
from mace.core import clocks, disclosure, tabular, ui
from mace.core.access import capabilities
from mace.core.ui import apply_errors, error_list, pager, problems_text
from mace.core.ui import require as _require
from mace.people.selectors import PersonNotFound, openable, person_for_user

from . import pdf, presenters, reports, selectors, services
from .forms import (
    InterviewForm,
    ReportForm,
    ReturnForm,
    StrategyForm,
    TriggerPlanEndForm,
    TriggerPlanForm,
    UpdateForm,
)
from .models import MissingEpisode, TriggerPlan

# Service field names → the form inputs that carry them (dates and times are composite inputs).
RENAME = {
    "last_seen_at": "seen_day",
    "reported_at": "reported_day",
    "returned_at": "returned_day",
    "held_at": "held_day",
    "at": "at_day",
    "subject.family_name": "family_name",
}


def _not_found(request: HttpRequest) -> HttpResponse:
    return ui.not_found(request)


def _conflict(request: HttpRequest, record: Any, attempted: dict[str, Any]) -> HttpResponse:
    saved: dict[str, Any] = {}
    if isinstance(record, MissingEpisode):
        back = reverse("missing:episode", args=[record.pk])
    elif isinstance(record, TriggerPlan):
        back = reverse("missing:trigger-plan", args=[record.person_id])
        saved = {name: getattr(record, name) for name in services.TRIGGER_FIELDS}
    else:
        back = reverse("missing:interview", args=[record.pk])
    return render(
        request,
        "core/conflict.html",
        {
            "title": "Someone else changed this record",
            "record": record,
            "attempted": attempted,
            "saved": saved,
            "back": back,
        },
        status=409,
    )


def _month(request: HttpRequest, default: date) -> date:
    text = request.GET.get("month", "")
    try:
        year, month = (int(p) for p in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        return default


def _last_month() -> date:
    today = timezone.localdate()
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


# The morning list ----------------------------------------------------------------------------------


def missing_now(request: HttpRequest) -> HttpResponse:
    caps = capabilities(request.user)
    if not (caps.records or caps.missing_list):
        raise Http404("Not found")
    view = selectors.morning_list(request.user)
    if fmt := tabular.requested(request):
        return tabular.download(
            request,
            name="missing-now",
            head=presenters.MORNING_HEAD,
            rows=(presenters.morning_export_row(r, view.now) for r in view.rows),
            fmt=fmt,
            object_type="missing_episode",
            detail={"scope": view.scope},
            sheet="Children missing now",
        )
    rows = [
        (r, presenters.strategy_rag(r, view.now), clocks.format_time_left(r.strategy_left)) for r in view.rows
    ]
    return render(
        request,
        "missing/now.html",
        {
            "title": "Children missing now",
            "view": view,
            "rows": rows,
            "to_identify": selectors.to_identify_rows(request.user).count(),
            "strategy_open": selectors.open_strategy_requirements(request.user),
            "openable": openable(request.user, [r.episode.person_id for r in view.rows]),
            "downloads": {f: tabular.filters_query(request, f) for f in tabular.FORMATS},
        },
    )


# Reporting -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    _require(request, "report_missing")
    person = None
    person_id = request.GET.get("person", "")
    if person_id.isdigit():
        try:
            person, _ = person_for_user(request.user, int(person_id), purpose="report-missing")
        except PersonNotFound:
            return _not_found(request)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        subject = {} if person else form.subject()
        if not person and form.cleaned_data.get("police_id"):
            subject["police_id"] = form.cleaned_data["police_id"].strip()
        partnership = person.partnership if person else partnership_of(request.user)  # type: ignore[arg-type]
        if not form.errors and partnership is not None:
            data = services.EpisodeIn(
                police_ref=form.cleaned_data["police_ref"],
                category=form.cleaned_data["category"],
                setting=form.cleaned_data["setting"],
                risk=form.cleaned_data["risk"],
                reported_at=form.cleaned_data["reported_at"],
                last_seen_at=form.cleaned_data["last_seen_at"],
                last_seen_place=form.cleaned_data["last_seen_place"],
                last_seen_with=form.cleaned_data["last_seen_with"],
                circumstances=form.cleaned_data["circumstances"],
                subject=subject,
                person=person,
            )
            try:
                episode, created = services.episode_report(
                    data=data, partnership=partnership, route="web", by=signed_in(request)
                )
            except ValidationError as exc:
                apply_errors(form, exc, RENAME)
            else:
                if created:
                    messages.success(
                        request, f"{episode.child_name} reported missing. Children's social care told."
                    )
                else:
                    messages.info(request, f"Police reference {episode.police_ref} was already recorded.")
                return HttpResponseRedirect(reverse("missing:episode", args=[episode.pk]))
    return render(
        request,
        "missing/report.html",
        {
            "title": "Report a child missing",
            "form": form,
            "person": person,
            "page_errors": error_list(form),
            "categories": MissingEpisode.Category.choices,
            "settings": MissingEpisode.Setting.choices,
            "risks": MissingEpisode.Risk.choices,
        },
        status=400 if form.errors else 200,
    )


def episode(request: HttpRequest, episode_id: int) -> HttpResponse:
    try:
        detail = selectors.episode_detail(request.user, episode_id)
    except PersonNotFound:
        return _not_found(request)
    now = timezone.now()
    e = detail.episode
    strategy_rag = clocks.rag(e.strategy_due_at, now, started=e.last_seen_at)
    return render(
        request,
        "missing/episode.html",
        {
            "title": f"Missing episode {e.police_ref}",
            "d": detail,
            "e": e,
            "now": now,
            "missing_for": (e.returned_at or now) - e.last_seen_at,
            "strategy_rag": strategy_rag,
            "strategy_left": clocks.format_time_left(e.strategy_due_at - now),
            "update_form": UpdateForm(),
            "strategy_form": StrategyForm(agencies=selectors.meeting_agencies(request.user)),
            "agencies": selectors.meeting_agencies(request.user),
            "risks": MissingEpisode.Risk.choices,
            "push": services.PUSH_FACTORS,
            "pull": services.PULL_FACTORS,
            # The morning list shows every missing child; their record, plan and history open only
            # for those who work with them.
            "child_opens": bool(openable(request.user, [e.person_id])),
        },
    )


@require_POST
def episode_update(request: HttpRequest, episode_id: int) -> HttpResponse:
    _require(request, "report_missing")
    try:
        e = selectors.episode_for_user(request.user, episode_id)
    except PersonNotFound:
        return _not_found(request)
    form = UpdateForm(request.POST)
    if form.is_valid():
        try:
            services.episode_update(
                episode=e,
                text=form.cleaned_data["text"],
                risk=form.cleaned_data["risk"],
                by=signed_in(request),
                version=form.cleaned_data["version"],
            )
        except services.Conflict as c:
            return _conflict(request, c.record, c.attempted)
        except ValidationError as exc:
            messages.error(request, problems_text(exc))
        else:
            messages.success(request, "Update recorded.")
    else:
        messages.error(request, "Say what was learned or done.")
    return HttpResponseRedirect(reverse("missing:episode", args=[e.pk]))


@require_http_methods(["GET", "POST"])
def episode_return(request: HttpRequest, episode_id: int) -> HttpResponse:
    _require(request, "report_missing")
    try:
        e = selectors.episode_for_user(request.user, episode_id)
    except PersonNotFound:
        return _not_found(request)
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = services.ReturnIn(
            returned_at=form.cleaned_data["returned_at"],
            found_place=form.cleaned_data["found_place"],
            found_by=form.cleaned_data["found_by"],
            found_with=form.cleaned_data["found_with"],
            found_outside_area={"yes": True, "no": False}.get(form.cleaned_data["found_outside_area"]),
            child_account=form.cleaned_data["child_account"],
            harm_disclosed=form.cleaned_data["harm_disclosed"] == "yes",
            harm_details=form.cleaned_data["harm_details"],
        )
        try:
            services.episode_return(
                episode=e, data=data, by=signed_in(request), version=form.cleaned_data["version"]
            )
        except services.Conflict as c:
            return _conflict(request, c.record, c.attempted)
        except ValidationError as exc:
            apply_errors(form, exc, RENAME)
        else:
            messages.success(
                request, "Return recorded. Children's social care and the return home service told."
            )
            return HttpResponseRedirect(reverse("missing:episode", args=[e.pk]))
    return render(
        request,
        "missing/return.html",
        {
            "title": f"Record the return: {e.child_name}",
            "e": e,
            "form": form,
            "page_errors": error_list(form),
            "found_by": MissingEpisode.FoundBy.choices,
        },
        status=400 if form.errors else 200,
    )


@require_POST
def strategy_held(request: HttpRequest, episode_id: int) -> HttpResponse:
    _require(request, "record_strategy")
    requirement = selectors.strategy_for_user(request.user, episode_id)
    if requirement is None:
        return _not_found(request)
    agencies = selectors.meeting_agencies(request.user)
    form = StrategyForm(request.POST, agencies=agencies)
    if form.is_valid():
        chosen = [a for a in agencies if str(a.pk) in form.cleaned_data["agencies"]]
        try:
            services.strategy_held(
                requirement=requirement,
                held_at=form.cleaned_data["held_at"],
                outcome=form.cleaned_data["outcome"],
                agencies=chosen,
                police_attended=form.cleaned_data["police_attended"],
                by=signed_in(request),
            )
        except ValidationError as exc:
            messages.error(request, problems_text(exc))
        else:
            messages.success(request, "Strategy meeting recorded as held.")
    else:
        problems = [str(e) for errs in form.errors.values() for e in errs]
        messages.error(request, " ".join(problems) or "Check the meeting details.")
    return HttpResponseRedirect(reverse("missing:episode", args=[episode_id]) + "#strategy")


# Identifying the child -----------------------------------------------------------------------------


def identify_list(request: HttpRequest) -> HttpResponse:
    _require(request, "missing_list")
    qs = selectors.to_identify_rows(request.user)
    page = pager(request, qs.count())
    return render(
        request,
        "missing/identify_list.html",
        {"title": "Missing episodes to identify", "episodes": list(qs[page.start : page.end]), "pager": page},
    )


@require_http_methods(["GET", "POST"])
def identify(request: HttpRequest, episode_id: int) -> HttpResponse:
    _require(request, "missing_list")
    try:
        e = selectors.episode_for_user(request.user, episode_id)
    except PersonNotFound:
        return _not_found(request)
    if request.method == "POST":
        version = request.POST.get("version", "")
        v = int(version) if version.isdigit() else None
        try:
            if request.POST.get("person") == "new":
                services.episode_create_person(episode=e, by=signed_in(request), version=v)
            else:
                pid = request.POST.get("person", "")
                person = selectors.identifiable_person(request.user, e, int(pid)) if pid.isdigit() else None
                if person is None:
                    messages.error(request, "Choose the child this episode is about.")
                    return HttpResponseRedirect(reverse("missing:identify", args=[e.pk]))
                services.episode_link(episode=e, person=person, by=signed_in(request), version=v)
        except services.Conflict as c:
            return _conflict(request, c.record, c.attempted)
        except PermissionError as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, problems_text(exc))
        else:
            messages.success(request, "Child identified.")
            return HttpResponseRedirect(reverse("missing:episode", args=[e.pk]))
    return render(
        request,
        "missing/identify.html",
        {
            "title": f"Who is {e.subject_name}?",
            "e": e,
            "candidates": selectors.identify_candidates(request.user, e),
            "can_create": capabilities(request.user).create_people,
        },
    )


# Return home interviews ----------------------------------------------------------------------------


def interviews(request: HttpRequest) -> HttpResponse:
    caps = capabilities(request.user)
    if not (caps.return_interviews or caps.missing_list):
        raise Http404("Not found")
    now = timezone.now()
    rows = [
        (
            i,
            clocks.rag(i.offer_due_at, now, started=i.created_at) if i.offered_at is None else "done",
            clocks.format_time_left(i.offer_due_at - now),
        )
        for i in selectors.interview_queue(request.user)
    ]
    return render(request, "missing/interviews.html", {"title": "Return home interviews", "rows": rows})


@require_http_methods(["GET", "POST"])
def interview(request: HttpRequest, interview_id: int) -> HttpResponse:
    try:
        i = selectors.interview_for_user(request.user, interview_id)
    except PersonNotFound:
        return _not_found(request)
    caps = capabilities(request.user)
    form = InterviewForm(request.POST or None)
    if request.method == "POST":
        if not caps.return_interviews:
            raise Http404("Not found")
        if form.is_valid():
            data = services.InterviewIn(
                action=form.cleaned_data["action"],
                at=form.cleaned_data.get("at"),
                push_factors=form.cleaned_data["push_factors"],
                pull_factors=form.cleaned_data["pull_factors"],
                where_stayed=form.cleaned_data["where_stayed"],
                who_with=form.cleaned_data["who_with"],
                child_words=form.cleaned_data["child_words"],
                follow_up=form.cleaned_data["follow_up"],
            )
            try:
                services.interview_record(
                    interview=i, data=data, by=signed_in(request), version=form.cleaned_data["version"]
                )
            except services.Conflict as c:
                return _conflict(request, c.record, c.attempted)
            except ValidationError as exc:
                apply_errors(form, exc, RENAME)
            else:
                messages.success(request, "Interview updated.")
                return HttpResponseRedirect(reverse("missing:interview", args=[i.pk]))
    now = timezone.now()
    return render(
        request,
        "missing/interview.html",
        {
            "title": f"Return home interview: {i.episode.child_name}",
            "i": i,
            "e": i.episode,
            "form": form,
            "page_errors": error_list(form),
            "can_record": caps.return_interviews,
            "offer_rag": clocks.rag(i.offer_due_at, now, started=i.created_at),
            "offer_left": clocks.format_time_left(i.offer_due_at - now),
            "push": services.PUSH_FACTORS,
            "pull": services.PULL_FACTORS,
        },
        status=400 if form.errors else 200,
    )


# A child's history ---------------------------------------------------------------------------------


def child_history(request: HttpRequest, person_id: int) -> HttpResponse:
    try:
        person, _ = person_for_user(request.user, person_id, purpose="view")
    except PersonNotFound:
        return _not_found(request)
    return render(
        request,
        "missing/history.html",
        {
            "title": f"Missing history: {person.display_name}",
            "person": person,
            "h": selectors.history_for_person(person),
            "can_report": capabilities(request.user).report_missing,
        },
    )


# Patterns and reports ------------------------------------------------------------------------------


def _require_figures(request: HttpRequest) -> None:
    caps = capabilities(request.user)
    if not (caps.aggregates or caps.missing_list):
        raise Http404("Not found")


def patterns(request: HttpRequest) -> HttpResponse:
    _require_figures(request)
    until = timezone.localdate()
    since = until - timedelta(days=364)
    return render(
        request,
        "missing/patterns.html",
        {
            "title": "Patterns of children going missing",
            "p": reports.patterns(request.user, since=since, until=until),
        },
    )


def monthly(request: HttpRequest) -> HttpResponse:
    _require_figures(request)
    month = _month(request, _last_month())
    data = reports.monthly_dataset(request.user, month)
    if request.GET.get("format") == "csv":
        return _monthly_csv(data)
    return render(
        request,
        "missing/monthly.html",
        {
            "title": f"Missing and CSE dataset: {month:%B %Y}",
            "d": data,
            "figures": [(label, data.n(value)) for label, value in reports.dataset_rows(data)],
            "previous": reports._add_months(month, -1),
            "next": reports._add_months(month, 1),
        },
    )


def _monthly_csv(data: reports.MonthlyDataset) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="missing-dataset-{data.month:%Y-%m}.csv"'
    writer = csv.writer(response)
    writer.writerow(["figure", "count", "of", "percent"])
    for label, value in reports.dataset_rows(data):
        if isinstance(value, reports.Rate):
            if data.suppress and any(
                disclosure.small(v, suppress=True) for v in (value.met, value.total, value.total - value.met)
            ):
                # Neither side of the rate may be 1 to 4: the figure as the page words it, no percent.
                writer.writerow([label, data.n(value), "", ""])
            else:
                writer.writerow([label, value.met, value.total, f"{value.percent:.1f}"])
        else:
            writer.writerow([label, data.n(value) if data.suppress else value, "", ""])
    if not data.rows_shown:
        return response  # the number of mismatches is above; the episodes behind it are not for this reader
    writer.writerow([])
    writer.writerow(["mismatch: episode", "police reference", "at", "problem"])
    for m in data.mismatches:
        writer.writerow([m.episode_id, m.police_ref, timezone.localtime(m.at).isoformat(), m.problem])
    return response


def drivers(request: HttpRequest) -> HttpResponse:
    _require_figures(request)
    month = _month(request, _last_month())
    data = reports.drivers_report(request.user, last_month=month)
    return render(
        request,
        "missing/drivers.html",
        {"title": "Why children go missing: drivers and trends", "r": data, "month": month},
    )


def drivers_pdf(request: HttpRequest) -> HttpResponse:
    _require_figures(request)
    month = _month(request, _last_month())
    data = reports.drivers_report(request.user, last_month=month)
    partnership = partnership_of(request.user)  # type: ignore[arg-type]
    response = HttpResponse(
        pdf.drivers_pdf(data, partnership=str(partnership or "")), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="missing-drivers-{month:%Y-%m}.pdf"'
    return response


# Trigger plans and the missing from home workload (5.4g) ------------------------------------------


def trigger_plan(request: HttpRequest, person_id: int) -> HttpResponse:
    try:
        person, _ = person_for_user(request.user, person_id, purpose="view")
    except PersonNotFound:
        return _not_found(request)
    plan = selectors.live_trigger_plan(person)
    return render(
        request,
        "missing/trigger_plan.html",
        {
            "title": f"Police trigger plan: {person.display_name}",
            "person": person,
            "plan": plan,
            "overdue": plan is not None and plan.review_due_on < timezone.localdate(),
            "can_edit": capabilities(request.user).report_missing,
            "end_form": TriggerPlanEndForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def trigger_plan_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    _require(request, "report_missing")
    try:
        person, _ = person_for_user(request.user, person_id, purpose="trigger-plan")
    except PersonNotFound:
        return _not_found(request)
    plan = selectors.live_trigger_plan(person)
    initial = {name: getattr(plan, name) for name in services.TRIGGER_FIELDS} if plan else {}
    form = TriggerPlanForm(
        request.POST or None, initial={**initial, "version": plan.version if plan else None}
    )
    if request.method == "POST" and form.is_valid():
        data = services.TriggerPlanIn(**{name: form.cleaned_data[name] for name in services.TRIGGER_FIELDS})
        try:
            services.trigger_plan_save(
                person=person, data=data, by=signed_in(request), version=form.cleaned_data["version"]
            )
        except services.Conflict as c:
            return _conflict(request, c.record, c.attempted)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Trigger plan saved. The child's allocated team has been told.")
            return HttpResponseRedirect(reverse("missing:trigger-plan", args=[person.pk]))
    return render(
        request,
        "missing/trigger_plan_edit.html",
        {
            "title": f"{'Review' if plan else 'Write'} the trigger plan: {person.display_name}",
            "person": person,
            "plan": plan,
            "form": form,
            "values": form.data if form.is_bound else {**initial},
            "review_days": settings.MACE_TRIGGER_PLAN_REVIEW_DAYS,
            "page_errors": error_list(form),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def trigger_plan_end(request: HttpRequest, person_id: int) -> HttpResponse:
    _require(request, "report_missing")
    try:
        person, _ = person_for_user(request.user, person_id, purpose="trigger-plan")
    except PersonNotFound:
        return _not_found(request)
    plan = selectors.live_trigger_plan(person)
    if plan is None:
        return _not_found(request)
    form = TriggerPlanEndForm(request.POST)
    if form.is_valid():  # only the version can be malformed; the service names a missing reason
        try:
            services.trigger_plan_end(
                plan=plan,
                reason=form.cleaned_data["end_reason"],
                by=signed_in(request),
                version=form.cleaned_data["version"],
            )
        except services.Conflict as c:
            return _conflict(request, c.record, c.attempted)
        except ValidationError as exc:
            messages.error(request, problems_text(exc))
        else:
            messages.success(request, "Trigger plan ended.")
    else:
        messages.error(request, "The form was out of date: open the plan again.")
    return HttpResponseRedirect(reverse("missing:trigger-plan", args=[person.pk]))


def workload(request: HttpRequest) -> HttpResponse:
    _require_figures(request)
    month = _month(request, timezone.localdate())
    return render(
        request,
        "missing/workload.html",
        {
            "title": "Missing from home: workload and trigger plans",
            "w": reports.workload(request.user, last_month=month),
            "month": month,
        },
    )
