from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mace.accounts.models import Role
from mace.accounts.services import user_disable, user_set_roles
from mace.core.audit import Actor
from mace.core.models import AccessLogEntry

from ..conftest import sign_in

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def _post_sign_in(client: Client, username: str, password: str = PASSWORD):
    return client.post("/sign-in/", {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2_in_production_settings() -> None:
    from mace.config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_pages_need_sign_in() -> None:
    response = Client().get("/people/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_password_alone_leads_to_two_factor(make_user) -> None:
    user = make_user(Role.SOCIAL_WORKER)
    client = Client()
    _post_sign_in(client, user.username)
    assert client.get("/people/")["Location"] == "/two-factor/"


def test_totp_enrolment_then_access(make_user) -> None:
    user = make_user(Role.SOCIAL_WORKER)
    client = Client()
    _post_sign_in(client, user.username)
    assert "Set up two-factor" in client.get("/two-factor/").content.decode()
    device = TOTPDevice.objects.get(user=user)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post("/two-factor/", {"code": code})
    assert response.status_code == 302
    assert client.get("/people/").status_code == 200


def test_wrong_totp_code_is_refused(make_user) -> None:
    user = make_user(Role.SOCIAL_WORKER)
    client = Client()
    _post_sign_in(client, user.username)
    client.get("/two-factor/")
    response = client.post("/two-factor/", {"code": "000000"})
    assert response.status_code == 200 and "code is not right" in response.content.decode()


def test_wrong_password_is_refused_and_logged(make_user) -> None:
    user = make_user(Role.SOCIAL_WORKER)
    response = _post_sign_in(Client(), user.username, "wrong")
    assert response.status_code == 400
    assert AccessLogEntry.objects.filter(action="sign_in_failed", object_id=str(user.pk)).exists()


def test_account_locks_after_repeated_failures(make_user) -> None:
    user = make_user(Role.SOCIAL_WORKER)
    for _ in range(settings.MACE_LOCKOUT_FAILURES):
        _post_sign_in(Client(), user.username, "wrong")
    response = _post_sign_in(Client(), user.username)  # the right password, but locked
    assert response.status_code == 400 and "locked" in response.content.decode()


def test_role_change_ends_the_users_sessions(make_user) -> None:
    user = make_user(Role.SOCIAL_WORKER)
    client = sign_in(Client(), user)
    assert client.get("/people/").status_code == 200
    user_set_roles(user=user, roles=[Role.EDUCATION_OFFICER], by=Actor.system("test"))
    assert client.get("/people/").status_code == 302


def test_disabling_a_user_ends_their_sessions(make_user) -> None:
    user = make_user(Role.SOCIAL_WORKER)
    client = sign_in(Client(), user)
    user_disable(user=user, reason="Left", by=Actor.system("test"))
    assert client.get("/people/").status_code == 302


def test_sessions_time_out_after_inactivity() -> None:
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_COOKIE_AGE <= 30 * 60


def test_system_accounts_cannot_sign_in_with_a_password(make_user) -> None:
    user = make_user(Role.POLICE_OFFICER, is_system=True)
    assert _post_sign_in(Client(), user.username).status_code == 400


def test_demo_mode_skips_two_factor(make_user, settings) -> None:
    settings.DEMO_MODE = True
    user = make_user(Role.SOCIAL_WORKER)
    client = Client()
    _post_sign_in(client, user.username)
    assert client.get("/people/").status_code == 200


def test_sign_in_is_not_open_to_redirects_elsewhere(make_user, settings) -> None:
    settings.DEMO_MODE = True
    user = make_user(Role.SOCIAL_WORKER)
    response = Client().post(
        "/sign-in/?next=https://evil.example/",
        {"username": user.username, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def _page_without(response, *words: str) -> str:
    """The page as an attacker compares it, less the typed username and what changes on every request."""
    import re

    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    text = re.sub(r'nonce="[^"]*"', "", text)
    for word in words:
        text = text.replace(word, "USERNAME")
    return text


def _fail(username: str, times: int) -> None:
    for _ in range(times):
        _post_sign_in(Client(), username, "wrong")


def test_an_unknown_username_is_refused_with_the_same_page_as_a_known_one(make_user) -> None:
    user = make_user(Role.SOCIAL_WORKER, username="known-worker")
    known = _post_sign_in(Client(), user.username, "wrong")
    unknown = _post_sign_in(Client(), "nobody-here", "wrong")
    assert known.status_code == unknown.status_code == 400
    assert _page_without(known, user.username) == _page_without(unknown, "nobody-here")


def test_an_unknown_username_locks_after_repeated_failures_like_a_known_one(make_user) -> None:
    user = make_user(Role.SOCIAL_WORKER, username="known-worker")
    _fail(user.username, settings.MACE_LOCKOUT_FAILURES)
    _fail("nobody-here", settings.MACE_LOCKOUT_FAILURES)
    known = _post_sign_in(Client(), user.username)  # the right password, but locked
    unknown = _post_sign_in(Client(), "nobody-here")
    assert "locked" in known.content.decode()
    assert _page_without(known, user.username) == _page_without(unknown, "nobody-here")


def test_only_failures_within_the_window_count_towards_a_lockout(make_user) -> None:
    import time_machine

    user = make_user(Role.SOCIAL_WORKER)
    start = timezone.make_aware(datetime(2026, 11, 18, 9, 0))
    with time_machine.travel(start, tick=False):
        _fail(user.username, settings.MACE_LOCKOUT_FAILURES - 1)
    later = start + timedelta(minutes=settings.MACE_LOCKOUT_MINUTES, seconds=1)
    with time_machine.travel(later, tick=False):
        _fail(user.username, 1)  # the earlier failures are outside the window: this is the first
        client = Client()
        assert _post_sign_in(client, user.username).status_code == 302


def test_failures_within_the_window_lock_the_username(make_user) -> None:
    import time_machine

    user = make_user(Role.SOCIAL_WORKER)
    start = timezone.make_aware(datetime(2026, 11, 18, 9, 0))
    step = timedelta(minutes=settings.MACE_LOCKOUT_MINUTES - 1) / settings.MACE_LOCKOUT_FAILURES
    for n in range(settings.MACE_LOCKOUT_FAILURES):
        with time_machine.travel(start + n * step, tick=False):
            _fail(user.username, 1)
    with time_machine.travel(start + settings.MACE_LOCKOUT_FAILURES * step, tick=False):
        response = _post_sign_in(Client(), user.username)
    assert response.status_code == 400 and "locked" in response.content.decode()


def test_the_lock_ends_after_the_window(make_user) -> None:
    import time_machine

    user = make_user(Role.SOCIAL_WORKER)
    start = timezone.make_aware(datetime(2026, 11, 18, 9, 0))
    with time_machine.travel(start, tick=False):
        _fail(user.username, settings.MACE_LOCKOUT_FAILURES)
        assert _post_sign_in(Client(), user.username).status_code == 400
    with time_machine.travel(start + timedelta(minutes=settings.MACE_LOCKOUT_MINUTES), tick=False):
        assert _post_sign_in(Client(), user.username).status_code == 302


def test_signing_in_clears_the_failures_so_far(make_user) -> None:
    from mace.accounts.models import SignInThrottle

    user = make_user(Role.SOCIAL_WORKER)
    _fail(user.username, settings.MACE_LOCKOUT_FAILURES - 1)
    assert _post_sign_in(Client(), user.username).status_code == 302
    assert not SignInThrottle.objects.filter(username=user.username).exists()


def test_attempts_while_locked_are_logged_without_naming_the_account(make_user) -> None:
    user = make_user(Role.SOCIAL_WORKER)
    _fail(user.username, settings.MACE_LOCKOUT_FAILURES)
    _post_sign_in(Client(), user.username)
    entry = AccessLogEntry.objects.filter(action="sign_in_failed").latest("pk")
    assert (entry.object_id, entry.detail) == ("", {"username": user.username, "why": "locked"})


def test_the_health_check_is_public() -> None:
    assert Client().get("/health").status_code == 200


@pytest.mark.parametrize("path", ["/health/ed/attendances/", "/health/discharge-reviews/", "/healthx"])
def test_pages_below_or_beside_a_public_path_need_sign_in(path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_public_trees_are_matched_with_their_trailing_slash() -> None:
    from mace.accounts.middleware import is_public

    assert is_public("/api/v1/people") and is_public("/static/app.css") and is_public("/sign-in/")
    assert not is_public("/apiary") and not is_public("/sign-in-elsewhere") and not is_public("/health/ed/")


def test_the_public_concern_form_opens_without_its_trailing_slash() -> None:
    response = Client().get("/report-a-concern", follow=True)
    assert response.redirect_chain[-1][0] == "/report-a-concern/" and response.status_code == 200
