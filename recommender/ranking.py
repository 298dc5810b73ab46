"""Score a batch with a person's models, take the top, re-rank for variety, explain.

Scores are predicted stars: the personal model blended with the community
model by `blend_weight(n_ratings)`. The top `POOL` are found with one
`argpartition`; maximal marginal relevance then picks `k` of them, trading a
little score for perceptual distance from the picks already made, so the list
is not twenty near-copies of one theme.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ratings.themes import ThemeColours
from recommender.candidates import Batch
from recommender.features import FEATURE_LABELS, FEATURE_NAMES, OKLAB_COLUMNS, featurise
from recommender.training import TasteModel

# Weight of the personal model after n ratings: n / (n + BLEND_RATINGS).
BLEND_RATINGS = 4.0
POOL = 400
MMR_LAMBDA = 0.7
# Share of next themes drawn at random, as in the demo, so every region keeps being seen.
EXPLORE_RANDOM = 0.4
# The first ratings go where nothing was rated yet (farthest from every rated theme).
SPACE_FILLING = 10
# How much the models' disagreement counts against their predicted stars.
UNCERTAINTY_WEIGHT = 1.0
# OKLab distance (of the 12 coordinates) below which a pick is "close to" a rated theme.
CLOSE_DISTANCE = 0.12

_LABELLED = [(FEATURE_NAMES.index(name), label) for name, label in FEATURE_LABELS.items()]


@dataclass(frozen=True)
class Scorer:
    """Predicts stars from features with whatever models a person has."""

    personal: TasteModel | None
    community: TasteModel | None

    @property
    def n_ratings(self) -> int:
        return self.personal.n_ratings if self.personal is not None else 0

    @property
    def weight(self) -> float:
        return blend_weight(self.n_ratings) if self.community is not None else 1.0

    @property
    def available(self) -> bool:
        return self.personal is not None or self.community is not None

    def members(self, features: np.ndarray) -> np.ndarray:
        """`(n, F) -> (m, n)`: each ensemble member's blended prediction."""
        if self.personal is None and self.community is None:
            return np.zeros((1, len(features)), dtype=np.float32)
        if self.personal is None:
            return self.community.predict_members(features)
        personal = self.personal.predict_members(features)
        if self.community is None:
            return personal
        community = self.community.predict(features)
        return self.weight * personal + (1.0 - self.weight) * community[None, :]

    def predict(self, features: np.ndarray) -> np.ndarray:
        return self.members(features).mean(axis=0)


def display_stars(score: float) -> float:
    """Predicted stars as shown: unchanged in 1.5..4.5, eased into 1..5 beyond.

    The models extrapolate past 5 for the best of 100,000 themes; a hard clip would
    show every pick as 5.0 and hide their order.
    """
    if score > 4.5:
        return 4.5 + 0.5 * float(np.tanh((score - 4.5) / 0.5))
    if score < 1.5:
        return 1.5 - 0.5 * float(np.tanh((1.5 - score) / 0.5))
    return score


def blend_weight(n_ratings: int) -> float:
    return n_ratings / (n_ratings + BLEND_RATINGS)


