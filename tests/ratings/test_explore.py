"""Explore: community lists, featured first, hue / contrast filters, colour search; error pages."""

from __future__ import annotations

import re
from datetime import timedelta

import numpy as np
import pytest
from django.test import RequestFactory
from django.utils import timezone
from django.views.defaults import server_error

from ratings import colour, selectors, services
from ratings.models import Favourite, Rating, Theme
from ratings.themes import ThemeColours, draw

URL = "/explore/"

# Keyword colours chosen well inside one hue family each (OKLab hue in the comment).
RED = ThemeColours.from_key("101010-ff0000-a0a0a0-a0a0a0")  # 29°
GREEN = ThemeColours.from_key("101010-00ff00-a0a0a0-a0a0a0")  # 142°
BLUE = ThemeColours.from_key("101010-0000ff-a0a0a0-a0a0a0")  # 264°
GREY = ThemeColours.from_key("101010-808090-a0a0a0-a0a0a0")  # chroma 0.02: neutral


def _card_keys(page: str) -> list[str]:
    return re.findall(r'class="explore-preview" href="/t/([0-9a-f-]+)/"', page)


def _cards(page: str) -> list[str]:
    return re.findall(
        r'<li class="explore-card">(.*?)</li>\s*(?=<li class="explore-card">|</ol>)', page, re.S
    )


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


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


@pytest.fixture
def people(make_user):
    return [make_user(f"person{index}") for index in range(4)]


# --- the selector's colour maths --------------------------------------------------


def test_hue_families_by_oklab_hue_and_chroma():
    rgb = np.array(
        [colour.parse_hex(h) for h in ("#ff0000", "#ff8000", "#ffff00", "#00ff00", "#00ffff")]
        + [colour.parse_hex(h) for h in ("#0000ff", "#8000ff", "#ff69b4", "#f38ba8", "#808090")],
        dtype=np.uint8,
    )

    names = [selectors.HUE_FAMILY_NAMES[i] for i in selectors.hue_families(rgb)]

    assert names == [
        "red", "orange", "yellow", "green", "cyan", "blue", "purple", "pink", "pink", "neutral",
    ]  # fmt: skip


def test_weakest_contrast_is_the_lowest_colour_on_the_background():
    themes = [ThemeColours.from_key("000000-ffffff-777777-333333"), RED]
    rgb = np.stack([theme.rgb for theme in themes])

    weakest = selectors.weakest_contrast(rgb)

    expected = [float(colour.contrast_ratio(theme.rgb[1:], theme.rgb[0]).min()) for theme in themes]
    assert weakest.tolist() == pytest.approx(expected)
    assert weakest[0] == pytest.approx(1.66, abs=0.01)


def test_nearest_distance_matches_delta_e_of_the_closest_colour():
    rgb = draw(50, np.random.default_rng(3))
    target = (255, 121, 198)

    distance = selectors.nearest_distance(rgb, target)

    expected = [min(float(colour.delta_e(c, target)) for c in theme) for theme in rgb]
    assert distance.shape == (50,)
    assert distance.tolist() == pytest.approx(expected)


# --- the lists --------------------------------------------------------------------


def test_explore_most_favourited_this_week(client, people, theme, other_theme):
    _favourite(people[:1], theme)
    _favourite(people[:2], other_theme)
    _favourite(people, RED, days_ago=8)  # the most favourited, but last week

    response = client.get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert _card_keys(page) == [other_theme.key, theme.key]
    assert "♥ 2 favourites this week" in _text(_cards(page)[0])


def test_explore_most_favourited_all_time(client, people, theme, other_theme):
    _favourite(people[:1], theme)
    _favourite(people[:2], other_theme)
    _favourite(people, RED, days_ago=8)

    page = client.get(URL, {"period": "all"}).content.decode()

    assert _card_keys(page) == [RED.key, other_theme.key, theme.key]
    assert "♥ 4 favourites" in _text(_cards(page)[0])


