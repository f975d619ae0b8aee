"""A handful of children mapped by hand to the rows of each return: the CIN census XML, the SSDA903 tables,
the Annex A lists and the Standard Safeguarding Dataset."""

# shifted-clocks: pinned (every instant is fixed; "now" is pinned by the world fixture)

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date
from xml.etree import ElementTree as ET

import pytest
from openpyxl import load_workbook

from mace.exports import annex_a, cin, records, ssd, ssda903
from mace.exports.years import CollectionYear, YearError
from mace.people.identifiers import generate_upn

from .conftest import World, at

YEAR = CollectionYear(2027)  # 1 April 2026 to 31 March 2027
UNTIL = date(2026, 12, 2)


def _build(world: World) -> list[records.ChildReturn]:
    children, _issues = records.build(world.partnership.pk, until=UNTIL)
    return children


def _cin_xml(world: World) -> ET.Element:
    out = io.StringIO()
    header = cin.Header(year=YEAR, la_code="201", made_at=at(2026, 12, 2))
    cin.write(out, _build(world), header, until=UNTIL)
    return ET.fromstring(out.getvalue())  # noqa: S314 (our own output)


def _texts(el: ET.Element | None) -> dict[str, str]:
    return {c.tag: (c.text or "") for c in el or [] if len(c) == 0}


# --- CIN census ----------------------------------------------------------------------------------------


def test_a_referral_assessment_enquiry_and_protection_plan_become_one_cin_episode(world: World) -> None:
    import random

    upn = generate_upn(random.Random(5))
    child = world.child(la="LA100001", upn=upn, sex="F")
    world.contact(
        child, on=at(2026, 6, 1), concerns=["sexual_exploitation", "missing", "school_non_attendance"]
    )
    world.screening(child, on=at(2026, 6, 3), agreed=at(2026, 6, 5))
    world.strategy(child, held=at(2026, 6, 4))
    world.plan(
        child, (at(2026, 6, 22), "child_protection", "agreed"), (at(2026, 10, 1), "child_in_need", "agreed")
    )

    root = _cin_xml(world)
    children = root.findall("Children/Child")
    assert len(children) == 1
    ids = _texts(children[0].find("ChildIdentifiers"))
    assert ids == {"LAchildID": "LA100001", "UPN": upn, "PersonBirthDate": "2011-05-14", "Sex": "F"}
    assert children[0].findtext("ChildCharacteristics/Ethnicity") == "WBRI"
    details = children[0].findall("CINdetails")
    assert len(details) == 1
    episode = details[0]
    assert _texts(episode) == {
        "CINreferralDate": "2026-06-01",
        "ReferralSource": "6",  # the police
        "PrimaryNeedCode": "N1",
        "ReferralNFA": "0",
    }
    assessment = episode.find("Assessments")
    assert _texts(assessment) == {
        "AssessmentActualStartDate": "2026-06-03",
        "AssessmentAuthorisationDate": "2026-06-05",
    }
    assert [f.text for f in assessment.findall("FactorsIdentifiedAtAssessment/AssessmentFactors")] == [
        "10A",
        "11A",
    ]
    # 15 working days from Thursday 4 June 2026 is Thursday 25 June; the plan began on Monday 22 June.
    assert _texts(episode.find("Section47")) == {
        "S47ActualStartDate": "2026-06-04",
        "InitialCPCtarget": "2026-06-25",
        "DateOfInitialCPC": "2026-06-22",
        "ICPCnotRequired": "0",
    }
    assert _texts(episode.find("ChildProtectionPlans")) == {
        "CPPstartDate": "2026-06-22",
        "CPPendDate": "2026-10-01",
        "InitialCategoryOfAbuse": "SAB",
        "LatestCategoryOfAbuse": "SAB",
        "NumberOfPreviousCPP": "0",
    }
    assert _texts(episode.find("CINPlanDates")) == {"CINPlanStartDate": "2026-10-01"}


def test_factor_21_no_factors_stands_alone(world: World) -> None:
    child = world.child(la="LA100002")
    world.contact(child, on=at(2026, 7, 1), concerns=["school_non_attendance"])
    world.screening(child, on=at(2026, 7, 2))
    root = _cin_xml(world)
    assert [f.text for f in root.iter("AssessmentFactors")] == ["21"]


