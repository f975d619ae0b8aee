"""Plan pages: the child's plan, saving a new version, what changed, acknowledging, reviews, and a
professional's list of plans with versions they have not read. Views parse and render; selectors and
services do the rest."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from mace.accounts.actors import signed_in
from mace.core import ui
from mace.core.access import capabilities
from mace.core.ui import error_list, pager
from mace.core.ui import require as _require
from mace.people.selectors import PersonNotFound

from . import diff, selectors, services
from .forms import BLANK_ROWS, PlanForm, ReviewForm
from .models import PlanReview, PlanType


def _not_found(request: HttpRequest) -> HttpResponse:
    return ui.not_found(request)


def _apply(form: Any, exc: ValidationError) -> None:
    for name, problems in exc.message_dict.items():
        for problem in problems:
            if name in form.fields:
                form.add_error(name, problem)
            else:
                form._errors.setdefault(name, form.error_class()).append(problem)


def _conflict(request: HttpRequest, person_id: int, c: services.Conflict) -> HttpResponse:
    saved = c.record
    return render(
        request,
        "plans/conflict.html",
        {
            "title": "Someone else changed this plan",
            "saved": saved,
            "attempted": c.attempted,
            "fields": diff.FIELDS,
            "changes": diff.compare(saved, c.attempted),
            "person_id": person_id,
        },
        status=409,
    )


def my_plans(request: HttpRequest) -> HttpResponse:
    _require(request, "records")
    filters = selectors.PlanFilters(
        read=request.GET.get("read", "") if request.GET.get("read") in ("unread", "read") else "",
        plan_type=request.GET.get("type", "") if request.GET.get("type") in PlanType.values else "",
        sort=request.GET.get("sort", "") if request.GET.get("sort") in selectors.PLAN_SORTS else "",
    )
    plans = selectors.my_plans(request.user, filters)
    page = pager(request, plans.count())
    rows = [selectors.MyPlanRow(p, p.seen) for p in plans[page.start : page.end]]  # type: ignore[attr-defined]
    unread = selectors.my_plans(request.user, selectors.PlanFilters(read="unread")).count()
    return render(
        request,
        "plans/mine.html",
        {
            "title": "Plans",
            "rows": rows,
            "unread": unread,
            "pager": page,
            "filters": filters,
            "types": PlanType.choices,
            "sorts": selectors.PLAN_SORTS,
        },
    )


def plan(request: HttpRequest, person_id: int) -> HttpResponse:
    _require(request, "records")
    try:
        page = selectors.plan_page(request.user, person_id)
    except PersonNotFound:
        return _not_found(request)
    receipt = None
    if page.plan is not None:
        receipt = services.plan_seen(plan=page.plan, by=signed_in(request))
        page.holders = selectors.holders(page.plan)
    return render(
        request,
        "plans/plan.html",
        {
            "title": f"{page.person.display_name}: plan",
            "page": page,
            "p": page.person,
            "v": page.current,
            "receipt": receipt,
            "today": timezone.localdate().isoformat(),
            "can_edit": capabilities(request.user).edit_plans,
        },
    )


def _initial_rows(version: Any) -> list[dict[str, str]]:
    rows = [dict(a) for a in (version.actions if version else [])]
    return rows + [{"key": "", "text": "", "owner": "", "agency": "", "due": "", "done": ""}] * BLANK_ROWS


def _posted_rows(form: PlanForm) -> list[dict[str, str]]:
    d = form.data
    count = int(d.get("action_rows", "0")) if str(d.get("action_rows", "0")).isdigit() else 0
    rows = [
        {k: str(d.get(f"action_{k}_{i}", "")) for k in ("key", "text", "owner", "agency", "due", "done")}
        for i in range(1, min(count, 200) + 1)
    ]
    return rows + [{"key": "", "text": "", "owner": "", "agency": "", "due": "", "done": ""}] * BLANK_ROWS


def _on_form_rows(exc: ValidationError, positions: list[int]) -> ValidationError:
    """The service numbers actions 1, 2, 3 as kept; the form's rows may have blanks between them."""
    moved: dict[str, Any] = {}
    for key, problems in exc.message_dict.items():
        if key.startswith("action_") and key[7:].isdigit() and 0 < int(key[7:]) <= len(positions):
            n, row = int(key[7:]), positions[int(key[7:]) - 1]
            key = f"action_{row}"
            problems = [p.replace(f"Action {n}:", f"Action {row}:", 1) for p in problems]
        moved.setdefault(key, []).extend(problems)
    return ValidationError(moved)


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, person_id: int) -> HttpResponse:
    _require(request, "edit_plans")
    try:
        page = selectors.plan_page(
            request.user, person_id, purpose="plan" if request.method == "POST" else "view"
        )
    except PersonNotFound:
        return _not_found(request)
    v = page.current
    initial: dict[str, Any] = {"version": page.plan.version if page.plan else 0}
    if v is not None:
        initial.update(
            {
                "plan_type": v.plan_type,
                "needs_and_risks": v.needs_and_risks,
                "outcomes": v.outcomes,
                "child_views": v.child_views,
                "family_views": v.family_views,
                "contingency": v.contingency,
            }
        )
    form = PlanForm(request.POST or None, initial=initial)
    rows = _initial_rows(v)
    if request.method == "POST":
        rows = _posted_rows(form)
        if form.is_valid():
            actions, date_problems, positions = form.actions()
            data = services.PlanIn(
                plan_type=form.cleaned_data["plan_type"],
                reason=form.cleaned_data["reason"],
                agree=request.POST.get("agree") == "yes",
                needs_and_risks=form.cleaned_data["needs_and_risks"],
                outcomes=form.cleaned_data["outcomes"],
                child_views=form.cleaned_data["child_views"],
                family_views=form.cleaned_data["family_views"],
                contingency=form.cleaned_data["contingency"],
                actions=actions,
            )
            try:
                if date_problems:  # with every other problem, all at once
                    found = services.validate_plan(data, first=page.plan is None)
                    raise ValidationError({**found, **date_problems})
                new = services.plan_save(
                    person=page.person, data=data, by=signed_in(request), version=form.cleaned_data["version"]
                )
            except services.Conflict as c:
                return _conflict(request, page.person.pk, c)
            except ValidationError as exc:
                _apply(form, _on_form_rows(exc, positions))
            else:
                word = "agreed" if data.agree else "saved as a draft"
                messages.success(
                    request, f"Version {new.number} of the plan {word}. Everyone involved has been told."
                )
                return HttpResponseRedirect(reverse("plans:plan", args=[page.person.pk]))
    return render(
        request,
        "plans/edit.html",
        {
            "title": f"{page.person.display_name}: {'change the plan' if page.plan else 'start the plan'}",
            "page": page,
            "p": page.person,
            "form": form,
            "rows": rows,
            "agencies": selectors.partnership_agencies(page.person),
            "types": PlanType.choices,
            "page_errors": error_list(form),
        },
        status=400 if form.errors else 200,
    )


