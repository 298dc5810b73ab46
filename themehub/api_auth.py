"""API plumbing named in settings.REST_FRAMEWORK: token authentication, throttles, JSON parser.

Kept apart from `themehub.api` on purpose: DRF imports these while `rest_framework.views`
is still loading, so this module must not import DRF's views (or anything that does).
"""

from __future__ import annotations

from django.conf import settings
from knox import auth as knox_auth
from rest_framework import exceptions, parsers, throttling

from accounts.tokens.services import api_token_touch


class TokenAuthentication(knox_auth.TokenAuthentication):
    """`Authorization: Token <token>` with a personal token; records when it was last used.

    A missing header means "not this scheme" (the session may still authenticate);
    a wrong, unreadable or revoked token is refused with 401.
    """

    def authenticate_credentials(self, token: bytes):
        try:
            token.decode("utf-8")
        except UnicodeDecodeError:
            # knox would let this escape as a 500.
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        user, api_token = super().authenticate_credentials(token)
        api_token_touch(token=api_token)
        return user, api_token


class _LiveRates:
    """Rates read from settings on every request, so a changed setting (tests) applies."""

    def get_rate(self):
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][self.scope]


class UserThrottle(_LiveRates, throttling.UserRateThrottle):
    """Per person; per address for anonymous requests."""

    scope = "user"


class AddressThrottle(_LiveRates, throttling.SimpleRateThrottle):
    """Per address, whoever asks: many tokens from one machine share one budget."""

    scope = "address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ScopedThrottle(_LiveRates, throttling.ScopedRateThrottle):
    """A view's own budget (`throttle_scope`), e.g. "login" for password log-ins for tokens."""


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, also turning too-deep nesting into a 400 instead of a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - nested too deeply.") from None
