"""Scoring a batch, taking the top, re-ranking for variety, choosing what to rate next."""

from __future__ import annotations

import numpy as np
import pytest

from ratings.themes import ThemeColours, draw
from recommender import ranking
from recommender.candidates import Batch, batch_draw
from recommender.features import featurise
from recommender.ranking import (
    Scorer,
    Taste,
    blend_weight,
    next_index,
    recommend,
    rerank,
    top_indices,
    variety,
)
from recommender.training import TasteModel, model_fit

RED = (230, 60, 60)
BLUE = (60, 60, 230)


def _with_keywords(keyword: tuple[int, int, int], n: int, seed: int) -> np.ndarray:
    themes = draw(n, np.random.default_rng(seed))
    themes[:, 1] = keyword
    return themes


@pytest.fixture(scope="module")
def red_taste() -> tuple[np.ndarray, np.ndarray]:
    """Ratings of someone who gives 5 stars to red keywords and 1 to blue ones."""
    themes = np.concatenate([_with_keywords(RED, 15, 1), _with_keywords(BLUE, 15, 2)])
    return themes, np.array([5] * 15 + [1] * 15)


@pytest.fixture(scope="module")
def red_lover(red_taste) -> TasteModel:
    return model_fit(*red_taste)


@pytest.fixture(scope="module")
def blue_lover(red_taste) -> TasteModel:
    themes, stars = red_taste
    return model_fit(themes, 6 - stars)


@pytest.fixture(scope="module")
def batch() -> Batch:
    return batch_draw(3000, rng=np.random.default_rng(3))


def _batch(themes: np.ndarray) -> Batch:
    return Batch(themes=themes, features=featurise(themes), drawn_at=0.0)


# --- top_indices ---------------------------------------------------------------------


def test_top_indices_are_the_k_best_in_order():
    scores = np.random.default_rng(4).normal(size=5000)

    top = top_indices(scores, 20)

    assert top.tolist() == np.argsort(-scores)[:20].tolist()


def test_top_indices_of_more_than_there_are_sorts_them_all():
    scores = np.array([0.3, 2.0, -1.0, 0.9])

    assert top_indices(scores, 10).tolist() == [1, 3, 0, 2]


def test_top_indices_of_one():
    scores = np.array([0.3, 2.0, -1.0, 0.9])

    assert top_indices(scores, 1).tolist() == [1]


# --- rerank and variety ----------------------------------------------------------------


def _pool_with_near_copies() -> tuple[Batch, np.ndarray]:
    """A batch whose 100 best scores all belong to near-copies of one theme."""
    rng = np.random.default_rng(5)
    themes = draw(400, rng)
    original = themes[0].copy()
    for index in range(100):
        themes[index] = np.clip(original.astype(int) + rng.integers(-2, 3, size=(4, 3)), 0, 255)
    scores = np.concatenate([np.linspace(5.0, 4.8, 100), np.linspace(4.7, 3.0, 300)])
    return _batch(themes), scores


def test_rerank_returns_k_distinct_indices_from_the_pool():
    batch, scores = _pool_with_near_copies()
    pool = top_indices(scores, 300)

    chosen = rerank(pool, scores, batch.embedding, 20)

    assert len(chosen) == 20
    assert len(set(chosen.tolist())) == 20
    assert set(chosen.tolist()) <= set(pool.tolist())


def test_rerank_starts_with_the_best():
    batch, scores = _pool_with_near_copies()
    pool = top_indices(scores, 300)

    chosen = rerank(pool, scores, batch.embedding, 20)

    assert chosen[0] == pool[0]


def test_rerank_picks_are_more_varied_than_the_plain_top():
    batch, scores = _pool_with_near_copies()
    pool = top_indices(scores, 300)

    chosen = rerank(pool, scores, batch.embedding, 20)

    plain = variety(batch.embedding[pool[:20]])
    varied = variety(batch.embedding[chosen])
    assert varied > 3 * plain
    # Not twenty near-copies: most picks come from outside the copies.
    assert sum(index < 100 for index in chosen.tolist()) < 10


