from __future__ import annotations

from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A ThemeHub account. Custom from the first migration so fields can be added later."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.username