def top_indices(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the `k` highest scores, best first: one argpartition, then a sort of k."""
    k = min(k, len(scores))
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.argsort(-scores[part], kind="stable")]


def rerank(pool: np.ndarray, scores: np.ndarray, embedding: np.ndarray, k: int) -> np.ndarray:
    """Maximal marginal relevance over `pool` (indices, best first) -> `k` indices."""
    if len(pool) <= k:
        return pool
    pool_scores = scores[pool].astype(np.float64)
    span = np.ptp(pool_scores) or 1.0
    relevance = (pool_scores - pool_scores.min()) / span
    points = embedding[pool].astype(np.float64)
    # Distances are read relative to the pool's typical spread, so lambda is scale-free.
    scale = float(np.linalg.norm(points - points.mean(axis=0), axis=1).mean()) or 1.0
    nearest = np.full(len(pool), np.inf)
    chosen: list[int] = []
    for _ in range(k):
        variety = np.minimum(nearest / scale, 1.0) if chosen else np.ones(len(pool))
        value = MMR_LAMBDA * relevance + (1 - MMR_LAMBDA) * variety
        value[chosen] = -np.inf
        best = int(np.argmax(value))
        chosen.append(best)
        nearest = np.minimum(nearest, np.linalg.norm(points - points[best], axis=1))
    return pool[chosen]


def variety(embedding: np.ndarray) -> float:
    """Mean pairwise perceptual distance of a set of themes (`(k, 12)` OKLab), x100."""
    if len(embedding) < 2:
        return 0.0
    diff = embedding[:, None, :] - embedding[None, :, :]
    distances = np.sqrt((diff.astype(np.float64) ** 2).sum(axis=-1))
    k = len(embedding)
    return float(distances.sum() / (k * (k - 1)) * 100)


@dataclass(frozen=True)
class Pick:
    theme: ThemeColours
    stars: float
    reason: str
    near_key: str = ""


@dataclass(frozen=True)
class Taste:
    """What a person's ratings say, for explaining picks."""

    themes: np.ndarray  # (n, 4, 3) uint8
    stars: np.ndarray  # (n,)

    def explainer(self, batch: Batch):
        features = featurise(self.themes) if len(self.themes) else np.zeros((0, len(FEATURE_NAMES)))
        liked = self.stars >= 4
        liked_embedding = features[liked][:, OKLAB_COLUMNS]
        liked_stars = self.stars[liked]
        liked_keys = [ThemeColours.from_array(rgb).key for rgb in self.themes[liked]]
        mean, std = batch.feature_mean, batch.feature_std
        if len(self.stars) >= 3 and self.stars.std() > 0:
            centred = features - features.mean(axis=0)
            spread = centred.std(axis=0) + 1e-9
            correlation = (centred * (self.stars - self.stars.mean())[:, None]).mean(axis=0) / (
                spread * self.stars.std()
            )
        else:
            correlation = np.zeros(len(FEATURE_NAMES))

        def explain(row: np.ndarray) -> list[tuple[str, str]]:
            """Reasons for one pick, best first: (text, key of a close rated theme or "")."""
            reasons = []
            if len(liked_embedding):
                distances = np.linalg.norm(liked_embedding - row[OKLAB_COLUMNS], axis=1)
                nearest = int(np.argmin(distances))
                if distances[nearest] < CLOSE_DISTANCE:
                    stars = int(liked_stars[nearest])
                    reasons.append(
                        (f"Close to a theme you gave {stars} stars", liked_keys[nearest])
                    )
            z = (row - mean) / std
            ranked = sorted(
                ((z[index] * correlation[index], index, label) for index, label in _LABELLED),
                reverse=True,
            )
            for value, index, label in ranked[:3]:
                if value > 0.1:
                    word = "High" if z[index] > 0 else "Low"
                    reasons.append((f"{word} {label}, which your ratings favour", ""))
            reasons.append(("Liked by people whose ratings resemble yours", ""))
            return reasons

        return explain


def recommend_indices(
    *, scorer: Scorer, batch: Batch, k: int = 20
) -> tuple[np.ndarray, np.ndarray]:
    """`(k,)` indices into `batch`, best and varied, and the predicted stars of all of it."""
    scores = scorer.predict(batch.features)
    pool = top_indices(scores, min(POOL, len(batch)))
    # The same theme twice in a batch (likely only with every slot locked) is shown once.
    _, first = np.unique(batch.themes[pool].reshape(len(pool), 12), axis=0, return_index=True)
    pool = pool[np.sort(first)]
    return rerank(pool, scores, batch.embedding, k), scores


def recommend(
    *, scorer: Scorer, batch: Batch, taste: Taste | None = None, k: int = 20
) -> list[Pick]:
    """The `k` best themes of `batch` for this scorer, varied, with predicted stars and reasons."""
    if not scorer.available:
        chosen = np.random.default_rng().choice(len(batch), size=min(k, len(batch)), replace=False)
        reason = "A random theme: rate a few and your own picks appear here"
        return [Pick(ThemeColours.from_array(batch.themes[i]), 0.0, reason) for i in chosen]
    chosen, scores = recommend_indices(scorer=scorer, batch=batch, k=k)
    explain = (taste or Taste(np.zeros((0, 4, 3), np.uint8), np.zeros(0))).explainer(batch)
    picks = []
    used: dict[str, int] = {}
    for index in chosen:
        reasons = explain(batch.features[index])
        # Twenty cards with one sentence each read badly: a reason serves three at most.
        reason, near = next((r for r in reasons if used.get(r[0], 0) < 3), reasons[0])
        used[reason] = used.get(reason, 0) + 1
        picks.append(
            Pick(
                theme=ThemeColours.from_array(batch.themes[index]),
                stars=display_stars(float(scores[index])),
                reason=reason,
                near_key=near,
            )
        )
    return picks


def next_index(
    *,
    scorer: Scorer,
    batch: Batch,
    rng: np.random.Generator,
    rated: np.ndarray | None = None,
    pool_size: int = 3000,
) -> int:
    """Index in `batch` of the theme to rate next.

    `rated` holds the OKLab embedding `(k, 12)` of the themes already rated. The
    first `SPACE_FILLING` ratings go to the candidate farthest from all rated ones,
    so an early model sees the whole space; after that a share `EXPLORE_RANDOM` is
    random, and the rest promising or uncertain (standardised predicted stars plus
    ensemble disagreement).
    """
    n_rated = 0 if rated is None else len(rated)
    if n_rated == 0 or rng.random() < EXPLORE_RANDOM:
        return int(rng.integers(len(batch)))
    pool = rng.choice(len(batch), size=min(pool_size, len(batch)), replace=False)
    if n_rated < SPACE_FILLING or not scorer.available:
        points = batch.embedding[pool]
        nearest = np.full(len(pool), np.inf, dtype=np.float32)
        for row in np.asarray(rated, dtype=np.float32):
            np.minimum(nearest, ((points - row) ** 2).sum(axis=1), out=nearest)
        return int(pool[int(np.argmax(nearest))])
    members = scorer.members(batch.features[pool])
    mean, spread = members.mean(axis=0), members.std(axis=0)
    value = (mean - mean.mean()) / (mean.std() + 1e-9)
    if len(members) > 1:
        value = value + UNCERTAINTY_WEIGHT * (spread - spread.mean()) / (spread.std() + 1e-9)
    return int(pool[int(np.argmax(value))])
