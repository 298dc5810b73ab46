"""The home page, and rules every page shares: login, CSRF, methods, bad URLs."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from ratings import services
from ratings.models import Rating

LOGIN_REQUIRED = [
    ("get", "/rate/"),
    ("post", "/rate/submit/"),
    ("post", "/rate/undo/"),
    ("get", "/history/"),
    ("post", "/history/1/stars/"),
    ("post", "/history/1/delete/"),
    ("get", "/history/export.json"),
    ("get", "/history/export.csv"),
    ("post", "/history/import/"),
    ("get", "/accounts/profile/"),
    ("get", "/accounts/password_change/"),
]


def _csrf_token_from_body(page: str) -> str:
    match = re.search(r"<body hx-headers='([^']*)'", page)
    assert match is not None
    headers = html.unescape(match.group(1))
    return re.fullmatch(r'\{"X-CSRFToken": "([A-Za-z0-9]+)"\}', headers).group(1)


def test_home_anonymous_invites_to_sign_up(client):
    response = client.get("/")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="/accounts/signup/"' in page
    assert 'class="editor' in page
    assert 'aria-label="Colours of theme ' in page


def test_home_logged_in_links_to_rating(user_client):
    response = user_client.get("/")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="button button--big" href="/rate/"' in page
    assert 'href="/accounts/signup/"' not in page


def test_home_post_is_not_allowed(client):
    response = client.post("/")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.parametrize(("method", "url"), LOGIN_REQUIRED)
def test_page_anonymous_redirects_to_login(client, db, method, url):
    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_page_anonymous_htmx_action_reloads_login_page_for_the_current_page(client, db, theme):
    response = client.post(
        "/rate/submit/",
        {"key": theme.key, "stars": 4},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/rate/?lang=rust"},
        follow=True,
    )

    assert response.redirect_chain == [("/accounts/login/?next=/rate/submit/", 302)]
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Frate%2F%3Flang%3Drust"
    assert response.content == b""
    assert Rating.objects.exists() is False


def test_page_anonymous_htmx_from_another_site_reloads_plain_login_page(client, db):
    response = client.get(
        "/accounts/login/",
        headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example.com/"},
    )

    assert response["HX-Redirect"] == "/accounts/login/"


@pytest.mark.parametrize(
    "url",
    [
        "/history/abc/stars/",
        "/history/-1/delete/",
        "/history/1.5/stars/",
        "/history/99999999999999999999999999999999/stars/",
        "/history/export.xml",
        "/no-such-page/",
    ],
)
def test_page_malformed_url_is_not_found(user_client, url):
    response = user_client.post(url, {"stars": 3})

    assert response.status_code == 404
    assert b"Server Error" not in response.content


def test_csrf_post_without_token_is_refused(user, theme):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/rate/")

    response = client.post("/rate/submit/", {"key": theme.key, "stars": 4})

    assert response.status_code == 403
    assert Rating.objects.filter(user=user).count() == 0


def test_csrf_token_from_body_hx_headers_is_accepted(user, theme):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    token = _csrf_token_from_body(client.get("/rate/").content.decode())

    response = client.post(
        "/rate/submit/",
        {"key": theme.key, "stars": 4},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )

    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<section id="rate-card"')
    assert list(Rating.objects.filter(user=user).values_list("theme__key", "stars")) == [
        (theme.key, 4)
    ]


def test_csrf_token_from_body_works_for_history_delete(user, theme):
    rating = services.rating_set(user=user, theme=theme, stars=2).rating
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    token = _csrf_token_from_body(client.get("/history/").content.decode())

    refused = client.post(f"/history/{rating.pk}/delete/", headers={"HX-Request": "true"})
    accepted = client.post(
        f"/history/{rating.pk}/delete/", headers={"HX-Request": "true", "X-CSRFToken": token}
    )

    assert refused.status_code == 403
    assert accepted.status_code == 200
    assert 'id="rating-count"' in accepted.content.decode()
    assert Rating.objects.filter(pk=rating.pk).exists() is False
