"""GET /api/v1/explore/: the explore page's lists, filters and colour search in the API."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tokens.models import ApiToken
from accounts.tokens.services import api_token_revoke
from ratings import colour, services
from ratings.models import Favourite, Rating, Theme
from ratings.themes import ThemeColours, draw
from tests.conftest import token_client

URL = "/api/v1/explore/"
PAGE = "/explore/"
ERROR_KEYS = {"status", "code", "message", "fields"}
RESULT_KEYS = {
    "theme",
    "featured",
    "favourites",
    "ratings",
    "average_stars",
    "weighted_stars",
    "favourited_at",
    "distance",
}
THEME_KEYS = {"id", "key", "background", "colors", "url", "page_url", "contrast"}
CONTRAST_ERROR = "Minimum contrast is a WCAG ratio from 1 to 21, e.g. 4.5."

# Keyword colours well inside one hue family each (as in test_explore.py).
RED = ThemeColours.from_key("101010-ff0000-a0a0a0-a0a0a0")
GREEN = ThemeColours.from_key("101010-00ff00-a0a0a0-a0a0a0")
BLUE = ThemeColours.from_key("101010-0000ff-a0a0a0-a0a0a0")
GREY = ThemeColours.from_key("101010-808090-a0a0a0-a0a0a0")


@pytest.fixture
def people(make_user):
    return [make_user(f"person{index}") for index in range(4)]


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


def _favourite(people, theme: ThemeColours, *, days_ago: float = 0) -> None:
    for person in people:
        services.favourite_toggle(user=person, theme=theme, favourite=True)
    if days_ago:
        when = timezone.now() - timedelta(days=days_ago)
        Favourite.objects.filter(theme__key=theme.key, user__in=people).update(created_at=when)


def _rate(people_stars, theme: ThemeColours, *, days_ago: float = 0) -> None:
    for person, stars in people_stars:
        services.rating_set(user=person, theme=theme, stars=stars)
    if days_ago:
        when = timezone.now() - timedelta(days=days_ago)
        Rating.objects.filter(theme__key=theme.key).update(created_at=when)


def _favourite_many(person, count: int) -> list[ThemeColours]:
    themes = [ThemeColours.from_array(rgb) for rgb in draw(count, np.random.default_rng(11))]
    for theme in themes:
        services.favourite_toggle(user=person, theme=theme, favourite=True)
    return themes


def _keys(body: dict) -> list[str]:
    return [result["theme"]["key"] for result in body["results"]]


# --- the tabs ---------------------------------------------------------------------


def test_explore_api_most_favourited_this_week_by_default(anon, people, theme, other_theme):
    _favourite(people[:1], theme)
    _favourite(people[:2], other_theme)
    _favourite(people, RED, days_ago=8)  # the most favourited, but last week

    response = anon.get(URL)

    body = response.json()
    assert response.status_code == 200
    assert (body["sort"], body["period"], body["count"]) == ("favourited", "week", 2)
    assert (body["next"], body["previous"]) == (None, None)
    assert _keys(body) == [other_theme.key, theme.key]
    first = body["results"][0]
    assert set(first) == RESULT_KEYS
    assert set(first["theme"]) == THEME_KEYS
    assert first["theme"]["id"] == Theme.objects.get(key=other_theme.key).pk
    assert first["theme"]["page_url"] == f"http://testserver/t/{other_theme.key}/"
    assert (first["favourites"], first["featured"], first["distance"]) == (2, False, None)
    assert [r["favourites"] for r in body["results"]] == [2, 1]


def test_explore_api_most_favourited_all_time(anon, people, theme, other_theme):
    _favourite(people[:1], theme)
    _favourite(people[:2], other_theme)
    _favourite(people, RED, days_ago=8)

    body = anon.get(URL, {"period": "all"}).json()

    assert body["period"] == "all"
    assert _keys(body) == [RED.key, other_theme.key, theme.key]
    assert [r["favourites"] for r in body["results"]] == [4, 2, 1]


def test_explore_api_best_rated_by_weighted_stars(anon, people, theme, other_theme):
    # One 5-star rating (weighted 3.5) must not beat four of them (weighted 4.14).
    _rate([(people[0], 5)], theme)
    _rate([(person, 5) for person in people], other_theme)
    _rate([(people[0], 1)], RED)

    body = anon.get(URL, {"sort": "rated", "period": "all"}).json()

    assert _keys(body) == [other_theme.key, theme.key, RED.key]
    figures = [
        (r["ratings"], r["average_stars"], r["weighted_stars"], r["favourites"])
        for r in body["results"]
    ]
    assert figures == [(4, 5.0, 4.14, None), (1, 5.0, 3.5, None), (1, 1.0, 2.5, None)]


def test_explore_api_best_rated_this_week_counts_this_weeks_ratings(
    anon, people, theme, other_theme
):
    _rate([(person, 5) for person in people], other_theme, days_ago=10)
    _rate([(people[0], 4)], theme)

    body = anon.get(URL, {"sort": "rated"}).json()

    assert _keys(body) == [theme.key]
    assert body["results"][0]["ratings"] == 1


def test_explore_api_newest_favourites_first_with_when(anon, people, theme, other_theme):
    _favourite(people, theme, days_ago=30)
    _favourite(people[:1], RED, days_ago=2)
    _favourite(people[:1], other_theme)
    newest = Favourite.objects.get(theme__key=other_theme.key).created_at

    body = anon.get(URL, {"sort": "newest"}).json()

    assert _keys(body) == [other_theme.key, RED.key, theme.key]
    first = body["results"][0]
    assert first["favourited_at"] == newest.isoformat().replace("+00:00", "Z")
    assert [r["favourites"] for r in body["results"]] == [1, 1, 4]


def test_explore_api_featured_themes_come_first(anon, people, theme, other_theme):
    _favourite(people, theme)
    _favourite(people[:1], other_theme)
    Theme.objects.create(key=BLUE.key, **BLUE.fields(), featured_at=timezone.now())
    Theme.objects.filter(key=other_theme.key).update(featured_at=timezone.now())

    body = anon.get(URL).json()

    # Newest featured first; a featured theme nobody favourited has no figures.
    assert _keys(body) == [other_theme.key, BLUE.key, theme.key]
    assert [r["featured"] for r in body["results"]] == [True, True, False]
    assert [r["favourites"] for r in body["results"]] == [1, None, 4]


# --- filters and colour search ----------------------------------------------------


@pytest.fixture
def four_hues(people):
    for theme in (RED, GREEN, BLUE, GREY):
        _favourite(people[:1], theme)


@pytest.mark.parametrize(
    ("hue", "expected"),
    [("red", [RED]), ("green", [GREEN]), ("blue", [BLUE]), ("neutral", [GREY]), ("pink", [])],
)
def test_explore_api_filters_by_hue_family(anon, four_hues, hue, expected):
    body = anon.get(URL, {"hue": hue, "period": "all"}).json()

    assert _keys(body) == [theme.key for theme in expected]
    assert body["count"] == len(expected)


def test_explore_api_filters_by_minimum_contrast(anon, people):
    # Weakest colours: 2.06:1, 5.74:1 and 12.6:1 on #101010.
    low = ThemeColours.from_key("101010-ffffff-555555-ffffff")
    mid = ThemeColours.from_key("101010-ffffff-909090-ffffff")
    high = ThemeColours.from_key("101010-ffffff-d0d0d0-ffffff")
    for theme in (low, mid, high):
        _favourite(people[:1], theme)

    at_aa = anon.get(URL, {"min_contrast": "4.5"}).json()
    at_aaa = anon.get(URL, {"min_contrast": "7"}).json()

    assert sorted(_keys(at_aa)) == sorted([mid.key, high.key])
    assert _keys(at_aaa) == [high.key]


def test_explore_api_filters_combine(anon, four_hues):
    body = anon.get(URL, {"near": "#00ff00", "hue": "blue", "min_contrast": "1"}).json()

    assert _keys(body) == [BLUE.key]


def test_explore_api_colour_search_nearest_first_with_distance(anon, four_hues):
    Theme.objects.filter(key=BLUE.key).update(featured_at=timezone.now())

    body = anon.get(URL, {"near": "#EE1111"}).json()

    keys = _keys(body)
    distances = [r["distance"] for r in body["results"]]
    assert keys[0] == RED.key
    assert sorted(keys) == sorted(theme.key for theme in (RED, GREEN, BLUE, GREY))
    assert distances == sorted(distances)  # featured themes are not put first in a search
    expected = float(colour.delta_e(colour.parse_hex("#ee1111"), (255, 0, 0)))
    assert distances[0] == pytest.approx(expected, abs=0.005)


def test_explore_api_colour_search_takes_the_hex_url_encoded_or_bare(anon, four_hues):
    encoded = anon.get(URL + "?near=%23ee1111").json()
    bare = anon.get(URL, {"near": "ee1111"}).json()

    assert _keys(encoded) == _keys(bare)
    assert _keys(encoded)[0] == RED.key


# --- bad input --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            {"hue": "mauve"},
            "hue",
            "Choose a hue family: red, orange, yellow, green, cyan, blue, purple, pink, neutral.",
        ),
        ({"min_contrast": "lots"}, "min_contrast", CONTRAST_ERROR),
        ({"min_contrast": "0.5"}, "min_contrast", CONTRAST_ERROR),
        ({"min_contrast": "22"}, "min_contrast", CONTRAST_ERROR),
        ({"min_contrast": "nan"}, "min_contrast", CONTRAST_ERROR),
        ({"min_contrast": "inf"}, "min_contrast", CONTRAST_ERROR),
        ({"near": "#ggg000"}, "near", "'#ggg000' is not a colour: use #rrggbb, e.g. #1e1e2e."),
        ({"near": "x" * 500}, "near", "A colour is written #rrggbb, e.g. #ff79c6."),
        ({"near": "#ff\x0000ff"}, "near", "Null characters are not allowed."),
        ({"sort": "loudest"}, "sort", "Sort by favourited, rated or newest."),
        ({"period": "month"}, "period", "The period is week or all."),
        ({"page_size": "0"}, "page_size", "Give a whole number from 1 to 100."),
        ({"page_size": "many"}, "page_size", "Give a whole number from 1 to 100."),
    ],
)
def test_explore_api_bad_parameter_is_a_400_with_the_pages_words(
    anon, four_hues, query, field, message
):
    response = anon.get(URL, query)

    body = response.json()
    assert response.status_code == 400
    assert set(body) == ERROR_KEYS
    assert (body["status"], body["code"]) == (400, "invalid")
    assert body["fields"] == {field: [message]}
    assert body["message"] == f"{field}: {message}"


def test_explore_api_names_every_bad_parameter_at_once(anon, db):
    response = anon.get(URL, {"sort": "x", "min_contrast": "40", "near": "zz", "page_size": "0"})

    body = response.json()
    assert response.status_code == 400
    assert list(body["fields"]) == ["sort", "min_contrast", "near", "page_size"]
    assert body["message"] == "Some input is not valid: sort, min_contrast, near, page_size."


def test_explore_api_and_page_refuse_the_same_values_in_the_same_words(anon, client, db):
    query = {"hue": "mauve", "min_contrast": "0", "near": "#12345"}

    api = anon.get(URL, query)
    page = client.get(PAGE, query)

    assert (api.status_code, page.status_code) == (400, 400)
    form_errors = {name: list(errors) for name, errors in page.context["form"].errors.items()}
    assert api.json()["fields"] == form_errors


def test_explore_api_page_past_the_last_is_a_404(anon, user):
    _favourite_many(user, 3)

    response = anon.get(URL, {"period": "all", "page": "2"})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- who may ask ------------------------------------------------------------------


def test_explore_api_needs_no_token_and_a_token_sees_the_same(anon, user, people, theme):
    _favourite(people[:2], theme)

    without = anon.get(URL)
    with_token = token_client(user).get(URL)

    assert (without.status_code, with_token.status_code) == (200, 200)
    assert without.json() == with_token.json()
    assert _keys(without.json()) == [theme.key]


def test_explore_api_refuses_a_wrong_or_revoked_token(user, db):
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    revoked = token_client(user)
    api_token_revoke(user=user, token_id=ApiToken.objects.get(user=user).pk)

    responses = [wrong.get(URL), revoked.get(URL)]

    assert [r.status_code for r in responses] == [401, 401]
    assert [r.json()["code"] for r in responses] == ["authentication_failed"] * 2


def test_explore_api_is_read_only(anon, user):
    response = token_client(user).post(URL, {}, format="json")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


# --- pagination and query counts --------------------------------------------------


def test_explore_api_is_paginated_and_keeps_the_filters(anon, user):
    _favourite_many(user, 26)
    query = {"period": "all", "min_contrast": "1"}

    first = anon.get(URL, query).json()
    second = anon.get(URL, {**query, "page": "2"}).json()
    small = anon.get(URL, {**query, "page_size": "5", "page": "6"}).json()

    assert (first["count"], len(first["results"]), len(second["results"])) == (26, 20, 6)
    assert set(_keys(first)).isdisjoint(_keys(second))
    assert first["next"] == "http://testserver/api/v1/explore/?min_contrast=1&page=2&period=all"
    assert second["previous"] == "http://testserver/api/v1/explore/?min_contrast=1&period=all"
    assert (len(small["results"]), small["next"]) == (1, None)
    assert _keys(first) + _keys(second) == _keys(anon.get(URL, {**query, "page_size": 26}).json())


@pytest.mark.parametrize("rows", [1, 3])
def test_explore_api_query_count_is_flat_anonymous(anon, user, rows, django_assert_num_queries):
    _favourite_many(user, rows)
    Theme.objects.filter(pk=Theme.objects.first().pk).update(featured_at=timezone.now())

    # the ranked list, the featured themes, the ids of the page's themes
    with django_assert_num_queries(3):
        body = anon.get(URL, {"period": "all"}).json()
    assert len(body["results"]) == rows


@pytest.mark.parametrize("sort", ["favourited", "rated", "newest"])
@pytest.mark.parametrize("rows", [1, 3])
def test_explore_api_query_count_is_flat_with_a_token(user, rows, sort, django_assert_num_queries):
    for theme in _favourite_many(user, rows):
        services.rating_set(user=user, theme=theme, stars=4)
    api = token_client(user)
    api.get("/api/v1/me/")  # the token's last use is recorded once, not on every request
    cache.clear()

    # knox: the token with its person, the person's tokens (it drops expired ones); then
    # the ranked list, the featured themes, the page's ids
    with django_assert_num_queries(5):
        body = api.get(URL, {"sort": sort, "period": "all", "near": "#ff79c6"}).json()
    assert len(body["results"]) == rows


def test_explore_api_second_request_reads_the_cached_list(anon, user, django_assert_num_queries):
    _favourite_many(user, 3)
    anon.get(URL, {"period": "all", "hue": "blue"})

    # the featured themes and the page's ids: the ranked list comes from the cache
    with django_assert_num_queries(2):
        body = anon.get(URL, {"period": "all", "near": "#ff79c6"}).json()
    assert len(body["results"]) == 3


# --- the page and the API agree ---------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"period": "all"},
        {"sort": "rated", "period": "all"},
        {"sort": "rated"},
        {"sort": "newest"},
        {"period": "all", "hue": "blue"},
        {"period": "all", "min_contrast": "4.5"},
        {"period": "all", "near": "#ff79c6"},
        {"sort": "rated", "period": "all", "near": "#20c020", "min_contrast": "2"},
        {"period": "all", "page": "2"},
    ],
)
def test_explore_api_and_page_list_the_same_themes_in_the_same_order(anon, client, people, query):
    themes = [ThemeColours.from_array(rgb) for rgb in draw(30, np.random.default_rng(3))]
    for index, theme in enumerate(themes):
        _favourite(people[: 1 + index % 4], theme, days_ago=index % 3 * 4)
        _rate(
            [(person, 1 + (index + n) % 5) for n, person in enumerate(people[: 1 + index % 3])],
            theme,
            days_ago=index % 2 * 9,
        )
    Theme.objects.filter(key=themes[7].key).update(featured_at=timezone.now())

    page = client.get(PAGE, query)
    api = anon.get(URL, {**query, "page_size": "24"})  # the page shows 24 a page

    cards = page.context["page"].object_list
    assert (page.status_code, api.status_code) == (200, 200)
    assert len(cards) > 0
    assert _keys(api.json()) == [card.theme.key for card in cards]
    assert [r["featured"] for r in api.json()["results"]] == [card.featured for card in cards]
