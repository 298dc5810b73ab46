"""Reads for the recommender: training data, the serving models, next theme, recommendations."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from ratings.models import Rating
from ratings.services import rating_set
from ratings.themes import KEY_RE, ThemeColours, draw
from recommender import selectors, services
from recommender.models import UserModel
from recommender.selectors import keys_to_array, training_data

KEYS = ["000000-ffffff-336699-1e1e2e", "1e1e2e-f38ba8-a6e3a1-89b4fa"]


def _themes(n: int, seed: int) -> list[ThemeColours]:
    return [ThemeColours.from_array(rgb) for rgb in draw(n, np.random.default_rng(seed))]


def _rate_at(user, theme: ThemeColours, stars: int, minutes_ago: int) -> None:
    rating = rating_set(user=user, theme=theme, stars=stars).rating
    when = timezone.now() - timedelta(minutes=minutes_ago)
    Rating.objects.filter(pk=rating.pk).update(created_at=when, updated_at=when)


@pytest.fixture
def modelled(user, other_user):
    """`user` and the community, each with a trained model."""
    for index, theme in enumerate(_themes(4, 1)):
        rating_set(user=user, theme=theme, stars=1 + index)
    for theme in _themes(3, 2):
        rating_set(user=other_user, theme=theme, stars=3)
    UserModel.objects.create(user=user)
    services.model_train(user_id=user.pk)
    services.community_train()
    return user


def test_keys_to_array_decodes_the_four_colours():
    themes = keys_to_array(KEYS)

    assert themes.shape == (2, 4, 3)
    assert themes.dtype == np.uint8
    assert themes[0].tolist() == [[0, 0, 0], [255, 255, 255], [51, 102, 153], [30, 30, 46]]
    assert [ThemeColours.from_array(rgb).key for rgb in themes] == KEYS


def test_keys_to_array_of_nothing():
    assert keys_to_array([]).shape == (0, 4, 3)


def test_training_data_is_one_persons_ratings_newest_first(user, other_user):
    first, second, third = _themes(3, 3)
    _rate_at(user, first, 2, minutes_ago=30)
    _rate_at(user, second, 5, minutes_ago=10)
    _rate_at(other_user, third, 1, minutes_ago=5)

    themes, stars = training_data(user_id=user.pk)

    assert [ThemeColours.from_array(rgb).key for rgb in themes] == [second.key, first.key]
    assert stars.tolist() == [5.0, 2.0]


def test_training_data_of_nobody_is_everyones_newest(user, other_user, monkeypatch):
    monkeypatch.setattr(selectors, "COMMUNITY_MAX_RATINGS", 2)
    first, second, third = _themes(3, 4)
    _rate_at(user, first, 2, minutes_ago=30)
    _rate_at(user, second, 5, minutes_ago=10)
    _rate_at(other_user, third, 1, minutes_ago=5)

    themes, stars = training_data(user_id=None)

    assert [ThemeColours.from_array(rgb).key for rgb in themes] == [third.key, second.key]
    assert stars.tolist() == [1.0, 5.0]


def test_training_data_without_ratings_is_empty(user):
    themes, stars = training_data(user_id=user.pk)

    assert themes.shape == (0, 4, 3)
    assert stars.shape == (0,)


def test_serving_a_person_with_a_model(modelled):
    now = selectors.serving(user=modelled)

    assert now.record.user_id == modelled.pk
    assert now.community_record.is_community is True
    assert now.scorer.personal.n_ratings == 4
    assert now.scorer.community.n_ratings == 7


def test_serving_reads_the_rows_in_one_query(modelled, django_assert_num_queries):
    with django_assert_num_queries(1):
        selectors.serving(user=modelled)


def test_serving_an_anonymous_visitor_uses_only_the_community(modelled):
    now = selectors.serving(user=AnonymousUser())

    assert now.record is None
    assert now.scorer.personal is None
    assert now.scorer.community is not None


def test_serving_never_uses_another_persons_model(modelled, other_user):
    now = selectors.serving(user=other_user)

    assert now.record is None
    assert now.scorer.personal is None


def test_next_theme_is_a_theme_from_the_candidates(user):
    theme = selectors.next_theme(user=user, rng=np.random.default_rng(5))

    assert KEY_RE.fullmatch(theme.key)


def test_next_theme_skips_a_theme_already_rated(user):
    first = selectors.next_theme(user=user, rng=np.random.default_rng(6))
    rating_set(user=user, theme=first, stars=3)

    again = selectors.next_theme(user=user, rng=np.random.default_rng(6))

    assert again != first


def test_next_theme_with_a_model(modelled):
    theme = selectors.next_theme(user=modelled, rng=np.random.default_rng(7))

    assert KEY_RE.fullmatch(theme.key)
    assert Rating.objects.filter(user=modelled, theme__key=theme.key).exists() is False


def test_recommendations_for_a_person_with_a_model(modelled):
    picks, now = selectors.recommendations(user=modelled, k=20)

    assert len(picks) == 20
    assert len({pick.theme.key for pick in picks}) == 20
    assert now.record.user_id == modelled.pk


def test_recommendations_keep_locked_colours(modelled):
    picks, _ = selectors.recommendations(
        user=modelled, locked={0: (10, 20, 30), 1: (255, 0, 0)}, k=5
    )

    assert len(picks) == 5
    assert {(pick.theme.background, pick.theme.color1) for pick in picks} == {
        ("#0a141e", "#ff0000")
    }


def test_taste_of_holds_the_persons_ratings(modelled):
    taste = selectors.taste_of(user=modelled)

    assert taste.themes.shape == (4, 4, 3)
    assert sorted(taste.stars.tolist()) == [1.0, 2.0, 3.0, 4.0]
