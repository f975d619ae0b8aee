"""The attendance validator, property-tested: times in order, every problem named, nothing crashes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from mace.health.services import AttendanceIn, validate_attendance

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
times = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC))


@given(times, st.one_of(st.none(), times))
def test_an_attendance_is_refused_exactly_when_its_times_are_impossible(
    arrived: datetime, discharged: datetime | None
) -> None:
    errors = validate_attendance(
        AttendanceIn(arrived_at=arrived, discharged_at=discharged, presenting_complaint="Fall"), now=NOW
    )
    future = arrived > NOW + timedelta(minutes=5)
    assert ("arrived_at" in errors) is future
    if discharged is not None and not future and discharged <= NOW + timedelta(minutes=5):
        assert ("discharged_at" in errors) is (discharged < arrived)


@given(
    st.text(max_size=50),
    st.one_of(st.none(), st.booleans()),
    st.text(max_size=20),
    st.booleans(),
    st.text(max_size=15),
    st.booleans(),
    st.booleans(),
)
def test_any_answers_give_field_keyed_problems_and_never_crash(
    complaint: str,
    seen_alone: bool | None,
    reason: str,
    cpis: bool,
    cpis_result: str,
    asked: bool,
    concern: bool,
) -> None:
    errors = validate_attendance(
        AttendanceIn(
            arrived_at=NOW - timedelta(hours=1),
            presenting_complaint=complaint,
            seen_alone=seen_alone,
            not_seen_alone_reason=reason,
            cpis_checked=cpis,
            cpis_result=cpis_result,
            exploitation_question_asked=asked,
            exploitation_concern=concern,
        ),
        now=NOW,
    )
    assert ("presenting_complaint" in errors) is (not complaint.strip())
    assert ("not_seen_alone_reason" in errors) is (seen_alone is False and not reason.strip())
    assert ("cpis_result" in errors) is (
        cpis and cpis_result not in {"none", "cp_plan", "looked_after", "unborn"}
    )
    assert ("exploitation_question_asked" in errors) is (concern and not asked)
