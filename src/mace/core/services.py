"""What every module's services share: who is acting, and whether they may.

A service takes `by`: a signed-in user, or a named system actor (`audit.Actor.system("demo")`) for the
generator, imports and the worker. `actor(by)` is the one way to turn it into the access log's actor
(refusing an anonymous change); `require(by, capability, message)` is the one permission check a service
makes itself (a system actor is trusted: it runs only what the code runs); `label(by)` is how a record
names who did it."""

from __future__ import annotations

from typing import Any

from . import audit
from .access import capabilities


def actor(by: Any) -> audit.Actor:
    return by if isinstance(by, audit.Actor) else audit.Actor.of(by)


def label(by: Any) -> str:
    if isinstance(by, audit.Actor):
        return by.label
    if getattr(by, "is_authenticated", False):
        return str(by.get_full_name() or by.get_username())
    return str(by)


def is_system(by: Any) -> bool:
    return isinstance(by, audit.Actor) and by.user_id is None


def require(by: Any, capability: str, message: str) -> None:
    """Refuse (PermissionError with `message`) a user whose roles lack `capability`."""
    if is_system(by):
        return
    if not getattr(capabilities(by), capability):
        raise PermissionError(message)
