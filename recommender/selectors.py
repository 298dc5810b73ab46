"""What the recommender shows a person next."""

from __future__ import annotations

import numpy as np

from accounts.models import User
from ratings.models import Rating
from ratings.themes import ThemeColours, draw

_DRAWS = 8


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
