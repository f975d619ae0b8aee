"""Reading the network: every query takes the user. Who sees what (docs/decisions/0030):

- A subject (adult of concern, place, vehicle, online identity, group) is seen by its partnership's
  readers as far as its handling code allows (`may_see`): codes 1, 3 and 4 by police intelligence roles,
  code 2 also by every role that works with children's records (and, where the deployment says so, the
  partnership analyst), code 5 by whoever recorded it. Anyone else who works with a linked child sees that
  "an adult of concern is linked", never who, where or the grading.
- A child in a network is named only to a reader who may open the child's record, or to a police
  intelligence reader of the same partnership (police already see every missing child of the partnership).
- Readers of figures only (executives, scrutineers) see counts, with 1 to 4 as "fewer than 5".
Every view of a subject or a child's network writes the access log."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from mace.accounts.models import Role
from mace.core import audit, disclosure, due
from mace.core.access import capabilities
from mace.core.models import AccessLogEntry
from mace.people.models import Person
from mace.people.selectors import openable

from .models import (
    Association,
    ContextAssessment,
    ContextConference,
    ContextPlan,
    ContextStep,
    Disruption,
    GroupMember,
    Link,
    NrmReferral,
    Proposal,
    Subject,
    SubjectMerge,
)

A = AccessLogEntry.Action
POLICE_CODES = frozenset({1, 2, 3, 4})
PARTNER_CODES = frozenset({2})


class NotFound(Exception):
    """No such record or no right to see it: the same to the caller."""


def partnership_ids(user: Any) -> list[int]:
    if not getattr(user, "is_authenticated", False) or not user.agency_id:
        return []
    return list(user.agency.partnerships.values_list("pk", flat=True))


def allowed_codes(user: Any) -> frozenset[int]:
    """The handling codes whose subjects this user sees (code 5 only their own, handled apart)."""
    caps = capabilities(user)
    if caps.intelligence:
        return POLICE_CODES
    codes: set[int] = set()
    if caps.records:
        codes |= PARTNER_CODES
    if user.has_role(Role.PARTNERSHIP_ANALYST):
        codes |= set(getattr(settings, "MACE_NETWORK_ANALYST_CODES", ()))
    return frozenset(codes)


def may_see(user: Any, subject: Subject) -> bool:
    if subject.partnership_id not in partnership_ids(user):
        return False
    if subject.handling_code == 5:
        return bool(subject.recorded_by_id) and subject.recorded_by_id == user.pk
    return subject.handling_code in allowed_codes(user)


def names_children(user: Any) -> bool:
    """A police intelligence reader sees the names of the partnership's children in the network."""
    return capabilities(user).intelligence


def _visible_q(user: Any) -> Q:
    return Q(partnership_id__in=partnership_ids(user), merged_into__isnull=True, archived_at__isnull=True) & (
        Q(handling_code__in=allowed_codes(user)) | Q(handling_code=5, recorded_by_id=user.pk)
    )


def subjects_visible_to(user: Any) -> QuerySet[Subject]:
    if not getattr(user, "is_authenticated", False):
        return Subject.objects.none()
    return Subject.objects.filter(_visible_q(user))


def may_open_network(user: Any) -> bool:
    caps = capabilities(user)
    return bool(caps.intelligence or allowed_codes(user) - PARTNER_CODES)


def merge_candidates(user: Any, survivor: Subject, *, q: str = "", limit: int = 50) -> list[Subject]:
    """Other records of adults this user may see in the survivor's partnership: those whose name shares a
    word with the survivor's first (a duplicate usually does), or those matching `q`."""
    qs = (
        subjects_visible_to(user)
        .filter(kind=Subject.Kind.ADULT, partnership_id=survivor.partnership_id)
        .exclude(pk=survivor.pk)
    )
    if q.strip():
        qs = qs.filter(Q(name_key__icontains=q.strip().lower()) | Q(aliases__icontains=q.strip()))
    else:
        words = [w for w in survivor.name_key.split() if len(w) > 2]
        if words:
            match = Q()
            for w in words:
                match |= Q(name_key__icontains=w) | Q(aliases__icontains=w)
            qs = qs.filter(match)
    return list(qs.order_by("name_key", "pk")[:limit])


