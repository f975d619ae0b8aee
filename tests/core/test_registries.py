"""The home page and the child's record take their parts from the modules, which register them."""
# shifted-clocks: pinned

from __future__ import annotations

from mace.core import home, sections


def test_every_journey_module_provides_its_part_of_the_home_page() -> None:
    assert {"caseload", "figures", "todays_contacts", "tasks", "queue_total"} <= set(home.PROVIDERS)
    assert {"waiting", "missing_summary", "meetings_summary", "casework"} <= set(home.PROVIDERS)


def test_the_home_page_context_holds_what_each_provider_returns(monkeypatch) -> None:
    monkeypatch.setattr(home, "PROVIDERS", {"answer": lambda user, caps: (user, caps)})
    assert home.context_for("reader", "caps") == {"answer": ("reader", "caps")}


def test_the_record_page_takes_missing_plan_and_screenings_from_their_modules() -> None:
    assert {"missing", "plan", "screenings"} <= set(sections.PROVIDERS)


def test_record_context_merges_the_providers_entries_and_skips_none(monkeypatch) -> None:
    monkeypatch.setattr(
        sections, "PROVIDERS", {"a": lambda person, user: {"one": person}, "b": lambda person, user: None}
    )
    assert sections.context_for("child", "reader") == {"one": "child"}
