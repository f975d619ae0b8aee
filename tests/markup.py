"""A rendered page must never show markup as text: a tag escaped into the page means a control is
missing (a Markup value joined to a string with `~` in Jinja escapes the string)."""

from __future__ import annotations

import re

ESCAPED_TAG = re.compile(
    r"&lt;/?(?:form|strong|a|input|span|div|button|select|option|label|br|p|ul|ol|li|table|tr|td|th|svg|h[1-6])[\s>/&]",
    re.IGNORECASE,
)


def escaped_tags(html: str) -> list[str]:
    """Each escaped tag in the page, with a little context to find it."""
    return [html[max(0, m.start() - 60) : m.end() + 60] for m in ESCAPED_TAG.finditer(html)]


def assert_no_escaped_tags(html: str, where: str = "") -> None:
    found = escaped_tags(html)
    assert not found, f"{where}: markup shown as text:\n" + "\n".join(found)
