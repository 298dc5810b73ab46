from __future__ import annotations

import pytest
from django.db import IntegrityError

from accounts.models import User


def test_user_email_is_unique_whatever_its_case_in_the_database(make_user):
    make_user("ada", email="ada@example.com")

    with pytest.raises(IntegrityError):
        User.objects.create_user(username="ada2", email="ADA@example.com", password="x")


def test_user_without_email_may_be_many(db):
    User.objects.create_user(username="one", email="", password="x")
    User.objects.create_user(username="two", email="", password="x")

    assert User.objects.filter(email="").count() == 2
