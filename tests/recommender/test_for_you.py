"""The "for you" page: picks from the person's model, locks, the model state box."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ratings import services
from ratings.themes import ThemeColours
from recommender.models import UserModel

# Six themes with clear likes and dislikes: light-on-dark pastels liked, muddy ones not.
_RATED = [
    ("1e1e2e-f38ba8-a6e3a1-89b4fa", 5),
    ("282a36-ff79c6-f1fa8c-50fa7b", 5),
    ("1a1b26-bb9af7-9ece6a-7aa2f7", 4),
    ("302010-605040-706050-806040", 1),
    ("2d2a20-5a5040-6b6048-70684a", 2),
    ("101010-505050-646464-787878", 1),
]


def _train(user, django_capture_on_commit_callbacks, ratings=_RATED) -> None:
    """Rate `ratings` as `user`; the immediate task backend trains the model on commit."""
    with django_capture_on_commit_callbacks(execute=True):
        for key, stars in ratings:
            services.rating_set(user=user, theme=ThemeColours.from_key(key), stars=stars)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _cards(page: str) -> list[str]:
    return re.findall(r'<li class="pick">(.*?)</li>\s*(?=<li class="pick">|</ol>)', page, re.S)


def _card_keys(page: str) -> list[str]:
    return re.findall(r'class="pick-preview" href="/t/([0-9a-f-]+)/"', page)


def _predicted(card: str) -> str:
    return re.search(r'aria-label="predicted (\d\.\d) stars">★ (\d\.\d)</span>', card)


def _status_box(page: str) -> str:
    return re.search(r'<section id="model-status".*?</section>', page, re.S)[0]


def _text(html: str) -> str:
    """What a person reads: tags dropped, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" .", ".")


def _is_fragment(page: str, section_id: str) -> bool:
    return (
        page.lstrip().startswith(f'<section id="{section_id}"')
        and page.rstrip().endswith("</section>")
        and "<html" not in page
        and "<h1" not in page
    )


@pytest.fixture
def trained(user, django_capture_on_commit_callbacks):
    _train(user, django_capture_on_commit_callbacks)
    return user


# --- permission -------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/for-you/", "/for-you/status/"])
def test_for_you_anonymous_is_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_for_you_post_is_not_allowed(user_client):
    response = user_client.post("/for-you/")

    assert response.status_code == 405


def test_for_you_shows_only_the_persons_own_model_state(
    make_user, django_capture_on_commit_callbacks
):
    ada, grace = make_user("ada"), make_user("grace")
    _train(ada, django_capture_on_commit_callbacks)
    _train(grace, django_capture_on_commit_callbacks, _RATED[:4])

    ada_page = _client(ada).get("/for-you/").content.decode()
    grace_page = _client(grace).get("/for-you/").content.decode()

    assert "Trained on 6 ratings" in _status_box(ada_page)
    assert "Trained on 4 ratings" in _status_box(grace_page)
    assert "Trained on 4 ratings" not in ada_page
    assert "Trained on 6 ratings" not in grace_page


# --- the picks --------------------------------------------------------------------


def test_for_you_trained_person_gets_twenty_cards_with_stars_and_reasons(trained):
    response = _client(trained).get("/for-you/")

    page = response.content.decode()
    cards = _cards(page)
    assert response.status_code == 200
    assert "<h1>For you</h1>" in page
    assert '<a href="/for-you/" aria-current="page">For you</a>' in page
    assert len(cards) == 20
    assert len(set(_card_keys(page))) == 20
    for card in cards:
        label, shown = _predicted(card).groups()
        assert label == shown
        assert 1.0 <= float(shown) <= 5.0
        reason = re.search(r'<p class="pick-reason">(.*?)</p>', card, re.S)[1]
        assert reason.strip() != ""
        key = re.search(r'href="/rate/\?theme=([0-9a-f-]+)">Rate it</a>', card)[1]
        assert f'aria-label="Colours of theme {key}"' in card
    assert _text(_status_box(page)) == "Trained on 6 ratings, just now."