def merges_into(survivor: Subject) -> list[SubjectMerge]:
    return list(SubjectMerge.objects.filter(survivor=survivor).select_related("other").order_by("-merged_at"))


def merge_for_user(user: Any, merge_id: int) -> SubjectMerge:
    """A merge whose surviving adult this user may see."""
    merge = SubjectMerge.objects.select_related("survivor", "other").filter(pk=merge_id).first()
    if (
        merge is None
        or not may_see(user, merge.survivor)
        or merge.survivor.partnership_id not in partnership_ids(user)
    ):
        raise NotFound("Not found")
    return merge


def subject_list(user: Any, *, kind: str = "", q: str = "", limit: int = 100) -> list[Subject]:
    qs = subjects_visible_to(user)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        from .matching import name_key, registration_key

        qs = qs.filter(Q(name_key__contains=name_key(q)) | Q(name_key=registration_key(q).lower()))
    return list(qs.order_by("kind", "name")[:limit])


def _log(
    user: Any, action: str, object_type: str, object_id: Any, person_id: int | None = None, **d: Any
) -> None:
    with transaction.atomic():
        audit.record(
            audit.Actor.of(user), audit.Event(action, object_type, str(object_id), person_id, detail=d)
        )


def subject_for_user(user: Any, subject_id: int, *, purpose: str = "view") -> Subject:
    """One subject, if the handling code lets this user see it; the read (or the denial) is logged."""
    subject = Subject.objects.filter(pk=subject_id).first()
    if subject is None or not may_see(user, subject):
        _log(user, A.DENY, "network_subject", subject_id, purpose=purpose)
        raise NotFound
    _log(user, A.VIEW, "network_subject", subject.pk, purpose=purpose, handling_code=subject.handling_code)
    return subject


# The links around a child or a subject ----------------------------------------------------------------


@dataclass
class Node:
    key: str  # "p12" (a child) or "s7" (a subject)
    label: str
    kind: str  # child, adult, place, vehicle, online, group, withheld
    href: str = ""
    withheld: bool = False


@dataclass
class Edge:
    pk: int
    source: str
    target: str
    kind: str
    kind_label: str
    starts: date | None
    ends: date | None
    source_label: str
    confidence: str


@dataclass
class Network:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    withheld: int = 0  # links to subjects this reader may not see


@dataclass(frozen=True)
class Filters:
    starts: date | None = None
    ends: date | None = None
    kinds: tuple[str, ...] = ()


WITHHELD_LABEL = {
    "adult": "An adult of concern",
    "place": "A place of concern",
    "vehicle": "A vehicle of concern",
    "online": "An online identity of concern",
    "group": "A group of concern",
}


def _apply(qs: QuerySet[Association], filters: Filters) -> QuerySet[Association]:
    qs = qs.filter(archived_at__isnull=True)
    if filters.kinds:
        qs = qs.filter(kind__in=filters.kinds)
    if filters.starts:  # links that were live on or after the start
        qs = qs.filter(Q(ends__isnull=True) | Q(ends__gte=filters.starts))
    if filters.ends:
        qs = qs.filter(Q(starts__isnull=True) | Q(starts__lte=filters.ends))
    return qs


