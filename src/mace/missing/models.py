"""Missing from home and care: episodes, the strategy meeting the 48-hour rule requires, return home
interviews, the notices sent to children's social care and the morning list shared each day."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from mace.accounts.models import Agency, Partnership, Team
from mace.core.models import VersionedModel
from mace.people.models import Person


class MissingEpisode(VersionedModel):
    class Category(models.TextChoices):
        MISSING = "missing", "Missing"
        ABSENT = "absent", "Absent (away from placement without authorisation)"

    class Setting(models.TextChoices):
        HOME = "home", "From home"
        CARE = "care", "From care"

    class Risk(models.IntegerChoices):
        LOW = 1, "Low"
        MEDIUM = 2, "Medium"
        HIGH = 3, "High"

    class Status(models.TextChoices):
        MISSING = "missing", "Missing now"
        RETURNED = "returned", "Returned"

    class Match(models.TextChoices):
        MATCHED = "matched", "Matched"
        NEW = "new", "New person"
        NEEDS_REVIEW = "needs_review", "Needs identifying"
        LINKED = "linked", "Linked by a worker"

    class FoundBy(models.TextChoices):
        POLICE = "police", "Police"
        FAMILY = "family", "Family or carer"
        SELF = "self", "Returned by themselves"
        PROFESSIONAL = "professional", "Another professional"
        OTHER = "other", "Someone else"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    police_ref = models.CharField(max_length=40, unique=True)
    route = models.CharField(max_length=10)  # web or api
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reporting_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    subject = models.JSONField(default=dict)  # the child as reported, kept for matching
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="missing_episodes"
    )
    match_status = models.CharField(max_length=15, choices=Match.choices)
    match_score = models.FloatField(default=0.0)
    # The version of the linkage model that scored the match (blank when a person linked it by hand).
    match_model = models.CharField(max_length=60, blank=True)

    category = models.CharField(max_length=8, choices=Category.choices)
    setting = models.CharField(max_length=5, choices=Setting.choices)
    risk = models.PositiveSmallIntegerField(choices=Risk.choices)
    reported_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()  # the episode runs from here: "missing since"
    last_seen_place = models.CharField(max_length=200)
    last_seen_with = models.CharField(max_length=200, blank=True)
    circumstances = models.TextField()

    status = models.CharField(max_length=8, choices=Status.choices, default=Status.MISSING)
    returned_at = models.DateTimeField(null=True, blank=True)
    found_place = models.CharField(max_length=200, blank=True)
    found_place_key = models.CharField(max_length=200, blank=True)  # normalised, for patterns
    found_by = models.CharField(max_length=12, choices=FoundBy.choices, blank=True)
    found_with = models.CharField(max_length=200, blank=True)
    # Found outside the partnership's area (issue 11: children exploited across borders): None when not
    # recorded (returns recorded before the question was asked).
    found_outside_area = models.BooleanField(null=True, blank=True)
    child_account = models.TextField(blank=True)  # the child's words
    harm_disclosed = models.BooleanField(default=False)
    harm_details = models.TextField(blank=True)
    return_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_recorded_at = models.DateTimeField(null=True, blank=True)
    strategy_due_at = models.DateTimeField()  # 48 hours missing: a strategy meeting is required

    class Meta:
        indexes = [
            # The morning list: only children missing now, however many episodes lie behind them.
            models.Index(
                fields=["partnership", "last_seen_at"],
                name="missing_now",
                condition=models.Q(status="missing"),
            ),
            models.Index(fields=["person", "last_seen_at"], name="missing_person"),
            models.Index(fields=["partnership", "reported_at"], name="missing_reported"),
            models.Index(fields=["partnership", "returned_at"], name="missing_returned"),
            models.Index(fields=["partnership", "strategy_due_at"], name="missing_strategy_due"),
        ]

    def __str__(self) -> str:
        return f"Missing episode {self.police_ref}"

    @property
    def subject_name(self) -> str:
        s = self.subject or {}
        name = f"{s.get('given_names', '')} {s.get('family_name', '')}".strip()
        return name or "Name not known"

    @property
    def child_name(self) -> str:
        return self.person.display_name if self.person_id and self.person else self.subject_name

    @property
    def is_missing(self) -> bool:
        return self.status == self.Status.MISSING


class EpisodeUpdate(models.Model):
    """What the search learned, in order: sightings, risk regraded, enquiries made."""

    episode = models.ForeignKey(MissingEpisode, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField()
    by_label = models.CharField(max_length=150)
    text = models.TextField()
    risk_before = models.PositiveSmallIntegerField(null=True, blank=True)
    risk_after = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class StrategyRequirement(models.Model):
    """The strategy meeting the 48-hour rule requires (3.1c). Red until it is held."""

    episode = models.OneToOneField(MissingEpisode, on_delete=models.CASCADE, related_name="strategy")
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    required_at = models.DateTimeField()
    held_at = models.DateTimeField(null=True, blank=True)
    agencies_present = models.ManyToManyField(Agency, blank=True, related_name="+")
    police_attended = models.BooleanField(default=False)
    outcome = models.TextField(blank=True)
    recorded_by_label = models.CharField(max_length=150, blank=True)

    class Meta:
        indexes = [models.Index(fields=["partnership", "held_at"], name="strategy_req_open")]

    def __str__(self) -> str:
        return f"Strategy meeting for episode {self.episode_id}"


class ReturnInterview(VersionedModel):
    """The return home interview the commissioned service offers within 72 hours of the return."""

    class Response(models.TextChoices):
        PENDING = "pending", "Not yet offered"
        OFFERED = "offered", "Offered, awaiting reply"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    episode = models.OneToOneField(MissingEpisode, on_delete=models.CASCADE, related_name="interview")
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    offer_due_at = models.DateTimeField()
    offered_at = models.DateTimeField(null=True, blank=True)
    offered_by_label = models.CharField(max_length=150, blank=True)
    response = models.CharField(max_length=8, choices=Response.choices, default=Response.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by_label = models.CharField(max_length=150, blank=True)
    push_factors = models.JSONField(default=list, blank=True)
    pull_factors = models.JSONField(default=list, blank=True)
    where_stayed = models.CharField(max_length=200, blank=True)
    who_with = models.CharField(max_length=200, blank=True)
    child_words = models.TextField(blank=True)
    follow_up = models.TextField(blank=True)  # after a decline: what happens instead
    follow_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["team", "completed_at", "offer_due_at"], name="rhi_team_open"),
            models.Index(fields=["partnership", "created_at"], name="rhi_created"),
        ]

    def __str__(self) -> str:
        return f"Return home interview for episode {self.episode_id}"

    @property
    def is_open(self) -> bool:
        if self.response == self.Response.DECLINED:
            return not self.follow_up
        return self.completed_at is None

    @property
    def offered_on_time(self) -> bool:
        return self.offered_at is not None and self.offered_at <= self.offer_due_at


class MissingNotice(models.Model):
    """A notice to children's social care that a child is missing or has returned (2.1c, 2.1d)."""

    class Kind(models.TextChoices):
        REPORTED = "reported", "Reported missing"
        RETURNED = "returned", "Found or returned"

    episode = models.ForeignKey(MissingEpisode, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    sent_at = models.DateTimeField()
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["episode", "kind"], name="notice_episode_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} notice for episode {self.episode_id}"


class MorningList(models.Model):
    """The list of children missing now, shared with the partnership each morning (2.1c)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    shared_on = models.DateField()
    shared_at = models.DateTimeField()
    episode_ids = models.JSONField(default=list)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "shared_on"], name="one_morning_list_a_day")
        ]

    def __str__(self) -> str:
        return f"Morning list {self.shared_on}"


class TriggerPlan(VersionedModel):
    """The police's problem-solving plan for a child who goes missing again and again (5.4g): where to
    look, who with, what sets it off, and what to do at once when the child is next reported. One
    live plan per child; every save is a new version of the same row, reviewed every few months."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="trigger_plans")
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    triggers = models.TextField(help_text="What sets off the child's episodes: warning signs, dates, people")
    places = models.TextField(help_text="Where to look first")
    associates = models.TextField(blank=True, help_text="Who the child goes missing with or to")
    actions = models.TextField(help_text="What to do at once when the child is reported missing")
    created_at = models.DateTimeField()
    created_by_label = models.CharField(max_length=150)
    updated_at = models.DateTimeField()
    updated_by_label = models.CharField(max_length=150)
    review_due_on = models.DateField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(ended_at__isnull=True), name="one_live_trigger_plan"
            )
        ]
        indexes = [
            models.Index(fields=["partnership", "ended_at", "review_due_on"], name="trigger_plan_live")
        ]

    def __str__(self) -> str:
        return f"Trigger plan for person {self.person_id}"
