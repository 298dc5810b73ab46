"""The ratings API: rate, list, read, change, delete, import, export, any theme by key."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from accounts.tokens.services import api_token_create, api_token_revoke
from ratings import services
from ratings.models import Rating, Theme
from ratings.themes import ThemeColours, draw

RATINGS = "/api/v1/ratings/"
OK = {"background": "#1e1e2e", "colors": ["#f38ba8", "#a6e3a1", "#89b4fa"]}
WHITE_ON_BLACK = ThemeColours.from_key("000000-ffffff-ffffff-ffffff")


@pytest.fixture
def other_api(other_user) -> APIClient:
    client = APIClient()
    secret = api_token_create(user=other_user, name="t")[1]
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def _body(theme: ThemeColours, stars) -> dict:
    return {"theme": {"background": theme.background, "colors": theme.colors}, "stars": stars}


def _stars_of(user) -> dict[str, int]:
    return dict(Rating.objects.filter(user=user).values_list("theme__key", "stars"))


def _rate_many(user, count: int) -> list[Rating]:
    themes = [ThemeColours.from_array(rgb) for rgb in draw(count, np.random.default_rng(3))]
    return [
        services.rating_set(user=user, theme=theme, stars=1 + index % 5).rating
        for index, theme in enumerate(themes)
    ]


# --- POST /ratings/ ---------------------------------------------------------------


def test_rating_create_is_a_201_with_the_rating(api, user, theme):
    response = api.post(RATINGS, _body(theme, 4), format="json")

    body = response.json()
    rating = Rating.objects.get(user=user)
    assert response.status_code == 201
    assert body["id"] == rating.pk
    assert body["stars"] == 4
    assert body["theme"]["id"] == rating.theme_id
    assert body["theme"]["key"] == theme.key
    assert body["theme"]["background"] == "#1e1e2e"
    assert body["theme"]["colors"] == ["#f38ba8", "#a6e3a1", "#89b4fa"]
    assert body["url"] == f"http://testserver/api/v1/ratings/{rating.pk}/"


def test_rating_create_again_replaces_with_a_200(api, user, theme):
    first = api.post(RATINGS, _body(theme, 2), format="json")

    second = api.post(RATINGS, _body(theme, 5), format="json")

    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert _stars_of(user) == {theme.key: 5}


def test_rating_create_uppercase_colours_are_stored_lowercase(api, user):
    body = {"theme": {"background": "#1E1E2E", "colors": ["#F38BA8", "#A6E3A1", "#89B4FA"]}}

    response = api.post(RATINGS, {**body, "stars": 3}, format="json")

    assert response.status_code == 201
    assert response.json()["theme"]["key"] == "1e1e2e-f38ba8-a6e3a1-89b4fa"


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"theme": OK}, ["stars"]),
        ({"stars": 3}, ["theme"]),
        ({"theme": {"colors": OK["colors"]}, "stars": 3}, ["theme.background"]),
        ({"theme": {**OK, "colors": ["#f38ba8"] * 2}, "stars": 3}, ["theme.colors"]),
        ({"theme": {**OK, "colors": "#f38ba8"}, "stars": 3}, ["theme.colors"]),
        ({"theme": {**OK, "background": "red"}, "stars": 3}, ["theme.background"]),
        ({"theme": {**OK, "background": 7}, "stars": 3}, ["theme.background"]),
        ({"theme": {**OK, "colors": ["#f38ba8", None, "#fff"]}, "stars": 3}, ["theme.colors.1"]),
        ({"theme": "1e1e2e-f38ba8-a6e3a1-89b4fa", "stars": 3}, ["theme.non_field_errors"]),
        ({"theme": OK, "stars": 0}, ["stars"]),
        ({"theme": OK, "stars": 6}, ["stars"]),
        ({"theme": OK, "stars": 2.5}, ["stars"]),
        ({"theme": OK, "stars": "five"}, ["stars"]),
        ({"theme": OK, "stars": True}, ["stars"]),
        ({"theme": OK, "stars": None}, ["stars"]),
        ({"theme": OK, "stars": 10**30}, ["stars"]),
        ({"theme": OK, "stars": 3, "x": 1}, ["x"]),
        ({"theme": {**OK, "key": "k"}, "stars": 3}, ["theme.key"]),
    ],
)
def test_rating_create_bad_input_is_a_400_and_writes_nothing(api, payload, fields):
    response = api.post(RATINGS, payload, format="json")

    body = response.json()
    assert response.status_code == 400
    assert body["status"] == 400
    assert body["code"] == "invalid"
    assert sorted(body["fields"]) == fields
    assert body["message"]
    assert Rating.objects.count() == 0
    assert Theme.objects.count() == 0


def test_rating_create_bad_stars_message_is_the_services(api):
    response = api.post(RATINGS, _body(WHITE_ON_BLACK, 9), format="json")

    assert response.json()["message"] == "Stars must be a whole number from 1 to 5."


@pytest.mark.parametrize(
    "raw",
    [
        '{"stars": 3',
        "[]",
        "null",
        '"text"',
        "NaN",
        '{"stars": NaN}',
        "\xff\xfe",
        '{"stars": ' + "9" * 5000 + "}",
    ],
)
def test_rating_create_unreadable_or_wrong_json_is_a_400(api, raw):
    response = api.post(RATINGS, raw, content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()) == {"status", "code", "message", "fields"}
    assert Rating.objects.count() == 0


def test_rating_create_oversized_body_is_a_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    payload = json.dumps({**_body(WHITE_ON_BLACK, 3), "pad": "x" * 2000})

    response = api.post(RATINGS, payload, content_type="application/json")

    body = response.json()
    assert response.status_code == 413
    assert body["code"] == "too_large"
    assert body["message"] == "The request body is larger than the limit of 0.0 MB."
    assert Rating.objects.count() == 0


def test_rating_create_other_media_type_is_a_415(api, theme):
    response = api.post(RATINGS, "stars=3", content_type="text/plain")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_ratings_anonymous_is_a_401(db, theme):
    client = APIClient()

    assert client.get(RATINGS).status_code == 401
    assert client.post(RATINGS, _body(theme, 3), format="json").status_code == 401
    assert Rating.objects.count() == 0


def test_ratings_revoked_token_is_a_401(user, theme):
    row, secret = api_token_create(user=user, name="old")
    api_token_revoke(user=user, token_id=row.pk)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")

    response = client.post(RATINGS, _body(theme, 3), format="json")

    assert response.status_code == 401
    assert Rating.objects.count() == 0


# --- the same state through both doors -----------------------------------------------


def test_rating_through_api_and_htmx_page_leave_the_same_state(
    make_user, theme, other_theme, htmx_headers
):
    by_api, by_page = make_user("api"), make_user("page")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=by_api, name='t')[1]}")
    page = Client()
    page.force_login(by_page)

    for stars, chosen in ((3, theme), (5, other_theme), (1, theme)):
        client.post(RATINGS, _body(chosen, stars), format="json")
        page.post("/rate/submit/", {"key": chosen.key, "stars": str(stars)}, **htmx_headers)

    def state(user) -> list[tuple]:
        return sorted(
            Rating.objects.filter(user=user).values_list(
                "theme__key", "theme__background", "theme__color1", "theme__color2",
                "theme__color3", "stars",
            )
        )  # fmt: skip

    assert state(by_api) == state(by_page)
    assert state(by_api) == [
        (theme.key, *theme.hexes, 1),
        (other_theme.key, *other_theme.hexes, 5),
    ]
    assert Theme.objects.count() == 2


# --- GET /ratings/ ------------------------------------------------------------------


def test_ratings_list_is_own_newest_first_and_paginated(api, user, other_user, other_theme):
    ratings = _rate_many(user, 3)
    services.rating_set(user=other_user, theme=other_theme, stars=5)

    first = api.get(RATINGS, {"page_size": 2})
    second = api.get(RATINGS, {"page_size": 2, "page": 2})

    body = first.json()
    assert first.status_code == 200
    assert body["count"] == 3
    assert [item["id"] for item in body["results"]] == [ratings[2].pk, ratings[1].pk]
    assert body["next"] == "http://testserver/api/v1/ratings/?page=2&page_size=2"
    assert body["previous"] is None
    assert [item["id"] for item in second.json()["results"]] == [ratings[0].pk]


def test_ratings_list_page_past_the_end_is_a_404(api, user):
    _rate_many(user, 1)

    response = api.get(RATINGS, {"page": 5})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("rows", [1, 3])
def test_ratings_list_queries_do_not_grow_with_rows(api, user, rows, django_assert_num_queries):
    _rate_many(user, rows)

    # token lookup, token's user, last use, count, page of ratings with their themes,
    # stored ids of those themes are not needed: the rows carry them.
    with django_assert_num_queries(5):
        response = api.get(RATINGS)

    assert len(response.json()["results"]) == rows


# --- /ratings/{id}/ ---------------------------------------------------------------


def test_rating_detail_get_patch_delete(api, user, theme):
    rating = services.rating_set(user=user, theme=theme, stars=2).rating
    url = f"{RATINGS}{rating.pk}/"

    got = api.get(url)
    patched = api.patch(url, {"stars": 4}, format="json")
    deleted = api.delete(url)

    assert got.status_code == 200
    assert got.json()["stars"] == 2
    assert patched.status_code == 200
    assert patched.json()["stars"] == 4
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert Rating.objects.count() == 0
    assert Theme.objects.filter(key=theme.key).exists() is True


def test_rating_detail_of_another_person_is_a_404(api, other_user, theme):
    theirs = services.rating_set(user=other_user, theme=theme, stars=2).rating
    url = f"{RATINGS}{theirs.pk}/"

    responses = [
        api.get(url),
        api.patch(url, {"stars": 5}, format="json"),
        api.delete(url),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404]
    assert {response.json()["code"] for response in responses} == {"not_found"}
    assert _stars_of(other_user) == {theme.key: 2}


def test_rating_detail_unknown_id_is_a_404(api):
    assert api.get(f"{RATINGS}999999/").status_code == 404
    assert api.get(f"{RATINGS}{10**30}/").status_code == 404


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"stars": 7}, "stars"), ({}, "stars"), ({"stars": 3, "theme": {}}, "theme")],
)
def test_rating_patch_bad_input_is_a_400_and_changes_nothing(api, user, theme, payload, field):
    rating = services.rating_set(user=user, theme=theme, stars=2).rating

    response = api.patch(f"{RATINGS}{rating.pk}/", payload, format="json")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    assert _stars_of(user) == {theme.key: 2}


def test_rating_put_is_a_405(api, user, theme):
    rating = services.rating_set(user=user, theme=theme, stars=2).rating

    response = api.put(f"{RATINGS}{rating.pk}/", {"stars": 3}, format="json")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_rating_detail_anonymous_is_a_401(user, theme):
    rating = services.rating_set(user=user, theme=theme, stars=2).rating

    assert APIClient().delete(f"{RATINGS}{rating.pk}/").status_code == 401
    assert Rating.objects.count() == 1


# --- import and export ---------------------------------------------------------------


def test_export_json_and_csv_round_trip_through_import(api, user, other_user):
    _rate_many(user, 3)
    exported = api.get(f"{RATINGS}export.json")
    exported_csv = api.get(f"{RATINGS}export.csv")
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=other_user, name='t')[1]}")

    response = other.post(
        f"{RATINGS}import/",
        {"file": SimpleUploadedFile("ratings.json", exported.content)},
        format="multipart",
    )

    assert exported.status_code == 200
    assert exported["Content-Type"] == "application/json"
    assert exported["Content-Disposition"].startswith('attachment; filename="themehub-ratings-')
    assert len(exported.json()["ratings"]) == 3
    assert exported_csv["Content-Type"] == "text/csv; charset=utf-8"
    assert len(list(csv.reader(io.StringIO(exported_csv.content.decode())))) == 4
    assert response.status_code == 200
    assert response.json() == {
        "format": "ThemeHub JSON",
        "added": 3,
        "updated": 0,
        "unchanged": 0,
        "accepted": 3,
        "rejected": [],
    }
    assert _stars_of(other_user) == _stars_of(user)


@pytest.mark.parametrize(("path", "accept"), [("export.csv", "text/csv"), ("export.json", "*/*")])
def test_export_is_sent_whatever_the_accept_header_asks(api, user, theme, path, accept):
    services.rating_set(user=user, theme=theme, stars=4)

    response = api.get(f"{RATINGS}{path}", HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert theme.key in response.content.decode()


def test_import_reports_rejected_entries(api, user, theme):
    document = [
        {"background": theme.background, "colors": theme.colors, "stars": 4},
        {"background": "#zzzzzz", "colors": theme.colors, "stars": 4},
    ]

    response = api.post(
        f"{RATINGS}import/",
        {"file": SimpleUploadedFile("r.json", json.dumps(document).encode())},
        format="multipart",
    )

    body = response.json()
    assert response.status_code == 200
    assert body["added"] == 1
    assert body["rejected"][0]["where"] == "entry 2"
    assert _stars_of(user) == {theme.key: 4}


@pytest.mark.parametrize(
    ("data", "field"),
    [({}, "file"), ({"file": "not a file"}, "file"), ({"note": "x"}, "note")],
)
def test_import_bad_form_is_a_400(api, data, field):
    response = api.post(f"{RATINGS}import/", data, format="multipart")

    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_import_unreadable_file_is_a_400_on_file(api):
    response = api.post(
        f"{RATINGS}import/",
        {"file": SimpleUploadedFile("r.csv", b"\xff\xfe\x00junk")},
        format="multipart",
    )

    body = response.json()
    assert response.status_code == 400
    expected = "The file is not UTF-8 text: export it again as JSON or CSV."
    assert body["fields"] == {"file": [expected]}
    assert Rating.objects.count() == 0


def test_import_file_over_the_limit_is_a_413(api, settings):
    settings.RATINGS_IMPORT_MAX_BYTES = 10

    response = api.post(
        f"{RATINGS}import/",
        {"file": SimpleUploadedFile("r.json", b"[" + b" " * 100 + b"]")},
        format="multipart",
    )

    assert response.status_code == 413
    assert response.json()["message"].startswith("The file is 0.0 MB; the limit is")


def test_import_json_body_is_a_415(api):
    response = api.post(f"{RATINGS}import/", [], format="json")

    assert response.status_code == 415


def test_import_and_export_anonymous_is_a_401(db):
    client = APIClient()

    assert client.get(f"{RATINGS}export.json").status_code == 401
    assert client.get(f"{RATINGS}export.csv").status_code == 401
    assert client.post(f"{RATINGS}import/", {}, format="multipart").status_code == 401


def test_export_is_only_own_ratings(api, other_user, theme):
    services.rating_set(user=other_user, theme=theme, stars=5)

    response = api.get(f"{RATINGS}export.json")

    assert response.json()["ratings"] == []


# --- /themes/{key}/ ---------------------------------------------------------------


def test_theme_detail_of_an_unstored_theme(api, theme):
    response = api.get(f"/api/v1/themes/{theme.key}/")

    body = response.json()
    assert response.status_code == 200
    assert body["id"] is None
    assert body["key"] == theme.key
    assert body["colors"] == theme.colors
    assert body["palette"]["background"] == "#1e1e2e"
    assert body["palette"]["keyword"] == "#f38ba8"
    assert body["palette"]["dark"] is True
    assert body["contrast"] == {"color1": 7.08, "color2": 11.03, "color3": 7.79}
    assert body["readability"]["color1"]["wcag"] == 7.08
    assert body["readability"]["foreground"]["wcag"] >= 7.0
    assert body["readability"]["comment"]["wcag"] >= 4.5
    assert body["readability"]["color1"]["apca"] < 0
    assert body["your_rating"] is None
    assert Theme.objects.count() == 0


def test_theme_detail_shows_id_and_own_rating_only(api, user, other_user, theme, other_theme):
    mine = services.rating_set(user=user, theme=theme, stars=4).rating
    services.rating_set(user=other_user, theme=other_theme, stars=2)

    response = api.get(f"/api/v1/themes/{theme.key}/")
    theirs = api.get(f"/api/v1/themes/{other_theme.key}/")

    assert response.json()["id"] == mine.theme_id
    assert response.json()["your_rating"] == {"id": mine.pk, "stars": 4}
    assert theirs.json()["your_rating"] is None


@pytest.mark.parametrize("key", ["nope", "1e1e2e-f38ba8-a6e3a1", "1e1e2e-f38ba8-a6e3a1-89b4fz"])
def test_theme_detail_bad_key_is_a_404(api, key):
    response = api.get(f"/api/v1/themes/{key}/")

    body = response.json()
    assert response.status_code == 404
    assert body["message"].startswith("A theme key is four lowercase hex colours")


def test_theme_detail_anonymous_is_a_401(db, theme):
    assert APIClient().get(f"/api/v1/themes/{theme.key}/").status_code == 401
