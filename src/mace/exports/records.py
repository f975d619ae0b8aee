"""What the statutory returns say about each child, derived once from MACE's records.

MACE does not hold a council's case system; it holds what the partnership did about exploitation. The
returns are read from it by these rules (docs/exports.md lists every field):

* a **referral** is a front door contact decided as a referral to children's social care or a strategy
  discussion, on the day it was decided; a referral while an episode is open joins that episode;
* an **assessment** is a completed exploitation screening in the episode, its factors the CIN factors the
  episode's contacts' concerns evidence (`mappings.factors`);
* a **section 47 enquiry** is a held strategy meeting that decided on one; the initial conference is due
  15 working days later (the one clock service) and is the start of a child protection plan that follows;
* **child in need, child protection and cared-for spells** are read from the child's one plan: a spell
  starts when an agreed version has that type and ends when a later version changes the type or closes it;
* an **episode** (a CIN episode) ends when the statutory spells that began in it end (reason RC7), or, with
  none, when its last assessment was authorised (RC8), or on the referral's day with no further action.

Dates are local (Europe/London) calendar days. Nothing here writes; the export records its own access.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from mace.casework.selectors import ReturnPlacement, placements_for_returns
from mace.core import clocks
from mace.frontdoor.selectors import ReturnContact, contacts_for_returns
from mace.meetings.selectors import ReturnEnquiry, section_47_for_returns
from mace.missing.selectors import ReturnEpisode, episodes_for_returns
from mace.people.identifiers import upn_is_valid
from mace.people.selectors import ReturnPerson, people_for_returns
from mace.plans.selectors import ReturnPlanVersion, plan_reviews_for_returns, plan_versions_for_returns
from mace.screening.selectors import ReturnScreening, screenings_for_returns

from . import mappings

REFERRAL_DECISIONS = frozenset({"referral", "strategy"})
STATUTORY = ("child_in_need", "child_protection", "cared_for")
ICPC_WORKING_DAYS = 15


def day(value: datetime) -> date:
    return timezone.localdate(value)


def conference_day(on: date, *, not_before: date) -> date:
    """The working day a conference was held on: the day itself, or the last working day before it (the
    next one if that would come before the episode's referral)."""
    back = on
    while not clocks.is_working_day(back):
        back -= timedelta(days=1)
    if back >= not_before:
        return back
    while not clocks.is_working_day(on):
        on += timedelta(days=1)
    return on


@dataclass(frozen=True)
class Spell:
    kind: str  # early_help, child_in_need, child_protection, cared_for
    start: date
    end: date | None  # None: open

    def overlaps(self, start: date, end: date) -> bool:
        return self.start <= end and (self.end is None or self.end >= start)

    def holds(self, on: date) -> bool:
        return self.start <= on and (self.end is None or self.end > on)


@dataclass
class Assessment:
    id: int
    start: date
    authorised: date | None  # None: still open on the last day counted
    factors: list[str]
    agency: str


@dataclass
class Enquiry:
    id: int
    start: date
    icpc_target: date
    icpc_date: date | None
    team: str


@dataclass
class ProtectionPlan:
    start: date
    end: date | None
    initial_category: str
    latest_category: str
    previous: int
    reviews: list[date]


@dataclass
class Episode:
    referral_id: int
    referral_date: date
    source: str
    primary_need: str
    team: str
    worker: str
    contact_ids: list[int] = field(default_factory=list)
    concerns: set[str] = field(default_factory=set)
    assessments: list[Assessment] = field(default_factory=list)
    enquiries: list[Enquiry] = field(default_factory=list)
    cin_plans: list[Spell] = field(default_factory=list)
    cp_plans: list[ProtectionPlan] = field(default_factory=list)
    closure_date: date | None = None
    closure_reason: str = ""
    nfa: bool = False
    initial_conference: date | None = None  # a conference recorded on the episode, not on an enquiry

    def overlaps(self, start: date, end: date) -> bool:
        return self.referral_date <= end and (self.closure_date is None or self.closure_date >= start)


@dataclass
class Missing:
    id: int
    category: str  # M or A
    start: date
    end: date | None
    rhi_offered: str  # Y, N or NA (still missing)
    rhi_accepted: str


@dataclass
class ContactRow:
    id: int
    on: date
    source: str
    concerns: tuple[str, ...]
    decision: str
    team: str


@dataclass
class ChildReturn:
    person_id: int
    la_child_id: str
    la_id_from_mace: bool
    upn: str  # "" when none, or when the one recorded fails its check letter
    upn_recorded: str
    dob: date | None
    sex: str  # M, F or U
    ethnicity: str  # DfE code
    contacts: list[ContactRow] = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)
    spells: list[Spell] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    placements: list[ReturnPlacement] = field(default_factory=list)
    shared_identifier: bool = False  # another MACE record holds the same council identifier

    @property
    def looked_after(self) -> list[Spell]:
        return [s for s in self.spells if s.kind == "cared_for"]

    def age_on(self, on: date) -> float | None:
        if self.dob is None:
            return None
        return round((on - self.dob).days / 365.25, 2)

    def upn_unknown(self, reference: date) -> str:
        if self.upn:
            return ""
        if self.upn_recorded:
            return "UN5"  # the recorded UPN fails its check: sources reflect a discrepancy
        if self.dob is not None and self.dob > reference - timedelta(days=365 * 5 + 1):
            return "UN1"  # under school age
        if self.episodes and all(e.nfa for e in self.episodes):
            return "UN7"  # referral with no further action (CIN only: SSDA903 takes UN1 to UN5)
        return ""


