from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.http import Http404

from ratings.models import Rating, Theme
from ratings.portability import ImportFileError, export_json
from ratings.selectors import rating_of, ratings_of
from ratings.services import (
    RatingError,
    clean_stars,
    rating_delete,
    rating_set,
    rating_undo,
    rating_update,
    ratings_import,
)
from ratings.signals import rating_changed
from ratings.themes import ThemeColours

THIRD_KEY = "000000-ffffff-336699-1e1e2e"


@pytest.fixture
def announced():
    """user_id of every `rating_changed` signal sent while the test runs."""
    received: list[int] = []

    def receiver(sender, user_id, **kwargs):
        received.append(user_id)

    rating_changed.connect(receiver, dispatch_uid="test-services-announced")
    yield received
    rating_changed.disconnect(dispatch_uid="test-services-announced")


def _stars_of(user) -> dict[str, int]:
    return dict(Rating.objects.filter(user=user).values_list("theme__key", "stars"))


def _import(user, document, filename="ratings.json"):
    data = document if isinstance(document, bytes) else json.dumps(document).encode()
    return ratings_import(user=user, filename=filename, data=data)


# --- clean_stars ------------------------------------------------------------------


@pytest.mark.parametrize(("value", "stars"), [(1, 1), (5, 5), ("3", 3), (" 4 ", 4), (2.0, 2)])
def test_clean_stars_accepts_whole_numbers_from_1_to_5(value, stars):
    assert clean_stars(value) == stars


@pytest.mark.parametrize(
    "value", [0, 6, -1, "x", "", None, True, False, 2.5, "2.5", [3], "\u00b2", "9" * 5000]
)
def test_clean_stars_rejects_anything_else(value):
    with pytest.raises(RatingError) as caught:
        clean_stars(value)

    assert caught.value.message == "Stars must be a whole number from 1 to 5."
    assert caught.value.field == "stars"


# --- rating_set -------------------------------------------------------------------


def test_rating_set_creates_a_rating(user, theme):
    result = rating_set(user=user, theme=theme, stars=4)

    assert (result.created, result.previous_stars, result.rating.stars) == (True, None, 4)
    assert _stars_of(user) == {theme.key: 4}
    assert Theme.objects.get().colours == theme


def test_rating_set_again_replaces_the_stars(user, theme):
    first = rating_set(user=user, theme=theme, stars=4)

    second = rating_set(user=user, theme=theme, stars=2)

    assert (second.created, second.previous_stars, second.rating.stars) == (False, 4, 2)
    assert second.rating.pk == first.rating.pk
    assert Rating.objects.count() == 1
    assert _stars_of(user) == {theme.key: 2}


def test_rating_set_same_stars_keeps_updated_at(user, theme):
    first = rating_set(user=user, theme=theme, stars=3)

    again = rating_set(user=user, theme=theme, stars=3)

    assert (again.created, again.previous_stars) == (False, 3)
    assert Rating.objects.get().updated_at == first.rating.updated_at


@pytest.mark.parametrize("stars", [0, 6, "x", True, 2.5, None])
def test_rating_set_rejects_bad_stars_and_saves_nothing(user, theme, stars):
    with pytest.raises(RatingError, match=r"Stars must be a whole number from 1 to 5\."):
        rating_set(user=user, theme=theme, stars=stars)

    assert Rating.objects.count() == 0
    assert Theme.objects.count() == 0


def test_rating_set_bad_stars_keep_the_earlier_rating(user, theme):
    rating_set(user=user, theme=theme, stars=4)

    with pytest.raises(RatingError):
        rating_set(user=user, theme=theme, stars=6)

    assert _stars_of(user) == {theme.key: 4}


def test_rating_set_shares_the_theme_row_between_users(user, other_user, theme):
    mine = rating_set(user=user, theme=theme, stars=5).rating
    theirs = rating_set(user=other_user, theme=theme, stars=1).rating

    assert Theme.objects.count() == 1
    assert mine.theme_id == theirs.theme_id
    assert (_stars_of(user), _stars_of(other_user)) == ({theme.key: 5}, {theme.key: 1})


