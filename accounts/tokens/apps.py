from __future__ import annotations

from django.apps import AppConfig


class TokensConfig(AppConfig):
    """Personal API tokens: part of `accounts`, an app of its own so it has its own migrations."""

    name = "accounts.tokens"
    label = "tokens"
    verbose_name = "API tokens"