@dataclass(frozen=True)
class Issue:
    """A record a return cannot carry as it stands: the child, the field and what to fix."""

    person_id: int
    la_child_id: str
    field: str
    problem: str
    fix: str
    severity: str = "error"  # error: left out of the return; warning: exported, to reconcile


def la_child_id(person: ReturnPerson) -> tuple[str, bool]:
    raw = "".join(ch for ch in person.identifiers.get("la_child", "") if ch.isalnum())
    if raw and len(raw) <= 20:
        return raw, False
    return f"MACE{person.id}", True


def sex_code(sex: str) -> str:
    return sex if sex in ("M", "F") else "U"


def spells_from(versions: list[ReturnPlanVersion]) -> list[Spell]:
    """The child's plan-type spells from the plan's versions (already in order)."""
    spells: list[Spell] = []
    current: tuple[str, date] | None = None
    for v in versions:
        on = day(v.created_at)
        if v.status == "draft":
            continue
        state = v.plan_type if v.status == "agreed" else None
        if current is not None and current[0] == state:
            continue
        if current is not None:
            spells.append(Spell(current[0], current[1], on))
        current = (state, on) if state else None
    if current is not None:
        spells.append(Spell(current[0], current[1], None))
    return [s for s in spells if s.end is None or s.end > s.start]


def _episodes(
    contacts: list[ReturnContact],
    screenings: list[ReturnScreening],
    enquiries: list[ReturnEnquiry],
    spells: list[Spell],
    reviews: list[date],
    today: date,
) -> list[Episode]:
    episodes: list[Episode] = []
    referrals = [c for c in contacts if c.decision in REFERRAL_DECISIONS and c.decided_at is not None]
    for contact in referrals:
        on = day(contact.decided_at)  # type: ignore[arg-type]
        open_one = episodes[-1] if episodes and (episodes[-1].closure_date is None) else None
        if open_one is None and episodes and episodes[-1].closure_date and episodes[-1].closure_date >= on:
            open_one = episodes[-1]
        if open_one is not None:
            open_one.contact_ids.append(contact.id)
            open_one.concerns.update(contact.concerns)
            continue
        episode = Episode(
            referral_id=contact.id,
            referral_date=on,
            source=mappings.referral_source(contact.source_agency_kind, contact.kind),
            primary_need=mappings.lookup("primary_need", "default"),
            team=contact.team,
            worker=contact.worker,
            contact_ids=[contact.id],
            concerns=set(contact.concerns),
        )
        _close(episode, screenings, enquiries, spells, reviews, today)
        episodes.append(episode)
    for episode in episodes:  # the concerns of every contact the episode took in
        factors = mappings.factors(episode.concerns)
        category = mappings.category_of_abuse(episode.concerns)
        for a in episode.assessments:
            a.factors = factors
        for p in episode.cp_plans:
            p.initial_category = p.latest_category = category
    return episodes