def test_for_you_person_without_ratings_or_community_model_is_asked_to_rate(user_client):
    response = user_client.get("/for-you/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Rate a few themes and your picks appear here." in _status_box(page)
    assert "community" not in _status_box(page)
    assert _cards(page) == []
    assert "No picks yet: ThemeHub learns your taste from your stars." in page


def test_for_you_person_with_two_ratings_is_told_how_many_more(
    user, django_capture_on_commit_callbacks
):
    _train(user, django_capture_on_commit_callbacks, _RATED[:2])

    page = _client(user).get("/for-you/").content.decode()

    assert "Rate 1 more theme and your picks appear here." in _status_box(page)


def test_for_you_new_person_sees_community_picks_and_is_told_so(
    user, other_user, django_capture_on_commit_callbacks
):
    _train(other_user, django_capture_on_commit_callbacks)

    page = _client(user).get("/for-you/").content.decode()

    box = _status_box(page)
    assert "Rate a few themes and your picks appear here." in box
    assert "Meanwhile these are the community's picks, learnt from everyone's ratings." in box
    assert len(_cards(page)) == 20


def test_for_you_reason_close_to_a_rated_theme_links_to_it(
    user, django_capture_on_commit_callbacks
):
    _train(user, django_capture_on_commit_callbacks)
    liked = ThemeColours.from_key(_RATED[0][0])
    # Every slot locked to a theme rated 5 stars: the one pick is that theme.
    locks = dict(zip(("background", "color1", "color2", "color3"), liked.hexes, strict=True))

    page = _client(user).get("/for-you/", locks).content.decode()

    reasons = re.findall(r'<p class="pick-reason">(.*?)</p>', page, re.S)
    assert len(reasons) == 1
    assert set(reasons) == {
        f'Close to <a href="/rate/?theme={liked.key}">a theme</a> you gave 5 stars'
    }
    assert "Lock this background" not in page


def test_for_you_card_offers_to_lock_its_background(trained):
    page = _client(trained).get("/for-you/").content.decode()

    card = _cards(page)[0]
    background = re.search(r'title="Background #([0-9a-f]{6})', card)[1]
    assert f'href="/for-you/?background=%23{background}"' in card
    assert ">Lock this background</a>" in card


def test_for_you_preview_language_comes_from_the_session(trained):
    client = _client(trained)
    client.get("/rate/", {"lang": "rust"})

    page = client.get("/for-you/").content.decode()

    assert page.count('aria-label="Rust code in theme') == 20
    assert '?lang=rust" hx-get="/for-you/?lang=rust" hx-target="#picks"' in page


def test_for_you_htmx_get_returns_only_the_picks_fragment(trained, htmx_headers):
    response = _client(trained).get("/for-you/", {"lang": "go"}, **htmx_headers)

    page = response.content.decode()
    assert response.status_code == 200
    assert _is_fragment(page, "picks") is True
    assert 'id="model-status"' not in page
    assert len(_cards(page)) == 20
    assert "HX-Request" in response["Vary"]


def test_for_you_history_restore_returns_the_whole_page(trained):
    response = _client(trained).get(
        "/for-you/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )

    page = response.content.decode()
    assert "<h1>For you</h1>" in page
    assert 'id="model-status"' in page


def test_for_you_page_makes_few_queries(trained, django_assert_max_num_queries):
    client = _client(trained)

    # One more than before favourites: the heart states of all twenty cards, in one query.
    with django_assert_max_num_queries(5):
        client.get("/for-you/")


# --- locks ------------------------------------------------------------------------


def test_for_you_background_lock_fixes_every_cards_background(trained):
    response = _client(trained).get("/for-you/", {"background": "#0A0B0C", "color1": ""})

    page = response.content.decode()
    keys = _card_keys(page)
    assert response.status_code == 200
    assert len(keys) == 20
    assert {key.split("-")[0] for key in keys} == {"0a0b0c"}
    assert re.findall(r'class="swatch" title="Background (#[0-9a-f]{6})', page) == ["#0a0b0c"] * 20
    assert "Lock this background" not in page
    assert 'name="background" id="id_background" value="#0A0B0C"' in page
    assert '<input type="color" value="#0a0b0c"' in page


def test_for_you_colour_locks_fix_their_slots(trained):
    response = _client(trained).get("/for-you/", {"color2": "a6e3a1", "color3": "#89b4fa"})

    keys = _card_keys(response.content.decode())
    assert len(keys) == 20
    assert {tuple(key.split("-")[2:]) for key in keys} == {("a6e3a1", "89b4fa")}


def test_for_you_lock_shortcut_keeps_the_other_locks(trained):
    page = _client(trained).get("/for-you/", {"color1": "#f38ba8"}).content.decode()

    card = _cards(page)[0]
    background = re.search(r'title="Background #([0-9a-f]{6})', card)[1]
    assert f'href="/for-you/?background=%23{background}&amp;color1=%23f38ba8"' in card


def test_for_you_invalid_lock_is_400_with_the_error_next_to_the_field(trained):
    response = _client(trained).get("/for-you/", {"background": "#12345", "color1": "#f38ba8"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "<h1>For you</h1>" in page
    assert (
        '<p class="errorlist" id="id_background-error" role="alert">'
        "&#x27;#12345&#x27; is not a colour: use #rrggbb, e.g. #1e1e2e.</p>"
    ) in page
    assert 'value="#12345" placeholder="#rrggbb"' in page
    assert _cards(page) == []
    assert "Fix the colours above to see your picks." in page
    assert "Trained on 6 ratings" in _status_box(page)


def test_for_you_htmx_invalid_lock_is_422_with_the_picks_fragment(trained, htmx_headers):
    response = _client(trained).get("/for-you/", {"color3": "tomato"}, **htmx_headers)

    page = response.content.decode()
    assert response.status_code == 422
    assert _is_fragment(page, "picks") is True
    assert "&#x27;tomato&#x27; is not a colour: use #rrggbb, e.g. #1e1e2e." in page
    assert 'aria-invalid="true" aria-describedby="id_color3-error"' in page


def test_for_you_very_long_lock_value_is_a_form_error(user_client):
    response = user_client.get("/for-you/", {"color1": "9" * 10_000})

    page = response.content.decode()
    assert response.status_code == 400
    assert "is not a colour: use #rrggbb" in page


# --- the model state box ----------------------------------------------------------


def test_for_you_status_polls_while_training(trained):
    UserModel.objects.filter(user=trained).update(queued_at=timezone.now())

    response = _client(trained).get("/for-you/status/")

    page = response.content.decode()
    assert response.status_code == 200
    assert _is_fragment(page, "model-status") is True
    assert 'hx-get="/for-you/status/" hx-trigger="every 2s" hx-swap="outerHTML"' in page
    assert "updating…" in page
    assert "Trained on 6 ratings" in page


def test_for_you_page_shows_the_polling_box_while_training(trained):
    UserModel.objects.filter(user=trained).update(running_since=timezone.now())

    page = _client(trained).get("/for-you/").content.decode()

    assert 'hx-trigger="every 2s"' in _status_box(page)
    assert len(_cards(page)) == 20


def test_for_you_status_when_fresh_stops_polling_and_asks_for_new_picks(trained, htmx_headers):
    response = _client(trained).get("/for-you/status/", **htmx_headers)

    page = response.content.decode()
    assert _is_fragment(page, "model-status") is True
    assert "every 2s" not in page
    assert "updating" not in page
    assert _text(page) == "Trained on 6 ratings, just now."
    assert response["HX-Trigger"] == '{"picks-ready": {}}'


def test_for_you_status_while_training_does_not_ask_for_new_picks(trained, htmx_headers):
    UserModel.objects.filter(user=trained).update(queued_at=timezone.now())

    response = _client(trained).get("/for-you/status/", **htmx_headers)

    assert "HX-Trigger" not in response


def test_for_you_picks_reload_when_the_status_says_so(trained):
    page = _client(trained).get("/for-you/", {"background": "#101010"}).content.decode()

    assert (
        '<section id="picks" class="picks" hx-get="/for-you/?background=%23101010" '
        'hx-trigger="picks-ready from:body"'
    ) in page


def test_for_you_first_training_says_it_is_learning(user):
    UserModel.objects.create(user=user, queued_at=timezone.now())

    page = _client(user).get("/for-you/status/").content.decode()

    assert "updating… learning your taste from your ratings." in page
    assert "Rate a few themes and your picks appear here." in page


def test_for_you_failed_update_is_shown_discreetly(trained):
    UserModel.objects.filter(user=trained).update(
        last_error="ValueError: boom", last_error_at=timezone.now()
    )

    page = _client(trained).get("/for-you/").content.decode()

    box = _status_box(page)
    assert (
        '<p class="model-status__error">The last update failed; '
        "your previous model is still serving.</p>"
    ) in box
    assert "boom" not in page
    assert "Trained on 6 ratings" in box


def test_for_you_status_says_how_long_ago_the_model_was_trained(trained):
    UserModel.objects.filter(user=trained).update(
        trained_at=timezone.now() - timedelta(hours=3, minutes=1)
    )

    page = _client(trained).get("/for-you/status/").content.decode()

    assert _text(page) == "Trained on 6 ratings, 3 hours ago."
