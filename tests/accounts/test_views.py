"""Sign-up, log-in, log-out, password change and reset, profile."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from accounts.models import User
from ratings import services
from tests.conftest import PASSWORD

NEW_PASSWORD = "violet-lantern-orbit-42"


def _signup_data(**overrides: str) -> dict[str, str]:
    return {
        "username": "linus",
        "email": "linus@example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }


# --- sign-up ----------------------------------------------------------------------


def test_signup_page_shows_the_four_fields(client, db):
    response = client.get("/accounts/signup/")

    page = response.content.decode()
    assert response.status_code == 200
    for name in ("username", "email", "password1", "password2"):
        assert f'name="{name}"' in page


def test_signup_creates_account_logs_in_and_goes_to_rate(client, db):
    response = client.post("/accounts/signup/", _signup_data(), follow=True)

    user = User.objects.get(username="linus")
    assert response.redirect_chain == [("/rate/", 302)]
    assert user.email == "linus@example.com"
    assert user.check_password(NEW_PASSWORD) is True
    assert response.context["user"] == user
    assert "Welcome, linus!" in response.content.decode()


def test_signup_duplicate_email_is_refused(client, user):
    response = client.post("/accounts/signup/", _signup_data(email="ADA@example.com"))

    assert response.status_code == 200
    assert "An account with this email address already exists." in response.content.decode()
    assert User.objects.filter(username="linus").exists() is False


def test_signup_duplicate_username_in_other_case_is_refused(client, user):
    response = client.post("/accounts/signup/", _signup_data(username="ADA"))

    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [
        "A user with that username already exists."
    ]
    assert User.objects.count() == 1


def test_signup_mismatched_passwords_are_refused(client, db):
    response = client.post("/accounts/signup/", _signup_data(password2="something-else-42"))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["password2"]
    assert User.objects.exists() is False


def test_signup_empty_post_shows_required_errors(client, db):
    response = client.post("/accounts/signup/", {})

    form = response.context["form"]
    assert response.status_code == 200
    assert sorted(form.errors) == ["email", "password1", "password2", "username"]
    assert "This field is required." in response.content.decode()


def test_signup_logged_in_redirects_to_rate(user_client):
    response = user_client.get("/accounts/signup/")

    assert response.status_code == 302
    assert response["Location"] == "/rate/"


def test_signup_put_is_not_allowed(client, db):
    response = client.put("/accounts/signup/")

    assert response.status_code == 405


# --- log in and out ---------------------------------------------------------------


def test_login_with_right_password_goes_to_rate(client, user):
    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/rate/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_follows_safe_next(client, user):
    response = client.post(
        "/accounts/login/?next=/history/",
        {"username": "ada", "password": PASSWORD, "next": "/history/"},
    )

    assert response["Location"] == "/history/"


def test_login_ignores_next_to_another_site(client, user):
    response = client.post(
        "/accounts/login/",
        {"username": "ada", "password": PASSWORD, "next": "https://evil.example.com/"},
    )

    assert response["Location"] == "/rate/"


def test_login_with_wrong_password_shows_error(client, user):
    response = client.post("/accounts/login/", {"username": "ada", "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_page_keeps_next_in_form(client, db):
    response = client.get("/accounts/login/?next=/history/")

    assert '<input type="hidden" name="next" value="/history/">' in response.content.decode()


def test_logout_post_logs_out_and_goes_home(user_client):
    response = user_client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in user_client.session


def test_logout_get_is_not_allowed(user_client, user):
    response = user_client.get("/accounts/logout/")

    assert response.status_code == 405
    assert user_client.session["_auth_user_id"] == str(user.pk)


# --- password change --------------------------------------------------------------


def test_password_change_sets_new_password(user_client, user):
    response = user_client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    user.refresh_from_db()
    assert response.redirect_chain == [("/accounts/password_change/done/", 302)]
    assert user.check_password(NEW_PASSWORD) is True
    assert response.context["user"] == user


def test_password_change_wrong_old_password_changes_nothing(user_client, user):
    response = user_client.post(
        "/accounts/password_change/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    user.refresh_from_db()
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["old_password"]
    assert user.check_password(PASSWORD) is True


# --- password reset ---------------------------------------------------------------


def test_password_reset_email_link_sets_new_password(client, user):
    sent = client.post("/accounts/password_reset/", {"email": "ada@example.com"})
    assert sent["Location"] == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.com"]
    assert mail.outbox[0].subject == "ThemeHub: reset your password"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    user.refresh_from_db()
    assert done["Location"] == "/accounts/reset/done/"
    assert user.check_password(NEW_PASSWORD) is True
    assert client.get(link, follow=True).context["validlink"] is False


def test_password_reset_unknown_email_sends_nothing_but_looks_the_same(client, user):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.com"})

    assert response["Location"] == "/accounts/password_reset/done/"
    assert mail.outbox == []


def test_password_reset_bad_link_shows_invalid_notice(client, user):
    response = client.get("/accounts/reset/MQ/not-a-token/")

    assert response.status_code == 200
    assert response.context["validlink"] is False
    assert "This reset link is no longer valid" in response.content.decode()


# --- profile ----------------------------------------------------------------------


def test_profile_shows_details_and_ratings_count(user_client, user, theme, other_theme):
    services.rating_set(user=user, theme=theme, stars=4)
    services.rating_set(user=user, theme=other_theme, stars=2)

    response = user_client.get("/accounts/profile/")

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["rating_count"] == 2
    assert '<dt>Ratings</dt><dd><a href="/history/">2</a></dd>' in page
    assert 'value="ada@example.com"' in page


def test_profile_counts_only_own_ratings(user_client, other_user, theme):
    services.rating_set(user=other_user, theme=theme, stars=4)

    response = user_client.get("/accounts/profile/")

    assert response.context["rating_count"] == 0


def test_profile_saves_email_and_display_name(user_client, user):
    response = user_client.post(
        "/accounts/profile/", {"email": "ada@lovelace.example", "first_name": "Ada L."}, follow=True
    )

    user.refresh_from_db()
    assert response.redirect_chain == [("/accounts/profile/", 302)]
    assert (user.email, user.first_name) == ("ada@lovelace.example", "Ada L.")
    assert "<h1>Ada L.</h1>" in response.content.decode()
    assert "Your profile was saved." in response.content.decode()


def test_profile_email_of_another_account_is_refused(user_client, user, other_user):
    response = user_client.post(
        "/accounts/profile/", {"email": "GRACE@example.com", "first_name": "Not saved"}
    )

    user.refresh_from_db()
    page = response.content.decode()
    assert response.status_code == 200
    assert "Another account uses this email address." in page
    assert (user.email, user.first_name) == ("ada@example.com", "")
    # The heading shows the saved name, not the one that failed to save.
    assert "<h1>ada</h1>" in page


def test_profile_email_cannot_be_removed(user_client, user):
    response = user_client.post("/accounts/profile/", {"email": "", "first_name": "Ada"})

    user.refresh_from_db()
    assert response.context["form"].errors["email"] == ["This field is required."]
    assert user.email == "ada@example.com"


def test_profile_empty_post_shows_errors(user_client, user):
    response = user_client.post("/accounts/profile/", {})

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["This field is required."]


@pytest.mark.parametrize("method", ["put", "delete"])
def test_profile_other_methods_are_not_allowed(user_client, method):
    response = getattr(user_client, method)("/accounts/profile/")

    assert response.status_code == 405
