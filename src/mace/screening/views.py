"""Screening pages: completing the tool (from a child's record or an ED attendance), a screening and
its manager's agreement, the agreement queue, and the administrator's tool versions."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from mace.accounts.actors import signed_in
from mace.accounts.selectors import partnership_of
from mace.core import ui
from mace.core.access import capabilities
from mace.core.ui import pager
from mace.core.ui import require as _require
from mace.frontdoor.selectors import contact_for_user, contact_opens
from mace.people.models import Person
from mace.people.selectors import PersonNotFound, openable, person_for_user

from . import selectors, services
from . import tool as tooling
from .forms import AgreementForm, PublishForm
from .models import Level, Screening, ToolVersion


def _not_found(request: HttpRequest) -> HttpResponse:
    return ui.not_found(request, "screening")


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def parse_form(post: Any, version: ToolVersion) -> services.ScreeningIn:
    codes = [c for c in post.getlist("indicators") if c in version.tool.indicators]
    return services.ScreeningIn(
        tool_version=version,
        answers={c: post.get(f"evidence_{c}", "") for c in codes},
        analysis=post.get("analysis", ""),
        judgement=_int(post.get("judgement")),
        judgement_reason=post.get("judgement_reason", ""),
        child_voice=post.get("child_voice", ""),
    )


def complete_page(
    request: HttpRequest,
    *,
    person: Person | None,
    subject: dict[str, Any],
    back: tuple[str, str],
    on_created: Callable[[Screening], object] | None = None,
    from_contact: Any = None,
) -> HttpResponse:
    """The screening form for a child (a record, or an ED attendance's details), and its submission.

    When the judgement is lower than the indicators, or high harm sits under a low judgement, the form
    says so and asks the practitioner to confirm before it goes to a manager for agreement."""
    _require(request, "complete_screenings")
    version = selectors.tool_version_by_number(
        selectors.DEFAULT_TOOL, _int(request.POST.get("tool_version")) or 0
    )
    if request.method != "POST" or version is None:
        version = selectors.active_tool_version()
    if version is None:
        raise Http404("No screening tool")
    errors: dict[str, str] = {}
    warning: services.Assessment | None = None
    data = parse_form(request.POST, version) if request.method == "POST" else None
    if data is not None:
        data.person = person
        data.subject = subject
        data.from_contact = from_contact
        errors = services.validate_screening(data)
        if not errors and data.judgement is not None:
            result = services.assess(version, data.answers, data.judgement)
            if result.needs_agreement and request.POST.get("acknowledge") != "1":
                warning = result
            else:
                partnership = (person.partnership if person else None) or partnership_of(request.user)  # type: ignore[arg-type]
                if partnership is None:
                    raise Http404("Not part of a partnership")
                try:
                    screening, _ = services.screening_complete(
                        data=data, partnership=partnership, by=signed_in(request)
                    )
                except ValidationError as exc:
                    errors = {k: " ".join(v) for k, v in exc.message_dict.items()}
                else:
                    if on_created is not None:
                        on_created(screening)
                    messages.success(
                        request,
                        "Screening sent to a manager for agreement, and to the front door"
                        if screening.needs_agreement
                        else "Screening complete and sent to the front door",
                    )
                    return HttpResponseRedirect(reverse("screening:detail", args=[screening.pk]))
    if version.status != ToolVersion.Status.ACTIVE:
        # The tool changed while the form was open: show the version in use, keeping what was typed.
        version = selectors.active_tool_version() or version
    page_errors = [{"text": message, "href": _anchor(k)} for k, message in errors.items()]
    name = (
        person.display_name
        if person
        else f"{subject.get('given_names', '')} {subject.get('family_name', '')}".strip() or "Name not known"
    )
    return render(
        request,
        "screening/new.html",
        {
            "title": "Exploitation screening",
            "name": name,
            "version": version,
            "tool": version.tool,
            "post": request.POST if request.method == "POST" else None,
            "ticked": set(data.answers) if data else set(),
            "errors": errors,
            "page_errors": page_errors,
            "warning": warning,
            "levels": Level.choices,
            "level_label": tooling.LEVELS,
            "back": back,
        },
        status=400 if errors else 200,
    )


def _anchor(key: str) -> str:
    if key.startswith("evidence."):
        return "#evidence_" + key.removeprefix("evidence.")
    if key in ("analysis", "judgement_reason", "child_voice"):
        return "#" + key
    if key == "judgement":
        return "#judgement"
    return "#main-content"


@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """A screening from the child's record, or from a contact being worked (any agency's practitioner)."""
    _require(request, "complete_screenings")
    contact_id = _int(request.GET.get("contact"))
    if contact_id is not None:
        try:
            contact = contact_for_user(request.user, contact_id)
        except PersonNotFound as exc:
            raise Http404("Not found") from exc
        return complete_page(
            request,
            person=contact.person,
            subject=contact.subject,
            back=(reverse("frontdoor:contact", args=[contact.pk]), f"Back to contact {contact.pk}"),
            from_contact=contact,
        )
    person_id = _int(request.GET.get("person"))
    if person_id is None:
        raise Http404("Not found")
    try:
        person, _ = person_for_user(request.user, person_id, purpose="screening")
    except PersonNotFound as exc:
        raise Http404("Not found") from exc
    return complete_page(
        request,
        person=person,
        subject={},
        back=(reverse("people:detail", args=[person.pk]), f"Back to {person.display_name}'s record"),
    )


def detail(request: HttpRequest, screening_id: int) -> HttpResponse:
    try:
        screening = selectors.screening_for_user(request.user, screening_id)
    except PersonNotFound:
        return _not_found(request)
    return _render_detail(request, screening)


def _render_detail(
    request: HttpRequest, screening: Screening, *, form: AgreementForm | None = None, status: int = 200
) -> HttpResponse:
    tool = screening.tool_version.tool
    can_agree = (
        capabilities(request.user).agree_judgements
        and screening.status == Screening.Status.AWAITING_AGREEMENT
        and screening.completed_by_id != request.user.pk
    )
    form = form or AgreementForm(initial={"version": screening.version})
    return render(
        request,
        "screening/detail.html",
        {
            "title": f"Screening {screening.pk}",
            "s": screening,
            "tool": tool,
            "answered": [
                (tool.indicators[c], e) for c, e in screening.answers.items() if c in tool.indicators
            ],
            "can_agree": can_agree,
            # Whoever agrees a judgement may not work with the child: link only what opens.
            "child_opens": bool(openable(request.user, [screening.person_id])),
            "contact_opens": contact_opens(request.user, screening.contact_id),
            "form": form,
            "page_errors": [
                {"text": str(e), "href": f"#id_{k}" if k != "__all__" else "#main-content"}
                for k, errs in (form.errors.items() if form.is_bound else [])
                for e in errs
            ],
            "levels": Level.choices,
        },
        status=status,
    )


@require_POST
def agree(request: HttpRequest, screening_id: int) -> HttpResponse:
    _require(request, "agree_judgements")
    try:
        screening = selectors.screening_for_user(request.user, screening_id)
    except PersonNotFound as exc:
        raise Http404("Not found") from exc
    form = AgreementForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.screening_agree(
                screening=screening,
                agree=d["decision"] == "agree",
                judgement=d["judgement"],
                note=d["note"],
                by=signed_in(request),
                version=d["version"],
            )
        except services.Conflict as exc:
            return render(
                request,
                "core/conflict.html",
                {
                    "title": "Someone else changed this screening",
                    "record": exc.record,
                    "attempted": exc.attempted,
                    "saved_rows": [
                        ("Status", exc.record.get_status_display()),
                        ("Judgement", exc.record.get_judgement_display()),
                        ("Agreed by", exc.record.agreed_by_label or "Nobody yet"),
                        ("Manager's note", exc.record.agreement_note or "No note"),
                    ],
                    "back": reverse("screening:detail", args=[exc.record.pk]),
                },
                status=409,
            )
        except ValidationError as exc:
            for name, problems in exc.message_dict.items():
                for problem in problems:
                    form.add_error(name if name in form.fields else None, problem)
        else:
            messages.success(request, "Judgement agreed: the screening is complete")
            return HttpResponseRedirect(reverse("screening:detail", args=[screening.pk]))
    return _render_detail(request, screening, form=form, status=400)


def agreements(request: HttpRequest) -> HttpResponse:
    _require(request, "agree_judgements")
    qs = selectors.agreement_rows(request.user)
    page = pager(request, qs.count())
    return render(
        request,
        "screening/agreements.html",
        {"title": "Screening judgements to agree", "rows": list(qs[page.start : page.end]), "pager": page},
    )


def tools(request: HttpRequest) -> HttpResponse:
    _require(request, "manage_tools")
    return render(
        request,
        "screening/tools.html",
        {"title": "Screening tool versions", "versions": selectors.tool_versions(request.user)},
    )


@require_http_methods(["GET", "POST"])
def tool_publish(request: HttpRequest) -> HttpResponse:
    _require(request, "manage_tools")
    active = selectors.active_tool_version()
    form = PublishForm(
        request.POST or None,
        initial={"definition": json.dumps(active.definition, indent=2, ensure_ascii=False) if active else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.tool_publish(
                definition=form.cleaned_data["definition"],
                change_note=form.cleaned_data["change_note"],
                by=signed_in(request),
            )
        except ValidationError as exc:
            for name, problems in exc.message_dict.items():
                for problem in problems:
                    form.add_error(name if name in form.fields else None, problem)
        else:
            messages.success(request, f"Version {version.version} published: new screenings use it")
            return HttpResponseRedirect(reverse("screening:tools"))
    return render(
        request,
        "screening/publish.html",
        {
            "title": "Publish a new version of the screening tool",
            "form": form,
            "active": active,
            "page_errors": [
                {"text": str(e), "href": f"#id_{k}"} for k, errs in form.errors.items() for e in errs
            ]
            if form.is_bound
            else [],
        },
        status=400 if form.errors else 200,
    )
