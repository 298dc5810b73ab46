"""The sharing API: favourites (list, add, read, remove), a person's public favourites,
theme files, and what the theme representation says about sharing."""

from __future__ import annotations

import numpy as np
import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.tokens.models import ApiToken
from accounts.tokens.services import api_token_revoke
from ratings import exporters, services
from ratings.api import EXPORT_CONTENT_TYPES
from ratings.models import Favourite, Theme
from ratings.themes import ThemeColours, draw
from tests.conftest import token_client

FAVOURITES = "/api/v1/favourites/"
ERROR_KEYS = {"status", "code", "message", "fields"}
NOT_A_FAVOURITE = "That theme is not one of your favourites."


@pytest.fixture
def other_api(other_user) -> APIClient:
    return token_client(other_user)


@pytest.fixture
def revoked(user) -> APIClient:
    client = token_client(user)
    api_token_revoke(user=user, token_id=ApiToken.objects.get(user=user).pk)
    return client


def _theme_body(theme: ThemeColours) -> dict:
    return {"theme": {"background": theme.background, "colors": theme.colors}}


def _keys(user) -> list[str]:
    return sorted(Favourite.objects.filter(user=user).values_list("theme__key", flat=True))


def _favourite_many(user, count: int) -> list[ThemeColours]:
    """`count` favourites of `user`, oldest first."""
    themes = [ThemeColours.from_array(rgb) for rgb in draw(count, np.random.default_rng(5))]
    for theme in themes:
        services.favourite_toggle(user=user, theme=theme, favourite=True)
    return themes


# --- GET /favourites/ ---------------------------------------------------------------


def test_favourites_list_is_own_newest_first_with_the_theme_shape(
    api, user, other_user, theme, other_theme
):
    services.favourite_toggle(user=user, theme=theme, favourite=True)
    services.favourite_toggle(user=user, theme=other_theme, favourite=True)
    services.favourite_toggle(user=other_user, theme=ThemeColours.random(), favourite=True)

    response = api.get(FAVOURITES)

    body = response.json()
    first = body["results"][0]
    assert response.status_code == 200
    assert body["count"] == 2
    assert [item["theme"]["key"] for item in body["results"]] == [other_theme.key, theme.key]
    assert first["theme"]["id"] == Theme.objects.get(key=other_theme.key).pk
    assert first["theme"]["background"] == other_theme.background
    assert first["theme"]["colors"] == other_theme.colors
    assert first["theme"]["url"] == f"http://testserver/api/v1/themes/{other_theme.key}/"
    assert first["theme"]["page_url"] == f"http://testserver/t/{other_theme.key}/"
    assert set(first["theme"]["contrast"]) == {"color1", "color2", "color3"}
    assert first["url"] == f"http://testserver/api/v1/favourites/{other_theme.key}/"
    assert first["created_at"] is not None


def test_favourites_list_is_paginated(api, user):
    themes = _favourite_many(user, 3)

    first = api.get(FAVOURITES, {"page_size": 2}).json()
    second = api.get(FAVOURITES, {"page_size": 2, "page": 2}).json()

    assert first["count"] == 3
    assert first["next"] == "http://testserver/api/v1/favourites/?page=2&page_size=2"
    assert [item["theme"]["key"] for item in first["results"] + second["results"]] == [
        theme.key for theme in reversed(themes)
    ]


@pytest.mark.parametrize("query", [{"page_size": "0"}, {"page_size": "x"}, {"page": "x"}])
def test_favourites_list_bad_paging_is_a_4xx_with_the_shape(api, user, query):
    response = api.get(FAVOURITES, query)

    assert response.status_code in (400, 404)
    assert set(response.json()) == ERROR_KEYS


@pytest.mark.parametrize("rows", [1, 3])
def test_favourites_list_queries_do_not_grow_with_rows(api, user, rows, django_assert_num_queries):
    _favourite_many(user, rows)

    # token lookup, token's user, last use, count, page of favourites with their themes.
    with django_assert_num_queries(5):
        response = api.get(FAVOURITES)

    assert len(response.json()["results"]) == rows


# --- POST /favourites/ and PUT /favourites/{key}/ -----------------------------------


