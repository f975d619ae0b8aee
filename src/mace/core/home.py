"""What each module adds to the home page, so `core` does not import the modules above it.

A module provides named entries of the home page's context in its `AppConfig.ready()`:

    home.provide("missing_summary", lambda user, caps: missing_selectors.home_summary(user))

The home template (core/home.html and the modules' `_home*.html` includes) reads them by name. A builder
takes the reader and their capabilities and returns the value (an empty value shows nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Builder = Callable[[Any, Any], Any]

PROVIDERS: dict[str, Builder] = {}


def provide(name: str, builder: Builder) -> None:
    PROVIDERS[name] = builder


def context_for(user: Any, caps: Any) -> dict[str, Any]:
    return {name: builder(user, caps) for name, builder in PROVIDERS.items()}