def _build(user: Any, links: list[Association]) -> Network:
    from mace.core.ui import url

    net = Network()
    subject_ids = {i for a in links for i in (a.subject_id, a.from_subject_id) if i}
    person_ids = {i for a in links for i in (a.person_id, a.other_person_id) if i}
    subjects = {s.pk: s for s in Subject.objects.filter(pk__in=subject_ids)}
    people = {
        p.pk: p for p in Person.objects.filter(pk__in=person_ids).only("pk", "given_names", "family_name")
    }
    may_open = openable(user, person_ids)
    named = names_children(user)
    for pid, p in people.items():
        if pid in may_open or named:
            net.nodes[f"p{pid}"] = Node(f"p{pid}", p.display_name, "child", url("network:child", pid))
        else:
            net.nodes[f"p{pid}"] = Node(f"p{pid}", "A child whose record you do not open", "child")
    for sid, s in subjects.items():
        if may_see(user, s):
            net.nodes[f"s{sid}"] = Node(f"s{sid}", s.name, s.kind, url("network:subject", sid))
        else:
            net.nodes[f"s{sid}"] = Node(f"s{sid}", WITHHELD_LABEL[s.kind], "withheld", withheld=True)
    for a in links:
        left = f"p{a.person_id}" if a.person_id else f"s{a.from_subject_id}"
        right = f"s{a.subject_id}" if a.subject_id else f"p{a.other_person_id}"
        if net.nodes[right].withheld or net.nodes[left].withheld:
            net.withheld += 1
            withheld = True
        else:
            withheld = False
        net.edges.append(
            Edge(
                a.pk,
                left,
                right,
                a.kind,
                a.get_kind_display(),
                None if withheld else a.starts,
                None if withheld else a.ends,
                "Withheld" if withheld else a.get_source_kind_display(),
                "" if withheld else a.get_confidence_display(),
            )
        )
    return net


def _limit() -> int:
    return int(getattr(settings, "MACE_NETWORK_LINK_LIMIT", 500))


def _either(filters: Filters, *conditions: Q) -> list[Association]:
    """The links matching any of the conditions: one indexed query each (an OR of two indexed columns
    makes SQLite scan every link), merged, the latest first, at most the limit."""
    found: dict[int, Association] = {}
    for condition in conditions:
        for a in _apply(Association.objects.filter(condition), filters).order_by("-starts", "pk")[: _limit()]:
            found[a.pk] = a
    ordered = sorted(found.values(), key=lambda a: (-(a.starts.toordinal() if a.starts else 0), a.pk))
    return ordered[: _limit()]


def network_around_subject(user: Any, subject: Subject, filters: Filters = Filters()) -> Network:
    """The links of a subject the user already opened (a group: also its members' links)."""
    if subject.kind != Subject.Kind.GROUP:
        return _build(user, _either(filters, Q(subject=subject), Q(from_subject=subject)))
    members = list(GroupMember.objects.filter(group=subject).values_list("person_id", "subject_id"))
    pids = [p for p, _ in members if p]
    sids = [s for _, s in members if s]
    links = _either(
        filters,
        Q(subject=subject),
        Q(from_subject=subject),
        Q(person_id__in=pids) & (Q(subject_id__in=sids) | Q(other_person_id__in=pids)),
        Q(from_subject_id__in=sids, subject_id__in=sids),
    )
    return _build(user, links)


def network_around_child(user: Any, person: Person, filters: Filters = Filters()) -> Network:
    """The links of a child whose record the user already opened (access checked and logged)."""
    return _build(user, _either(filters, Q(person=person), Q(other_person=person)))


def child_for_user(user: Any, person_id: int) -> Person:
    """A child's network page: the record's own rule, or a police intelligence reader of its partnership."""
    from mace.people.selectors import PersonNotFound, person_for_user

    if names_children(user):
        person = Person.objects.filter(pk=person_id, partnership_id__in=partnership_ids(user)).first()
        if person is not None and person.archived_at is None and not person.restricted:
            _log(user, A.VIEW, "person", person.pk, person.pk, purpose="network")
            return person
    try:
        return person_for_user(user, person_id, purpose="network")[0]
    except PersonNotFound:
        raise NotFound from None


def record_section(person: Any, user: Any) -> dict[str, Any] | None:
    """The child's record: a short summary of the child's network (the record page logged the read)."""
    net = network_around_child(user, person)
    if not net.edges:
        return None
    return {"person": person, "network": net, "nodes": net.nodes}


# Proposals -----------------------------------------------------------------------------------------------


def proposals_for(user: Any, *, status: str = Proposal.Status.OPEN, limit: int = 200) -> list[Proposal]:
    if not capabilities(user).record_intelligence:
        return []
    visible = subjects_visible_to(user).values("pk")
    return list(
        Proposal.objects.filter(
            partnership_id__in=partnership_ids(user), status=status, subject_id__in=visible
        )
        .select_related("person", "subject")
        .order_by("-on", "pk")[:limit]
    )


