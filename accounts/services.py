"""Writes to a person's account with a rule: the profile (email, display name, privacy).

The profile page and `PATCH /api/v1/me/` call the same function, so both refuse the
same things in the same words. Tokens have their own services (`accounts.tokens`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from accounts.errors import ServiceError
from accounts.models import User

EMAIL_MAX = User._meta.get_field("email").max_length
DISPLAY_NAME_MAX = User._meta.get_field("first_name").max_length


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()
"""A keyword left at UNSET is not changed (None is not a value any field takes)."""


def _clean_email(*, user: User, email: object) -> str:
    if not isinstance(email, str) or not email.strip():
        # Required as at sign-up: without an address the password cannot be reset.
        raise ServiceError(
            "An email address is required: it is how you reset your password.", field="email"
        )
    email = User.objects.normalize_email(email.strip())
    if len(email) > EMAIL_MAX:
        raise ServiceError(
            f"An email address can be at most {EMAIL_MAX} characters.", field="email"
        )
    try:
        validate_email(email)
    except ValidationError:
        raise ServiceError("Enter a valid email address.", field="email") from None
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ServiceError("Another account uses this email address.", field="email")
    return email


def _clean_display_name(name: object) -> str:
    if not isinstance(name, str):
        raise ServiceError("The display name must be text.", field="first_name")
    name = name.strip()
    if len(name) > DISPLAY_NAME_MAX:
        raise ServiceError(
            f"A display name can be at most {DISPLAY_NAME_MAX} characters.", field="first_name"
        )
    # PostgreSQL cannot store NUL in text; the page's form refuses it the same way.
    if "\x00" in name:
        raise ServiceError("The display name cannot contain NUL characters.", field="first_name")
    return name


@transaction.atomic
def profile_update(
    *,
    user: User,
    email: object = UNSET,
    first_name: object = UNSET,
    favourites_public: object = UNSET,
) -> User:
    """Change `user`'s email, display name (`first_name`) and/or favourites privacy.

    Keywords left at UNSET stay as they are. Every value is checked before any is set,
    so a refused update leaves `user` (the object and the row) unchanged. The email is
    required, a valid address, and not used by another account (whatever its case);
    the display name may be empty. Saves only the fields that changed.
    Raises ServiceError (field "email", "first_name" or "favourites_public").
    """
    changes: dict[str, object] = {}
    if email is not UNSET:
        changes["email"] = _clean_email(user=user, email=email)
    if first_name is not UNSET:
        changes["first_name"] = _clean_display_name(first_name)
    if favourites_public is not UNSET:
        if not isinstance(favourites_public, bool):
            raise ServiceError(
                "Say true or false for whether your favourites are public.",
                field="favourites_public",
            )
        changes["favourites_public"] = favourites_public
    changed = [name for name, value in changes.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, changes[name])
    if changed:
        user.save(update_fields=changed)
    return user
