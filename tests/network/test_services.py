# shifted-clocks: pinned
from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from mace.core.models import Notification
from mace.network import services
from mace.network.models import Association, Disruption, Link, NrmReferral, Proposal, Subject
from tests.factories import PersonFactory

from .conftest import NOW, TODAY, episode, record, subject_in

pytestmark = pytest.mark.django_db


def test_a_vehicle_registration_not_in_a_uk_format_is_refused_and_nothing_is_saved(area) -> None:
    with pytest.raises(ValidationError) as exc:
        record(area, "vehicle", "HELLO 1234")
    assert "UK registration" in exc.value.message_dict["name"][0]
    assert not Subject.objects.exists()


def test_a_foreign_vehicle_is_recorded_as_typed(area) -> None:
    s = record(area, "vehicle", "PL-WX 12345", foreign=True)
    assert s.name == "PL-WX 12345" and s.foreign


def test_a_uk_registration_is_stored_in_its_usual_form(area) -> None:
    assert record(area, "vehicle", "ab12cde").name == "AB12 CDE"


def test_a_link_ending_before_it_starts_is_refused(area) -> None:
    adult = record(area)
    with pytest.raises(ValidationError) as exc:
        services.association_record(
            partnership=area.partnership,
            data=services.LinkIn(
                kind=Link.SEEN_WITH,
                person=area.child,
                subject=adult,
                starts=TODAY,
                ends=TODAY - timedelta(days=1),
            ),
            by=area.officer,
        )
    assert "ends" in exc.value.message_dict
    assert not Association.objects.exists()


def test_a_link_to_a_subject_the_user_may_not_see_is_refused(area) -> None:
    from mace.network.models import Handling

    hidden = services.subject_record(
        partnership=area.partnership, data=subject_in(handling=Handling.ORIGINATOR), by=area.officer
    )
    other_officer = type(area.officer).objects.create(
        username="other", team=area.officer.team, agency=area.officer.agency
    )
    from mace.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=other_officer, role="police_officer")
    with pytest.raises(ValidationError) as exc:
        services.association_record(
            partnership=area.partnership,
            data=services.LinkIn(kind=Link.SEEN_WITH, person=area.child, subject=hidden),
            by=other_officer,
        )
    assert exc.value.message_dict["subject"] == ["You may not link to a record you cannot see"]
    assert not Association.objects.exists()


def test_a_link_to_a_child_of_another_partnership_is_refused(area) -> None:
    from tests.factories import PartnershipFactory

    elsewhere = PersonFactory(partnership=PartnershipFactory(code="west", name="West"))
    adult = record(area)
    with pytest.raises(ValidationError) as exc:
        services.association_record(
            partnership=area.partnership,
            data=services.LinkIn(kind=Link.SEEN_WITH, person=elsewhere, subject=adult),
            by=area.officer,
        )
    assert "person" in exc.value.message_dict
    assert not Association.objects.exists()


def test_a_social_worker_may_not_record_a_link(area) -> None:
    adult = record(area)
    with pytest.raises(PermissionError):
        services.association_record(
            partnership=area.partnership,
            data=services.LinkIn(kind=Link.SEEN_WITH, person=area.child, subject=adult),
            by=area.social_worker,
        )


def test_missing_episodes_propose_links_from_found_with_places_and_free_text(area) -> None:
    adult = record(area, aliases="D Man")
    takeaway = record(area, "place", "Kebab Palace", place_kind="takeaway")
    car = record(area, "vehicle", "AB12 CDE")
    ep = episode(
        area,
        found_with="an older man, Darren Mole",
        found_place="Kebab Palace, High Street",
        circumstances="Seen getting into a silver Audi ab12cde near the park.",
    )
    made = services.proposals_make(partnership_id=area.partnership.pk, since=NOW - timedelta(days=30))
    got = {(p.subject_id, p.kind, p.field) for p in Proposal.objects.filter(source_id=str(ep.pk))}
    assert made == 3
    assert got == {
        (adult.pk, Link.SEEN_WITH, "found_with"),
        (takeaway.pk, Link.FOUND_AT, "found_place"),
        (car.pk, Link.SEEN_WITH, "circumstances"),
    }
    assert not Association.objects.exists()  # nothing is linked until a person confirms


def test_recording_an_adult_proposes_links_from_the_records_already_there(area) -> None:
    episode(area, found_with="Lee Barnes and two others")
    adult = record(area, name="Lee Barnes")
    assert Proposal.objects.filter(subject=adult, person=area.child, status="open").count() == 1


def test_a_proposal_is_made_once_and_a_rejected_one_is_not_made_again(area) -> None:
    record(area)
    episode(area, found_with="Darren Mole")
    services.proposals_make(partnership_id=area.partnership.pk, since=NOW - timedelta(days=30))
    proposal = Proposal.objects.get()
    services.proposal_decide(
        proposal=proposal, confirm=False, reason="A different Darren Mole", by=area.officer
    )
    assert services.proposals_make(partnership_id=area.partnership.pk, since=NOW - timedelta(days=30)) == 0
    assert Proposal.objects.count() == 1


def test_confirming_a_proposal_makes_the_link_from_its_source_record(area) -> None:
    adult = record(area)
    ep = episode(area, found_with="Darren Mole")
    services.proposals_make(partnership_id=area.partnership.pk, since=NOW - timedelta(days=30))
    proposal = Proposal.objects.get()
    services.proposal_decide(proposal=proposal, confirm=True, by=area.officer)
    link = Association.objects.get()
    assert (link.person_id, link.subject_id, link.kind, link.source_kind, link.source_id) == (
        area.child.pk,
        adult.pk,
        Link.SEEN_WITH,
        "missing",
        str(ep.pk),
    )
    assert Proposal.objects.get().status == "confirmed"