def test_explore_best_rated_uses_a_bayesian_average(client, people, theme, other_theme):
    # One 5-star rating (prior-weighted 3.5) must not beat four 5-star ratings (4.14).
    _rate([(people[0], 5)], theme)
    _rate([(person, 5) for person in people], other_theme)
    _rate([(people[0], 1)], RED)

    page = client.get(URL, {"sort": "rated", "period": "all"}).content.decode()

    assert _card_keys(page) == [other_theme.key, theme.key, RED.key]
    assert "★ 5.0 4 ratings" in _text(_cards(page)[0])


def test_explore_best_rated_this_week_counts_ratings_made_this_week(
    client, people, theme, other_theme
):
    _rate([(person, 5) for person in people], other_theme, days_ago=10)
    _rate([(people[0], 4)], theme)

    page = client.get(URL, {"sort": "rated"}).content.decode()

    assert _card_keys(page) == [theme.key]
    assert "1 rating this week" in _text(page)


def test_explore_newest_favourites_first(client, people, theme, other_theme):
    _favourite(people, theme, days_ago=30)
    _favourite(people[:1], RED, days_ago=2)
    _favourite(people[:1], other_theme)

    page = client.get(URL, {"sort": "newest"}).content.decode()

    assert _card_keys(page) == [other_theme.key, RED.key, theme.key]
    assert "This week" not in page  # the period does not apply to the newest favourites


def test_explore_featured_themes_come_first(client, people, theme, other_theme):
    _favourite(people, theme)
    _favourite(people[:1], other_theme)
    Theme.objects.create(key=BLUE.key, **BLUE.fields(), featured_at=timezone.now())
    Theme.objects.filter(key=other_theme.key).update(featured_at=timezone.now())

    page = client.get(URL).content.decode()

    # Newest featured first; a featured theme nobody favourited this week still shows.
    assert _card_keys(page) == [other_theme.key, BLUE.key, theme.key]
    featured = ["Featured" in _text(card) for card in _cards(page)]
    assert featured == [True, True, False]


def test_explore_card_links_to_the_theme_page_with_preview_swatches_and_heart(
    client, people, theme
):
    _favourite(people[:1], theme)

    card = _cards(client.get(URL).content.decode())[0]

    assert f'href="/t/{theme.key}/" aria-label="Open theme {theme.key}"' in card
    assert f'aria-label="Python code in theme {theme.key}"' in card
    assert f'aria-label="Colours of theme {theme.key}"' in card
    assert f'aria-label="Log in to favourite theme {theme.key}"' in card


def test_explore_hearts_show_the_persons_favourites(user_client, user, people, theme, other_theme):
    _favourite(people, other_theme)
    _favourite([user], theme)

    page = user_client.get(URL).content.decode()

    hearts = dict(
        (key, pressed)
        for pressed, key in re.findall(
            r'aria-pressed="(true|false)" aria-label="Favourite theme ([0-9a-f-]+)"', page
        )
    )
    assert hearts == {other_theme.key: "false", theme.key: "true"}


def test_explore_is_in_the_navigation(client, user_client, db):
    for who in (client, user_client):
        page = who.get(URL).content.decode()

        assert '<a href="/explore/" aria-current="page">Explore</a>' in page


def test_explore_empty_week_offers_all_time(client, people, theme):
    _favourite(people, theme, days_ago=9)

    page = client.get(URL).content.decode()

    assert _card_keys(page) == []
    assert "Nothing favourited this week yet." in _text(page)
    assert 'href="?period=all"' in page


# --- filters and colour search ----------------------------------------------------


@pytest.fixture
def four_hues(people):
    for theme in (RED, GREEN, BLUE, GREY):
        _favourite(people[:1], theme)


