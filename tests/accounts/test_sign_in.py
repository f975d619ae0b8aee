from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
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
