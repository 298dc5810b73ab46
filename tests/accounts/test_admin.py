from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from ratings.models import Rating, Theme


def test_user_changelist_shows_rating_count_and_model_status(admin_client, user, theme):
    row = Theme.objects.create(key=theme.key, **theme.fields())
    Rating.objects.create(user=user, theme=row, stars=4)

    response = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": "ada"})

    users = list(response.context["cl"].result_list)
    assert response.status_code == 200
    assert [(person.username, person._rating_count) for person in users] == [("ada", 1)]
    assert "No model yet" in response.content.decode()


def test_user_change_page_shows_derived_fields(admin_client, user):
    response = admin_client.get(reverse("admin:accounts_user_change", args=[user.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ratings" in html
    assert "Model&#x27;s last error" in html or "Model's last error" in html


def test_deactivate_action_deactivates_selected_but_not_self(admin_client, admin_user, user):
    other = User.objects.create_user("grace", password="x")

    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate", "_selected_action": [user.pk, admin_user.pk]},
        follow=True,
    )

    user.refresh_from_db()
    admin_user.refresh_from_db()
    other.refresh_from_db()
    assert response.status_code == 200
    assert (user.is_active, admin_user.is_active, other.is_active) == (False, True, True)
    messages = [str(message) for message in response.context["messages"]]
    assert messages == ["Deactivated 1 user(s).", "You cannot deactivate yourself."]


def test_user_admin_refused_to_ordinary_user(user_client):
    response = user_client.get(reverse("admin:accounts_user_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("rows", [1, 3])
def test_user_changelist_query_count(admin_client, theme, django_assert_num_queries, rows):
    row = Theme.objects.create(key=theme.key, **theme.fields())
    for index in range(rows):
        person = User.objects.create_user(f"rater{index}", password="x")
        Rating.objects.create(user=person, theme=row, stars=4)

    # Session, user, COUNT, full COUNT, the page (counts as subqueries), and the date
    # hierarchy's first/last and days: fast on 10,000 people once the join was gone.
    with django_assert_num_queries(7):
        response = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": "rater"})

    people = response.context["cl"].result_list
    assert [person._rating_count for person in people] == [1] * rows