def test_rating_set_announces_the_change_after_commit(
    user, theme, announced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rating_set(user=user, theme=theme, stars=4)
        assert announced == []

    assert announced == [user.pk]


def test_rating_set_announces_creation_and_change(
    user, theme, announced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rating_set(user=user, theme=theme, stars=4)
    with django_capture_on_commit_callbacks(execute=True):
        rating_set(user=user, theme=theme, stars=5)

    assert announced == [user.pk, user.pk]


def test_rating_set_same_stars_announces_nothing(
    user, theme, announced, django_capture_on_commit_callbacks
):
    rating_set(user=user, theme=theme, stars=4)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rating_set(user=user, theme=theme, stars=4)

    assert (len(callbacks), announced) == (0, [])


def test_rating_set_rejected_stars_announce_nothing(
    user, theme, announced, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RatingError),
    ):
        rating_set(user=user, theme=theme, stars=0)

    assert (len(callbacks), announced) == (0, [])


# --- rating_update / rating_delete ------------------------------------------------


def test_rating_update_changes_the_stars(
    user, theme, announced, django_capture_on_commit_callbacks
):
    rating = rating_set(user=user, theme=theme, stars=2).rating

    with django_capture_on_commit_callbacks(execute=True):
        updated = rating_update(rating=rating, stars="5")

    assert updated.stars == 5
    assert _stars_of(user) == {theme.key: 5}
    assert announced == [user.pk]


def test_rating_update_rejects_bad_stars(user, theme):
    rating = rating_set(user=user, theme=theme, stars=2).rating

    with pytest.raises(RatingError):
        rating_update(rating=rating, stars=0)

    assert _stars_of(user) == {theme.key: 2}


def test_rating_delete_removes_the_rating_and_keeps_the_theme(
    user, other_user, theme, announced, django_capture_on_commit_callbacks
):
    rating = rating_set(user=user, theme=theme, stars=2).rating
    rating_set(user=other_user, theme=theme, stars=4)

    with django_capture_on_commit_callbacks(execute=True):
        rating_delete(rating=rating)

    assert (_stars_of(user), _stars_of(other_user)) == ({}, {theme.key: 4})
    assert Theme.objects.filter(key=theme.key).count() == 1
    assert announced == [user.pk]


# --- rating_undo ------------------------------------------------------------------


def test_rating_undo_restores_the_previous_stars(user, theme):
    rating_set(user=user, theme=theme, stars=2)
    result = rating_set(user=user, theme=theme, stars=5)

    restored = rating_undo(user=user, theme=theme, previous_stars=result.previous_stars)

    assert restored.stars == 2
    assert _stars_of(user) == {theme.key: 2}


def test_rating_undo_of_a_new_rating_deletes_it(user, theme, other_theme):
    rating_set(user=user, theme=other_theme, stars=3)
    result = rating_set(user=user, theme=theme, stars=5)

    restored = rating_undo(user=user, theme=theme, previous_stars=result.previous_stars)

    assert restored is None
    assert _stars_of(user) == {other_theme.key: 3}


def test_rating_undo_of_a_deleted_rating_brings_it_back(user, theme):
    rating = rating_set(user=user, theme=theme, stars=4).rating
    rating_delete(rating=rating)

    restored = rating_undo(user=user, theme=theme, previous_stars=4)

    assert restored.stars == 4
    assert _stars_of(user) == {theme.key: 4}


def test_rating_undo_touches_only_that_users_rating(user, other_user, theme):
    rating_set(user=other_user, theme=theme, stars=3)
    result = rating_set(user=user, theme=theme, stars=5)

    rating_undo(user=user, theme=theme, previous_stars=result.previous_stars)

    assert (_stars_of(user), _stars_of(other_user)) == ({}, {theme.key: 3})


def test_rating_undo_with_nothing_to_undo_announces_nothing(
    user, theme, announced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        restored = rating_undo(user=user, theme=theme, previous_stars=None)

    assert (restored, announced) == (None, [])


# --- ratings_import ---------------------------------------------------------------


def test_ratings_import_counts_added_updated_and_unchanged(user, theme, other_theme):
    rating_set(user=user, theme=theme, stars=2)
    rating_set(user=user, theme=other_theme, stars=3)

    report = _import(
        user,
        [
            {"key": theme.key, "stars": 5},
            {"key": other_theme.key, "stars": 3},
            {"key": THIRD_KEY, "stars": 1},
        ],
    )

    assert (report.format, report.added, report.updated, report.unchanged) == (
        "ThemeHub JSON",
        1,
        1,
        1,
    )
    assert (report.accepted, report.rejected) == (3, [])
    assert _stars_of(user) == {theme.key: 5, other_theme.key: 3, THIRD_KEY: 1}


def test_ratings_import_keeps_valid_entries_and_reports_invalid_ones(user, theme):
    report = _import(
        user,
        [
            {"key": theme.key, "stars": 4},
            {"key": THIRD_KEY, "stars": 0},
            {"key": "nope", "stars": 3},
        ],
    )

    assert report.added == 1
    assert [str(rejection) for rejection in report.rejected] == [
        "entry 2: stars must be a whole number from 1 to 5 (got 0)",
        "entry 3: A theme key is four lowercase hex colours joined by '-', "
        "e.g. 1e1e2e-f38ba8-a6e3a1-89b4fa.",
    ]
    assert _stars_of(user) == {theme.key: 4}
    assert list(Theme.objects.values_list("key", flat=True)) == [theme.key]


def test_ratings_import_later_duplicate_wins(user, theme):
    report = _import(
        user,
        [
            {"key": theme.key, "stars": 1},
            {"key": THIRD_KEY, "stars": 2},
            {"key": theme.key.upper(), "stars": 5},
        ],
    )

    assert (report.added, report.updated, report.unchanged) == (2, 0, 0)
    assert [str(rejection) for rejection in report.rejected] == [
        "entry 1: same theme as entry 3; the later entry is kept"
    ]
    assert _stars_of(user) == {theme.key: 5, THIRD_KEY: 2}


def test_ratings_import_keeps_rated_at_for_new_ratings(user, theme, other_theme):
    rating_set(user=user, theme=other_theme, stars=1)
    before = Rating.objects.get().created_at

    _import(
        user,
        [
            {"key": theme.key, "stars": 4, "rated_at": "2021-06-01T10:00:00+00:00"},
            {"key": other_theme.key, "stars": 5, "rated_at": "2021-06-02T10:00:00+00:00"},
        ],
    )

    created = dict(Rating.objects.values_list("theme__key", "created_at"))
    assert created == {theme.key: datetime(2021, 6, 1, 10, tzinfo=UTC), other_theme.key: before}


def test_ratings_import_leaves_other_users_ratings_alone(user, other_user, theme, other_theme):
    rating_set(user=other_user, theme=theme, stars=1)
    rating_set(user=other_user, theme=other_theme, stars=2)

    report = _import(user, [{"key": theme.key, "stars": 5}])

    assert (report.added, report.updated) == (1, 0)
    assert _stars_of(other_user) == {theme.key: 1, other_theme.key: 2}
    assert _stars_of(user) == {theme.key: 5}
    assert Theme.objects.count() == 2


def test_ratings_import_of_demo_votes(user):
    report = _import(user, [{"input": [0.5] * 12, "output": [0.75]}, "junk"])

    assert (report.format, report.added) == ("demo votes", 1)
    assert [str(r) for r in report.rejected] == [
        'entry 2: expected {"input": [...], "output": [...]}'
    ]
    assert _stars_of(user) == {"808080-808080-808080-808080": 4}


def test_ratings_import_of_csv(user, theme):
    data = f"key,stars\n{theme.key},3\n".encode()

    report = _import(user, data, "ratings.csv")

    assert (report.format, report.added) == ("ThemeHub CSV", 1)
    assert _stars_of(user) == {theme.key: 3}


def test_ratings_import_announces_once_after_commit(
    user, theme, announced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _import(user, [{"key": theme.key, "stars": 4}, {"key": THIRD_KEY, "stars": 2}])

    assert announced == [user.pk]


def test_ratings_import_with_nothing_new_announces_nothing(
    user, theme, announced, django_capture_on_commit_callbacks
):
    rating_set(user=user, theme=theme, stars=4)

    with django_capture_on_commit_callbacks(execute=True):
        report = _import(user, [{"key": theme.key, "stars": 4}, {"key": "bad", "stars": 1}])

    assert (report.unchanged, len(report.rejected), announced) == (1, 1, [])


def test_ratings_import_refuses_an_unreadable_file_and_saves_nothing(user):
    with pytest.raises(ImportFileError, match=r"The file is empty\."):
        _import(user, b"", "ratings.csv")

    assert Rating.objects.count() == 0


def test_ratings_import_export_round_trip_into_another_account(user, other_user, theme):
    rating_set(user=user, theme=theme, stars=4)
    exported = export_json(ratings_of(user=user)).encode()

    report = ratings_import(user=other_user, filename="ratings.json", data=exported)

    assert report.added == 1
    assert _stars_of(other_user) == {theme.key: 4}
    assert (
        Rating.objects.get(user=other_user).created_at == Rating.objects.get(user=user).created_at
    )


# --- selectors --------------------------------------------------------------------


def test_ratings_of_lists_newest_first_with_only_that_users_ratings(
    user, other_user, theme, other_theme
):
    _import(
        user,
        [
            {"key": theme.key, "stars": 4, "rated_at": "2022-01-01T00:00:00+00:00"},
            {"key": other_theme.key, "stars": 2, "rated_at": "2023-01-01T00:00:00+00:00"},
        ],
    )
    rating_set(user=user, theme=ThemeColours.from_key(THIRD_KEY), stars=5)
    rating_set(user=other_user, theme=theme, stars=1)

    keys = [rating.theme.key for rating in ratings_of(user=user)]

    assert keys == [THIRD_KEY, other_theme.key, theme.key]


def test_ratings_of_loads_themes_in_one_query(user, theme, other_theme, django_assert_num_queries):
    rating_set(user=user, theme=theme, stars=4)
    rating_set(user=user, theme=other_theme, stars=2)

    with django_assert_num_queries(1):
        keys = [rating.theme.key for rating in ratings_of(user=user)]

    assert len(keys) == 2


def test_rating_of_returns_the_users_rating(user, theme):
    rating = rating_set(user=user, theme=theme, stars=4).rating

    assert rating_of(user=user, rating_id=str(rating.pk)) == rating


@pytest.mark.parametrize("rating_id", ["abc", None, "1.5", "", 10**30, "-1"])
def test_rating_of_bad_id_is_404(user, theme, rating_id):
    rating_set(user=user, theme=theme, stars=4)

    with pytest.raises(Http404):
        rating_of(user=user, rating_id=rating_id)


def test_rating_of_another_users_rating_is_404(user, other_user, theme):
    theirs = rating_set(user=other_user, theme=theme, stars=4).rating

    with pytest.raises(Http404):
        rating_of(user=user, rating_id=theirs.pk)