def _close(
    episode: Episode,
    screenings: list[ReturnScreening],
    enquiries: list[ReturnEnquiry],
    spells: list[Spell],
    reviews: list[date],
    today: date,
) -> None:
    start = episode.referral_date
    statutory = [s for s in spells if s.kind in STATUTORY and (s.end is None or s.end > start)]
    # The statutory spells of this episode: those open at the referral or starting after it, while
    # contiguous (a gap of more than a day ends the episode's services).
    mine: list[Spell] = []
    reach: date | None = start
    for spell in sorted(statutory, key=lambda s: s.start):
        if reach is None:
            break
        if spell.start <= reach + timedelta(days=1) or not mine:
            if not mine and spell.start > start + timedelta(days=92):
                break  # a plan months later belongs to a later referral
            mine.append(spell)
            reach = None if spell.end is None else max(reach, spell.end)
    # A plan already open when the referral came counts from the referral: the census has no CIN or child
    # protection plan before its episode's referral date (rule 4015).
    mine = [Spell(s.kind, max(s.start, start), s.end) for s in mine]
    if mine:
        episode.closure_date = reach
        episode.closure_reason = "RC7" if reach is not None else ""
    window_end = episode.closure_date or today
    for s in screenings:
        done = day(s.completed_at)
        if start <= done <= window_end:
            agreed = day(s.agreed_at) if s.agreed_at else done
            # Authorised after the last day counted: the assessment is still open on that day.
            authorised = max(agreed, done) if agreed <= today else None
            episode.assessments.append(Assessment(s.id, done, authorised, [], s.agency_name))
    # Each child protection plan begins at its initial conference, on a working day: a plan recorded on a
    # weekend or bank holiday was agreed at the last working day's conference (`conference_day`).
    protection = [
        Spell(s.kind, conference_day(s.start, not_before=start), s.end)
        for s in mine
        if s.kind == "child_protection"
    ]
    claimed: set[int] = set()
    for e in enquiries:
        held = day(e.held_at)
        if start <= held <= window_end:
            match = next((i for i, p in enumerate(protection) if i not in claimed and p.start >= held), None)
            if match is not None:
                claimed.add(match)
            episode.enquiries.append(
                Enquiry(
                    e.meeting_id,
                    held,
                    clocks.add_working_days(held, ICPC_WORKING_DAYS),
                    protection[match].start if match is not None else None,
                    e.team,
                )
            )
    unclaimed = [p for i, p in enumerate(protection) if i not in claimed]
    if unclaimed and not any(q.icpc_date for q in episode.enquiries):
        # A plan with no enquiry before it in MACE (one already open at the referral, say): its conference
        # is recorded on the episode, never on an enquiry as well (rule 2884).
        episode.initial_conference = unclaimed[0].start
    all_cp = [s for s in spells if s.kind == "child_protection"]
    for p in protection:
        episode.cp_plans.append(
            ProtectionPlan(
                start=p.start,
                end=p.end,
                initial_category="",
                latest_category="",
                previous=sum(1 for other in all_cp if other.start < p.start),
                reviews=[r for r in reviews if p.start < r and (p.end is None or r <= p.end)],
            )
        )
    # A child in need plan ends when a child protection plan begins (never both open: rule 4017).
    episode.cin_plans = []
    for plan in (s for s in mine if s.kind == "child_in_need"):
        end = plan.end
        for p in protection:
            if plan.start <= p.start and (end is None or p.start < end):
                end = p.start
        episode.cin_plans.append(Spell(plan.kind, plan.start, end))
    if not mine:
        if episode.assessments or episode.enquiries:
            if any(a.authorised is None for a in episode.assessments):
                return  # an assessment still open keeps the episode open
            last = max(
                [a.authorised for a in episode.assessments if a.authorised]
                + [e.start for e in episode.enquiries]
            )
            episode.closure_date = last
            # "Closed after assessment" only when nothing but an assessment happened (rule 2990): an
            # enquiry that led to no plan ends as services ceased.
            episode.closure_reason = "RC7" if episode.enquiries else "RC8"
        else:
            episode.closure_date = start
            episode.closure_reason = "RC8"
            episode.nfa = True


def _missing(episodes: list[ReturnEpisode]) -> list[Missing]:
    out = []
    for e in episodes:
        if e.returned_at is None:
            offered, accepted = "NA", "NA"
        else:
            offered = "Y" if e.rhi_offered_at is not None else "N"
            accepted = "Y" if e.rhi_response == "accepted" else "N"
        out.append(
            Missing(
                e.id,
                "M" if e.category == "missing" else "A",
                day(e.started_at),
                day(e.returned_at) if e.returned_at else None,
                offered,
                accepted,
            )
        )
    return out


def _group(rows: Iterable[Any], key: str = "person_id") -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        out[getattr(row, key)].append(row)
    return out


