"""Property tests: whatever arrives, validation answers with field messages and never crashes."""

from __future__ import annotations

from datetime import UTC

from hypothesis import given, settings
from hypothesis import strategies as st

from mace.frontdoor import services, thresholds

text = st.text(max_size=300)
subjects = st.dictionaries(
    st.sampled_from(["given_names", "family_name", "date_of_birth", "nhs_number", "postcode", "upn"]),
    st.one_of(text, st.none(), st.integers()),
)


@settings(max_examples=300, deadline=None)
@given(
    kind=text,
    summary=text,
    subject=subjects,
    received=st.one_of(st.none(), st.datetimes()),
    concerns=st.lists(text, max_size=5),
    ref=text,
    system=text,
)
def test_validation_never_raises_and_names_fields(
    kind, summary, subject, received, concerns, ref, system
) -> None:
    data = services.ContactIn(
        kind=kind,
        received_at=received,
        summary=summary,
        subject=subject,
        concerns=concerns,
        source_system=system,
        external_ref=ref,
    )
    errors = services.validate_contact(data)
    assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in errors.items())
    if received is not None and received.tzinfo is None:
        assert "received_at" in errors


@settings(max_examples=300, deadline=None)
@given(
    concerns=st.lists(st.sampled_from(list(thresholds.CONCERNS)), max_size=8),
    risk=st.integers(0, 3),
    flags=st.lists(st.sampled_from(["cse", "cce", "missing", "cpis_cp", "cpis_lac"]), max_size=3),
)
def test_threshold_is_monotonic_in_the_evidence(concerns, risk, flags) -> None:
    base = thresholds.assess(concerns=concerns, risk=risk, flags=flags)
    more = thresholds.assess(concerns=[*concerns, "sexual_exploitation"], risk=risk, flags=flags)
    assert 1 <= base.level <= 4 and more.level >= base.level and more.level == 4
    assert base.reasons


def test_aware_times_in_the_past_are_accepted() -> None:
    from datetime import datetime

    data = services.ContactIn(
        kind="vpa", received_at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC), summary="x", subject={}
    )
    assert services.validate_contact(data) == {}