def version(request: HttpRequest, person_id: int, number: int) -> HttpResponse:
    _require(request, "records")
    try:
        person, plan, v, changes = selectors.version_for_user(request.user, person_id, number)
    except PersonNotFound:
        return _not_found(request)
    services.plan_seen(plan=plan, by=signed_in(request), number=number)
    return render(
        request,
        "plans/version.html",
        {
            "title": f"{person.display_name}: plan version {number}",
            "p": person,
            "plan": plan,
            "v": v,
            "changes": changes,
            "today": timezone.localdate().isoformat(),
        },
    )


@require_POST
def acknowledge(request: HttpRequest, person_id: int) -> HttpResponse:
    _require(request, "records")
    try:
        page = selectors.plan_page(request.user, person_id)
    except PersonNotFound:
        return _not_found(request)
    if page.plan is None:
        return _not_found(request)
    number = request.POST.get("number", "")
    if not number.isdigit() or int(number) != page.plan.version:
        messages.error(request, "There is a newer version of the plan: read it, then confirm.")
    else:
        services.plan_seen(plan=page.plan, by=signed_in(request), acknowledge=True)
        messages.success(request, f"You have confirmed you have read version {number} of the plan.")
    return HttpResponseRedirect(reverse("plans:plan", args=[person_id]))


@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, person_id: int) -> HttpResponse:
    _require(request, "edit_plans")
    try:
        page = selectors.plan_page(request.user, person_id)
    except PersonNotFound:
        return _not_found(request)
    if page.plan is None:
        return _not_found(request)
    meetings = selectors.review_meetings(page.person)
    chosen = request.GET.get("meeting", "")
    form = ReviewForm(
        request.POST or None,
        initial={"version": page.plan.version, "meeting": int(chosen) if chosen.isdigit() else None},
    )
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        meeting = next((m for m in meetings if m.pk == c["meeting"]), None)
        data = services.ReviewIn(
            held_on=form.held(),
            attendees=c["attendees"],
            progress=c["progress"],
            contingency_needed=form.yes_no(c["contingency_needed"]),
            contingency_used=form.yes_no(c["contingency_used"]),
            contingency_not_used_reason=c["contingency_not_used_reason"],
            child_safer=c["child_safer"],
            decision=c["decision"],
            new_type=c["new_type"],
            child_views=c["child_views"],
            meeting=meeting,
        )
        try:
            if c["meeting"] and meeting is None:
                raise ValidationError({"meeting": "Choose a plan review meeting about this child"})
            services.review_record(plan=page.plan, data=data, by=signed_in(request), version=c["version"])
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, "Review recorded.")
            return HttpResponseRedirect(reverse("plans:plan", args=[person_id]))
    return render(
        request,
        "plans/review.html",
        {
            "title": f"{page.person.display_name}: review the plan",
            "page": page,
            "p": page.person,
            "form": form,
            "types": PlanType.choices,
            "safer": PlanReview.Safer.choices,
            "decisions": PlanReview.Decision.choices,
            "meetings": meetings,
            "page_errors": error_list(form),
        },
        status=400 if form.errors else 200,
    )