def test_rejecting_a_proposal_needs_a_reason(area) -> None:
    record(area)
    episode(area, found_with="Darren Mole")
    services.proposals_make(partnership_id=area.partnership.pk, since=NOW - timedelta(days=30))
    with pytest.raises(ValidationError):
        services.proposal_decide(proposal=Proposal.objects.get(), confirm=False, by=area.officer)
    assert Proposal.objects.get().status == "open"


def test_an_order_expiring_before_it_was_served_is_refused(area) -> None:
    adult = record(area)
    with pytest.raises(ValidationError) as exc:
        services.disruption_record(
            subject=adult,
            data=services.DisruptionIn(
                kind="cawn", issuer="PC Shaw", served_on=TODAY, expires_on=TODAY - timedelta(days=1)
            ),
            by=area.officer,
        )
    assert "expires_on" in exc.value.message_dict
    assert not Disruption.objects.exists()


def test_a_breach_tells_the_lead_officer(area) -> None:
    adult = record(area)
    d = services.disruption_record(
        subject=adult,
        data=services.DisruptionIn(
            kind="cawn", issuer="PC Shaw", served_on=TODAY - timedelta(days=20), children=[area.child]
        ),
        by=area.officer,
    )
    services.breach_record(
        disruption=d, on=TODAY - timedelta(days=1), details="Seen with the child at the flat", by=area.officer
    )
    note = Notification.objects.get(user=area.officer)
    assert "Breach" in note.title and note.link.endswith(f"/network/disruptions/{d.pk}/")


def test_an_expiring_order_alerts_the_lead_officer_once(area) -> None:
    adult = record(area)
    services.disruption_record(
        subject=adult,
        data=services.DisruptionIn(
            kind="sro",
            issuer="Halbury Magistrates",
            served_on=date(2026, 6, 1),
            expires_on=TODAY + timedelta(days=7),
        ),
        by=area.officer,
    )
    assert services.disruption_alerts(NOW) == 1
    assert services.disruption_alerts(NOW) == 0
    assert Notification.objects.filter(user=area.officer, title__contains="expires").count() == 1


def test_a_conclusive_decision_before_the_reasonable_grounds_one_is_refused(area) -> None:
    r = services.nrm_refer(
        person=area.child,
        exploitation="criminal",
        first_responder="Shire Police",
        referred_on=date(2026, 10, 1),
        by=area.officer,
    )
    r = services.nrm_decide(
        referral=r,
        stage="reasonable",
        on=date(2026, 10, 6),
        decision="positive",
        by=area.officer,
        version=r.version,
    )
    with pytest.raises(ValidationError) as exc:
        services.nrm_decide(
            referral=r,
            stage="conclusive",
            on=date(2026, 10, 5),
            decision="positive",
            by=area.officer,
            version=r.version,
        )
    assert "reasonable-grounds" in exc.value.message_dict["on"][0]
    assert NrmReferral.objects.get().conclusive_grounds_on is None


def test_a_conclusive_decision_without_a_reasonable_grounds_one_is_refused(area) -> None:
    r = services.nrm_refer(
        person=area.child,
        exploitation="sexual",
        first_responder="Council",
        referred_on=date(2026, 10, 1),
        by=area.social_worker,
    )
    with pytest.raises(ValidationError):
        services.nrm_decide(
            referral=r,
            stage="conclusive",
            on=date(2026, 11, 5),
            decision="positive",
            by=area.social_worker,
            version=r.version,
        )


def test_merging_two_adults_moves_their_links_and_undoing_it_moves_them_back(area) -> None:
    one, two = record(area), record(area, name="Daz Mole")
    link = services.association_record(
        partnership=area.partnership,
        data=services.LinkIn(kind=Link.SEEN_WITH, person=area.child, subject=two),
        by=area.officer,
    )
    merge = services.subject_merge(
        survivor=one, other=two, reason="Same date of birth and address", by=area.officer
    )
    assert Association.objects.get(pk=link.pk).subject_id == one.pk
    assert Subject.objects.get(pk=two.pk).merged_into_id == one.pk
    services.merge_undo(merge=merge, by=area.officer)
    assert Association.objects.get(pk=link.pk).subject_id == two.pk
    assert Subject.objects.get(pk=two.pk).merged_into_id is None


def test_the_scorecard_counts_reasonable_grounds_decisions_within_five_working_days(area) -> None:
    from datetime import UTC, datetime

    from mace.network import scorecard

    for referred, decided in ((date(2026, 10, 1), date(2026, 10, 8)), (date(2026, 10, 1), date(2026, 10, 9))):
        r = services.nrm_refer(
            person=area.child,
            exploitation="criminal",
            first_responder="Shire Police",
            referred_on=referred,
            by=area.officer,
        )
        services.nrm_decide(
            referral=r,
            stage="reasonable",
            on=decided,
            decision="positive",
            by=area.officer,
            version=r.version,
        )
    met, total, _ = scorecard.nrm_reasonable_on_time(
        (area.partnership.pk,), datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC), NOW
    )
    assert (met, total) == (1, 2)  # 1 October + 5 working days is 8 October
