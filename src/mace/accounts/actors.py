"""Who a service acts for.

Every service takes `by`: `User` where only a signed-in person may act (the service reads their agency,
team or roles), or `By` where a named system process may act too (`audit.Actor.system("demo")`: the demo
generator, an import, the worker). `mace.core.services` turns either into the access log's actor."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from mace.core.audit import Actor

from .models import User

By = User | Actor

__all__ = ["Actor", "By", "User", "signed_in"]


def signed_in(request: HttpRequest) -> User:
    """The signed-in user a view or API call acts for. Every page and endpoint that writes requires
    signing in first (the login middleware and the API's session auth), so an anonymous user here is a
    wiring mistake: refuse rather than let a service see one."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("Sign in first.")
    return user
