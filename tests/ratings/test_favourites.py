"""Favourites: the toggle service, the heart on every card, the favourites page, privacy."""

from __future__ import annotations

import re

import numpy as np
import pytest
from django.test import Client

from accounts.errors import ServiceError
from accounts.services import profile_update
from ratings import services
from ratings.models import Favourite, Theme
from ratings.themes import ThemeColours, draw


def _favourite_many(user, count: int, *, seed: int = 11) -> list[ThemeColours]:
    themes = [ThemeColours.from_array(rgb) for rgb in draw(count, np.random.default_rng(seed))]
    for theme in themes:
        services.favourite_toggle(user=user, theme=theme, favourite=True)
    return themes


def _hearts_by_key(page: str) -> dict[str, str]:
    """Theme key -> aria-pressed of its heart button."""
    return {
        key: pressed
        for pressed, key in re.findall(
            r'aria-pressed="(true|false)" aria-label="Favourite theme ([0-9a-f-]+)"', page
        )
    }


def _favourite_keys(user) -> list[str]:
    return list(Favourite.objects.filter(user=user).values_list("theme__key", flat=True))


# --- the service ------------------------------------------------------------------


def test_favourite_toggle_flips_the_state(user, theme):
    first = services.favourite_toggle(user=user, theme=theme)
    second = services.favourite_toggle(user=user, theme=theme)

    assert (first.favourited, first.changed) == (True, True)
    assert (second.favourited, second.changed) == (False, True)
    assert _favourite_keys(user) == []


def test_favourite_toggle_with_a_state_is_idempotent(user, theme):
    services.favourite_toggle(user=user, theme=theme, favourite=True)
    again = services.favourite_toggle(user=user, theme=theme, favourite=True)

    assert (again.favourited, again.changed) == (True, False)
    assert _favourite_keys(user) == [theme.key]


def test_favourite_toggle_creates_the_theme_row(user, theme):
    services.favourite_toggle(user=user, theme=theme, favourite=True)

    assert Theme.objects.get(key=theme.key).colours == theme


def test_favourite_toggle_unfavourite_of_a_theme_never_kept_changes_nothing(user, theme):
    result = services.favourite_toggle(user=user, theme=theme, favourite=False)

    assert (result.favourited, result.changed) == (False, False)
    assert Theme.objects.count() == 0


def test_favourite_toggle_is_per_person(user, other_user, theme):
    services.favourite_toggle(user=user, theme=theme, favourite=True)

    assert _favourite_keys(other_user) == []


def test_favourite_toggle_refuses_anonymous_people(db, theme):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ServiceError, match="Log in"):
        services.favourite_toggle(user=AnonymousUser(), theme=theme)


def test_profile_update_saves_the_favourites_choice(user):
    profile_update(user=user, favourites_public=True)

    user.refresh_from_db()
    assert user.favourites_public is True


def test_favourites_are_private_by_default(user):
    assert user.favourites_public is False


# --- the heart --------------------------------------------------------------------


def test_heart_htmx_post_returns_the_pressed_heart(user_client, user, theme, htmx_headers):
    response = user_client.post(f"/t/{theme.key}/favourite/", {"favourite": "1"}, **htmx_headers)

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<form method="post"')
    assert "<html" not in page
    assert _hearts_by_key(page) == {theme.key: "true"}
    assert _favourite_keys(user) == [theme.key]


def test_heart_htmx_post_unfavourites(user_client, user, theme, htmx_headers):
    services.favourite_toggle(user=user, theme=theme, favourite=True)

    response = user_client.post(f"/t/{theme.key}/favourite/", {"favourite": "0"}, **htmx_headers)

    assert _hearts_by_key(response.content.decode()) == {theme.key: "false"}
    assert _favourite_keys(user) == []


