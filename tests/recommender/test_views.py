"""The rate page: show a theme, rate it with htmx stars or a plain form, undo."""

from __future__ import annotations

import re

import pytest

from ratings import services
from ratings.models import Rating
from ratings.themes import KEY_RE


def _shown_key(page: str) -> str:
    return re.search(r'<input type="hidden" name="key" value="([0-9a-f-]+)">', page)[1]


def _current_language(page: str) -> str:
    return re.search(
        r'lang=([a-z]+)" hx-get="[^"]*" hx-target="#rate-card" hx-swap="outerHTML" '
        r'aria-current="true"',
        page,
    )[1]


def _stars_of(user) -> dict[str, int]:
    return dict(Rating.objects.filter(user=user).values_list("theme__key", "stars"))


def _is_card_fragment(page: str) -> bool:
    return (
        page.lstrip().startswith('<section id="rate-card"')
        and page.rstrip().endswith("</section>")
        and "<html" not in page
        and "<h1" not in page
    )


# --- showing a theme --------------------------------------------------------------


def test_rate_shows_a_random_theme_in_the_full_page(user_client):
    response = user_client.get("/rate/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Rate this theme</h1>" in page
    assert '<section id="rate-card"' in page
    assert KEY_RE.fullmatch(_shown_key(page))
    assert 'aria-label="5 stars"' in page


def test_rate_shows_the_theme_named_in_the_query(user_client, theme):
    response = user_client.get("/rate/", {"theme": theme.key.upper()})

    page = response.content.decode()
    assert _shown_key(page) == theme.key
    assert 'class="notice"' not in page


@pytest.mark.parametrize(
    "bad_key",
    ["nope", "1e1e2e-f38ba8-a6e3a1", "gggggg-f38ba8-a6e3a1-89b4fa", "<script>", "1" * 10_000],
)
def test_rate_malformed_theme_key_shows_notice_and_another_theme(user_client, bad_key):
    response = user_client.get("/rate/", {"theme": bad_key})

    page = response.content.decode()
    assert response.status_code == 200
    assert "That theme link is broken" in page
    assert "Here is another theme." in page
    assert KEY_RE.fullmatch(_shown_key(page))
    assert "<script>" not in page.split("<main", 1)[1]


def test_rate_language_switch_is_remembered_in_the_session(user_client, theme):
    switched = user_client.get("/rate/", {"theme": theme.key, "lang": "rust"})
    later = user_client.get("/rate/")

    assert _current_language(switched.content.decode()) == "rust"
    assert _current_language(later.content.decode()) == "rust"
    assert 'aria-label="Rust code in theme' in later.content.decode()
    assert user_client.session["lang"] == "rust"


def test_rate_unknown_language_keeps_the_current_one(user_client):
    user_client.get("/rate/", {"lang": "rust"})

    response = user_client.get("/rate/", {"lang": "cobol"})

    assert _current_language(response.content.decode()) == "rust"


def test_rate_htmx_get_returns_the_card_fragment(user_client, theme, htmx_headers):
    response = user_client.get("/rate/", {"theme": theme.key, "lang": "rust"}, **htmx_headers)

    page = response.content.decode()
    assert response.status_code == 200
    assert _is_card_fragment(page) is True
    assert _shown_key(page) == theme.key


def test_rate_varies_on_the_htmx_header(user_client):
    response = user_client.get("/rate/")

    assert "HX-Request" in response["Vary"]


def test_rate_post_is_not_allowed(user_client):
    response = user_client.post("/rate/")

    assert response.status_code == 405


# --- submitting stars -------------------------------------------------------------


def test_rate_submit_htmx_saves_and_returns_the_next_card(user_client, user, theme, htmx_headers):
    response = user_client.post("/rate/submit/", {"key": theme.key, "stars": "4"}, **htmx_headers)

    page = response.content.decode()
    assert response.status_code == 200
    assert _is_card_fragment(page) is True
    assert _stars_of(user) == {theme.key: 4}
    assert _shown_key(page) != theme.key
    assert f'aria-label="theme {theme.key}"' in page
    assert "<span>4 stars.</span>" in page


def test_rate_submit_plain_post_redirects_to_rate(user_client, user, theme):
    response = user_client.post("/rate/submit/", {"key": theme.key, "stars": "2"})

    assert response.status_code == 302
    assert response["Location"] == "/rate/"
    assert _stars_of(user) == {theme.key: 2}


def test_rate_submit_again_replaces_the_stars(user_client, user, theme):
    user_client.post("/rate/submit/", {"key": theme.key, "stars": "2"})

    user_client.post("/rate/submit/", {"key": theme.key, "stars": "5"})

    assert _stars_of(user) == {theme.key: 5}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"stars": "0"}, "Stars must be a whole number from 1 to 5."),
        ({"stars": "6"}, "Stars must be a whole number from 1 to 5."),
        ({"stars": "-1"}, "Stars must be a whole number from 1 to 5."),
        ({"stars": "2.5"}, "Stars must be a whole number from 1 to 5."),
        ({"stars": "five"}, "Stars must be a whole number from 1 to 5."),
        ({"stars": "9" * 400}, "Stars must be a whole number from 1 to 5."),
        ({}, "Choose from 1 to 5 stars."),
    ],
)
def test_rate_submit_htmx_invalid_stars_is_422_with_the_same_theme(
    user_client, user, theme, htmx_headers, data, message
):
    response = user_client.post("/rate/submit/", {"key": theme.key, **data}, **htmx_headers)

    page = response.content.decode()
    assert response.status_code == 422
    assert _is_card_fragment(page) is True
    assert f'<div class="form-errors" role="alert"><p>{message}</p></div>' in page
    assert _shown_key(page) == theme.key
    assert Rating.objects.exists() is False


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("not-a-key", "A theme key is four lowercase hex colours"),
        ("1e1e2e-f38ba8-a6e3a1-89b4fa-000000", "A theme key is four lowercase hex colours"),
        ("", "The theme is missing."),
    ],
)
def test_rate_submit_htmx_invalid_key_is_422_with_another_theme(
    user_client, user, htmx_headers, key, message
):
    response = user_client.post("/rate/submit/", {"key": key, "stars": "3"}, **htmx_headers)

    page = response.content.decode()
    assert response.status_code == 422
    assert _is_card_fragment(page) is True
    assert message in page
    assert KEY_RE.fullmatch(_shown_key(page))
    assert Rating.objects.exists() is False


