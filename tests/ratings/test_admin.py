from __future__ import annotations

import pytest
from django.urls import reverse

from ratings.models import Favourite, Rating, Theme


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