def test_a_referral_with_nothing_after_it_is_no_further_action_closed_that_day(world: World) -> None:
    child = world.child(la="LA100003", date_of_birth=date(2010, 1, 1))
    world.contact(child, on=at(2026, 8, 10))
    root = _cin_xml(world)
    episode = root.find("Children/Child/CINdetails")
    assert _texts(episode)["ReferralNFA"] == "1"
    assert _texts(episode)["CINclosureDate"] == "2026-08-10"
    assert _texts(episode)["ReasonForClosure"] == "RC8"
    assert root.findtext("Children/Child/ChildIdentifiers/UPNunknown") == "UN7"


def test_a_second_referral_while_the_episode_is_open_joins_it(world: World) -> None:
    child = world.child(la="LA100004")
    world.contact(child, on=at(2026, 5, 1))
    world.plan(child, (at(2026, 5, 10), "child_in_need", "agreed"))
    world.contact(child, on=at(2026, 9, 1), concerns=["county_lines"])
    details = _cin_xml(world).findall("Children/Child/CINdetails")
    assert [d.findtext("CINreferralDate") for d in details] == ["2026-05-01"]


def test_a_child_without_a_date_of_birth_is_listed_to_fix_and_left_out(world: World) -> None:
    child = world.child(la="LA100005", date_of_birth=None)
    world.contact(child, on=at(2026, 6, 1))
    children, issues = records.build(world.partnership.pk, until=UNTIL)
    assert [(i.person_id, i.field, i.severity) for i in issues] == [(child.pk, "date of birth", "error")]
    assert records.exportable(children) == []
    assert _cin_xml(world).findall("Children/Child") == []


def test_a_upn_failing_its_check_letter_is_not_exported_and_is_listed(world: World) -> None:
    import random

    good = generate_upn(random.Random(6))
    bad = ("B" if good[0] != "B" else "C") + good[1:]  # the check letter changed
    child = world.child(la="LA100006", upn=bad)
    world.contact(child, on=at(2026, 6, 1))
    world.screening(child, on=at(2026, 6, 2))
    _children, issues = records.build(world.partnership.pk, until=UNTIL)
    assert [i.field for i in issues] == ["UPN"]
    ids = _cin_xml(world).find("Children/Child/ChildIdentifiers")
    assert ids is not None and ids.find("UPN") is None
    assert ids.findtext("UPNunknown") == "UN5"


def test_a_child_without_a_council_identifier_is_exported_under_maces_and_warned(world: World) -> None:
    child = world.child()
    world.contact(child, on=at(2026, 6, 1))
    _children, issues = records.build(world.partnership.pk, until=UNTIL)
    assert [(i.field, i.severity) for i in issues] == [("LAchildID", "warning")]
    assert _cin_xml(world).findtext("Children/Child/ChildIdentifiers/LAchildID") == f"MACE{child.pk}"


def test_an_episode_closed_before_the_collection_year_is_not_in_its_census(world: World) -> None:
    child = world.child(la="LA100007")
    world.contact(child, on=at(2026, 2, 2))  # NFA, closed the same day: the 2026 census, not 2027's
    assert _cin_xml(world).findall("Children/Child") == []


def test_a_collection_year_that_has_not_started_is_refused() -> None:
    with pytest.raises(YearError, match="has not started"):
        CollectionYear.parse("2028", today=date(2026, 12, 2))
    assert CollectionYear.parse("2026-27", today=date(2026, 12, 2)) == CollectionYear(2027)
    with pytest.raises(YearError, match="April to March"):
        CollectionYear.parse("2025-27", today=date(2026, 12, 2))


# --- SSDA903 -------------------------------------------------------------------------------------------