def test_rate_submit_plain_invalid_is_400_with_the_error(user_client, user, theme):
    response = user_client.post("/rate/submit/", {"key": theme.key, "stars": "99"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "<h1>Rate this theme</h1>" in page
    assert "Stars must be a whole number from 1 to 5." in page
    assert _shown_key(page) == theme.key
    assert Rating.objects.exists() is False


def test_rate_submit_plain_invalid_key_is_400_with_the_error(user_client, user):
    response = user_client.post("/rate/submit/", {"key": "zzz", "stars": "3"})

    assert response.status_code == 400
    assert "A theme key is four lowercase hex colours" in response.content.decode()
    assert Rating.objects.exists() is False


def test_rate_submit_keeps_the_language(user_client, theme, htmx_headers):
    response = user_client.post(
        "/rate/submit/", {"key": theme.key, "stars": "3", "lang": "rust"}, **htmx_headers
    )

    assert _current_language(response.content.decode()) == "rust"


def test_rate_submit_get_is_not_allowed(user_client):
    response = user_client.get("/rate/submit/")

    assert response.status_code == 405


# --- undo -------------------------------------------------------------------------


def test_rate_undo_of_a_new_rating_removes_it(user_client, user, theme, htmx_headers):
    user_client.post("/rate/submit/", {"key": theme.key, "stars": "4"}, **htmx_headers)

    response = user_client.post("/rate/undo/", **htmx_headers)

    page = response.content.decode()
    assert response.status_code == 200
    assert _is_card_fragment(page) is True
    assert _shown_key(page) == theme.key
    assert "Undone. Rate this theme again, or skip it." in page
    assert _stars_of(user) == {}


def test_rate_undo_of_a_changed_rating_restores_the_old_stars(
    user_client, user, theme, htmx_headers
):
    services.rating_set(user=user, theme=theme, stars=2)
    user_client.post("/rate/submit/", {"key": theme.key, "stars": "5"}, **htmx_headers)

    user_client.post("/rate/undo/", **htmx_headers)

    assert _stars_of(user) == {theme.key: 2}


def test_rate_undo_only_touches_the_last_rating(
    user_client, user, theme, other_theme, htmx_headers
):
    user_client.post("/rate/submit/", {"key": theme.key, "stars": "4"}, **htmx_headers)
    user_client.post("/rate/submit/", {"key": other_theme.key, "stars": "1"}, **htmx_headers)

    user_client.post("/rate/undo/", **htmx_headers)
    second = user_client.post("/rate/undo/", **htmx_headers)

    assert _stars_of(user) == {theme.key: 4}
    assert "There is nothing to undo." in second.content.decode()


def test_rate_undo_plain_post_redirects_to_the_theme(user_client, user, theme):
    user_client.post("/rate/submit/", {"key": theme.key, "stars": "4"})

    response = user_client.post("/rate/undo/", follow=True)

    assert response.redirect_chain == [(f"/rate/?theme={theme.key}", 302)]
    assert _shown_key(response.content.decode()) == theme.key
    assert "Undone. Rate this theme again, or skip it." in response.content.decode()
    assert _stars_of(user) == {}


def test_rate_undo_with_nothing_to_undo_shows_notice(user_client, htmx_headers):
    response = user_client.post("/rate/undo/", **htmx_headers)

    page = response.content.decode()
    assert response.status_code == 200
    assert _is_card_fragment(page) is True
    assert '<p class="notice" role="status">There is nothing to undo.</p>' in page


def test_rate_undo_after_deleting_in_history_changes_nothing(
    user_client, user, theme, htmx_headers
):
    user_client.post("/rate/submit/", {"key": theme.key, "stars": "4"}, **htmx_headers)
    Rating.objects.filter(user=user).delete()

    response = user_client.post("/rate/undo/", **htmx_headers)

    assert response.status_code == 200
    assert _stars_of(user) == {}


def test_rate_undo_get_is_not_allowed(user_client):
    response = user_client.get("/rate/undo/")

    assert response.status_code == 405