def test_heart_plain_post_redirects_back_to_next(user_client, user, theme):
    response = user_client.post(
        f"/t/{theme.key}/favourite/", {"favourite": "1", "next": "/history/?page=2"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/history/?page=2"
    assert _favourite_keys(user) == [theme.key]


def test_heart_plain_post_ignores_a_next_on_another_site(user_client, theme):
    response = user_client.post(
        f"/t/{theme.key}/favourite/", {"favourite": "1", "next": "https://evil.example/"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/t/{theme.key}/"


def test_heart_requires_login(client, db, theme):
    response = client.post(f"/t/{theme.key}/favourite/", {"favourite": "1"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert Favourite.objects.count() == 0


def test_heart_requires_csrf_token(user, theme):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(f"/t/{theme.key}/favourite/", {"favourite": "1"})

    assert response.status_code == 403
    assert Favourite.objects.count() == 0


def test_heart_get_is_not_allowed(user_client, theme):
    response = user_client.get(f"/t/{theme.key}/favourite/")

    assert response.status_code == 405


def test_heart_malformed_key_is_404(user_client):
    response = user_client.post("/t/not-a-theme/favourite/", {"favourite": "1"})

    assert response.status_code == 404
    assert Favourite.objects.count() == 0


def test_heart_on_rate_page_shows_the_state(user_client, user, theme):
    services.favourite_toggle(user=user, theme=theme, favourite=True)

    response = user_client.get(f"/rate/?theme={theme.key}")

    assert _hearts_by_key(response.content.decode()) == {theme.key: "true"}


def test_heart_on_history_rows_shows_each_state(user_client, user, theme, other_theme):
    services.rating_set(user=user, theme=theme, stars=4)
    services.rating_set(user=user, theme=other_theme, stars=2)
    services.favourite_toggle(user=user, theme=other_theme, favourite=True)

    response = user_client.get("/history/")

    assert _hearts_by_key(response.content.decode()) == {
        theme.key: "false",
        other_theme.key: "true",
    }


def test_heart_on_for_you_cards(user_client, user):
    response = user_client.get("/for-you/")

    page = response.content.decode()
    keys = re.findall(r'href="/rate/\?theme=([0-9a-f-]+)">Rate it', page)
    assert response.status_code == 200
    assert set(_hearts_by_key(page)) == set(keys)


# --- the favourites page ----------------------------------------------------------


def test_favourites_page_lists_own_favourites_newest_first(user_client, user, other_user):
    older, newer = _favourite_many(user, 2)
    _favourite_many(other_user, 1, seed=99)

    response = user_client.get("/favourites/")

    page = response.content.decode()
    assert response.status_code == 200
    assert re.findall(
        r'id="favourite-\d+">\s*<a class="fav-preview" href="/t/([0-9a-f-]{27})/"', page
    ) == [
        newer.key,
        older.key,
    ]


def test_favourites_page_requires_login(client):
    response = client.get("/favourites/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("rows", [1, 3])
def test_favourites_page_query_count_is_flat(user_client, user, rows, django_assert_num_queries):
    _favourite_many(user, rows)

    # session, user, count, one page of favourites with their themes (hearts known: all on)
    with django_assert_num_queries(4):
        response = user_client.get("/favourites/")

    assert len(_hearts_by_key(response.content.decode())) == rows


def test_favourites_visibility_plain_post_makes_them_public(user_client, user):
    response = user_client.post("/favourites/visibility/", {"public": "1"})

    user.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "/favourites/"
    assert user.favourites_public is True


def test_favourites_visibility_htmx_returns_the_form(user_client, user, htmx_headers):
    user.favourites_public = True
    user.save()

    response = user_client.post("/favourites/visibility/", {"public": "0"}, **htmx_headers)

    page = response.content.decode()
    user.refresh_from_db()
    assert user.favourites_public is False
    assert page.lstrip().startswith('<form id="favourites-visibility"')
    assert "Show them on my profile" in page


def test_favourites_visibility_requires_login(client):
    response = client.post("/favourites/visibility/", {"public": "1"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- the public profile -----------------------------------------------------------


def test_public_profile_lists_public_favourites(client, user):
    user.favourites_public = True
    user.save()
    themes = _favourite_many(user, 2)

    response = client.get(f"/u/{user.username}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert f"{user.username}\u2019s favourite themes" in page
    assert all(theme.key in page for theme in themes)


def test_public_profile_of_private_favourites_is_404(client, user):
    _favourite_many(user, 1)

    response = client.get(f"/u/{user.username}/")

    assert response.status_code == 404


def test_public_profile_is_404_for_the_owner_too_while_private(user_client, user):
    response = user_client.get(f"/u/{user.username}/")

    assert response.status_code == 404


def test_public_profile_of_unknown_person_is_404(client, db):
    response = client.get("/u/nobody-here/")

    assert response.status_code == 404


def test_public_profile_of_inactive_person_is_404(client, user):
    user.favourites_public = True
    user.is_active = False
    user.save()

    response = client.get(f"/u/{user.username}/")

    assert response.status_code == 404


@pytest.mark.parametrize("rows", [1, 3])
def test_public_profile_query_count_is_flat(client, user, rows, django_assert_num_queries):
    user.favourites_public = True
    user.save()
    _favourite_many(user, rows)

    # the person, count, one page of favourites with their themes (anonymous: no heart states)
    with django_assert_num_queries(3):
        response = client.get(f"/u/{user.username}/")

    assert response.status_code == 200