def test_favourite_post_is_201_then_200(api, user, theme):
    first = api.post(FAVOURITES, _theme_body(theme), format="json")
    again = api.post(FAVOURITES, _theme_body(theme), format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["theme"]["key"] == theme.key
    assert first.json()["theme"]["id"] == Theme.objects.get(key=theme.key).pk
    assert again.json() == first.json()
    assert _keys(user) == [theme.key]


def test_favourite_put_is_201_then_200(api, user, theme):
    first = api.put(f"{FAVOURITES}{theme.key}/")
    again = api.put(f"{FAVOURITES}{theme.key}/", {}, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["url"] == f"http://testserver/api/v1/favourites/{theme.key}/"
    assert again.json()["created_at"] == first.json()["created_at"]
    assert _keys(user) == [theme.key]


def test_favourite_put_of_an_uppercase_key_stores_the_canonical_one(api, user, theme):
    response = api.put(f"{FAVOURITES}{theme.key.upper()}/")

    assert response.status_code == 201
    assert response.json()["theme"]["key"] == theme.key
    assert _keys(user) == [theme.key]


def test_favourite_of_a_theme_already_favourited_by_heart_is_a_200(api, user, theme):
    services.favourite_toggle(user=user, theme=theme, favourite=True)

    response = api.put(f"{FAVOURITES}{theme.key}/")

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({}, ["theme"]),
        ({"theme": {"background": "#1e1e2e"}}, ["theme.colors"]),
        ({"theme": {"background": "red", "colors": ["#ffffff"] * 3}}, ["theme.background"]),
        ({"theme": {"background": "#000000", "colors": ["#fff", "#ffffff", "#ffffff"]}},
         ["theme.colors.0"]),
        ({"theme": {"background": "#000000", "colors": ["#ffffff"] * 2}}, ["theme.colors"]),
        ({"theme": {"background": "#000000", "colors": "#ffffff"}}, ["theme.colors"]),
        ({"theme": {"background": 0, "colors": ["#ffffff"] * 3}}, ["theme.background"]),
        ({"theme": "1e1e2e-f38ba8-a6e3a1-89b4fa"}, ["theme.non_field_errors"]),
        ({"theme": {"background": "#000000", "colors": ["#ffffff"] * 3}, "stars": 5}, ["stars"]),
        ({"theme": {"background": "#000000", "colors": ["#ffffff"] * 3, "name": "x"}},
         ["theme.name"]),
    ],
)  # fmt: skip
def test_favourite_post_bad_input_is_a_400_and_writes_nothing(api, user, payload, fields):
    response = api.post(FAVOURITES, payload, format="json")

    body = response.json()
    assert response.status_code == 400
    assert set(body) == ERROR_KEYS
    assert sorted(body["fields"]) == fields
    assert Favourite.objects.count() == 0
    assert Theme.objects.count() == 0


@pytest.mark.parametrize("raw", ["[]", "null", '"x"', "{"])
def test_favourite_post_body_that_is_not_an_object_is_a_400(api, raw):
    response = api.post(FAVOURITES, raw, content_type="application/json")

    assert response.status_code == 400
    assert Favourite.objects.count() == 0


@pytest.mark.parametrize(
    "key",
    ["nope", "1e1e2e-f38ba8-a6e3a1", "1e1e2e-f38ba8-a6e3a1-89b4fg", "1e1e2e_f38ba8_a6e3a1_89b4fa"],
)
def test_favourite_put_bad_key_is_a_404_and_writes_nothing(api, key):
    response = api.put(f"{FAVOURITES}{key}/")

    assert response.status_code == 404
    assert response.json()["message"].startswith("A theme key is four lowercase hex colours")
    assert Favourite.objects.count() == 0
    assert Theme.objects.count() == 0


@pytest.mark.parametrize("payload", [{"favourite": True}, [1]])
def test_favourite_put_with_a_body_is_a_400_and_writes_nothing(api, theme, payload):
    response = api.put(f"{FAVOURITES}{theme.key}/", payload, format="json")

    assert response.status_code == 400
    assert Favourite.objects.count() == 0


# --- GET and DELETE /favourites/{key}/ ----------------------------------------------


def test_favourite_get_of_own_favourite(api, user, theme):
    services.favourite_toggle(user=user, theme=theme, favourite=True)

    response = api.get(f"{FAVOURITES}{theme.key}/")

    assert response.status_code == 200
    assert response.json()["theme"]["key"] == theme.key


def test_favourite_get_of_a_theme_not_favourited_is_a_404(api, theme):
    response = api.get(f"{FAVOURITES}{theme.key}/")

    assert response.status_code == 404
    assert response.json()["message"] == NOT_A_FAVOURITE