def proposal_for_user(user: Any, proposal_id: int) -> Proposal:
    found = (
        Proposal.objects.filter(pk=proposal_id, partnership_id__in=partnership_ids(user))
        .select_related("subject", "person")
        .first()
    )
    if found is None or not capabilities(user).record_intelligence or not may_see(user, found.subject):
        _log(user, A.DENY, "network_proposal", proposal_id)
        raise NotFound
    return found


# Groups --------------------------------------------------------------------------------------------------


@dataclass
class GroupPage:
    children: list[Node]
    around: list[Node]  # adults, places, vehicles, online identities
    months: dict[str, int]
    with_plans: list[str]
    without_plans: int
    total_children: int = 0
    planned: int = 0


GROUP_PAGE_LIMIT = 200  # members listed on a group's page; a larger group says how many more


def group_page(user: Any, group: Subject, *, now: datetime | None = None) -> GroupPage:
    from mace.core.ui import url
    from mace.missing.selectors import episode_months
    from mace.plans.selectors import people_with_plans

    now = now or timezone.now()
    members = list(GroupMember.objects.filter(group=group).values_list("person_id", "subject_id"))
    pids = [p for p, _ in members if p]
    sids = [s for _, s in members if s]
    shown_ids = pids[:GROUP_PAGE_LIMIT]
    may_open = openable(user, shown_ids)
    named = names_children(user)
    planned = people_with_plans(pids)
    children = []
    with_plans = []
    for p in Person.objects.filter(pk__in=shown_ids).order_by("family_name", "given_names"):
        shown = p.pk in may_open or named
        label = p.display_name if shown else "A child whose record you do not open"
        children.append(Node(f"p{p.pk}", label, "child", url("network:child", p.pk) if shown else ""))
        if p.pk in planned:
            with_plans.append(label)
    around = []
    for s in Subject.objects.filter(pk__in=sids[:GROUP_PAGE_LIMIT]).order_by("kind", "name"):
        if may_see(user, s):
            around.append(Node(f"s{s.pk}", s.name, s.kind, url("network:subject", s.pk)))
        else:
            around.append(Node(f"s{s.pk}", WITHHELD_LABEL[s.kind], "withheld", withheld=True))
    months = episode_months(pids, since=now - timedelta(days=365))
    planned_here = len(planned & set(pids))
    return GroupPage(children, around, months, with_plans, len(pids) - planned_here, len(pids), planned_here)


# Disruption and NRM ----------------------------------------------------------------------------------


def disruptions_for(user: Any, subject: Subject) -> list[Disruption]:
    if not capabilities(user).intelligence:
        return []
    return list(subject.disruptions.prefetch_related("breaches", "children").order_by("-served_on", "pk"))


def disruption_for_user(user: Any, disruption_id: int) -> Disruption:
    found = Disruption.objects.filter(pk=disruption_id).select_related("subject").first()
    if found is None or not capabilities(user).intelligence or not may_see(user, found.subject):
        _log(user, A.DENY, "network_disruption", disruption_id)
        raise NotFound
    _log(user, A.VIEW, "network_disruption", found.pk)
    return found


def nrm_for_child(user: Any, person: Person) -> list[NrmReferral]:
    return list(person.nrm_referrals.order_by("-referred_on", "pk"))


def nrm_for_user(user: Any, referral_id: int) -> NrmReferral:
    found = NrmReferral.objects.filter(pk=referral_id).select_related("person").first()
    if found is None or not capabilities(user).nrm:
        _log(user, A.DENY, "nrm_referral", referral_id)
        raise NotFound
    child_for_user(user, found.person_id)  # the child's rule decides (and logs)
    return found


def due_for_person(person: Any) -> list[due.Due]:
    """Orders protecting the child that expire: the record's "due next" list shows the expiry date only
    (what the order is stays with the police)."""
    today = timezone.localdate()
    out = []
    for expires in Disruption.objects.filter(children=person, expires_on__gte=today).values_list(
        "expires_on", flat=True
    ):
        if expires is None:
            continue
        out.append(due.Due("An order protecting the child expires", due.end_of_day(expires), all_day=True))
    return out


