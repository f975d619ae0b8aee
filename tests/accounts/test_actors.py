"""`signed_in`: the one way a view or API call names who a service acts for."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from mace.accounts.actors import signed_in

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_signed_in_user_is_who_the_service_acts_for() -> None:
    request = RequestFactory().get("/")
    request.user = user = UserFactory()
    assert signed_in(request) is user


def test_an_anonymous_request_is_refused_before_any_service_sees_it() -> None:
    request = RequestFactory().post("/")
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        signed_in(request)