@pytest.mark.parametrize(
    ("hue", "expected"),
    [("red", [RED]), ("green", [GREEN]), ("blue", [BLUE]), ("neutral", [GREY]), ("pink", [])],
)
def test_explore_filters_by_the_keyword_colours_hue_family(client, four_hues, hue, expected):
    page = client.get(URL, {"hue": hue, "period": "all"}).content.decode()

    assert _card_keys(page) == [theme.key for theme in expected]
    assert f'value="{hue}" checked' in page


def test_explore_no_match_says_so(client, four_hues):
    page = client.get(URL, {"hue": "pink"}).content.decode()

    assert "No themes match these filters." in _text(page)


def test_explore_filters_by_minimum_contrast_of_the_weakest_colour(client, people):
    # Weakest colours: 2.06:1 (#555555), 5.74:1 (#909090), 12.6:1 (#d0d0d0) on #101010.
    low = ThemeColours.from_key("101010-ffffff-555555-ffffff")
    mid = ThemeColours.from_key("101010-ffffff-909090-ffffff")
    high = ThemeColours.from_key("101010-ffffff-d0d0d0-ffffff")
    for theme in (low, mid, high):
        _favourite(people[:1], theme)

    at_aa = client.get(URL, {"min_contrast": "4.5"}).content.decode()
    at_aaa = client.get(URL, {"min_contrast": "7"}).content.decode()

    assert sorted(_card_keys(at_aa)) == sorted([mid.key, high.key])
    assert _card_keys(at_aaa) == [high.key]


def test_explore_colour_search_orders_by_perceptual_distance(client, four_hues):
    page = client.get(URL, {"near": "#EE1111"}).content.decode()

    keys = _card_keys(page)
    assert keys[0] == RED.key
    assert sorted(keys) == sorted(theme.key for theme in (RED, GREEN, BLUE, GREY))
    distance = float(colour.delta_e(colour.parse_hex("#ee1111"), (255, 0, 0)))
    assert f"ΔE {distance:.1f}" in _text(_cards(page)[0])
    assert "closest to" in _text(page)
    assert "<code>#ee1111</code>" in page


def test_explore_filters_combine(client, four_hues):
    page = client.get(URL, {"near": "#00ff00", "hue": "blue", "min_contrast": "1"}).content
    assert _card_keys(page.decode()) == [BLUE.key]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"hue": "mauve"}, "Choose a hue family: red, orange, yellow"),
        ({"min_contrast": "lots"}, "Minimum contrast is a WCAG ratio from 1 to 21, e.g. 4.5."),
        ({"min_contrast": "0.5"}, "Minimum contrast is a WCAG ratio from 1 to 21, e.g. 4.5."),
        ({"min_contrast": "22"}, "Minimum contrast is a WCAG ratio from 1 to 21, e.g. 4.5."),
        ({"min_contrast": "nan"}, "Minimum contrast is a WCAG ratio from 1 to 21, e.g. 4.5."),
        ({"near": "#ggg000"}, "is not a colour: use #rrggbb, e.g. #1e1e2e."),
        ({"near": "x" * 500}, "A colour is written #rrggbb, e.g. #ff79c6."),
        ({"sort": "loudest"}, "Sort by favourited, rated or newest."),
        ({"period": "month"}, "The period is week or all."),
    ],
)
def test_explore_bad_filter_is_a_form_error(client, four_hues, query, message):
    response = client.get(URL, query)

    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert _card_keys(page) == []
    assert "Fix the filters above to explore themes." in page


def test_explore_bad_filter_keeps_the_good_ones(client, four_hues):
    page = client.get(URL, {"sort": "rated", "near": "#zzz"}).content.decode()

    assert '<input type="hidden" name="sort" value="rated">' in page
    assert 'value="#zzz"' in page


# --- pagination and query counts --------------------------------------------------


def _favourite_many(person, count: int) -> list[ThemeColours]:
    themes = [ThemeColours.from_array(rgb) for rgb in draw(count, np.random.default_rng(7))]
    for theme in themes:
        services.favourite_toggle(user=person, theme=theme, favourite=True)
    return themes


