"""The network around children: subjects beyond the child (adults of concern, places, vehicles, online
identities, groups), each graded 5x5x5; typed associations between children and subjects; proposals of
associations found in existing records, for a person to confirm or reject; disruption against a subject;
National Referral Mechanism referrals for children; reversible merges of two adults.

Police intelligence: every subject carries a handling code, and `selectors.may_see_intelligence` decides
from it who sees the subject itself (docs/decisions/0030-network-handling-codes.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from mace.accounts.models import Partnership
from mace.core.models import VersionedModel
from mace.people.models import Person


class Reliability(models.TextChoices):
    A = "A", "A: always reliable"
    B = "B", "B: mostly reliable"
    C = "C", "C: sometimes reliable"
    D = "D", "D: unreliable"
    E = "E", "E: untested source"


class Assessment(models.IntegerChoices):
    KNOWN = 1, "1: known to be true without reservation"
    KNOWN_TO_OFFICER = 2, "2: known personally to the source but not to the officer"
    NOT_KNOWN = 3, "3: not personally known to the source but corroborated"
    CANNOT_JUDGE = 4, "4: cannot be judged"
    SUSPECTED_FALSE = 5, "5: suspected to be false"


class Handling(models.IntegerChoices):
    POLICE = 1, "1: police and prosecuting agencies"
    PARTNERS = 2, "2: safeguarding partners may see it"
    POLICE_OVERSEAS = 3, "3: police and overseas law enforcement"
    FORCE_ONLY = 4, "4: the originating police force only"
    ORIGINATOR = 5, "5: the recorder only: refer to the originator"


class Subject(VersionedModel):
    class Kind(models.TextChoices):
        ADULT = "adult", "Adult of concern"
        PLACE = "place", "Place"
        VEHICLE = "vehicle", "Vehicle"
        ONLINE = "online", "Online identity"
        GROUP = "group", "Group"

    class PlaceKind(models.TextChoices):
        ADDRESS = "address", "Address"
        TAKEAWAY = "takeaway", "Takeaway"
        HOTEL = "hotel", "Hotel"
        TAXI_FIRM = "taxi_firm", "Taxi firm"
        PARK = "park", "Park"
        SCHOOL = "school", "School"
        SHOP = "shop", "Shop"
        TRANSPORT = "transport", "Station or transport hub"
        OTHER = "other", "Other place"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=200)  # adult's name, place's name, registration, handle, group
    name_key = models.CharField(max_length=200, db_index=True)  # lower case, letters and digits only
    aliases = models.CharField(max_length=300, blank=True)  # adults: other names, comma-separated
    date_of_birth = models.DateField(null=True, blank=True)
    place_kind = models.CharField(max_length=12, choices=PlaceKind.choices, blank=True)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    cuckooed = models.BooleanField(default=False)  # a home taken over for drug dealing
    foreign = models.BooleanField(default=False)  # a vehicle registered outside the UK
    make_model = models.CharField(max_length=100, blank=True)
    platform = models.CharField(max_length=60, blank=True)
    description = models.TextField(blank=True)
    # A group found by community detection is proposed until the MACE panel adopts it as a subject.
    inferred = models.BooleanField(default=False)
    adopted_at = models.DateTimeField(null=True, blank=True)
    adopted_by_label = models.CharField(max_length=150, blank=True)

    source = models.CharField(max_length=200)  # where the information came from
    source_reliability = models.CharField(max_length=1, choices=Reliability.choices)
    information_assessment = models.PositiveSmallIntegerField(choices=Assessment.choices)
    handling_code = models.PositiveSmallIntegerField(choices=Handling.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["partnership", "kind"], name="network_subject_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"

    @property
    def grading(self) -> str:
        return f"{self.source_reliability}{self.information_assessment}{self.handling_code}"

    @property
    def proposed(self) -> bool:
        return self.inferred and self.adopted_at is None


class Link(models.TextChoices):
    SEEN_WITH = "seen_with", "Seen with"
    MISSING_FROM = "missing_from", "Missing from"
    FOUND_AT = "found_at", "Found at"
    PEERS = "peers", "Peers"
    USES_VEHICLE = "uses_vehicle", "Uses vehicle"
    LINKED_TO_PLACE = "linked_to_place", "Linked to place"
    ONLINE_CONTACT = "online_contact", "In contact online"
    MEMBER_OF = "member_of", "Member of group"


class Source(models.TextChoices):
    MISSING = "missing", "Missing episode"
    SCREENING = "screening", "Screening"
    CONTACT = "contact", "Contact"
    MEETING = "meeting", "Meeting"
    INTELLIGENCE = "intelligence", "Police intelligence"


class Confidence(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Association(models.Model):
    """A link between a child (or a subject) and a subject. Each end is a child or a subject."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Link.choices)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="network_links"
    )
    from_subject = models.ForeignKey(
        Subject, null=True, blank=True, on_delete=models.PROTECT, related_name="links_out"
    )
    subject = models.ForeignKey(
        Subject, null=True, blank=True, on_delete=models.PROTECT, related_name="links_in"
    )
    other_person = models.ForeignKey(  # child-child "peers"
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="network_peer_links"
    )
    starts = models.DateField(null=True, blank=True)
    ends = models.DateField(null=True, blank=True)
    source_kind = models.CharField(max_length=15, choices=Source.choices)
    source_id = models.CharField(max_length=64, blank=True)
    confidence = models.CharField(max_length=6, choices=Confidence.choices)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["person"], name="network_link_person"),
            models.Index(fields=["subject"], name="network_link_subject"),
            models.Index(fields=["from_subject"], name="network_link_from"),
            models.Index(fields=["other_person"], name="network_link_other"),
            models.Index(fields=["partnership", "kind"], name="network_link_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__isnull=True) | Q(starts__isnull=True) | Q(ends__gte=models.F("starts")),
                name="network_link_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.pk})"


class Proposal(models.Model):
    """An association a record suggests (a name, place or registration already on record found in a missing
    episode, screening or contact). Nothing is linked until a person confirms it."""

    class Status(models.TextChoices):
        OPEN = "open", "To decide"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="network_proposals")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="proposals")
    kind = models.CharField(max_length=20, choices=Link.choices)
    source_kind = models.CharField(max_length=15, choices=Source.choices)
    source_id = models.CharField(max_length=64)
    on = models.DateField()  # the date of the source record
    field = models.CharField(max_length=40)  # where it was found: found_with, last_seen_place, free text
    evidence = models.CharField(max_length=300)  # the words that matched, in context
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()
    decided_by_label = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    association = models.ForeignKey(
        Association, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "subject", "kind", "source_kind", "source_id"], name="network_proposal_once"
            ),
        ]
        indexes = [models.Index(fields=["partnership", "status"], name="network_proposal_status")]

    def __str__(self) -> str:
        return f"Proposal {self.pk}"


