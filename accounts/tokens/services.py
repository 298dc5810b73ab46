"""Personal API tokens: make one (shown once), revoke one, note that one was used.

The profile page and the API call these same functions. They raise ServiceError
with a message meant for a person.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone

from accounts.errors import ServiceError
from accounts.models import User
from accounts.tokens.models import ApiToken

TOKEN_NAME_MAX = 64
TOKENS_PER_USER_MAX = 50
DEFAULT_LOGIN_NAME = "API log-in"
# A token's last use is written at most this often: a script's every request need not write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenMissing(ServiceError):
    """No such token of this person (already revoked, or somebody else's)."""


@transaction.atomic
def api_token_create(*, user: User, name: object) -> tuple[ApiToken, str]:
    """Make a named token for `user`; returns the row and the token (the only time it exists).

    Raises ServiceError (field "name") for an empty or over-long name, or when the person
    already has the most tokens allowed.
    """
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        raise ServiceError("Give the token a name, e.g. the script that will use it.", field="name")
    if len(name) > TOKEN_NAME_MAX:
        raise ServiceError(
            f"A token name can be at most {TOKEN_NAME_MAX} characters.", field="name"
        )
    # Lock the person's row so two requests cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.filter(user=user).count() >= TOKENS_PER_USER_MAX:
        raise ServiceError(
            f"You have {TOKENS_PER_USER_MAX} tokens, the most allowed: revoke one first.",
            field="name",
        )
    # knox's manager hashes the token; expiry=None: a personal token lasts until revoked.
    return ApiToken.objects.create(user=user, expiry=None, name=name)


def api_token_revoke(*, user: User, token_id: object) -> None:
    """Delete `user`'s token `token_id`; requests with it get 401 from then on.

    Raises ApiTokenMissing when the person has no such token (already revoked, or another's).
    """
    try:
        token_id = int(token_id)
    except (TypeError, ValueError):
        token_id = -1
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise ApiTokenMissing("That token does not exist or was already revoked.")


def api_token_touch(*, token: ApiToken) -> None:
    """Record that `token` was just used (at most once per LAST_USED_RESOLUTION)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def api_token_for_password(
    *, username: object, password: object, name: object = None, request=None
) -> tuple[ApiToken, str]:
    """Check a username and password and make a token for that person (scripts log in so).

    Raises ServiceError when the pair does not match an active account, or as
    `api_token_create` does.
    """
    user = None
    if isinstance(username, str) and isinstance(password, str):
        user = authenticate(request, username=username, password=password)
    if user is None:
        raise ServiceError("Unable to log in with that username and password.")
    return api_token_create(user=user, name=DEFAULT_LOGIN_NAME if name is None else name)
