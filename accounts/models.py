from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A ThemeHub account. Custom from the first migration so fields can be added later."""

    favourites_public = models.BooleanField(
        "show my favourites on my public profile",
        default=False,
        help_text="When on, anyone can see your favourite themes at /u/<username>/.",
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.username
