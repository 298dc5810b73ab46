"""Shared fixtures. Tests run fast: MD5 hashing, locmem cache, no outside services."""

from __future__ import annotations

import pytest
from asgiref.local import Local
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.tasks import task_backends
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tokens.services import api_token_create
from ratings.themes import ThemeColours
from recommender import store

PASSWORD = "correct-horse-battery-staple"


@receiver(setting_changed)
def _reset_task_backends(*, setting: str, **kwargs) -> None:
    # Django caches task backends like connections; let a test's TASKS take effect.
    if setting == "TASKS":
        task_backends._settings = None
        task_backends.__dict__.pop("settings", None)
        task_backends._connections = Local(task_backends.thread_critical)


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "models": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "models")},
        },
    }
    store.cache_clear()


@pytest.fixture(autouse=True)
def _empty_cache():
    # Throttle counts and cached explore lists live in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


def token_client(user: User) -> APIClient:
    """An API client that sends a new personal token of `user`."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user, name='t')[1]}")
    return client


@pytest.fixture
def api(user) -> APIClient:
    """The API as `user`, with a personal token."""
    return token_client(user)


@pytest.fixture
def make_user(db):
    def make(username: str = "ada", **fields) -> User:
        fields.setdefault("email", f"{username}@example.com")
        return User.objects.create_user(username=username, password=PASSWORD, **fields)

    return make


@pytest.fixture
def user(make_user) -> User:
    return make_user("ada")


@pytest.fixture
def other_user(make_user) -> User:
    return make_user("grace")


@pytest.fixture
def user_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def htmx_headers() -> dict[str, str]:
    """Headers htmx sends: pass as `**htmx_headers` to the test client."""
    return {"headers": {"HX-Request": "true"}}


@pytest.fixture
def theme() -> ThemeColours:
    return ThemeColours.from_key("1e1e2e-f38ba8-a6e3a1-89b4fa")


@pytest.fixture
def other_theme() -> ThemeColours:
    return ThemeColours.from_key("282a36-ff79c6-f1fa8c-50fa7b")
