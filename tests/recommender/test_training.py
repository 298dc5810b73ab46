"""Fitting a taste model on a person's ratings."""

from __future__ import annotations

import numpy as np
import pytest

from ratings.themes import draw
from recommender.features import N_FEATURES, featurise
from recommender.training import FEATURE_VERSION, MEMBERS, TasteModel, model_fit

RED = (230, 60, 60)
BLUE = (60, 60, 230)


def _themes_with_keywords(keyword: tuple[int, int, int], n: int, seed: int) -> np.ndarray:
    themes = draw(n, np.random.default_rng(seed))
    themes[:, 1] = keyword
    return themes


def _red_lover(n: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """`n` ratings by someone who gives 5 stars to red keywords and 1 to blue ones."""
    themes = np.concatenate(
        [_themes_with_keywords(RED, n // 2, 10), _themes_with_keywords(BLUE, n - n // 2, 11)]
    )
    stars = np.array([5] * (n // 2) + [1] * (n - n // 2))
    return themes, stars


def test_model_fit_ranks_a_liked_theme_above_a_disliked_one():
    themes, stars = _red_lover()
    liked = _themes_with_keywords((240, 50, 50), 5, 20)
    disliked = _themes_with_keywords((50, 50, 240), 5, 20)  # same other colours as `liked`

    model = model_fit(themes, stars)

    liked_stars = model.predict_themes(liked)
    disliked_stars = model.predict_themes(disliked)
    assert (liked_stars > disliked_stars).all()
    assert liked_stars.min() > 3.5
    assert disliked_stars.max() < 2.5


def test_model_fit_records_what_it_was_trained_on():
    themes, stars = _red_lover(12)

    model = model_fit(themes, stars)

    assert isinstance(model, TasteModel)
    assert model.n_ratings == 12
    assert model.mean_stars == 3.0
    assert len(model.members) == MEMBERS
    assert model.feature_version == FEATURE_VERSION
    assert model.n_features == N_FEATURES


def test_model_fit_members_argument_sets_the_ensemble_size():
    themes, stars = _red_lover(6)

    model = model_fit(themes, stars, members=2)

    assert len(model.members) == 2
    assert model.predict_members(featurise(themes)).shape == (2, 6)


def test_model_predict_has_one_value_per_theme():
    themes, stars = _red_lover(10)
    model = model_fit(themes, stars)
    candidates = draw(25, np.random.default_rng(1))

    predicted = model.predict(featurise(candidates))

    assert predicted.shape == (25,)
    assert np.isfinite(predicted).all()
    np.testing.assert_allclose(model.predict_themes(candidates), predicted, rtol=1e-6)


def test_model_predict_is_the_mean_of_the_members():
    themes, stars = _red_lover(10)
    model = model_fit(themes, stars)
    features = featurise(draw(8, np.random.default_rng(2)))

    members = model.predict_members(features)

    assert members.shape == (MEMBERS, 8)
    np.testing.assert_allclose(model.predict(features), members.mean(axis=0), rtol=1e-6)


def test_model_fit_is_repeatable_for_the_same_seed():
    themes, stars = _red_lover(10)
    features = featurise(draw(20, np.random.default_rng(3)))

    first = model_fit(themes, stars, seed=4).predict(features)
    second = model_fit(themes, stars, seed=4).predict(features)

    assert np.array_equal(first, second)


def test_model_fit_of_one_star_value_predicts_that_value():
    themes = draw(5, np.random.default_rng(5))

    model = model_fit(themes, np.full(5, 4))

    predicted = model.predict_themes(draw(10, np.random.default_rng(6)))
    np.testing.assert_allclose(predicted, 4.0, atol=1e-3)


def test_model_fit_with_two_ratings_works():
    themes, stars = _red_lover(2)

    model = model_fit(themes, stars)

    assert model.n_ratings == 2


@pytest.mark.parametrize("n", [0, 1])
def test_model_fit_refuses_fewer_than_two_ratings(n):
    themes, stars = _red_lover(2)

    with pytest.raises(ValueError, match="at least 2 ratings"):
        model_fit(themes[:n], stars[:n])


def test_model_fit_refuses_mismatched_lengths():
    themes, stars = _red_lover(6)

    with pytest.raises(ValueError, match="differ in length"):
        model_fit(themes, stars[:5])
