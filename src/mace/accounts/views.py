from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from mace.accounts.actors import signed_in
from mace.core import audit
from mace.core.models import AccessLogEntry
from mace.core.ui import error_list

from .backends import is_locked
from .forms import SignInForm, TokenForm
from .models import Role
from .selectors import totp_device_for, users_for_admin
from .services import user_disable, user_set_roles


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("core:home")


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is not None:
            login(request, user)
            with transaction.atomic():
                audit.record(
                    audit.Actor.of(user), audit.Event(AccessLogEntry.Action.SIGN_IN, "user", str(user.pk))
                )
            if not settings.DEMO_MODE:
                return HttpResponseRedirect(reverse("accounts:two-factor") + f"?next={_safe_next(request)}")
            return HttpResponseRedirect(_safe_next(request))
        message = (
            "Sign-in with this username is locked after too many failed attempts. Try again in "
            f"{settings.MACE_LOCKOUT_MINUTES} minutes or ask your administrator."
            if is_locked(username)
            else "The username or password is not right"
        )
        form.add_error("username", message)
    return render(
        request,
        "accounts/sign_in.html",
        {
            "form": form,
            "title": "Sign in",
            "page_errors": error_list(form),
            "next": request.GET.get("next", ""),
        },
        status=200 if not form.errors else 400,
    )


@require_http_methods(["GET", "POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if request.user.is_authenticated:
            with transaction.atomic():
                audit.record(
                    audit.Actor.of(request.user),
                    audit.Event(AccessLogEntry.Action.SIGN_OUT, "user", str(request.user.pk)),
                )
        logout(request)
        return render(request, "accounts/signed_out.html", {"title": "You have signed out"})
    return render(request, "accounts/sign_out.html", {"title": "Sign out"})


@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Verify a TOTP code; a user without a confirmed device first enrols one from a QR code."""
    user = request.user
    device, enrolling = totp_device_for(user)  # type: ignore[arg-type]
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return HttpResponseRedirect(_safe_next(request))
        form.add_error("code", "The code is not right. Check your authenticator app and try again")
    context = {
        "form": form,
        "enrolling": enrolling,
        "title": "Two-factor authentication",
        "page_errors": error_list(form),
    }
    if enrolling:
        secret = base64.b32encode(device.bin_key).decode()
        context["secret"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        context["qr"] = segno.make(device.config_url).svg_data_uri(scale=4)
    return render(request, "accounts/two_factor.html", context)


def _require_admin(request: HttpRequest) -> None:
    from mace.core.access import capabilities

    if not capabilities(request.user).manage_users:
        raise Http404("Not found")


def users(request: HttpRequest) -> HttpResponse:
    """Administrators find an account to change its roles or disable it."""
    _require_admin(request)
    q = request.GET.get("q", "").strip()[:100]
    accounts = list(users_for_admin(request.user, q)[:200])  # type: ignore[arg-type]
    return render(request, "accounts/users.html", {"title": "Accounts", "accounts": accounts, "q": q})


@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    """Change an account's roles or disable it. Either ends every session the account has."""
    _require_admin(request)
    account = users_for_admin(request.user).filter(pk=user_id).first()  # type: ignore[arg-type]
    if account is None:
        raise Http404("Not found")
    error = ""
    if request.method == "POST":
        if request.POST.get("action") == "disable":
            reason = request.POST.get("reason", "").strip()
            if not reason:
                error = "Say why the account is being disabled"
            else:
                user_disable(user=account, reason=reason, by=signed_in(request))
                messages.success(
                    request, f"{account.username} disabled: their sessions and tokens have ended"
                )
                return HttpResponseRedirect(reverse("accounts:users"))
        else:
            chosen = [r for r in request.POST.getlist("roles") if r in Role.values]
            user_set_roles(user=account, roles=chosen, by=signed_in(request))
            messages.success(request, f"Roles changed for {account.username}: their sessions have ended")
            return HttpResponseRedirect(reverse("accounts:users"))
    return render(
        request,
        "accounts/user_edit.html",
        {
            "title": f"Account {account.username}",
            "account": account,
            "roles": Role.choices,
            "current": account.role_codes,
            "error": error,
            "page_errors": [{"text": error, "href": "#id_reason"}] if error else [],
        },
        status=400 if error else 200,
    )
