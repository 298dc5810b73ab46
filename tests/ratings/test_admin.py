from __future__ import annotations

import pytest
from django.urls import reverse

from ratings.models import Favourite, Rating, Theme
from ratings.themes import ThemeColours

KEYS = ["1e1e2e-f38ba8-a6e3a1-89b4fa", "282a36-ff79c6-f1fa8c-50fa7b", "002b36-859900-2aa198-268bd2"]


@pytest.fixture
def themes(theme, other_theme) -> list[Theme]:
    return [Theme.objects.create(key=item.key, **item.fields()) for item in (theme, other_theme)]


def test_feature_action_sets_featured_at(admin_client, themes):
    admin_client.post(
        reverse("admin:ratings_theme_changelist"),
        {"action": "feature", "_selected_action": [themes[0].pk]},
    )

    featured = {row.key: row.featured_at is not None for row in Theme.objects.all()}
    assert featured == {themes[0].key: True, themes[1].key: False}


def test_feature_again_keeps_the_first_date(admin_client, themes):
    url = reverse("admin:ratings_theme_changelist")
    admin_client.post(url, {"action": "feature", "_selected_action": [themes[0].pk]})
    first = Theme.objects.get(pk=themes[0].pk).featured_at

    admin_client.post(url, {"action": "feature", "_selected_action": [themes[0].pk]})

    assert Theme.objects.get(pk=themes[0].pk).featured_at == first


def test_unfeature_action_clears_featured_at(admin_client, themes):
    url = reverse("admin:ratings_theme_changelist")
    admin_client.post(url, {"action": "feature", "_selected_action": [t.pk for t in themes]})

    admin_client.post(url, {"action": "unfeature", "_selected_action": [themes[1].pk]})

    assert list(Theme.objects.filter(featured_at__isnull=False).values_list("pk", flat=True)) == [
        themes[0].pk
    ]


def test_theme_changelist_counts_and_featured_filter(admin_client, themes, user, other_user):
    Rating.objects.create(user=user, theme=themes[0], stars=5)
    Rating.objects.create(user=other_user, theme=themes[0], stars=2)
    Favourite.objects.create(user=user, theme=themes[0])
    url = reverse("admin:ratings_theme_changelist")
    admin_client.post(url, {"action": "feature", "_selected_action": [themes[0].pk]})

    response = admin_client.get(url, {"featured": "yes"})

    rows = list(response.context["cl"].result_list)
    assert [(row.key, row._rating_count, row._average, row._favourite_count) for row in rows] == [
        (themes[0].key, 2, 3.5, 1)
    ]


def test_rating_and_favourite_changelists_load(admin_client, themes, user):
    Rating.objects.create(user=user, theme=themes[0], stars=3)
    Favourite.objects.create(user=user, theme=themes[1])

    ratings = admin_client.get(reverse("admin:ratings_rating_changelist"), {"q": "ada"})
    favourites = admin_client.get(reverse("admin:ratings_favourite_changelist"), {"q": "ada"})

    assert [str(row) for row in ratings.context["cl"].result_list] == [
        f"ada gave {themes[0].key} 3★"
    ]
    assert [str(row) for row in favourites.context["cl"].result_list] == [f"ada ♥ {themes[1].key}"]


def test_theme_changelist_counts_without_joins(admin_client, themes, user, other_user):
    """Two ratings and two favourites of one theme: counts are not multiplied (no join)."""
    for person in (user, other_user):
        Rating.objects.create(user=person, theme=themes[0], stars=4)
        Favourite.objects.create(user=person, theme=themes[0])

    response = admin_client.get(reverse("admin:ratings_theme_changelist"))

    counts = {
        row.key: (row._rating_count, row._average, row._favourite_count)
        for row in response.context["cl"].result_list
    }
    assert counts == {themes[0].key: (2, 4.0, 2), themes[1].key: (0, None, 0)}


@pytest.mark.parametrize("rows", [1, 3])
def test_theme_changelist_query_count(admin_client, make_user, django_assert_num_queries, rows):
    for index, key in enumerate(KEYS[:rows]):
        theme = Theme.objects.create(key=key, **ThemeColours.from_key(key).fields())
        Rating.objects.create(user=make_user(f"p{index}"), theme=theme, stars=3)

    # Session, user, the page's COUNT, the page (counts as subqueries): no full count.
    with django_assert_num_queries(4):
        response = admin_client.get(reverse("admin:ratings_theme_changelist"))

    assert len(response.context["cl"].result_list) == rows


def test_rating_changelist_stars_filter(admin_client, themes, user, other_user):
    Rating.objects.create(user=user, theme=themes[0], stars=5)
    Rating.objects.create(user=other_user, theme=themes[0], stars=2)

    response = admin_client.get(reverse("admin:ratings_rating_changelist"), {"stars": "2"})

    assert [row.user for row in response.context["cl"].result_list] == [other_user]
    assert "5★" in response.content.decode()  # every choice offered, none looked up


@pytest.mark.parametrize("rows", [1, 3])
def test_rating_changelist_query_count(
    admin_client, themes, make_user, django_assert_num_queries, rows
):
    for index in range(rows):
        Rating.objects.create(user=make_user(f"p{index}"), theme=themes[0], stars=3)

    # Session, user, COUNT, the page: no date hierarchy, no DISTINCT stars, no full count.
    with django_assert_num_queries(4):
        response = admin_client.get(reverse("admin:ratings_rating_changelist"))

    assert len(response.context["cl"].result_list) == rows
