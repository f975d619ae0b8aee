"""Pages for rapid reviews and practice reviews: the list with each rapid review's 15-working-day clock,
a new review, and a review's recommendations, actions and progress, learning and completion. Partnership
business: every member of the partnership reads; whoever runs the improvement plans writes."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from mace.accounts.actors import signed_in
from mace.core.access import capabilities

from ..selectors import NotFound
from . import selectors, services
from .models import Review, Theme


def _signed_in(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise Http404("Not found")


def _review(request: HttpRequest, review_id: int) -> Review:
    _signed_in(request)
    try:
        return selectors.review_for(request.user, review_id)
    except NotFound:
        raise Http404("Not found") from None


def _date(post: Any, prefix: str) -> date | None:
    parts = [post.get(f"{prefix}_{p}", "").strip() for p in ("day", "month", "year")]
    try:
        day, month, year = (int(p) for p in parts)
        return date(year, month, day)
    except ValueError:
        return None


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    for m in (m for ms in exc.message_dict.values() for m in ms):
        messages.error(request, m)


def reviews(request: HttpRequest) -> HttpResponse:
    _signed_in(request)
    rows = []
    for r in selectors.rows_for(request.user):
        rows.append(
            [
                {"html": _link(f"/improvement/reviews/{r.review.pk}/", r.review.reference)},
                {"text": r.review.get_kind_display()},
                {"text": f"{r.review.notified_on:%-d %b %Y}"},
                {"text": r.timeliness.text if r.timeliness else "No 15-day clock"},
                {"text": f"{r.done} of {r.actions} done" + (f", {r.overdue} overdue" if r.overdue else "")},
                {"text": r.status},
            ]
        )
    return render(
        request,
        "improvement/reviews/reviews.html",
        {
            "title": "Rapid reviews and practice reviews",
            "rows": rows,
            "can_manage": capabilities(request.user).manage_improvement,
        },
    )


@require_http_methods(["GET", "POST"])
def review_new(request: HttpRequest) -> HttpResponse:
    _signed_in(request)
    if not capabilities(request.user).manage_improvement:
        raise Http404("Not found")
    partnerships = selectors.partnerships_for(request.user)
    typed: dict[str, Any] = {"kind": "rapid"}
    errors: list[dict[str, str]] = []
    fe: dict[str, str] = {}
    if request.method == "POST":
        post = request.POST
        typed = {k: post.get(k, "") for k in post}
        typed["themes"] = post.getlist("themes")
        partnership = {str(p.pk): p for p in partnerships}.get(post.get("partnership", "")) or (
            partnerships[0] if len(partnerships) == 1 else None
        )
        try:
            if partnership is None:
                raise ValidationError({"partnership": ["Choose the partnership"]})
            made = services.review_create(
                partnership=partnership,
                kind=post.get("kind", ""),
                reference=post.get("reference", "")[:60],
                summary=post.get("summary", "")[:5000],
                notified_on=_date(post, "notified_on"),
                themes=post.getlist("themes"),
                by=signed_in(request),
            )
        except PermissionError:
            raise Http404("Not found") from None
        except ValidationError as exc:
            for name, msgs in exc.message_dict.items():
                fe[name] = " ".join(msgs)
                errors += [{"text": m, "href": f"#{name.replace('_', '-')}"} for m in msgs]
        else:
            messages.success(request, f"Review {made.reference} added")
            return redirect("improvement:practice-review", made.pk)
    return render(
        request,
        "improvement/reviews/new.html",
        {
            "title": "Add a review",
            "typed": typed,
            "fe": fe,
            "page_errors": errors,
            "kinds": Review.Kind.choices,
            "themes": Theme.choices,
            "partnerships": partnerships,
        },
        status=400 if errors else 200,
    )


def review(request: HttpRequest, review_id: int) -> HttpResponse:
    found = _review(request, review_id)
    r = selectors.row(found)
    return render(
        request,
        "improvement/reviews/review.html",
        {
            "title": f"Review {found.reference}",
            "review": found,
            "row": r,
            "theme_labels": [dict(Theme.choices).get(t, t) for t in found.themes],
            "can_manage": capabilities(request.user).manage_improvement,
        },
    )


@require_http_methods(["POST"])
def review_post(request: HttpRequest, review_id: int, what: str) -> HttpResponse:
    """One of the review page's forms: a recommendation, an action, an action's update, the learning
    shared, the review completed."""
    found = _review(request, review_id)
    post = request.POST
    try:
        if what == "recommendation":
            services.recommendation_add(review=found, text=post.get("text", "")[:5000], by=signed_in(request))
        elif what == "action":
            rec = selectors.recommendation_of(found, int(post.get("recommendation", "0") or 0))
            if rec is None:
                raise ValidationError({"recommendation": ["Choose a recommendation"]})
            services.action_add(
                recommendation=rec,
                text=post.get("text", "")[:5000],
                owner=post.get("owner", "")[:300],
                due=_date(post, "due"),
                by=signed_in(request),
            )
        elif what == "update":
            act = selectors.action_of(found, int(post.get("action", "0") or 0))
            if act is None:
                raise ValidationError({"action": ["Choose an action"]})
            services.action_update(
                action=act,
                on=_date(post, "on"),
                text=post.get("text", "")[:5000],
                completed=post.get("completed") == "yes",
                by=signed_in(request),
            )
        elif what == "learning":
            services.learning_share(
                review=found,
                learning=post.get("learning", "")[:10000],
                shared_on=_date(post, "shared_on"),
                how=post.get("how", "")[:2000],
                by=signed_in(request),
            )
        elif what == "complete":
            services.review_complete(
                review=found, completed_on=_date(post, "completed_on"), by=signed_in(request)
            )
        else:
            raise Http404("Not found")
    except PermissionError:
        raise Http404("Not found") from None
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, "Saved")
    return redirect("improvement:practice-review", found.pk)


def _link(href: str, text: str) -> str:
    from django.utils.html import escape

    return f'<a class="govuk-link" href="{href}">{escape(text)}</a>'