class GroupMember(models.Model):
    """Who belongs to a group: children and subjects. Inferred groups' members come from the refresh."""

    group = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(Subject, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["person"], name="network_member_person"),
            models.Index(fields=["subject"], name="network_member_subject"),
        ]

    def __str__(self) -> str:
        return f"Member of group {self.group_id}"


class Disruption(VersionedModel):
    class Kind(models.TextChoices):
        CAWN = "cawn", "Child Abduction Warning Notice"
        SRO = "sro", "Sexual Risk Order"
        CLOSURE_NOTICE = "closure_notice", "Closure notice"
        CLOSURE_ORDER = "closure_order", "Closure order"
        HOTEL_NOTICE = "hotel_notice", "Hotel notice"
        ARREST = "arrest", "Arrest"
        CHARGE = "charge", "Charge"
        LICENSING = "licensing", "Licensing action"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="disruptions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    issuer = models.CharField(max_length=200)
    served_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    conditions = models.TextField(blank=True)
    children = models.ManyToManyField(Person, blank=True, related_name="protected_by")
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()
    expiry_alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["partnership", "expires_on"], name="network_disruption_expiry")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("served_on")),
                name="network_disruption_expires_after_served",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.served_on})"


class Breach(models.Model):
    disruption = models.ForeignKey(Disruption, on_delete=models.PROTECT, related_name="breaches")
    on = models.DateField()
    details = models.TextField()
    recorded_by_label = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"Breach on {self.on}"


class NrmReferral(VersionedModel):
    class Exploitation(models.TextChoices):
        CRIMINAL = "criminal", "Criminal exploitation"
        SEXUAL = "sexual", "Sexual exploitation"
        LABOUR = "labour", "Labour exploitation"

    class Decision(models.TextChoices):
        POSITIVE = "positive", "Positive"
        NEGATIVE = "negative", "Negative"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="nrm_referrals")
    exploitation = models.CharField(max_length=10, choices=Exploitation.choices)
    first_responder = models.CharField(max_length=200)  # the first responder organisation and officer
    referred_on = models.DateField()
    reasonable_grounds_on = models.DateField(null=True, blank=True)
    reasonable_grounds = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    conclusive_grounds_on = models.DateField(null=True, blank=True)
    conclusive_grounds = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    recorded_by_label = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["partnership", "referred_on"], name="network_nrm_referred")]

    def __str__(self) -> str:
        return f"NRM referral {self.pk}"


class SubjectMerge(models.Model):
    """Two adults found to be one person: the other's links move to the survivor. Reversible: the moved
    links are listed, and undoing moves them back."""

    survivor = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    other = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    moved = models.JSONField(default=dict)  # {"links_in": [...], "links_out": [...], "proposals": [...]}
    reason = models.TextField()
    merged_at = models.DateTimeField()
    merged_by_label = models.CharField(max_length=150)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by_label = models.CharField(max_length=150, blank=True)

    def __str__(self) -> str:
        return f"Merge of {self.other_id} into {self.survivor_id}"


# Contextual safeguarding (docs/network.md): an assessment of a place or a peer group, following the
# Contextual Safeguarding toolkit's steps in order, a context conference and a context plan.


