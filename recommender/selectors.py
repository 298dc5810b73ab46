"""Reads for the recommender: training data, and what to show a person next."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from django.db.models import Q

from accounts.models import User
from ratings.models import Rating
from ratings.themes import ThemeColours
from recommender import store
from recommender.candidates import batch_draw, shared_batch
from recommender.features import OKLAB_COLUMNS, featurise
from recommender.models import UserModel
from recommender.ranking import Pick, Scorer, Taste, next_index, recommend
from recommender.training import TasteModel

logger = logging.getLogger(__name__)

# Candidates proposed per next theme; the first one not rated yet is shown.
_DRAWS = 3
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


@dataclass(frozen=True)
class Serving:
    """The models that serve one person now, and their rows (for the page's model state)."""

    scorer: Scorer
    record: UserModel | None
    community_record: UserModel | None


def _load(record: UserModel | None) -> TasteModel | None:
    """The record's model, or None; a file that fails its checks is reported and rebuilt."""
    if record is None or not record.file:
        return None
    try:
        return store.model_load(name=record.file, digest=record.digest, versions=record.versions)
    except store.ModelUnavailable as problem:
        logger.warning("Not loading %s: %s", record, problem)
        _report_unusable(record, str(problem))
        return None


def _report_unusable(record: UserModel, problem: str) -> None:
    # Imported here: services import this module.
    from recommender import services

    services.model_unusable(record_id=record.pk, problem=problem, file=record.file)


def serving(*, user: User | None) -> Serving:
    """Load the models for `user` (None: anonymous, community only). One query."""
    rows = UserModel.objects.filter(is_community=True)
    if user is not None and user.is_authenticated:
        rows = UserModel.objects.filter(Q(is_community=True) | Q(user=user))
    record = community_record = None
    for row in rows:
        if row.is_community:
            community_record = row
        else:
            record = row
    scorer = Scorer(personal=_load(record), community=_load(community_record))
    return Serving(scorer=scorer, record=record, community_record=community_record)


def taste_of(*, user: User) -> Taste:
    themes, stars = training_data(user_id=user.pk)
    return Taste(themes=themes, stars=stars)


def recommendations(
    *, user: User, locked: dict[int, tuple[int, int, int]] | None = None, k: int = 20
) -> tuple[list[Pick], Serving]:
    """The top `k` themes for `user` (some slots locked, if given), with the serving state."""
    now = serving(user=user)
    batch = batch_draw(locked=locked) if locked else shared_batch()
    picks = recommend(scorer=now.scorer, batch=batch, taste=taste_of(user=user), k=k)
    return picks, now


def next_theme(*, user: User, rng: np.random.Generator | None = None) -> ThemeColours:
    """The theme `user` should rate next (see `ranking.next_index`), never one already rated."""
    rng = rng if rng is not None else np.random.default_rng()
    now = serving(user=user)
    batch = shared_batch()
    keys = list(Rating.objects.filter(user=user).values_list("theme__key", flat=True))
    rated = featurise(keys_to_array(keys))[:, OKLAB_COLUMNS]
    seen = set(keys)
    for _ in range(_DRAWS):
        index = next_index(scorer=now.scorer, batch=batch, rng=rng, rated=rated)
        candidate = ThemeColours.from_array(batch.themes[index])
        if candidate.key not in seen:
            return candidate
    return ThemeColours.random(rng)