def test_rerank_of_a_pool_no_larger_than_k_keeps_it():
    batch, scores = _pool_with_near_copies()
    pool = top_indices(scores, 5)

    assert rerank(pool, scores, batch.embedding, 20).tolist() == pool.tolist()


def test_variety_of_known_points():
    embedding = np.zeros((2, 12))
    embedding[1, 0] = 0.5

    assert variety(embedding) == pytest.approx(50.0)
    assert variety(embedding[:1]) == 0.0
    assert variety(np.zeros((5, 12))) == 0.0


# --- blending -----------------------------------------------------------------------------


def test_blend_weight_grows_from_zero_towards_one():
    weights = [blend_weight(n) for n in (0, 1, 3, 8, 30, 100, 10_000)]

    assert weights[0] == 0.0
    assert blend_weight(int(ranking.BLEND_RATINGS)) == 0.5
    assert weights == sorted(weights)
    assert len(set(weights)) == len(weights)
    assert 0.999 < weights[-1] < 1.0


def test_scorer_without_models_is_not_available_and_predicts_nothing():
    scorer = Scorer(personal=None, community=None)

    predicted = scorer.predict(featurise(draw(4, np.random.default_rng(6))))

    assert scorer.available is False
    assert predicted.tolist() == [0.0, 0.0, 0.0, 0.0]


def test_scorer_with_only_the_community_uses_it(blue_lover, batch):
    scorer = Scorer(personal=None, community=blue_lover)

    assert scorer.n_ratings == 0
    np.testing.assert_allclose(scorer.predict(batch.features), blue_lover.predict(batch.features))


def test_scorer_with_only_a_personal_model_uses_it(red_lover, batch):
    scorer = Scorer(personal=red_lover, community=None)

    assert scorer.weight == 1.0
    np.testing.assert_allclose(scorer.predict(batch.features), red_lover.predict(batch.features))


def test_scorer_blends_personal_and_community_by_the_number_of_ratings(
    red_lover, blue_lover, batch
):
    scorer = Scorer(personal=red_lover, community=blue_lover)
    weight = blend_weight(30)

    predicted = scorer.predict(batch.features)

    assert scorer.weight == weight
    expected = weight * red_lover.predict(batch.features) + (1 - weight) * blue_lover.predict(
        batch.features
    )
    np.testing.assert_allclose(predicted, expected, rtol=1e-5)


# --- recommend -------------------------------------------------------------------------------


def test_recommend_returns_k_distinct_themes_the_person_likes(red_lover, batch):
    scorer = Scorer(personal=red_lover, community=None)

    picks = recommend(scorer=scorer, batch=batch, k=20)

    keys = [pick.theme.key for pick in picks]
    assert len(picks) == 20
    assert len(set(keys)) == 20
    assert all(1.0 <= pick.stars <= 5.0 for pick in picks)
    # Every pick comes from the POOL best-scored themes of the batch.
    best = np.argsort(-red_lover.predict(batch.features))[: ranking.POOL]
    assert set(keys) <= {ThemeColours.from_array(batch.themes[i]).key for i in best}


def test_recommend_reddish_keywords_for_a_red_lover(red_lover, batch):
    picks = recommend(scorer=Scorer(personal=red_lover, community=None), batch=batch, k=20)

    keywords = np.array([pick.theme.rgb[1] for pick in picks]).astype(int)
    reddish = keywords[:, 0] > keywords[:, 2]
    assert reddish.sum() >= 18


def test_display_stars_keep_the_order_of_scores_within_one_to_five():
    scores = [-3.0, 0.5, 1.5, 3.0, 4.5, 5.0, 5.6, 9.0]

    shown = [ranking.display_stars(score) for score in scores]

    assert shown == sorted(shown)
    assert len(set(shown)) == len(shown)
    assert all(1.0 <= value <= 5.0 for value in shown)
    assert ranking.display_stars(3.0) == 3.0


def test_recommend_shows_a_theme_once_when_every_slot_is_locked(red_lover):
    theme = ThemeColours.from_key("1e1e2e-f38ba8-a6e3a1-89b4fa")
    locked = {slot: tuple(int(c) for c in theme.rgb[slot]) for slot in range(4)}
    same = batch_draw(500, rng=np.random.default_rng(3), locked=locked)

    picks = recommend(scorer=Scorer(personal=red_lover, community=None), batch=same, k=20)

    assert [pick.theme.key for pick in picks] == [theme.key]