class ContextStep(models.TextChoices):
    TRIGGER = "trigger", "Trigger"
    SCOPE = "scope", "Scope"
    OBSERVATION = "observation", "Observation"
    WEIGHING = "weighing", "Weighing the contexts"
    CONFERENCE = "conference", "Context conference"
    PLAN = "plan", "Context plan"


CONTEXT_STEPS = [s.value for s in ContextStep]


class ContextKind(models.TextChoices):
    PEER = "peer", "Peer group"
    SCHOOL = "school", "School"
    NEIGHBOURHOOD = "neighbourhood", "Neighbourhood"
    ONLINE = "online", "Online"
    HOME = "home", "Home and family"


class PartnerKind(models.TextChoices):
    LICENSING = "licensing", "Licensing"
    TRANSPORT = "transport", "Transport"
    SCHOOL = "school", "School"
    POLICE = "police", "Police"
    COMMUNITY_SAFETY = "community_safety", "Community safety"
    HEALTH = "health", "Health"
    SOCIAL_CARE = "social_care", "Children's social care"
    YOUTH = "youth", "Youth service"
    BUSINESS = "business", "Local business"


class ContextAssessment(VersionedModel):
    """A place or a group assessed as the subject of safeguarding. `step` is the last step recorded; each
    step records who and when. The conference and the plan are their own records."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="context_assessments")
    step = models.CharField(max_length=12, choices=ContextStep.choices, default=ContextStep.TRIGGER)
    # Trigger: what prompted it, when, and the record it came from (optional).
    trigger = models.TextField()
    triggered_on = models.DateField()
    trigger_source_kind = models.CharField(max_length=15, choices=Source.choices, blank=True)
    trigger_source_id = models.CharField(max_length=64, blank=True)
    started_by_label = models.CharField(max_length=150)
    started_at = models.DateTimeField()
    # Scope: the area or context, and the children in scope (chosen from the subject's links).
    scope_area = models.TextField(blank=True)
    children = models.ManyToManyField(Person, blank=True, related_name="context_assessments")
    scoped_by_label = models.CharField(max_length=150, blank=True)
    scoped_at = models.DateTimeField(null=True, blank=True)
    # Observation: [{"on", "where", "what", "by", "at"}]; young people's own safety mapping, without
    # names: [{"place", "feels": "safe"|"unsafe", "why", "by", "at"}].
    observations = models.JSONField(default=list, blank=True)
    safety_map = models.JSONField(default=list, blank=True)
    observed_by_label = models.CharField(max_length=150, blank=True)
    observed_at = models.DateTimeField(null=True, blank=True)
    # Weighing the contexts: [{"context", "harm", "protective"}] and a judgement.
    contexts = models.JSONField(default=list, blank=True)
    judgement = models.TextField(blank=True)
    weighed_by_label = models.CharField(max_length=150, blank=True)
    weighed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["partnership", "step"], name="network_context_step")]

    def __str__(self) -> str:
        return f"Context assessment {self.pk}"

    def reached(self, step: str) -> bool:
        return CONTEXT_STEPS.index(self.step) >= CONTEXT_STEPS.index(step)


class ContextConference(models.Model):
    """Chaired by a child protection chair; discusses the place or group, not individuals."""

    assessment = models.OneToOneField(ContextAssessment, on_delete=models.PROTECT, related_name="conference")
    held_on = models.DateField()
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    chair_label = models.CharField(max_length=150)
    attendees = models.JSONField(default=list)  # [{"name", "agency"}]
    discussion = models.TextField()
    decisions = models.TextField()
    recorded_by_label = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Context conference on {self.held_on}"


class ContextPlan(VersionedModel):
    """The context plan: `version` is the number of its latest ContextPlanVersion (no version, no save)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    assessment = models.OneToOneField(ContextAssessment, on_delete=models.PROTECT, related_name="plan")
    review_on = models.DateField()
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Context plan {self.pk}, version {self.version}"


class ContextPlanVersion(models.Model):
    """One saved state of the context plan; never changed after it is written."""

    plan = models.ForeignKey(ContextPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    created_by_label = models.CharField(max_length=150)
    reason = models.TextField()
    summary = models.TextField()
    review_on = models.DateField()
    # [{"key", "text", "partner" (PartnerKind), "owner", "due" (ISO), "progress"}]
    actions = models.JSONField(default=list)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="one_context_plan_version")]

    def __str__(self) -> str:
        return f"Context plan version {self.number}"


class ContextPlanReview(models.Model):
    class Safer(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        UNCLEAR = "unclear", "Not yet clear"

    class Decision(models.TextChoices):
        CONTINUE = "continue", "Continue the plan"
        CLOSE = "close", "Close the plan"

    plan = models.ForeignKey(ContextPlan, on_delete=models.PROTECT, related_name="reviews")
    reviewed_version = models.PositiveIntegerField()
    held_on = models.DateField()
    attendees = models.TextField()
    progress = models.TextField()
    safer = models.CharField(max_length=8, choices=Safer.choices)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    next_review_on = models.DateField(null=True, blank=True)
    recorded_by_label = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Review of context plan {self.plan_id} on {self.held_on}"
