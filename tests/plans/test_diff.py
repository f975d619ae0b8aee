from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mace.plans import diff

text = st.text(max_size=30)
action = st.fixed_dictionaries(
    {
        "key": st.text(alphabet="abcdef0123456789", min_size=4, max_size=8),
        "text": text,
        "owner": text,
        "agency": text,
        "due": st.sampled_from(["", "2026-12-01", "2027-01-15"]),
        "done": st.sampled_from(["", "2026-11-01"]),
    }
)
version = st.fixed_dictionaries(
    {
        "plan_type": st.sampled_from(["early_help", "child_in_need", "child_protection", "cared_for"]),
        "status": st.sampled_from(["draft", "agreed"]),
        "needs_and_risks": text,
        "outcomes": text,
        "child_views": text,
        "family_views": text,
        "contingency": text,
        "actions": st.lists(action, max_size=4, unique_by=lambda a: a["key"]),
    }
)


@given(version)
def test_a_version_compared_with_itself_has_no_changes(v: dict[str, Any]) -> None:
    assert diff.compare(v, v).empty


@given(version, version)
def test_every_action_is_added_removed_changed_or_the_same(old: dict[str, Any], new: dict[str, Any]) -> None:
    d = diff.compare(old, new)
    before = {a["key"] for a in old["actions"]}
    after = {a["key"] for a in new["actions"]}
    assert {a["key"] for a in d.added} == after - before
    assert {a["key"] for a in d.removed} == before - after
    assert len(d.changed) <= len(before & after)


@given(version)
def test_with_no_earlier_version_every_action_is_added(v: dict[str, Any]) -> None:
    assert len(diff.compare(None, v).added) == len(v["actions"])
