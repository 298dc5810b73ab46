from __future__ import annotations

from django.conf import settings
from django.db import models
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS


class ApiToken(AbstractAuthToken):
    """A named personal API token (knox's token model, swapped in by KNOX_TOKEN_MODEL).

    Only a SHA-512 digest of the token is stored; the token itself is shown once, when
    it is made. The digest is no longer the primary key, so pages and URLs name a token
    by a plain id and never by anything derived from the secret.
    """

    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="auth_token_set"
    )
    name = models.CharField(max_length=64)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.token_key[:8]}…)"
