"""Partnerships, agencies, teams, users and their roles, and API tokens."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac


class Partnership(models.Model):
    """A local safeguarding children partnership (one local authority area)."""

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    class Kind(models.TextChoices):
        POLICE = "police", "Police"
        HEALTH = "health", "Health"
        CHILDRENS_SOCIAL_CARE = "csc", "Children's social care"
        EARLY_HELP = "early_help", "Early help"
        EDUCATION = "education", "Education"
        COMMISSIONED = "commissioned", "Commissioned service"
        PARTNERSHIP = "partnership", "Safeguarding partnership"

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # A police force or a health trust can serve several neighbouring partnerships.
    partnerships = models.ManyToManyField(Partnership, related_name="agencies")

    class Meta:
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.PROTECT, related_name="teams"
    )
    code = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    # The integrated front door team of its partnership: it works every open contact.
    front_door = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    FRONT_DOOR_WORKER = "front_door_worker", "Front door worker"
    FRONT_DOOR_MANAGER = "front_door_manager", "Front door manager"
    SOCIAL_WORKER = "social_worker", "Social worker"
    TEAM_MANAGER = "team_manager", "Team manager"
    EARLY_HELP_PRACTITIONER = "early_help_practitioner", "Early help practitioner"
    POLICE_OFFICER = "police_officer", "Police officer"
    ED_CLINICIAN = "ed_clinician", "Emergency department clinician"
    HEALTH_SAFEGUARDING_LEAD = "health_safeguarding_lead", "Health safeguarding lead"
    EDUCATION_OFFICER = "education_officer", "Education officer"
    RHI_WORKER = "rhi_worker", "Return home interview worker"
    PARTNERSHIP_ANALYST = "partnership_analyst", "Partnership analyst"
    BUSINESS_MANAGER = "business_manager", "Partnership business manager"
    EXECUTIVE = "executive", "Executive"
    SCRUTINEER = "scrutineer", "Independent scrutineer"
    ADMINISTRATOR = "administrator", "Administrator"


class User(AbstractUser):
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    job_title = models.CharField(max_length=150, blank=True)
    # A partner system (a police records system posting VPAs) signs in only with an API token.
    is_system = models.BooleanField(default=False)
    # Changing the stamp ends every session of this user: role change, disabling, password change.
    security_stamp = models.UUIDField(default=uuid.uuid4)

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_codes(self) -> frozenset[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = (
                frozenset(self.role_assignments.values_list("role", flat=True)) if self.pk else frozenset()
            )
            self._role_codes = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes.intersection(roles))

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        key_salt = "mace.accounts.User.session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.security_stamp}", secret=secret, algorithm="sha256"
        ).hexdigest()


class SignInThrottle(models.Model):
    """Failed sign-ins counted per username as typed, whether or not an account has that name.

    Counting unknown names too means a locked name tells an attacker nothing: every name locks the same
    way. Only failures within the window count; the window starts at the first failure."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveSmallIntegerField(default=0)
    window_started = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.username}: {self.failures} failures"


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=40, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_user_role")]

    def __str__(self) -> str:
        return f"{self.user} {self.role}"


class ApiToken(models.Model):
    """A bearer token for a user or a partner system. Only its SHA-256 is stored; it is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
