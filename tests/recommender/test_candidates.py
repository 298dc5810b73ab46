"""Candidate batches: drawn like the demo's, locked slots kept, one shared batch for a while."""

from __future__ import annotations

import time

import numpy as np
import pytest

from ratings.themes import draw
from recommender import candidates
from recommender.candidates import BATCH_SIZE, Batch, batch_draw, shared_batch
from recommender.features import N_FEATURES, featurise


@pytest.fixture
def no_shared_batch(monkeypatch):
    """Start without this process's shared batch; put the old one back afterwards."""
    monkeypatch.setattr(candidates, "_shared", None)


def _small_batch(drawn_at: float) -> Batch:
    themes = draw(10, np.random.default_rng(1))
    return Batch(themes=themes, features=featurise(themes), drawn_at=drawn_at)


def test_batch_draw_shapes():
    batch = batch_draw(50, rng=np.random.default_rng(2))

    assert len(batch) == 50
    assert batch.themes.shape == (50, 4, 3)
    assert batch.themes.dtype == np.uint8
    assert batch.features.shape == (50, N_FEATURES)
    assert batch.embedding.shape == (50, 12)


def test_batch_draw_features_belong_to_the_themes():
    batch = batch_draw(50, rng=np.random.default_rng(3))

    assert np.array_equal(batch.features, featurise(batch.themes))
    assert np.array_equal(batch.embedding, batch.features[:, 12:24])


def test_batch_draw_uses_the_demo_ranges():
    batch = batch_draw(2000, rng=np.random.default_rng(4))

    assert batch.themes[:, 0].max() <= 50
    assert batch.themes[:, 1:].min() >= 50


def test_batch_draw_is_repeatable_with_the_same_generator():
    first = batch_draw(20, rng=np.random.default_rng(5))
    second = batch_draw(20, rng=np.random.default_rng(5))

    assert np.array_equal(first.themes, second.themes)


def test_batch_draw_keeps_locked_slots():
    locked = {0: (1, 2, 3), 2: (200, 100, 50)}

    batch = batch_draw(300, rng=np.random.default_rng(6), locked=locked)

    assert (batch.themes[:, 0] == (1, 2, 3)).all()
    assert (batch.themes[:, 2] == (200, 100, 50)).all()
    assert len({bytes(row) for row in batch.themes[:, 1]}) > 250
    assert len({bytes(row) for row in batch.themes[:, 3]}) > 250
    assert np.array_equal(batch.features, featurise(batch.themes))


def test_shared_batch_is_drawn_once_and_reused(no_shared_batch):
    first = shared_batch()
    second = shared_batch()

    assert len(first) == BATCH_SIZE
    assert second is first


def test_shared_batch_is_reused_within_its_ttl(monkeypatch):
    recent = _small_batch(drawn_at=time.monotonic())
    monkeypatch.setattr(candidates, "_shared", recent)

    assert shared_batch() is recent


def test_shared_batch_is_drawn_again_after_its_ttl(monkeypatch):
    old = _small_batch(drawn_at=time.monotonic() - 1.0)
    monkeypatch.setattr(candidates, "_shared", old)
    monkeypatch.setattr(candidates, "BATCH_TTL", 0.0)

    fresh = shared_batch()

    assert fresh is not old
    assert len(fresh) == BATCH_SIZE
    assert candidates._shared is fresh