def test_explore_is_paginated_and_keeps_the_filters(client, user):
    _favourite_many(user, 26)

    first = client.get(URL, {"period": "all", "min_contrast": "1"}).content.decode()
    second = client.get(URL, {"period": "all", "min_contrast": "1", "page": "2"}).content.decode()

    assert len(_card_keys(first)) == 24
    assert len(_card_keys(second)) == 2
    assert set(_card_keys(first)).isdisjoint(_card_keys(second))
    assert 'href="?period=all&amp;min_contrast=1&amp;page=2" rel="next"' in first
    assert "Page 2 of 2" in second


@pytest.mark.parametrize("rows", [1, 3])
def test_explore_query_count_is_flat_anonymous(client, user, rows, django_assert_num_queries):
    _favourite_many(user, rows)
    Theme.objects.filter(pk=Theme.objects.first().pk).update(featured_at=timezone.now())

    # the ranked list and the featured themes
    with django_assert_num_queries(2):
        page = client.get(URL, {"period": "all"}).content.decode()
    assert len(_card_keys(page)) == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_explore_ranked_list_comes_from_the_cache(client, user, rows, django_assert_num_queries):
    _favourite_many(user, rows)
    client.get(URL, {"period": "all", "hue": "blue"})

    # only the featured themes: another filter on the same list reads the cached list
    with django_assert_num_queries(1):
        page = client.get(URL, {"period": "all", "near": "#ff79c6"}).content.decode()
    assert len(_card_keys(page)) == rows


def test_explore_cached_list_is_per_sort_and_period(client, people, theme, other_theme):
    _favourite(people[:2], theme, days_ago=9)
    _favourite(people[:1], other_theme)
    client.get(URL)

    week = client.get(URL).content.decode()
    all_time = client.get(URL, {"period": "all"}).content.decode()
    newest = client.get(URL, {"sort": "newest"}).content.decode()

    assert _card_keys(week) == [other_theme.key]
    assert _card_keys(all_time) == [theme.key, other_theme.key]
    assert _card_keys(newest) == [other_theme.key, theme.key]


@pytest.mark.parametrize("sort", ["favourited", "rated", "newest"])
@pytest.mark.parametrize("rows", [1, 3])
def test_explore_query_count_is_flat_logged_in(
    user_client, user, rows, sort, django_assert_num_queries
):
    for theme in _favourite_many(user, rows):
        services.rating_set(user=user, theme=theme, stars=4)

    # session, user, the ranked list, the featured themes, the person's favourite keys
    with django_assert_num_queries(5):
        page = user_client.get(URL, {"sort": sort, "near": "#ff79c6"}).content.decode()
    assert len(_card_keys(page)) == rows


def test_explore_candidates_are_capped(user, monkeypatch):
    monkeypatch.setattr(selectors, "EXPLORE_CANDIDATES", 5)
    _favourite_many(user, 8)

    cards = selectors.explore_themes(period="all")

    assert len(cards) == 5


# --- links to the theme page from other cards -------------------------------------


def test_history_card_opens_the_theme_page(user_client, user, theme):
    services.rating_set(user=user, theme=theme, stars=4)

    page = user_client.get("/history/").content.decode()

    assert f'class="history-preview" href="/t/{theme.key}/"' in page


# --- error pages ------------------------------------------------------------------


def test_not_found_page_is_in_the_sites_layout(user_client, db):
    response = user_client.get("/no/such/page/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in page
    assert "<code>/no/such/page/</code>" in page
    assert 'class="site-header"' in page
    assert ">ada</a>" in page


def test_not_found_theme_explains_the_key(client, db):
    page = client.get("/t/not-a-theme/").content.decode()

    assert "address holds its four colours" in page


def test_server_error_page_needs_no_context(db):
    request = RequestFactory().get("/boom/")

    response = server_error(request)

    page = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in page
    assert "{%" not in page
    assert "{{" not in page
