from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower


class User(AbstractUser):
    """A ThemeHub account. Custom from the first migration so fields can be added later."""

    favourites_public = models.BooleanField(
        "show my favourites on my public profile",
        default=False,
        help_text="When on, anyone can see your favourite themes at /u/<username>/.",
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            # The forms and services check this first, with a clear message; the database
            # keeps two sign-ups at the same moment from taking one address.
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="user_email_unique_ci"
            ),
        ]

    def __str__(self) -> str:
        return self.username
