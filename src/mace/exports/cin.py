"""The Children in Need census extract: DfE CIN census XML (2025-26 onwards: `Sex`, not `GenderCurrent`).

Written child by child to the file, so a partnership of 100,000 children never sits in memory as one XML
tree. It is an extract for the council to reconcile with its own return, not a submission."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO
from xml.etree import ElementTree as ET

from .records import ChildReturn, Episode
from .years import CollectionYear

SOFTWARE = "MACE"


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


def _add(parent: ET.Element, tag: str, text: str | int | None) -> ET.Element | None:
    if text is None or text == "":
        return None
    el = ET.SubElement(parent, tag)
    el.text = str(text)
    return el


@dataclass(frozen=True)
class Header:
    year: CollectionYear
    la_code: str
    made_at: datetime
    release: str = "1"
    serial: str = "001"


def header_xml(h: Header) -> str:
    header = ET.Element("Header")
    details = ET.SubElement(header, "CollectionDetails")
    _add(details, "Collection", "CIN")
    _add(details, "Year", h.year.year)
    _add(details, "ReferenceDate", h.year.end.isoformat())
    source = ET.SubElement(header, "Source")
    _add(source, "SourceLevel", "L")
    _add(source, "LEA", h.la_code)
    _add(source, "SoftwareCode", SOFTWARE)
    _add(source, "Release", h.release)
    _add(source, "SerialNo", h.serial)
    _add(source, "DateTime", h.made_at.replace(microsecond=0, tzinfo=None).isoformat())
    content = ET.SubElement(header, "Content")
    levels = ET.SubElement(content, "CBDSLevels")
    _add(levels, "CBDSLevel", "Child")
    return ET.tostring(header, encoding="unicode")


def in_census(child: ChildReturn, year: CollectionYear, until: date) -> list[Episode]:
    """The child's CIN episodes open at any time in the collection year (up to `until`)."""
    if child.dob is None:
        return []
    return [e for e in child.episodes if e.overlaps(year.start, until)]


def child_element(child: ChildReturn, episodes: list[Episode], year: CollectionYear) -> ET.Element:
    el = ET.Element("Child")
    ids = ET.SubElement(el, "ChildIdentifiers")
    _add(ids, "LAchildID", child.la_child_id)
    if child.upn:
        _add(ids, "UPN", child.upn)
    else:
        _add(ids, "UPNunknown", child.upn_unknown(year.end))
    _add(ids, "PersonBirthDate", _d(child.dob))
    _add(ids, "Sex", child.sex)
    traits = ET.SubElement(el, "ChildCharacteristics")
    _add(traits, "Ethnicity", child.ethnicity)
    for episode in episodes:
        el.append(_episode(episode, year))
    return el


def _episode(e: Episode, year: CollectionYear) -> ET.Element:
    el = ET.Element("CINdetails")
    _add(el, "CINreferralDate", _d(e.referral_date))
    _add(el, "ReferralSource", e.source)
    _add(el, "PrimaryNeedCode", e.primary_need)
    _add(el, "CINclosureDate", _d(e.closure_date))
    _add(el, "ReasonForClosure", e.closure_reason if e.closure_date else "")
    _add(el, "DateOfInitialCPC", _d(e.initial_conference))
    _add(el, "ReferralNFA", "1" if e.nfa else "0")
    for a in e.assessments:
        if a.authorised is not None and not (year.start <= a.authorised <= year.end):
            continue  # authorised in another collection year: that year's census carries it (rule 8696)
        node = ET.SubElement(el, "Assessments")
        _add(node, "AssessmentActualStartDate", _d(a.start))
        _add(node, "AssessmentAuthorisationDate", _d(a.authorised))
        factors = ET.SubElement(node, "FactorsIdentifiedAtAssessment")
        for code in a.factors:
            _add(factors, "AssessmentFactors", code)
    for plan in e.cin_plans:
        node = ET.SubElement(el, "CINPlanDates")
        _add(node, "CINPlanStartDate", _d(plan.start))
        _add(node, "CINPlanEndDate", _d(plan.end))
    for q in e.enquiries:
        node = ET.SubElement(el, "Section47")
        _add(node, "S47ActualStartDate", _d(q.start))
        _add(node, "InitialCPCtarget", _d(q.icpc_target))
        _add(node, "DateOfInitialCPC", _d(q.icpc_date))
        _add(node, "ICPCnotRequired", "0" if q.icpc_date else "1")
    for p in e.cp_plans:
        node = ET.SubElement(el, "ChildProtectionPlans")
        _add(node, "CPPstartDate", _d(p.start))
        _add(node, "CPPendDate", _d(p.end))
        _add(node, "InitialCategoryOfAbuse", p.initial_category)
        _add(node, "LatestCategoryOfAbuse", p.latest_category)
        _add(node, "NumberOfPreviousCPP", p.previous)
        for review in p.reviews:
            reviews = ET.SubElement(node, "Reviews")
            _add(reviews, "CPPreviewDate", _d(review))
    return el


def write(
    out: IO[str],
    children: list[ChildReturn],
    header: Header,
    *,
    until: date,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write the census to `out`; returns the number of children in it."""
    out.write('<?xml version="1.0" encoding="utf-8"?>\n<Message>\n')
    out.write(header_xml(header))
    out.write("\n<Children>\n")
    count = 0
    total = len(children)
    for n, child in enumerate(children, 1):
        episodes = in_census(child, header.year, until)
        if episodes:
            out.write(ET.tostring(child_element(child, episodes, header.year), encoding="unicode"))
            out.write("\n")
            count += 1
        if progress is not None and (n % 1000 == 0 or n == total):
            progress(n, total)
    out.write("</Children>\n</Message>\n")
    return count