# Counts for readers of figures --------------------------------------------------------------------------


@dataclass
class Counts:
    subjects: dict[str, str]
    links: str
    proposals_open: str
    disruptions_live: str
    breaches: str
    nrm_referrals: str
    groups: str


def counts(user: Any) -> Counts:
    """Figures only: no name, no place, no registration, and 1 to 4 shown as "fewer than 5"."""
    pids = partnership_ids(user) if not capabilities(user).all_partnerships else None
    scope = Q() if pids is None else Q(partnership_id__in=pids)
    today = timezone.localdate()
    by_kind = dict(
        Subject.objects.filter(scope, merged_into__isnull=True, archived_at__isnull=True)
        .values_list("kind")
        .annotate(n=Count("pk"))
    )
    t = lambda n: disclosure.count_text(n, user)  # noqa: E731
    return Counts(
        subjects={label: t(by_kind.get(k, 0)) for k, label in Subject.Kind.choices},
        links=t(Association.objects.filter(scope, archived_at__isnull=True).count()),
        proposals_open=t(Proposal.objects.filter(scope, status=Proposal.Status.OPEN).count()),
        disruptions_live=t(
            Disruption.objects.filter(scope)
            .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
            .count()
        ),
        breaches=t(Disruption.objects.filter(scope).aggregate(n=Count("breaches"))["n"] or 0),
        nrm_referrals=t(NrmReferral.objects.filter(scope).count()),
        groups=t(Subject.objects.filter(scope, kind=Subject.Kind.GROUP, merged_into__isnull=True).count()),
    )


def link_kinds() -> list[tuple[str, str]]:
    return list(Link.choices)


def children_named(user: Any, ids: list[int]) -> dict[int, str]:
    may_open = openable(user, ids)
    named = names_children(user)
    return {
        p.pk: (p.display_name if (p.pk in may_open or named) else "A child whose record you do not open")
        for p in Person.objects.filter(pk__in=ids)
    }