def test_recommend_without_models_gives_random_themes(batch):
    picks = recommend(scorer=Scorer(personal=None, community=None), batch=batch, k=20)

    assert len({pick.theme.key for pick in picks}) == 20
    assert {pick.stars for pick in picks} == {0.0}


def test_recommend_from_a_small_batch_gives_all_of_it():
    small = batch_draw(7, rng=np.random.default_rng(8))
    themes, stars = _with_keywords(RED, 4, 9), np.array([5, 4, 1, 2])
    scorer = Scorer(personal=model_fit(themes, stars), community=None)

    picks = recommend(scorer=scorer, batch=small, k=20)

    assert sorted(pick.theme.key for pick in picks) == sorted(
        ThemeColours.from_array(rgb).key for rgb in small.themes
    )


def test_recommend_explains_a_pick_close_to_a_liked_theme(red_lover, red_taste):
    themes, stars = red_taste
    liked = themes[:1]
    small = _batch(np.concatenate([liked, draw(30, np.random.default_rng(10))]))
    taste = Taste(themes=themes, stars=stars.astype(float))

    explain = taste.explainer(small)

    reason, near = explain(small.features[0])[0]
    assert reason == "Close to a theme you gave 5 stars"
    assert near == ThemeColours.from_array(liked[0]).key


# --- next_index ------------------------------------------------------------------------------


def test_next_index_is_a_valid_index(red_lover, batch):
    scorer = Scorer(personal=red_lover, community=None)
    rng = np.random.default_rng(11)

    indices = [next_index(scorer=scorer, batch=batch, rng=rng) for _ in range(30)]

    assert all(0 <= index < len(batch) for index in indices)


def test_next_index_without_models_is_random_but_valid(batch):
    rng = np.random.default_rng(12)
    scorer = Scorer(personal=None, community=None)

    indices = {next_index(scorer=scorer, batch=batch, rng=rng) for _ in range(20)}

    assert len(indices) > 15
    assert all(0 <= index < len(batch) for index in indices)


def test_next_index_without_exploration_or_doubt_takes_the_best(monkeypatch, red_lover, batch):
    monkeypatch.setattr(ranking, "EXPLORE_RANDOM", 0.0)
    monkeypatch.setattr(ranking, "UNCERTAINTY_WEIGHT", 0.0)
    scorer = Scorer(personal=red_lover, community=None)

    rated = batch.embedding[: ranking.SPACE_FILLING]

    index = next_index(
        scorer=scorer,
        batch=batch,
        rng=np.random.default_rng(13),
        rated=rated,
        pool_size=len(batch),
    )

    assert index == int(np.argmax(scorer.predict(batch.features)))


def test_next_index_without_exploration_prefers_high_predicted_stars(monkeypatch, red_lover, batch):
    monkeypatch.setattr(ranking, "EXPLORE_RANDOM", 0.0)
    scorer = Scorer(personal=red_lover, community=None)
    rng = np.random.default_rng(14)
    predicted = scorer.predict(batch.features)
    rated = batch.embedding[: ranking.SPACE_FILLING]

    chosen = [next_index(scorer=scorer, batch=batch, rng=rng, rated=rated) for _ in range(20)]

    assert predicted[chosen].mean() > np.median(predicted)


def test_next_index_early_goes_far_from_the_rated_themes(monkeypatch, red_lover, batch):
    monkeypatch.setattr(ranking, "EXPLORE_RANDOM", 0.0)
    scorer = Scorer(personal=red_lover, community=None)
    rated = batch.embedding[:3]

    def distance(index: int) -> float:
        return float(np.linalg.norm(rated - batch.embedding[index], axis=1).min())

    index = next_index(
        scorer=scorer, batch=batch, rng=np.random.default_rng(15), rated=rated, pool_size=len(batch)
    )

    assert distance(index) == max(distance(i) for i in range(len(batch)))