def test_favourite_delete_is_204_then_404(api, user, theme, other_theme):
    services.favourite_toggle(user=user, theme=theme, favourite=True)
    services.favourite_toggle(user=user, theme=other_theme, favourite=True)

    first = api.delete(f"{FAVOURITES}{theme.key}/")
    again = api.delete(f"{FAVOURITES}{theme.key}/")

    assert first.status_code == 204
    assert first.content == b""
    assert again.status_code == 404
    assert again.json()["message"] == NOT_A_FAVOURITE
    assert _keys(user) == [other_theme.key]
    assert Theme.objects.filter(key=theme.key).exists() is True  # others may keep it


def test_favourite_delete_bad_key_is_a_404(api):
    response = api.delete(f"{FAVOURITES}nope/")

    assert response.status_code == 404
    assert set(response.json()) == ERROR_KEYS


# --- another person, anonymous, revoked token ---------------------------------------


def test_favourites_of_another_person_are_not_yours(api, user, other_user, theme):
    services.favourite_toggle(user=other_user, theme=theme, favourite=True)

    listed = api.get(FAVOURITES).json()
    read = api.get(f"{FAVOURITES}{theme.key}/")
    removed = api.delete(f"{FAVOURITES}{theme.key}/")

    assert listed["count"] == 0
    assert read.status_code == 404
    assert removed.status_code == 404
    assert _keys(other_user) == [theme.key]


def test_favourite_put_is_only_for_the_token_owner(other_api, user, other_user, theme):
    other_api.put(f"{FAVOURITES}{theme.key}/")

    assert (_keys(user), _keys(other_user)) == ([], [theme.key])


@pytest.mark.parametrize("who", ["anonymous", "revoked"])
def test_favourites_need_a_valid_token(request, user, theme, who):
    services.favourite_toggle(user=user, theme=theme, favourite=True)
    client = APIClient() if who == "anonymous" else request.getfixturevalue("revoked")

    responses = [
        client.get(FAVOURITES),
        client.post(FAVOURITES, _theme_body(ThemeColours.random()), format="json"),
        client.get(f"{FAVOURITES}{theme.key}/"),
        client.put(f"{FAVOURITES}{ThemeColours.random().key}/"),
        client.delete(f"{FAVOURITES}{theme.key}/"),
    ]

    assert [response.status_code for response in responses] == [401] * 5
    assert {response.json()["code"] for response in responses} <= {
        "not_authenticated",
        "authentication_failed",
    }
    assert _keys(user) == [theme.key]


def test_favourite_put_with_a_session_needs_the_csrf_token(user, theme):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.put(f"{FAVOURITES}{theme.key}/")

    assert response.status_code == 403
    assert Favourite.objects.count() == 0


# --- the same state through both doors ------------------------------------------------


def test_favouriting_through_api_and_heart_button_leave_the_same_state(
    make_user, theme, other_theme, htmx_headers
):
    by_api, by_page = make_user("api"), make_user("page")
    client = token_client(by_api)
    page = Client()
    page.force_login(by_page)
    third = ThemeColours.from_key("002b36-b58900-2aa198-268bd2")

    client.put(f"{FAVOURITES}{theme.key}/")
    page.post(f"/t/{theme.key}/favourite/", {"favourite": "1"}, **htmx_headers)
    client.post(FAVOURITES, _theme_body(other_theme), format="json")
    page.post(f"/t/{other_theme.key}/favourite/", {"favourite": "1"})
    client.put(f"{FAVOURITES}{third.key}/")
    page.post(f"/t/{third.key}/favourite/", {"favourite": "1"}, **htmx_headers)
    client.put(f"{FAVOURITES}{third.key}/")  # again: no change
    page.post(f"/t/{third.key}/favourite/", {"favourite": "1"}, **htmx_headers)
    client.delete(f"{FAVOURITES}{theme.key}/")
    page.post(f"/t/{theme.key}/favourite/", {"favourite": "0"}, **htmx_headers)

    def state(user) -> list[tuple]:
        return sorted(
            Favourite.objects.filter(user=user).values_list(
                "theme__key", "theme__background", "theme__color1", "theme__color2",
                "theme__color3",
            )
        )  # fmt: skip

    assert state(by_api) == state(by_page)
    assert state(by_api) == sorted(
        [(other_theme.key, *other_theme.hexes), (third.key, *third.hexes)]
    )
    assert Theme.objects.count() == 3
    # What each door shows of the other's writes agrees too.
    assert [item["theme"]["key"] for item in client.get(FAVOURITES).json()["results"]] == [
        third.key,
        other_theme.key,
    ]