def lead_officers(user: Any) -> list[Any]:
    from mace.accounts.models import User

    return list(
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.POLICE_OFFICER,
            agency__partnerships__in=partnership_ids(user),
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def counts_by_partnership(partnership_id: int) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for k, n in (
        Subject.objects.filter(partnership_id=partnership_id).values_list("kind").annotate(n=Count("pk"))
    ):
        out[k] = n
    return dict(out)


def person_by_id(pk: int) -> Person | None:
    """A child named in a form; the service decides whether the user may link to them."""
    return Person.objects.filter(pk=pk).first()


def people_by_ids(ids: list[int]) -> list[Person]:
    return list(Person.objects.filter(pk__in=ids))


# Contextual safeguarding ------------------------------------------------------------------------------
# An assessment is read by whoever may see its place or group (the handling code) and works with records or
# intelligence; its children in scope are named only as `children_named` allows; readers of figures see
# counts (`counts`). Every read of an assessment logs each child in scope it shows.


def may_read_context(user: Any) -> bool:
    caps = capabilities(user)
    return bool(caps.records or caps.intelligence)


def context_assessments_for(user: Any, *, subject: Subject | None = None) -> list[Any]:
    if not may_read_context(user):
        return []
    qs = ContextAssessment.objects.filter(subject__in=subjects_visible_to(user).values("pk"))
    if subject is not None:
        qs = qs.filter(subject=subject)
    return list(qs.select_related("subject", "plan", "conference").order_by("-triggered_on", "-pk")[:200])


def context_for_user(user: Any, assessment_id: int, *, purpose: str = "view") -> Any:
    """One assessment, if its place or group is visible to the user; the read of each child in scope it
    shows is logged (or the denial)."""
    found = ContextAssessment.objects.filter(pk=assessment_id).select_related("subject").first()
    if found is None or not may_read_context(user) or not may_see(user, found.subject):
        _log(user, A.DENY, "network_context", assessment_id, purpose=purpose)
        raise NotFound
    with transaction.atomic():
        _log(user, A.VIEW, "network_context", found.pk, purpose=purpose)
        for pid in found.children.values_list("pk", flat=True):
            _log(user, A.VIEW, "person", pid, pid, purpose="context assessment", assessment=found.pk)
    return found


def context_plan_versions(plan: Any) -> list[Any]:
    return list(plan.versions.order_by("-number")) if plan is not None else []


def context_plan(assessment: Any) -> Any:
    return ContextPlan.objects.filter(assessment=assessment).first()


def context_conference(assessment: Any) -> Any:
    return ContextConference.objects.filter(assessment=assessment).select_related("chair").first()


def linked_child_ids(subject: Subject) -> set[int]:
    """The children linked to a place or group (and a group's members)."""
    ids = set(
        Association.objects.filter(
            subject=subject, person__isnull=False, archived_at__isnull=True
        ).values_list("person_id", flat=True)
    )
    if subject.kind == Subject.Kind.GROUP:
        ids |= set(
            GroupMember.objects.filter(group=subject, person__isnull=False).values_list(
                "person_id", flat=True
            )
        )
    return ids


def scope_candidates(user: Any, subject: Subject) -> dict[int, str]:
    """The children a scope may name: a group's members and the children linked to the place or group,
    that this user may name (their record, or police intelligence)."""
    ids = linked_child_ids(subject)
    may_open = openable(user, list(ids))
    named = names_children(user)
    return {
        p.pk: p.display_name
        for p in Person.objects.filter(
            pk__in=ids, archived_at__isnull=True, partnership_id=subject.partnership_id
        ).order_by("family_name", "given_names")
        if p.pk in may_open or (named and not p.restricted)
    }


def chairs(user: Any) -> list[Any]:
    """The partnership's child protection chairs (decision 0031: roles holding `chair_conferences`)."""
    from mace.accounts.models import User
    from mace.core.access import POLICY

    roles = [r for r, c in POLICY.items() if c.chair_conferences]
    return list(
        User.objects.filter(
            is_active=True, role_assignments__role__in=roles, agency__partnerships__in=partnership_ids(user)
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def chair_by_id(user: Any, pk: int) -> Any:
    """A chair named in a form; the service decides whether they may chair."""
    from mace.accounts.models import User

    return User.objects.filter(pk=pk, agency__partnerships__in=partnership_ids(user)).distinct().first()


@dataclass
class ContextCover:
    """A context assessment covering a child, as their record shows it to this reader."""

    title: str
    href: str
    step: str
    review: str


def context_section(person: Any, user: Any) -> dict[str, Any] | None:
    """The child's record: every context assessment whose scope includes the child. The reader sees the
    place or group only if its handling code allows; otherwise that one covers the child, no more. The
    record page has logged the read of the child."""
    from mace.core import ui

    found = list(
        ContextAssessment.objects.filter(children=person).select_related("subject").order_by("-triggered_on")
    )
    if not found:
        return None
    shown: list[ContextCover] = []
    withheld = 0
    plans = {p.assessment_id: p for p in ContextPlan.objects.filter(assessment__in=found)}
    for a in found:
        if not (may_read_context(user) and may_see(user, a.subject)):
            withheld += 1
            continue
        plan = plans.get(a.pk)
        review = ""
        if plan is not None and plan.status == ContextPlan.Status.OPEN:
            review = f"Review {ui.uk_date(plan.review_on)}: {ui.time_left(due.end_of_day(plan.review_on))}"
        elif plan is not None:
            review = "Plan closed"
        shown.append(
            ContextCover(
                f"{a.subject.get_kind_display()}: {a.subject.name}",
                ui.url("network:context", a.pk),
                a.get_step_display(),
                review,
            )
        )
    return {"covers": shown, "withheld": withheld}


def context_counts(user: Any) -> dict[str, str]:
    """Figures only, for readers of figures: assessments by step, 1 to 4 as "fewer than 5"."""
    pids = partnership_ids(user) if not capabilities(user).all_partnerships else None
    qs = (
        ContextAssessment.objects.all()
        if pids is None
        else ContextAssessment.objects.filter(partnership_id__in=pids)
    )
    by_step = dict(qs.values_list("step").annotate(n=Count("pk")))
    return {label: disclosure.count_text(by_step.get(k, 0), user) for k, label in ContextStep.choices}
