"""The profile service the profile page and PATCH /api/v1/me/ share."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.errors import ServiceError
from accounts.models import User
from accounts.services import profile_update


def test_profile_update_saves_the_fields_given(user):
    profile_update(user=user, email=" ada@LOVELACE.example ", first_name=" Ada ")

    user.refresh_from_db()
    assert (user.email, user.first_name, user.favourites_public) == (
        "ada@lovelace.example",
        "Ada",
        False,
    )


def test_profile_update_leaves_out_fields_not_given(user):
    profile_update(user=user, favourites_public=True)

    user.refresh_from_db()
    assert (user.email, user.first_name, user.favourites_public) == ("ada@example.com", "", True)


def test_profile_update_writes_nothing_when_nothing_changes(user):
    with CaptureQueriesContext(connection) as queries:
        profile_update(user=user, email="ada@example.com", first_name="")

    assert [q["sql"] for q in queries if q["sql"].startswith("UPDATE")] == []


@pytest.mark.parametrize("email", ["GRACE@example.com", "grace@EXAMPLE.COM"])
def test_profile_update_refuses_another_accounts_email_whatever_its_case(user, other_user, email):
    with pytest.raises(ServiceError) as caught:
        profile_update(user=user, email=email, first_name="Not saved", favourites_public=True)

    user.refresh_from_db()
    assert (caught.value.field, caught.value.message) == (
        "email",
        "Another account uses this email address.",
    )
    assert (user.email, user.first_name, user.favourites_public) == ("ada@example.com", "", False)


def test_profile_update_refusal_leaves_the_object_untouched(user, other_user):
    with pytest.raises(ServiceError):
        profile_update(user=user, first_name="Changed", email="grace@example.com")

    # The page shows request.user after a refusal: it must keep the saved values.
    assert (user.email, user.first_name) == ("ada@example.com", "")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": ""}, "email"),
        ({"email": None}, "email"),
        ({"email": "ada"}, "email"),
        ({"email": "ada@example.com\x00"}, "email"),
        ({"first_name": 7}, "first_name"),
        ({"first_name": "x" * 151}, "first_name"),
        ({"first_name": "a\x00b"}, "first_name"),
        ({"favourites_public": "true"}, "favourites_public"),
    ],
)
def test_profile_update_refuses_bad_values(user, changes, field):
    with pytest.raises(ServiceError) as caught:
        profile_update(user=user, **changes)

    assert caught.value.field == field
    assert User.objects.get(pk=user.pk).email == "ada@example.com"