# --- GET /users/{username}/favourites/ ----------------------------------------------


def _public(user) -> None:
    user.favourites_public = True
    user.save(update_fields=["favourites_public"])


def test_public_favourites_anyone_can_read(other_user):
    _public(other_user)
    themes = _favourite_many(other_user, 2)

    response = APIClient().get("/api/v1/users/grace/favourites/")

    body = response.json()
    assert response.status_code == 200
    assert body["username"] == "grace"
    assert body["count"] == 2
    assert [item["theme"]["key"] for item in body["results"]] == [t.key for t in reversed(themes)]
    assert set(body["results"][0]) == {"theme", "created_at"}
    assert "grace@example.com" not in response.content.decode()


def test_public_favourites_with_another_persons_token(api, other_user, theme):
    _public(other_user)
    services.favourite_toggle(user=other_user, theme=theme, favourite=True)

    response = api.get("/api/v1/users/grace/favourites/")

    assert response.status_code == 200
    assert response.json()["results"][0]["theme"]["key"] == theme.key


def test_public_favourites_private_and_unknown_people_are_the_same_404(api, other_user, make_user):
    services.favourite_toggle(user=other_user, theme=ThemeColours.random(), favourite=True)
    gone = make_user("gone", is_active=False)
    _public(gone)

    private = api.get("/api/v1/users/grace/favourites/")
    unknown = api.get("/api/v1/users/nobody/favourites/")
    inactive = api.get("/api/v1/users/gone/favourites/")
    page = Client().get("/u/grace/")

    assert private.status_code == unknown.status_code == inactive.status_code == 404
    assert private.json() == unknown.json() == inactive.json()
    assert page.status_code == 404


def test_public_favourites_of_oneself_follow_the_same_rule(api, user):
    assert api.get("/api/v1/users/ada/favourites/").status_code == 404
    _public(user)
    assert api.get("/api/v1/users/ada/favourites/").status_code == 200


def test_public_favourites_revoked_token_is_a_401(revoked, other_user):
    _public(other_user)

    response = revoked.get("/api/v1/users/grace/favourites/")

    assert response.status_code == 401


def test_public_favourites_bad_paging_is_a_400(other_user):
    _public(other_user)

    response = APIClient().get("/api/v1/users/grace/favourites/", {"page_size": 1000})

    assert response.status_code == 400
    assert response.json()["fields"] == {"page_size": ["Give a whole number from 1 to 100."]}


@pytest.mark.parametrize("rows", [1, 3])
def test_public_favourites_queries_do_not_grow_with_rows(
    other_user, rows, django_assert_num_queries
):
    _public(other_user)
    _favourite_many(other_user, rows)

    # the person, count, page of favourites with their themes.
    with django_assert_num_queries(3):
        response = APIClient().get("/api/v1/users/grace/favourites/")

    assert len(response.json()["results"]) == rows


def test_public_favourites_cannot_be_written(api, other_user):
    _public(other_user)

    response = api.post("/api/v1/users/grace/favourites/", {}, format="json")

    assert response.status_code == 405


# --- GET /themes/{key}/export/{format}/ ----------------------------------------------


@pytest.mark.parametrize("fmt", list(exporters.FORMATS))
def test_theme_export_sends_the_file_of_the_page(api, theme, fmt):
    expected = exporters.theme_export(theme=theme, fmt=fmt)

    response = api.get(f"/api/v1/themes/{theme.key}/export/{fmt}/")
    page = Client().get(f"/t/{theme.key}/export/{fmt}/")

    assert response.status_code == 200
    assert response.content == expected.content == page.content
    assert response["Content-Type"] == expected.content_type
    assert response["Content-Disposition"] == f'attachment; filename="{expected.filename}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "public" in response["Cache-Control"]


def test_theme_export_every_content_type_is_documented():
    theme = ThemeColours.from_key("000000-ffffff-ffffff-ffffff")

    types = {
        exporters.theme_export(theme=theme, fmt=fmt).content_type.split(";")[0]
        for fmt in exporters.FORMATS
    }

    assert types == set(EXPORT_CONTENT_TYPES)