def test_only_episodes_while_looked_after_are_in_the_missing_table(world: World) -> None:
    child = world.child(la="LA200001", sex="M")
    world.plan(child, (at(2026, 5, 1), "child_in_need", "agreed"), (at(2026, 7, 1), "cared_for", "agreed"))
    world.episode(child, seen=at(2026, 6, 1), back=at(2026, 6, 2), setting="home")  # before care
    world.episode(child, seen=at(2026, 8, 3, 22), back=at(2026, 8, 5), category="absent")
    world.episode(child, seen=at(2026, 11, 30), back=None)
    other = world.child(la="LA200002")  # never looked after
    world.episode(other, seen=at(2026, 8, 3), back=at(2026, 8, 4), setting="home")
    tables = ssda903.tables(_build(world), YEAR, until=UNTIL)
    assert [h["CHILD"] for h in tables.header] == ["LA200001"]
    assert tables.header[0]["SEX"] == "M"
    assert tables.missing == [
        {
            "CHILD": "LA200001",
            "DOB": "14/05/2011",
            "MISSING": "A",
            "MIS_START": "03/08/2026",
            "MIS_END": "05/08/2026",
        },
        {"CHILD": "LA200001", "DOB": "14/05/2011", "MISSING": "M", "MIS_START": "30/11/2026", "MIS_END": ""},
    ]
    assert [(e["DECOM"], e["RNE"], e["DEC"]) for e in tables.episodes] == [("01/07/2026", "S", "")]


# --- Annex A -------------------------------------------------------------------------------------------


def test_annex_a_has_every_list_with_its_headings_and_coded_values(world: World) -> None:
    child = world.child(la="LA300001", sex="M")
    world.contact(child, on=at(2026, 10, 5))
    out = io.BytesIO()
    counts = annex_a.write(out, _build(world), on=UNTIL)
    book = load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    assert book.sheetnames == [f"List {n}" for n in range(1, 12)]
    rows = list(book["List 1"].iter_rows(values_only=True))
    assert list(rows[0]) == annex_a.LISTS["List 1"]
    assert rows[1][:3] == ("LA300001", "a) Male", "a) WBRI")
    assert rows[1][6] == "q) 6: Police"
    referral = list(book["List 3"].iter_rows(values_only=True))[1]
    assert referral[6:8] == ("q) 6: Police", "a) Yes")  # a referral with no further action
    assert counts["List 2"] == 0 and counts["List 1"] == 1


# --- Standard Safeguarding Dataset ----------------------------------------------------------------------


def test_the_dataset_uses_the_ssd_field_names_and_never_a_name(world: World) -> None:
    child = world.child(la="LA400001", given_names="Kayleigh", family_name="Brennan")
    world.contact(child, on=at(2026, 10, 5), concerns=["trafficking"])
    world.screening(child, on=at(2026, 10, 6))
    world.episode(
        child, seen=at(2026, 10, 20), back=at(2026, 10, 21), offered=at(2026, 10, 22), response="accepted"
    )
    out = io.BytesIO()
    counts = ssd.write(out, _build(world), source_names={}, on=UNTIL)
    archive = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    assert sorted(archive.namelist()) == sorted(f"{t}.csv" for t in ssd.TABLES)
    everything = b"".join(archive.read(n) for n in archive.namelist()).decode()
    assert "Kayleigh" not in everything and "Brennan" not in everything
    person = list(csv.DictReader(io.StringIO(archive.read("ssd_person.csv").decode())))
    assert person[0]["pers_person_id"] == "LA400001" and person[0]["pers_forename"] == ""
    missing = list(csv.DictReader(io.StringIO(archive.read("ssd_missing.csv").decode())))
    assert (missing[0]["miss_missing_rhi_offered"], missing[0]["miss_missing_rhi_accepted"]) == ("Y", "Y")
    factors = list(csv.DictReader(io.StringIO(archive.read("ssd_assessment_factors.csv").decode())))
    assert json.loads(factors[0]["cinf_assessment_factors_json"]) == ["12A"]
    assert counts["ssd_contacts"] == 1


def test_two_records_with_one_council_identifier_are_listed_and_left_out(world: World) -> None:
    first = world.child(la="LA700001")
    second = world.child(la="LA700001", given_names="Kai")
    for person in (first, second):
        world.contact(person, on=at(2026, 6, 1))
    children, issues = records.build(world.partnership.pk, until=UNTIL)
    assert sorted((i.person_id, i.field) for i in issues) == [
        (first.pk, "LAchildID"),
        (second.pk, "LAchildID"),
    ]
    assert records.exportable(children) == []