def build(
    partnership_id: int,
    *,
    until: date,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[ChildReturn], list[Issue]]:
    """Every child of the partnership with what the returns say of them up to the end of `until`, and
    the data-quality issues that keep a record out of a return or need reconciling."""
    end = timezone.make_aware(datetime.combine(until + timedelta(days=1), datetime.min.time()))
    contacts = _group(contacts_for_returns(partnership_id, until=end))
    screenings = _group(screenings_for_returns(partnership_id, until=end))
    enquiries = _group(section_47_for_returns(partnership_id, until=end))
    versions = _group(plan_versions_for_returns(partnership_id, until=end))
    reviews = plan_reviews_for_returns(partnership_id)
    missing = _group(episodes_for_returns(partnership_id, until=end))
    placements = _group(placements_for_returns(partnership_id))
    people = people_for_returns(partnership_id)
    children: list[ChildReturn] = []
    issues: list[Issue] = []
    total = len(people)
    for n, person in enumerate(people, 1):
        if progress is not None and (n % 1000 == 0 or n == total):
            progress(n, total)
        ident, generated = la_child_id(person)
        recorded_upn = (person.identifiers.get("upn") or "").replace(" ", "").upper()
        child = ChildReturn(
            person_id=person.id,
            la_child_id=ident,
            la_id_from_mace=generated,
            upn=recorded_upn if recorded_upn and upn_is_valid(recorded_upn) else "",
            upn_recorded=recorded_upn,
            dob=person.date_of_birth,
            sex=sex_code(person.sex),
            ethnicity=mappings.ethnicity(person.ethnicity),
        )
        for c in contacts.get(person.id, []):
            child.contacts.append(
                ContactRow(
                    c.id,
                    day(c.received_at),
                    mappings.referral_source(c.source_agency_kind, c.kind),
                    c.concerns,
                    c.decision,
                    c.team,
                )
            )
        child.spells = spells_from(versions.get(person.id, []))
        child.episodes = _episodes(
            contacts.get(person.id, []),
            screenings.get(person.id, []),
            enquiries.get(person.id, []),
            child.spells,
            reviews.get(person.id, []),
            until,
        )
        child.missing = _missing(missing.get(person.id, []))
        child.placements = placements.get(person.id, [])
        if not (child.contacts or child.episodes or child.spells or child.missing):
            continue  # known to MACE only by a search or a match: nothing to return
        issues.extend(check(child))
        children.append(child)
    issues.extend(_shared_identifiers(children))
    return children, issues


def _shared_identifiers(children: list[ChildReturn]) -> list[Issue]:
    """A council child identifier held by two MACE records: one child recorded twice (to merge), or a
    mistyped identifier. Neither record can go in a return under it: both are listed to fix."""
    holders: dict[str, list[ChildReturn]] = defaultdict(list)
    for child in children:
        if not child.la_id_from_mace:
            holders[child.la_child_id].append(child)
    found = []
    for ident, shared in holders.items():
        if len(shared) < 2:
            continue
        others = ", ".join(str(c.person_id) for c in shared)
        for child in shared:
            child.shared_identifier = True
            found.append(
                Issue(
                    child.person_id,
                    ident,
                    "LAchildID",
                    f"The council child identifier {ident} is on {len(shared)} MACE records ({others}): the "
                    "child is left out of every return until it is on one.",
                    "Merge the records if they are the same child, or correct the identifier.",
                )
            )
    return found


def check(child: ChildReturn) -> list[Issue]:
    """What keeps this child out of a return, or needs the council to reconcile it."""
    found: list[Issue] = []
    if child.dob is None:
        found.append(
            Issue(
                child.person_id,
                child.la_child_id,
                "date of birth",
                "No date of birth is recorded: the child is left out of every return.",
                "Record the child's date of birth on their record.",
            )
        )
    if child.upn_recorded and not child.upn:
        found.append(
            Issue(
                child.person_id,
                child.la_child_id,
                "UPN",
                f"The unique pupil number {child.upn_recorded!r} fails its check letter: it is not exported "
                "(UPNunknown UN5 is sent instead).",
                "Check the UPN with the school or the council's pupil records and correct it.",
            )
        )
    if child.la_id_from_mace:
        found.append(
            Issue(
                child.person_id,
                child.la_child_id,
                "LAchildID",
                f"No council child identifier is recorded: MACE's own ({child.la_child_id}) is used.",
                "Add the council's child identifier to the child's record.",
                severity="warning",
            )
        )
    return found


def exportable(children: list[ChildReturn]) -> list[ChildReturn]:
    """The children a return can carry: a date of birth, and an identifier no other record holds."""
    return [c for c in children if c.dob is not None and not c.shared_identifier]