def test_theme_export_needs_no_token_like_the_page(db, theme):
    response = APIClient().get(f"/api/v1/themes/{theme.key}/export/vim/")

    assert response.status_code == 200
    assert response.content.startswith(b'" ThemeHub')


def test_theme_export_revoked_token_is_a_401(revoked, theme):
    response = revoked.get(f"/api/v1/themes/{theme.key}/export/vim/")

    assert response.status_code == 401
    assert set(response.json()) == ERROR_KEYS


def test_theme_export_whatever_the_accept_header_asks(api, theme):
    response = api.get(f"/api/v1/themes/{theme.key}/export/zip/", HTTP_ACCEPT="application/zip")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"


@pytest.mark.parametrize("fmt", ["nope", "VIM", "vim.lua", "x" * 200])
def test_theme_export_unknown_format_is_the_json_404(api, theme, fmt):
    response = api.get(f"/api/v1/themes/{theme.key}/export/{fmt}/")

    body = response.json()
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(body) == ERROR_KEYS
    assert body["code"] == "not_found"
    assert body["message"].startswith("Unknown export format")
    assert "vscode, vsix, vim" in body["message"]


@pytest.mark.parametrize("key", ["nope", "1e1e2e-f38ba8-a6e3a1-89b4fg", "1E1E2E"])
def test_theme_export_bad_key_is_the_json_404(api, key):
    response = api.get(f"/api/v1/themes/{key}/export/vim/")

    assert response.status_code == 404
    assert response.json()["message"].startswith("A theme key is four lowercase hex colours")


def test_theme_export_writes_nothing(api, theme):
    api.get(f"/api/v1/themes/{theme.key}/export/zip/")

    assert Theme.objects.count() == 0


# --- the theme representation: share link, files, community figures -----------------


def test_theme_detail_links_page_and_files(api, theme):
    response = api.get(f"/api/v1/themes/{theme.key}/")

    body = response.json()
    assert response.status_code == 200
    assert body["page_url"] == f"http://testserver/t/{theme.key}/"
    assert list(body["exports"]) == list(exporters.FORMATS)
    assert body["exports"]["vim"] == {
        "label": "Vim",
        "group": "Editors",
        "url": f"http://testserver/api/v1/themes/{theme.key}/export/vim/",
    }
    fetched = api.get(body["exports"]["kitty"]["url"])
    assert fetched.status_code == 200
    assert fetched.content == exporters.theme_export(theme=theme, fmt="kitty").content


def test_theme_detail_of_an_unstored_theme_has_empty_figures(api, theme):
    body = api.get(f"/api/v1/themes/{theme.key}/").json()

    assert body["figures"] == {"ratings": 0, "average_stars": None, "favourites": 0}
    assert body["your_favourite"] is False


def test_theme_detail_community_figures_and_your_favourite(api, user, other_user, make_user, theme):
    services.rating_set(user=user, theme=theme, stars=4)
    services.rating_set(user=other_user, theme=theme, stars=5)
    services.rating_set(user=make_user("bo"), theme=theme, stars=2)
    services.favourite_toggle(user=other_user, theme=theme, favourite=True)

    before = api.get(f"/api/v1/themes/{theme.key}/").json()
    api.put(f"{FAVOURITES}{theme.key}/")
    after = api.get(f"/api/v1/themes/{theme.key}/").json()

    assert before["figures"] == {"ratings": 3, "average_stars": 3.67, "favourites": 1}
    assert before["your_favourite"] is False
    assert after["figures"]["favourites"] == 2
    assert after["your_favourite"] is True


def test_theme_detail_your_favourite_is_only_yours(api, other_user, theme):
    services.favourite_toggle(user=other_user, theme=theme, favourite=True)

    body = api.get(f"/api/v1/themes/{theme.key}/").json()

    assert body["your_favourite"] is False
    assert body["figures"]["favourites"] == 1


def test_theme_in_lists_carries_its_page_url(api, theme):
    rated = api.post("/api/v1/ratings/", {**_theme_body(theme), "stars": 3}, format="json").json()
    upcoming = api.get("/api/v1/themes/next/").json()

    assert rated["theme"]["page_url"] == f"http://testserver/t/{theme.key}/"
    assert upcoming["page_url"] == f"http://testserver/t/{upcoming['key']}/"
