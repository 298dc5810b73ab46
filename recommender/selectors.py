"""Reads for the recommender: training data, and what to show a person next."""

from __future__ import annotations

import numpy as np

from accounts.models import User
from ratings.models import Rating
from ratings.themes import ThemeColours, draw

_DRAWS = 8
# The community model learns from at most this many of the newest ratings.
COMMUNITY_MAX_RATINGS = 50_000


def keys_to_array(keys: list[str]) -> np.ndarray:
    """Theme keys -> `(n, 4, 3) uint8`, decoded in one pass (no loop over themes in numpy)."""
    if not keys:
        return np.zeros((0, 4, 3), dtype=np.uint8)
    raw = bytes.fromhex("".join(keys).replace("-", ""))
    return np.frombuffer(raw, dtype=np.uint8).reshape(len(keys), 4, 3).copy()


def training_data(*, user_id: int | None) -> tuple[np.ndarray, np.ndarray]:
    """`(n, 4, 3) uint8` themes and `(n,)` stars of one person (or everyone, newest first)."""
    ratings = Rating.objects.order_by("-created_at", "-id")
    if user_id is not None:
        ratings = ratings.filter(user_id=user_id)
    else:
        ratings = ratings[:COMMUNITY_MAX_RATINGS]
    rows = list(ratings.values_list("theme__key", "stars"))
    keys = [key for key, _ in rows]
    stars = np.array([value for _, value in rows], dtype=np.float64)
    return keys_to_array(keys), stars


def next_theme(*, user: User, rng: np.random.Generator | None = None) -> ThemeColours:
    """The theme `user` should rate next: a fresh draw like the demo's, one they have not rated.

    (The model-driven choice replaces this once per-user models exist.)
    """
    candidates = [ThemeColours.from_array(rgb) for rgb in draw(_DRAWS, rng)]
    rated = set(
        Rating.objects.filter(user=user, theme__key__in=[c.key for c in candidates]).values_list(
            "theme__key", flat=True
        )
    )
    return next((c for c in candidates if c.key not in rated), candidates[0])
