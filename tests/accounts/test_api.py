"""API tokens (log-in for a token, list, revoke, the profile page's token section), /me/."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.tokens import services as token_services
from accounts.tokens.models import ApiToken
from ratings import services
from tests.conftest import PASSWORD


@pytest.fixture
def token(user) -> str:
    return token_services.api_token_create(user=user, name="laptop")[1]


def _client(token: str | None = None) -> APIClient:
    client = APIClient()
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


# --- POST /api/v1/auth/token/ ---------------------------------------------------------


def test_token_login_returns_a_token_that_works(user):
    response = _client().post(
        "/api/v1/auth/token/", {"username": "ada", "password": PASSWORD}, format="json"
    )

    body = response.json()
    assert response.status_code == 201
    assert body["token"].startswith("th_")
    assert body["name"] == "API log-in"
    me = _client(body["token"]).get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "ada"


def test_token_login_stores_only_a_hash(user):
    response = _client().post(
        "/api/v1/auth/token/",
        {"username": "ada", "password": PASSWORD, "name": "ci"},
        format="json",
    )

    secret = response.json()["token"]
    row = ApiToken.objects.get(user=user)
    assert row.name == "ci"
    assert secret not in (row.digest, row.token_key)
    assert len(row.digest) == 128


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"username": "ada"}, "password"),
        ({"password": PASSWORD}, "username"),
        ({"username": "ada", "password": PASSWORD, "admin": True}, "admin"),
        ({"username": ["ada"], "password": PASSWORD}, "username"),
    ],
)
def test_token_login_bad_input_is_a_400_naming_the_field(user, payload, field):
    response = _client().post("/api/v1/auth/token/", payload, format="json")

    body = response.json()
    assert response.status_code == 400
    assert body["status"] == 400
    assert body["code"] == "invalid"
    assert list(body["fields"]) == [field]
    assert ApiToken.objects.count() == 0


def test_token_login_wrong_password_is_refused(user):
    response = _client().post(
        "/api/v1/auth/token/", {"username": "ada", "password": "nope"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["message"] == "Unable to log in with that username and password."
    assert ApiToken.objects.count() == 0


def test_token_login_inactive_person_is_refused(make_user):
    make_user("ghost", is_active=False)

    response = _client().post(
        "/api/v1/auth/token/", {"username": "ghost", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 400
    assert ApiToken.objects.count() == 0


def test_token_login_ignores_a_stale_authorization_header(user):
    response = _client("th_revoked").post(
        "/api/v1/auth/token/", {"username": "ada", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 201


def test_token_login_bad_json_is_a_400(user):
    response = _client().post(
        "/api/v1/auth/token/", '{"username": "ada",', content_type="application/json"
    )

    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "parse_error"
    assert body["message"].startswith("JSON parse error")


def test_token_login_form_encoding_is_a_415(user):
    response = _client().post("/api/v1/auth/token/", {"username": "ada", "password": PASSWORD})

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_token_login_get_is_a_405(user):
    response = _client().get("/api/v1/auth/token/")

    assert response.status_code == 405
    assert response.json() == {
        "status": 405,
        "code": "method_not_allowed",
        "message": 'Method "GET" not allowed.',
        "fields": {},
    }


def test_token_login_is_throttled_per_address(user, settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "login": "2/minute"},
    }
    client = _client()
    for _ in range(2):
        client.post("/api/v1/auth/token/", {"username": "ada", "password": "x"}, format="json")

    response = client.post(
        "/api/v1/auth/token/", {"username": "ada", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60
    assert ApiToken.objects.count() == 0


# --- authentication -----------------------------------------------------------------


def test_missing_token_is_a_401(db):
    response = _client().get("/api/v1/me/")

    body = response.json()
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert body["code"] == "not_authenticated"
    assert body["message"] == "Authentication credentials were not provided."


@pytest.mark.parametrize(
    "header",
    ["Token th_0000000000000000", "Token", "Token a b", "Token caf\xe9", "Token \u00ff\u00fe"],
)
def test_wrong_token_is_a_401(token, header):
    response = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_revoked_token_is_a_401(user, token):
    token_services.api_token_revoke(user=user, token_id=ApiToken.objects.get(user=user).pk)

    response = _client(token).get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["message"] == "Invalid token."


def test_token_of_a_deactivated_person_is_a_401(user, token):
    user.is_active = False
    user.save()

    response = _client(token).get("/api/v1/me/")

    assert response.status_code == 401


def test_token_use_is_recorded(user, token):
    assert ApiToken.objects.get(user=user).last_used_at is None

    _client(token).get("/api/v1/me/")

    assert ApiToken.objects.get(user=user).last_used_at is not None


def test_session_requests_need_the_csrf_token(user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)

    read = client.get("/api/v1/me/")
    write = client.post(
        "/api/v1/ratings/",
        {"theme": {"background": "#000000", "colors": ["#ffffff"] * 3}, "stars": 3},
        format="json",
    )

    assert read.status_code == 200
    assert write.status_code == 403
    assert write.json()["code"] == "permission_denied"
    assert "CSRF" in write.json()["message"]


# --- /api/v1/auth/tokens/ -------------------------------------------------------------


def test_tokens_list_shows_own_tokens_without_secrets(user, other_user, token):
    token_services.api_token_create(user=other_user, name="grace's")

    response = _client(token).get("/api/v1/auth/tokens/")

    body = response.json()
    assert response.status_code == 200
    assert [item["name"] for item in body] == ["laptop"]
    assert set(body[0]) == {"id", "name", "prefix", "created_at", "last_used_at"}
    assert token.startswith(body[0]["prefix"])
    assert body[0]["last_used_at"] is not None


def test_token_revoke_through_the_api(user, token):
    second, secret = token_services.api_token_create(user=user, name="second")

    response = _client(token).delete(f"/api/v1/auth/tokens/{second.pk}/")

    assert response.status_code == 204
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["laptop"]
    assert _client(secret).get("/api/v1/me/").status_code == 401


def test_token_revoke_of_another_persons_token_is_a_404(user, other_user, token):
    theirs, _ = token_services.api_token_create(user=other_user, name="theirs")

    response = _client(token).delete(f"/api/v1/auth/tokens/{theirs.pk}/")

    assert response.status_code == 404
    assert response.json()["message"] == "That token does not exist or was already revoked."
    assert ApiToken.objects.filter(pk=theirs.pk).exists() is True


def test_tokens_anonymous_is_a_401(db):
    assert _client().get("/api/v1/auth/tokens/").status_code == 401
    assert _client().delete("/api/v1/auth/tokens/1/").status_code == 401


# --- the services -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", "Give the token a name, e.g. the script that will use it."),
        ("x" * 65, "A token name can be at most 64 characters."),
    ],
)
def test_api_token_create_refuses_bad_names(user, name, message):
    with pytest.raises(token_services.ServiceError, match=message):
        token_services.api_token_create(user=user, name=name)

    assert ApiToken.objects.count() == 0


def test_api_token_create_refuses_past_the_limit(user, monkeypatch):
    monkeypatch.setattr(token_services, "TOKENS_PER_USER_MAX", 2)
    token_services.api_token_create(user=user, name="one")
    token_services.api_token_create(user=user, name="two")

    with pytest.raises(token_services.ServiceError, match="revoke one first"):
        token_services.api_token_create(user=user, name="three")

    assert ApiToken.objects.count() == 2


# --- /api/v1/me/ ------------------------------------------------------------------


def test_me_shows_profile_and_counts(user, token, theme, other_theme):
    user.first_name = "Ada L."
    user.save()
    services.rating_set(user=user, theme=theme, stars=5)
    services.rating_set(user=user, theme=other_theme, stars=2)
    services.favourite_toggle(user=user, theme=theme, favourite=True)

    response = _client(token).get("/api/v1/me/")

    body = response.json()
    assert response.status_code == 200
    assert body["id"] == user.pk
    assert body["username"] == "ada"
    assert body["email"] == "ada@example.com"
    assert body["display_name"] == "Ada L."
    assert body["favourites_public"] is False
    assert body["public_profile_url"] is None
    assert body["counts"] == {"ratings": 2, "tokens": 1, "favourites": 1}


def test_me_is_the_token_owner_not_someone_else(user, other_user):
    _, secret = token_services.api_token_create(user=other_user, name="g")

    response = _client(secret).get("/api/v1/me/")

    assert response.json()["username"] == "grace"


def test_me_anonymous_is_a_401(db):
    assert _client().get("/api/v1/me/").status_code == 401


def test_me_post_is_a_405(token):
    response = _client(token).post("/api/v1/me/", {}, format="json")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


# --- PATCH /api/v1/me/ -------------------------------------------------------------

REQUIRED = "An email address is required: it is how you reset your password."


def test_me_patch_changes_email_display_name_and_privacy(user, token):
    response = _client(token).patch(
        "/api/v1/me/",
        {"email": "Ada@Lovelace.EXAMPLE", "display_name": "  Ada L. ", "favourites_public": True},
        format="json",
    )

    body = response.json()
    user.refresh_from_db()
    assert response.status_code == 200
    # Stored as the page stores it: the domain in lowercase, the name trimmed.
    assert (user.email, user.first_name, user.favourites_public) == (
        "Ada@lovelace.example",
        "Ada L.",
        True,
    )
    assert body["email"] == "Ada@lovelace.example"
    assert body["display_name"] == "Ada L."
    assert body["favourites_public"] is True
    assert body["public_profile_url"] == "http://testserver/u/ada/"
    assert body["counts"] == {"ratings": 0, "tokens": 1, "favourites": 0}


def test_me_patch_changes_only_the_fields_given(user, token):
    user.first_name = "Ada"
    user.save()

    response = _client(token).patch("/api/v1/me/", {"favourites_public": True}, format="json")
    nothing = _client(token).patch("/api/v1/me/", {}, format="json")

    user.refresh_from_db()
    assert response.status_code == 200
    assert nothing.status_code == 200
    assert (user.email, user.first_name, user.favourites_public) == ("ada@example.com", "Ada", True)


def test_me_patch_display_name_may_be_emptied(user, token):
    user.first_name = "Ada"
    user.save()

    response = _client(token).patch("/api/v1/me/", {"display_name": ""}, format="json")

    user.refresh_from_db()
    assert response.status_code == 200
    assert user.first_name == ""


def test_me_patch_own_email_in_another_case_is_fine(user, token):
    response = _client(token).patch("/api/v1/me/", {"email": "ADA@example.com"}, format="json")

    user.refresh_from_db()
    assert response.status_code == 200
    assert user.email == "ADA@example.com"


def test_me_patch_email_of_another_account_is_refused_as_on_the_page(
    user, other_user, token, user_client
):
    response = _client(token).patch(
        "/api/v1/me/",
        {"email": "GRACE@example.com", "display_name": "Not saved", "favourites_public": True},
        format="json",
    )
    page = user_client.post("/accounts/profile/", {"email": "GRACE@example.com"})

    user.refresh_from_db()
    assert response.status_code == 400
    assert response.json()["fields"] == {"email": ["Another account uses this email address."]}
    assert page.context["form"].errors["email"] == ["Another account uses this email address."]
    # Nothing of the refused update is saved, not even the fields that were fine.
    assert (user.email, user.first_name, user.favourites_public) == ("ada@example.com", "", False)


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"email": ""}, "email", REQUIRED),
        ({"email": "   "}, "email", REQUIRED),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        (
            {"email": f"a@{'b' * 260}.example"},
            "email",
            "An email address can be at most 254 characters.",
        ),
        ({"email": 7}, "email", "Not a valid string."),
        ({"email": None}, "email", "This field may not be null."),
        ({"email": ["ada@example.com"]}, "email", "Not a valid string."),
        ({"display_name": 7}, "display_name", "Not a valid string."),
        (
            {"display_name": "x" * 151},
            "display_name",
            "A display name can be at most 150 characters.",
        ),
        ({"display_name": "nul\u0000byte"}, "display_name", "Null characters are not allowed."),
        ({"favourites_public": "yes"}, "favourites_public", "Must be true or false."),
        ({"favourites_public": 1}, "favourites_public", "Must be true or false."),
        ({"favourites_public": None}, "favourites_public", "This field may not be null."),
        ({"username": "root"}, "username", "Unknown field."),
        ({"first_name": "Ada"}, "first_name", "Unknown field."),
    ],
)
def test_me_patch_bad_input_is_a_400_and_changes_nothing(user, token, payload, field, message):
    response = _client(token).patch("/api/v1/me/", payload, format="json")

    user.refresh_from_db()
    body = response.json()
    assert response.status_code == 400
    assert body["fields"] == {field: [message]}
    assert (user.username, user.email, user.first_name, user.favourites_public) == (
        "ada",
        "ada@example.com",
        "",
        False,
    )


@pytest.mark.parametrize("raw", ["[]", '"ada"', "{", "null"])
def test_me_patch_body_that_is_not_an_object_is_a_400(token, raw):
    response = _client(token).patch("/api/v1/me/", raw, content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()) == {"status", "code", "message", "fields"}


def test_me_patch_is_the_token_owners(user, other_user):
    _, secret = token_services.api_token_create(user=other_user, name="g")

    response = _client(secret).patch("/api/v1/me/", {"display_name": "Grace H."}, format="json")

    user.refresh_from_db()
    other_user.refresh_from_db()
    assert response.json()["username"] == "grace"
    assert (user.first_name, other_user.first_name) == ("", "Grace H.")


def test_me_patch_anonymous_or_revoked_is_a_401(user, token):
    token_services.api_token_revoke(user=user, token_id=ApiToken.objects.get(user=user).pk)

    anonymous = _client().patch("/api/v1/me/", {"display_name": "x"}, format="json")
    revoked = _client(token).patch("/api/v1/me/", {"display_name": "x"}, format="json")

    user.refresh_from_db()
    assert (anonymous.status_code, revoked.status_code) == (401, 401)
    assert user.first_name == ""


def test_me_patch_with_a_session_needs_the_csrf_token(user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.patch("/api/v1/me/", {"display_name": "x"}, format="json")

    user.refresh_from_db()
    assert response.status_code == 403
    assert user.first_name == ""


def test_me_patch_privacy_opens_the_public_profile(user, token, theme):
    services.favourite_toggle(user=user, theme=theme, favourite=True)
    before = _client().get("/api/v1/users/ada/favourites/")

    _client(token).patch("/api/v1/me/", {"favourites_public": True}, format="json")

    after = _client().get("/api/v1/users/ada/favourites/")
    page = _client().get("/u/ada/")
    assert before.status_code == 404
    assert after.status_code == 200
    assert [item["theme"]["key"] for item in after.json()["results"]] == [theme.key]
    assert page.status_code == 200


# --- the profile page ---------------------------------------------------------------


def test_profile_lists_tokens_with_last_use(user_client, user, token):
    _client(token).get("/api/v1/me/")

    response = user_client.get("/accounts/profile/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "laptop" in page
    assert token not in page
    assert token[:8] in page
    assert "Never" not in page


def test_profile_token_create_shows_the_token_once(user_client, user):
    response = user_client.post("/accounts/profile/tokens/", {"name": "my script"})

    page = response.content.decode()
    row = ApiToken.objects.get(user=user)
    secret = response.context["new_secret"]
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert secret in page
    assert row.name == "my script"
    assert _client(secret).get("/api/v1/me/").status_code == 200
    assert secret not in user_client.get("/accounts/profile/").content.decode()


def test_profile_token_create_with_htmx_returns_the_section(user_client, user, htmx_headers):
    response = user_client.post("/accounts/profile/tokens/", {"name": "ci"}, **htmx_headers)

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="api-tokens"')
    assert "<html" not in page
    assert response.context["new_secret"] in page


def test_profile_token_create_without_a_name_shows_the_error(user_client, user, htmx_headers):
    plain = user_client.post("/accounts/profile/tokens/", {"name": ""})
    htmx = user_client.post("/accounts/profile/tokens/", {"name": "  "}, **htmx_headers)

    assert plain.status_code == 400
    assert htmx.status_code == 422
    assert "Give the token a name" in htmx.content.decode()
    assert ApiToken.objects.count() == 0


def test_profile_token_create_needs_csrf(user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post("/accounts/profile/tokens/", {"name": "x"})

    assert response.status_code == 403
    assert ApiToken.objects.count() == 0


def test_profile_token_revoke_redirects_without_js(user_client, user, token):
    row = ApiToken.objects.get(user=user)

    response = user_client.post(f"/accounts/profile/tokens/{row.pk}/revoke/", follow=True)

    assert response.redirect_chain == [("/accounts/profile/", 302)]
    assert "The token was revoked" in response.content.decode()
    assert ApiToken.objects.count() == 0
    assert _client(token).get("/api/v1/me/").status_code == 401


def test_profile_token_revoke_with_htmx_returns_the_section(user_client, user, token, htmx_headers):
    row = ApiToken.objects.get(user=user)

    response = user_client.post(f"/accounts/profile/tokens/{row.pk}/revoke/", **htmx_headers)

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="api-tokens"')
    assert "You have no API tokens." in page


def test_profile_token_revoke_of_another_persons_token_changes_nothing(user_client, other_user):
    theirs, _ = token_services.api_token_create(user=other_user, name="theirs")

    response = user_client.post(f"/accounts/profile/tokens/{theirs.pk}/revoke/", follow=True)

    assert "That token does not exist or was already revoked." in response.content.decode()
    assert ApiToken.objects.filter(pk=theirs.pk).exists() is True


def test_profile_token_views_need_login(client, db):
    create = client.post("/accounts/profile/tokens/", {"name": "x"})
    revoke = client.post("/accounts/profile/tokens/1/revoke/")

    assert create.status_code == 302
    assert create["Location"].startswith("/accounts/login/")
    assert revoke.status_code == 302
    assert ApiToken.objects.count() == 0


def test_knox_makes_no_table_of_its_own(db):
    # Its swapped-out token table kept a foreign key to users that PostgreSQL would not
    # let tests truncate past.
    from django.db import connection

    tables = connection.introspection.table_names()

    assert "knox_authtoken" not in tables
    assert "tokens_apitoken" in tables
