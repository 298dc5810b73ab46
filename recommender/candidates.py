"""Candidate batches: themes drawn like the demo's, featurised once, shared for a while.

A batch's features do not depend on who is asking, so one batch of 100,000 is
drawn and featurised per process and reused by every person's ranking until it
is `BATCH_TTL` old; a request then costs one `predict` and one `argpartition`.
Locked slots need their own batch (those slots fixed), drawn per request.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ratings.themes import draw
from recommender.features import OKLAB_COLUMNS, featurise

BATCH_SIZE = 100_000
BATCH_TTL = 600.0  # seconds


@dataclass(frozen=True)
class Batch:
    themes: np.ndarray  # (n, 4, 3) uint8
    features: np.ndarray  # (n, F) float32
    drawn_at: float

    @cached_property
    def feature_mean(self) -> np.ndarray:
        return self.features.mean(axis=0)

    @cached_property
    def feature_std(self) -> np.ndarray:
        return self.features.std(axis=0) + 1e-6

    @property
    def embedding(self) -> np.ndarray:
        """`(n, 12)` OKLab of the four colours: distances here are perceptual."""
        return self.features[:, OKLAB_COLUMNS]

    def __len__(self) -> int:
        return len(self.themes)


def batch_draw(
    n: int = BATCH_SIZE,
    *,
    rng: np.random.Generator | None = None,
    locked: dict[int, tuple[int, int, int]] | None = None,
) -> Batch:
    themes = draw(n, rng, locked=locked)
    return Batch(themes=themes, features=featurise(themes), drawn_at=time.monotonic())


_shared: Batch | None = None
_shared_lock = threading.Lock()


def shared_batch() -> Batch:
    """This process's current batch of `BATCH_SIZE` unlocked candidates."""
    global _shared
    batch = _shared
    if batch is None or time.monotonic() - batch.drawn_at > BATCH_TTL:
        with _shared_lock:
            if _shared is None or time.monotonic() - _shared.drawn_at > BATCH_TTL:
                _shared = batch_draw()
            batch = _shared
    return batch
