"""The recommender API: the next theme to rate, and recommendations with locks."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tokens.services import api_token_create, api_token_revoke
from ratings import services
from ratings.models import Rating
from ratings.themes import KEY_RE, ThemeColours
from recommender.models import UserModel

_RATED = [
    ("1e1e2e-f38ba8-a6e3a1-89b4fa", 5),
    ("282a36-ff79c6-f1fa8c-50fa7b", 5),
    ("1a1b26-bb9af7-9ece6a-7aa2f7", 4),
    ("302010-605040-706050-806040", 1),
    ("2d2a20-5a5040-6b6048-70684a", 2),
    ("101010-505050-646464-787878", 1),
]
RECOMMENDATIONS = "/api/v1/recommendations/"


def _train(user, django_capture_on_commit_callbacks) -> None:
    """Rate six themes; the immediate task backend trains the model on commit."""
    with django_capture_on_commit_callbacks(execute=True):
        for key, stars in _RATED:
            services.rating_set(user=user, theme=ThemeColours.from_key(key), stars=stars)


# --- /themes/next/ ------------------------------------------------------------------


def test_next_theme_is_a_theme_not_rated_yet(api, user):
    response = api.get("/api/v1/themes/next/")

    body = response.json()
    assert response.status_code == 200
    assert KEY_RE.fullmatch(body["key"]) is not None
    assert body["background"] == f"#{body['key'][:6]}"
    assert len(body["colors"]) == 3
    assert body["id"] is None
    assert Rating.objects.filter(user=user, theme__key=body["key"]).exists() is False


def test_next_theme_then_rate_it(api, user):
    theme = api.get("/api/v1/themes/next/").json()

    response = api.post(
        "/api/v1/ratings/",
        {"theme": {"background": theme["background"], "colors": theme["colors"]}, "stars": 4},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["theme"]["key"] == theme["key"]


def test_next_theme_anonymous_and_revoked_are_401(user):
    row, secret = api_token_create(user=user, name="old")
    api_token_revoke(user=user, token_id=row.pk)
    revoked = APIClient()
    revoked.credentials(HTTP_AUTHORIZATION=f"Token {secret}")

    assert APIClient().get("/api/v1/themes/next/").status_code == 401
    assert revoked.get("/api/v1/themes/next/").status_code == 401


def test_next_theme_post_is_a_405(api):
    assert api.post("/api/v1/themes/next/", {}, format="json").status_code == 405


# --- /recommendations/ --------------------------------------------------------------


def test_recommendations_without_a_model_are_empty(api):
    response = api.get(RECOMMENDATIONS)

    assert response.status_code == 200
    assert response.json() == {
        "model": {"n_ratings": 0, "trained_at": None, "status": "none"},
        "results": [],
    }


def test_recommendations_from_a_fresh_model(api, user, django_capture_on_commit_callbacks):
    _train(user, django_capture_on_commit_callbacks)
    record = UserModel.objects.get(user=user)

    response = api.get(RECOMMENDATIONS, {"limit": 5})

    body = response.json()
    scores = [item["score"] for item in body["results"]]
    assert response.status_code == 200
    assert body["model"]["status"] == "fresh"
    assert body["model"]["n_ratings"] == 6
    assert body["model"]["trained_at"] == record.trained_at.isoformat().replace("+00:00", "Z")
    assert len(body["results"]) == 5
    assert all(1.0 <= score <= 5.0 for score in scores)
    assert all(KEY_RE.fullmatch(item["theme"]["key"]) for item in body["results"])
    assert all(item["reason"] for item in body["results"])


def test_recommendations_default_limit_is_20(api, user, django_capture_on_commit_callbacks):
    _train(user, django_capture_on_commit_callbacks)

    response = api.get(RECOMMENDATIONS)

    assert len(response.json()["results"]) == 20


def test_recommendations_limit_100(api, user, django_capture_on_commit_callbacks):
    _train(user, django_capture_on_commit_callbacks)

    response = api.get(RECOMMENDATIONS, {"limit": 100})

    results = response.json()["results"]
    assert len(results) == 100
    assert len({item["theme"]["key"] for item in results}) == 100


def test_recommendations_stale_after_a_new_rating(api, user, django_capture_on_commit_callbacks):
    _train(user, django_capture_on_commit_callbacks)
    # A rating whose retraining has not run yet (its on-commit hook is not executed).
    new = ThemeColours.from_key("000000-ffffff-ffffff-ffffff")
    services.rating_set(user=user, theme=new, stars=3)
    UserModel.objects.filter(user=user).update(
        queued_at=None, running_since=None, ratings_changed_at=timezone.now()
    )

    body = api.get(RECOMMENDATIONS).json()

    assert body["model"]["status"] == "stale"
    assert body["model"]["n_ratings"] == 6


def test_recommendations_with_locked_colours(api, user, django_capture_on_commit_callbacks):
    _train(user, django_capture_on_commit_callbacks)

    response = api.get(
        RECOMMENDATIONS, {"limit": 4, "background": "#102030", "color2": "a6e3a1", "color3": ""}
    )

    results = response.json()["results"]
    assert response.status_code == 200
    assert len(results) == 4
    assert {item["theme"]["background"] for item in results} == {"#102030"}
    assert {item["theme"]["colors"][1] for item in results} == {"#a6e3a1"}


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ({"limit": 0}, ["limit"]),
        ({"limit": 101}, ["limit"]),
        ({"limit": "ten"}, ["limit"]),
        ({"background": "blue"}, ["background"]),
        ({"color1": "#12345"}, ["color1"]),
        ({"limit": -1, "color3": "#zzzzzz"}, ["color3", "limit"]),
    ],
)
def test_recommendations_bad_query_is_a_400(api, query, fields):
    response = api.get(RECOMMENDATIONS, query)

    body = response.json()
    assert response.status_code == 400
    assert sorted(body["fields"]) == fields
    assert body["code"] == "invalid"


def test_recommendations_lock_error_is_the_pages_message(api):
    response = api.get(RECOMMENDATIONS, {"background": "blue"})

    expected = "'blue' is not a colour: use #rrggbb, e.g. #1e1e2e."
    assert response.json()["fields"] == {"background": [expected]}


def test_recommendations_anonymous_is_a_401(db):
    response = APIClient().get(RECOMMENDATIONS)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_recommendations_are_the_token_owners(
    api, user, other_user, django_capture_on_commit_callbacks
):
    _train(other_user, django_capture_on_commit_callbacks)

    body = api.get(RECOMMENDATIONS).json()

    assert body["model"]["status"] == "none"
