"""People pages. Views parse and render; every read goes through a user-scoped selector."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from mace.accounts.actors import signed_in
from mace.accounts.selectors import partnership_of
from mace.core import due, sections
from mace.core.access import capabilities
from mace.core.ui import apply_errors, error_list, problems_text
from mace.core.ui import require as _require

from . import presenters, selectors, services
from .forms import BreakGlassForm, BreakGlassReviewForm, FlagForm, MergeForm, PersonForm
from .models import ChronologyEvent, Sex


def _partnership_of(user: Any) -> Any:
    partnership = partnership_of(user)
    if partnership is None:
        raise ValidationError({"__all__": "Your account is not part of a partnership"})
    return partnership


def search(request: HttpRequest) -> HttpResponse:
    _require(request, "records")
    q = request.GET.get("q", "").strip()[:200]
    results: list[Any] = []
    more = False
    if q:
        results, more = selectors.search_people(request.user, q)
    return render(
        request,
        "people/search.html",
        {
            "title": "Find a person",
            "q": q,
            "results": results,
            "more": more,
            "flags": selectors.flags_by_person(results),
            "can_create": capabilities(request.user).create_people,
        },
    )


def detail(request: HttpRequest, person_id: int) -> HttpResponse:
    try:
        record = selectors.person_record(
            request.user, person_id, agency=request.GET.get("agency", ""), kind=request.GET.get("kind", "")
        )
    except selectors.PersonNotFound:
        return _not_found(request, person_id)
    return render(
        request,
        "people/detail.html",
        {
            "title": record.person.display_name,
            "r": record,
            "kinds": ChronologyEvent.Kind.choices,
            "can_flag": capabilities(request.user).set_flags,
            "can_report_missing": capabilities(request.user).report_missing,
            "can_screen": capabilities(request.user).complete_screenings,
            "can_edit_plans": capabilities(request.user).edit_plans,
            "due": due.for_person(record.person),
            "now": timezone.now(),
            "sections": sections.for_person(record.person, request.user),
            **sections.context_for(record.person, request.user),
        },
    )


def _not_found(request: HttpRequest, person_id: int) -> HttpResponse:
    """Forbidden and missing look the same. The page offers break-glass to roles that have it."""
    return render(
        request,
        "people/not_found.html",
        {
            "title": "Record not available",
            "person_id": person_id,
            "can_break_glass": capabilities(request.user).break_glass,
        },
        status=404,
    )


def access_log(request: HttpRequest, person_id: int) -> HttpResponse:
    try:
        person, entries = selectors.access_log_for_person(request.user, person_id)
    except selectors.PersonNotFound:
        return _not_found(request, person_id)
    return render(
        request,
        "people/access_log.html",
        {"title": f"Who has looked at {person.display_name}'s record", "person": person, "entries": entries},
    )


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    _require(request, "create_people")
    form = PersonForm(request.POST or None)
    if request.method == "POST":
        form.is_valid()
        data = {**{k: v for k, v in form.data.items() if isinstance(v, str)}, **form.cleaned_data}
        new = services.NewPerson(
            **{  # type: ignore[arg-type]
                f.name: (data.get(f.name) or None)
                if f.name == "date_of_birth"
                else str(data.get(f.name) or "")
                for f in fields(services.NewPerson)
            }
        )
        # Every problem at once: the service's own rules run even when the form found some already.
        for name, problem in services.validate_new_person(new).items():
            if name not in form.errors and name in {*form.fields, "date_of_birth"}:
                form.add_error(name, problem)
        if not form.errors:
            try:
                person = services.person_create(
                    data=new, partnership=_partnership_of(request.user), by=signed_in(request)
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Record created")
                return HttpResponseRedirect(reverse("people:detail", args=[person.pk]))
    return render(
        request,
        "people/create.html",
        {"title": "Add a person", "form": form, "page_errors": error_list(form), "sexes": Sex.choices},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def flag_new(request: HttpRequest, person_id: int) -> HttpResponse:
    _require(request, "set_flags")
    try:
        person, _ = selectors.person_for_user(request.user, person_id, purpose="flag")
    except selectors.PersonNotFound:
        return _not_found(request, person_id)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_set(
                person=person,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                by=signed_in(request),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return HttpResponseRedirect(reverse("people:detail", args=[person.pk]))
    return render(
        request,
        "people/flag_new.html",
        {"title": "Set a flag", "person": person, "form": form, "page_errors": error_list(form)},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest, person_id: int) -> HttpResponse:
    _require(request, "break_glass")
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.break_glass_open(
                user=request.user, person_id=person_id, reason=form.cleaned_data["reason"]
            )
        except selectors.PersonNotFound:
            return _not_found(request, person_id)
        return HttpResponseRedirect(reverse("people:detail", args=[person_id]))
    return render(
        request,
        "people/break_glass.html",
        {
            "title": "Give a reason to see this record",
            "person_id": person_id,
            "form": form,
            "page_errors": error_list(form),
        },
        status=400 if form.errors else 200,
    )


def break_glass_queue(request: HttpRequest) -> HttpResponse:
    _require(request, "review_break_glass")
    show_all = request.GET.get("show") == "all"
    grants = list(selectors.break_glass_queue(request.user, include_reviewed=show_all)[:200])
    return render(
        request,
        "people/break_glass_queue.html",
        {"title": "Break-glass reviews", "grants": grants, "show_all": show_all},
    )


@require_http_methods(["GET", "POST"])
def break_glass_review(request: HttpRequest, grant_id: int) -> HttpResponse:
    _require(request, "review_break_glass")
    grant = selectors.break_glass_queue(request.user, include_reviewed=True).filter(pk=grant_id).first()
    if grant is None:
        raise Http404("Not found")
    form = BreakGlassReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.break_glass_review(
                grant=grant,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                by=signed_in(request),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionError as exc:
            raise PermissionDenied(str(exc)) from exc
        else:
            return HttpResponseRedirect(reverse("people:break-glass-queue"))
    return render(
        request,
        "people/break_glass_review.html",
        {"title": "Review break-glass access", "grant": grant, "form": form, "page_errors": error_list(form)},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest, person_id: int) -> HttpResponse:
    """Merge a duplicate record into this one: compare side by side, give the reason, confirm."""
    _require(request, "front_door")
    try:
        survivor, _ = selectors.person_for_user(request.user, person_id, purpose="merge")
    except selectors.PersonNotFound:
        return _not_found(request, person_id)
    form = MergeForm(request.POST or request.GET or None)
    other = comparison = None
    if form.is_bound and form.is_valid():
        try:
            other, _ = selectors.person_for_user(request.user, form.cleaned_data["other"], purpose="merge")
        except selectors.PersonNotFound:
            form.add_error("other", "There is no record with that number that you can open")
        else:
            comparison = selectors.merge_comparison(survivor, other)
            if request.method == "POST" and request.POST.get("confirm") == "yes":
                try:
                    services.person_merge(
                        survivor=survivor,
                        merged=other,
                        reason=form.cleaned_data["reason"],
                        by=signed_in(request),
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, f"Record {other.pk} merged into this record")
                    return HttpResponseRedirect(reverse("people:detail", args=[survivor.pk]))
    return render(
        request,
        "people/merge.html",
        {
            "title": "Merge a duplicate record",
            "survivor": survivor,
            "other": other,
            "comparison": comparison,
            "form": form,
            "page_errors": error_list(form) if request.method == "POST" else [],
            "merges": selectors.merges_into(survivor),
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


@require_http_methods(["POST"])
def merge_undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    _require(request, "front_door")
    try:
        merge_record = selectors.merge_for_user(request.user, merge_id)
    except selectors.PersonNotFound as exc:
        raise Http404("Not found") from exc
    reason = request.POST.get("reason", "")
    try:
        services.person_unmerge(merge=merge_record, reason=reason, by=signed_in(request))
    except ValidationError as exc:
        messages.error(request, problems_text(exc))
    else:
        messages.success(request, f"Merge undone: record {merge_record.merged_id} restored")
    return HttpResponseRedirect(reverse("people:merge", args=[merge_record.survivor_id]))


def duplicates(request: HttpRequest) -> HttpResponse:
    """The merge-review list: pairs batch de-duplication found likely to be one child."""
    _require(request, "front_door")
    pairs, total = selectors.likely_duplicates(request.user)
    return render(
        request,
        "people/duplicates.html",
        {
            "title": "Likely duplicate records",
            "cards": [presenters.duplicate_card(pair) for pair in pairs],
            "total": total,
        },
    )


@require_http_methods(["POST"])
def duplicate_dismiss(request: HttpRequest, pair_id: int) -> HttpResponse:
    _require(request, "front_door")
    pair = selectors.likely_duplicate_for_user(request.user, pair_id)
    if pair is None:
        raise Http404("Not found")
    try:
        services.likely_duplicate_dismiss(
            pair=pair, reason=request.POST.get("reason", ""), by=signed_in(request)
        )
    except ValidationError as exc:
        messages.error(request, problems_text(exc))
    else:
        messages.success(request, f"Records {pair.person_a_id} and {pair.person_b_id} kept apart")
    return HttpResponseRedirect(reverse("people:duplicates"))
