"""People (children and adults), how each agency knows them, their flags, who works with them, and
the chronology of everything that has happened to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from mace.accounts.models import Agency, Partnership, Team
from mace.core.models import VersionedModel


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    OTHER = "X", "Other or not recorded"


class Person(VersionedModel):
    class Kind(models.TextChoices):
        CHILD = "child", "Child"
        ADULT = "adult", "Adult"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="people")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CHILD)
    given_names = models.CharField(max_length=150)
    family_name = models.CharField(max_length=150)
    preferred_name = models.CharField(max_length=150, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.OTHER)
    ethnicity = models.CharField(max_length=120, blank=True)
    # Normalised keys for search: lower case, letters only.
    family_key = models.CharField(max_length=150, db_index=True)
    given_key = models.CharField(max_length=150)
    # Sealed record: only named users may open it, whatever their relationship.
    restricted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    archive_reason = models.TextField(blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["family_key", "given_key"], name="person_name_key"),
            models.Index(fields=["date_of_birth"], name="person_dob"),
            models.Index(fields=["given_key"], name="person_given_key"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """For pages: a name not known is stored empty and never shown as if it were a name."""
        return f"{self.given_names} {self.family_name}".strip() or "Name not known"


class PersonName(models.Model):
    """Another name a person is or was known by, and which agency knows them by it."""

    class Kind(models.TextChoices):
        PREVIOUS = "previous", "Previous name"
        PREFERRED = "preferred", "Preferred name"
        ALIAS = "alias", "Also known as"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    given_names = models.CharField(max_length=150, blank=True)
    family_name = models.CharField(max_length=150, blank=True)
    family_key = models.CharField(max_length=150, db_index=True)
    given_key = models.CharField(max_length=150, blank=True)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.given_names} {self.family_name}"


class Identifier(models.Model):
    class Scheme(models.TextChoices):
        NHS = "nhs", "NHS number"
        POLICE = "police", "Police identifier"
        LA_CHILD = "la_child", "Council child identifier"
        UPN = "upn", "Unique pupil number"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(max_length=10, choices=Scheme.choices)
    value = models.CharField(max_length=40)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["scheme", "value"], name="identifier_lookup")]
        constraints = [
            models.UniqueConstraint(fields=["person", "scheme", "value"], name="unique_person_identifier")
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.value}"


class Address(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-from_date"]

    def __str__(self) -> str:
        return ", ".join(p for p in [self.line1, self.line2, self.town, self.postcode] if p)


class SourceRecord(models.Model):
    """How one agency's own system records this person: the raw, often messy, details it holds."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="source_records")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    given_names = models.CharField(max_length=150, blank=True)
    family_name = models.CharField(max_length=150, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    identifiers = models.JSONField(default=dict, blank=True)
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.agency}: {self.given_names} {self.family_name}"


class Flag(models.Model):
    class Kind(models.TextChoices):
        CSE = "cse", "Child sexual exploitation"
        CCE = "cce", "Child criminal exploitation"
        MISSING = "missing", "Missing"
        CPIS_CP = "cpis_cp", "CP-IS: child protection plan"
        CPIS_LAC = "cpis_lac", "CP-IS: looked after child"
        RESTRICTED = "restricted", "Restricted record"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    reason = models.TextField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    set_by_label = models.CharField(max_length=150)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()
    review_due = models.DateField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by_label = models.CharField(max_length=150, blank=True)
    removed_reason = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "removed_at"], name="flag_person_active")]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_active(self) -> bool:
        return self.removed_at is None


class Involvement(models.Model):
    """A team's legitimate relationship with a person: allocated, involved, or holding them in the
    front door queue. Access to the person's record is earned through an open involvement."""

    class Kind(models.TextChoices):
        ALLOCATED = "allocated", "Allocated"
        INVOLVED = "involved", "Involved"
        FRONT_DOOR = "front_door", "Front door"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="involvements")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="involvements")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="involvements"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    role_description = models.CharField(max_length=150, blank=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["team", "person"], name="involvement_team_person", condition=models.Q(ended_at=None)
            ),
            models.Index(fields=["person", "ended_at"], name="involvement_person_open"),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.kind} {self.person_id}"


class RestrictedAccess(models.Model):
    """A user named on a restricted (sealed) record."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="named_users")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    granted_by_label = models.CharField(max_length=150)
    granted_at = models.DateTimeField()
    reason = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "user"], name="unique_restricted_access")]

    def __str__(self) -> str:
        return f"{self.user} on {self.person_id}"


class BreakGlassGrant(models.Model):
    """Time-limited access to a record without a relationship, for a recorded reason. Reviewed."""

    class Outcome(models.TextChoices):
        APPROPRIATE = "appropriate", "Appropriate"
        INAPPROPRIATE = "inappropriate", "Not appropriate"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="break_glass_grants")
    reason = models.TextField()
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=15, choices=Outcome.choices, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "person", "expires_at"], name="breakglass_lookup")]

    def __str__(self) -> str:
        return f"{self.user} on {self.person_id} until {self.expires_at}"


class ChronologyEvent(models.Model):
    """One thing that happened to a person, from any agency. Every module writes here through
    `people.services.chronology_add`; the record page shows it as a timeline."""

    class Kind(models.TextChoices):
        RECORD = "record", "Record"
        FLAG = "flag", "Flag"
        CONTACT = "contact", "Contact"
        SCREENING = "screening", "Screening"
        HEALTH = "health", "Health"
        MISSING = "missing", "Missing episode"
        MEETING = "meeting", "Meeting"
        PLAN = "plan", "Plan"
        VISIT = "visit", "Visit"
        EDUCATION = "education", "Education"
        ACCESS = "access", "Access"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="chronology")
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    actor_label = models.CharField(max_length=150)

    class Meta:
        indexes = [models.Index(fields=["person", "-occurred_at"], name="chronology_person_time")]

    def __str__(self) -> str:
        return self.title


class PersonMerge(models.Model):
    """Two records found to be one child: everything of `merged` moved to `survivor`. Reversible:
    `moved` lists every row moved, by model, so an undo puts each one back."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_in")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_out")
    reason = models.TextField()
    merged_by_label = models.CharField(max_length=150)
    merged_at = models.DateTimeField()
    moved = models.JSONField(default=dict)
    created = models.JSONField(default=dict)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by_label = models.CharField(max_length=150, blank=True)
    undo_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.merged_id} into {self.survivor_id}"


class LikelyDuplicate(models.Model):
    """Two records that batch de-duplication (`mace linkage dedupe`) found likely to be one child,
    waiting for a front door worker to compare them and merge or dismiss. One row per pair, lower id
    first, whatever the engine or run: a second run adds nothing, and a dismissed pair stays dismissed."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for review"
        MERGED = "merged", "Merged"
        DISMISSED = "dismissed", "Not the same child"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    person_a = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    # Splink's probability (the batch model) and MACE's own (the online scorer) for the same pair.
    probability = models.FloatField()
    mace_probability = models.FloatField()
    # MACE's evidence field by field: [{"field", "level", "outcome", "weight", "detail"}, ...].
    evidence = models.JSONField(default=list)
    engine = models.CharField(max_length=20)
    run_label = models.CharField(max_length=60)
    found_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-probability", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="likely_duplicate_pair"),
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")), name="likely_duplicate_order"
            ),
        ]
        indexes = [models.Index(fields=["partnership", "status"], name="likely_duplicate_open")]

    def __str__(self) -> str:
        return f"{self.person_a_id} and {self.person_b_id} ({self.probability:.3f})"
