from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ratings.models import Favourite, Rating, Theme
from ratings.themes import ThemeColours
from recommender import services
from recommender.models import UserModel
from themehub.dashboard.selectors import DAYS, dashboard

KEYS = [
    "1e1e2e-f38ba8-a6e3a1-89b4fa",
    "282a36-ff79c6-f1fa8c-50fa7b",
    "002b36-859900-2aa198-268bd2",
]


@pytest.fixture
def staff(make_user):
    return make_user("boss", is_staff=True)


@pytest.fixture
def staff_client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def _theme(key: str) -> Theme:
    return Theme.objects.create(key=key, **ThemeColours.from_key(key).fields())


def _rate(user, theme: Theme, stars: int, when: dt.datetime) -> Rating:
    return Rating.objects.create(
        user=user, theme=theme, stars=stars, created_at=when, updated_at=when
    )


@pytest.fixture
def known(make_user):
    """Three people, four ratings, models fresh, stale and failed, one favourite."""
    now = timezone.now()
    ada = make_user("lin")
    grace = make_user("mae")
    grace.date_joined = now - dt.timedelta(days=2)
    grace.save()
    old = make_user("old")
    old.date_joined = now - dt.timedelta(days=40)
    old.last_login = now - dt.timedelta(days=10)
    old.save()
    themes = [_theme(key) for key in KEYS]
    _rate(ada, themes[0], 5, now)
    _rate(ada, themes[1], 4, now)
    _rate(grace, themes[0], 1, now - dt.timedelta(days=2))
    _rate(old, themes[2], 4, now - dt.timedelta(days=40))
    Favourite.objects.create(user=ada, theme=themes[0])
    earlier = now - dt.timedelta(hours=1)
    UserModel.objects.create(
        user=ada,
        file="models/a.joblib",
        ratings_changed_at=earlier,
        trained_on_changes_at=earlier,
        trained_at=now,
        training_ms=100,
        cv_error=0.5,
    )
    UserModel.objects.create(
        user=grace,
        file="models/g.joblib",
        ratings_changed_at=now,
        trained_on_changes_at=earlier,
        trained_at=now,
        training_ms=300,
        cv_error=1.0,
    )
    UserModel.objects.create(user=old, failures=2, last_error="ValueError: boom", last_error_at=now)
    UserModel.objects.create(
        is_community=True,
        file="models/c.joblib",
        ratings_changed_at=earlier,
        trained_on_changes_at=earlier,
    )
    return {"ada": ada, "grace": grace, "old": old, "themes": themes, "now": now}


def test_dashboard_figures_exact(known):
    figures = dashboard(now=known["now"])

    assert figures.users_total == 3
    assert figures.users_active == 2
    assert figures.ratings_total == 4
    assert figures.stars == {1: 1, 2: 0, 3: 0, 4: 1, 5: 1}  # the last 30 days
    assert figures.themes_total == 3
    assert figures.favourites_total == 1
    assert figures.models == {"trained": 2, "fresh": 1, "stale": 1, "training": 0, "failed": 1}


def test_dashboard_per_day_series_exact(known):
    figures = dashboard(now=known["now"])

    today = timezone.localdate(known["now"])
    assert figures.ratings_per_day.days[-1] == today
    assert len(figures.ratings_per_day.days) == DAYS
    assert figures.ratings_per_day.values == [0] * 27 + [1, 0, 2]
    assert figures.signups_per_day.values == [0] * 27 + [1, 0, 1]
    assert figures.training_median_ms.values == [None] * 29 + [200.0]
    assert figures.training_p95_ms.values == [None] * 29 + [290.0]
    assert figures.cv_error_per_day.values == [None] * 29 + [0.75]


def test_dashboard_top_themes_and_failures(known):
    figures = dashboard(now=known["now"])

    # The last 7 days: ratings 40 days old do not count.
    assert [(row["theme__key"], row["n"], row["average"]) for row in figures.top_themes] == [
        (KEYS[0], 2, 3.0),
        (KEYS[1], 1, 4.0),
    ]
    assert [record.user for record in figures.failures] == [known["old"]]


def test_dashboard_task_queue_not_available_for_immediate_backend(known):
    figures = dashboard(now=known["now"])

    assert figures.queue.available is False
    assert figures.queue.backend == "ImmediateBackend"


def test_dashboard_task_queue_counts_database_backend(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    now = timezone.now()

    def job(status: str, finished_at=None):
        DBTaskResult.objects.create(
            status=status,
            args_kwargs={"args": [], "kwargs": {}},
            task_path="recommender.tasks.train_user_model",
            backend_name="default",
            run_after=now,
            finished_at=finished_at,
        )

    job("READY")
    job("READY")
    job("RUNNING")
    job("FAILED", finished_at=now - dt.timedelta(hours=2))
    job("FAILED", finished_at=now - dt.timedelta(days=2))
    job("SUCCESSFUL", finished_at=now)

    queue = dashboard(now=now).queue

    assert (queue.available, queue.waiting, queue.running, queue.failed_last_day) == (
        True,
        2,
        1,
        1,
    )


def test_dashboard_page_shows_database_queue(staff_client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    response = staff_client.get(reverse("staff-dashboard"))

    html = response.content.decode()
    assert '<dd id="figure-queue-waiting">0</dd>' in html
    assert reverse("admin:django_tasks_database_dbtaskresult_changelist") in html


def test_dashboard_anonymous_goes_to_login(client, db):
    response = client.get(reverse("staff-dashboard"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/staff/"


def test_dashboard_ordinary_user_gets_404(user_client):
    response = user_client.get(reverse("staff-dashboard"))

    assert response.status_code == 404


def test_dashboard_deactivated_staff_is_logged_out(make_user):
    client = Client()
    client.force_login(make_user("former", is_staff=True, is_active=False))

    response = client.get(reverse("staff-dashboard"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/staff/"


def test_dashboard_staff_sees_figures_and_charts(staff_client, known):
    response = staff_client.get(reverse("staff-dashboard"))

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["figures"].users_total == 4  # the three and the staff member
    assert '<dd id="figure-ratings">4</dd>' in html
    assert html.count('<svg class="chart"') == 5
    assert html.count('role="img"') == 5
    assert '<title id="ratings-chart-title">Ratings per day, last 30 days</title>' in html
    assert "Queue figures are not available for this task backend." in html
    assert "ValueError: boom" in html
    assert reverse("staff-model-retrain", args=[known["old"].taste_model.pk]) in html
    assert reverse("admin:recommender_usermodel_changelist") in html


def test_dashboard_chart_table_alternative_has_every_day(staff_client, known):
    response = staff_client.get(reverse("staff-dashboard"))

    ratings_chart = response.context["charts"][0]
    assert ratings_chart["headers"] == ["Day", "Ratings"]
    assert len(ratings_chart["rows"]) == DAYS
    assert ratings_chart["rows"][-1] == [timezone.localdate().strftime("%d %b"), 2]


def _fail(make_user, count: int) -> None:
    now = timezone.now()
    for index in range(count):
        person = make_user(f"failed{index}")
        UserModel.objects.create(user=person, failures=1, last_error="E", last_error_at=now)


@pytest.mark.parametrize("failures", [1, 3])
def test_dashboard_query_count_bounded(
    staff_client, known, make_user, django_assert_num_queries, failures
):
    _fail(make_user, failures)

    # Session and user (2), then the dashboard's 11 aggregate and list queries.
    with django_assert_num_queries(13):
        response = staff_client.get(reverse("staff-dashboard"))

    assert len(response.context["figures"].failures) == failures + 1


def test_model_retrain_button_queues_training(
    staff_client, known, django_capture_on_commit_callbacks
):
    record = known["old"].taste_model

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = staff_client.post(reverse("staff-model-retrain", args=[record.pk]))

    record.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("staff-dashboard")
    assert record.queued_at is not None
    assert len(callbacks) >= 1


def test_model_retrain_button_community(staff_client, known, django_capture_on_commit_callbacks):
    record = UserModel.objects.get(is_community=True)

    with django_capture_on_commit_callbacks(execute=False):
        staff_client.post(reverse("staff-model-retrain", args=[record.pk]))

    record.refresh_from_db()
    assert record.queued_at is not None


def test_model_retrain_button_refused_to_ordinary_user_and_get(user_client, staff_client, known):
    record = known["old"].taste_model
    url = reverse("staff-model-retrain", args=[record.pk])

    assert user_client.post(url).status_code == 404
    assert staff_client.get(url).status_code == 405
    record.refresh_from_db()
    assert record.queued_at is None


def test_training_records_cv_error_from_ten_ratings(user):
    rng = np.random.default_rng(3)
    themes = [ThemeColours.random(rng) for _ in range(12)]
    now = timezone.now()
    for index, colours in enumerate(themes):
        theme = Theme.objects.create(key=colours.key, **colours.fields())
        _rate(user, theme, 1 + index % 5, now)
    UserModel.objects.create(user=user)

    record = services.model_train(user_id=user.pk)

    assert record.cv_error is not None
    assert 0 <= record.cv_error <= 4


def test_training_leaves_cv_error_empty_below_ten_ratings(user):
    rng = np.random.default_rng(4)
    now = timezone.now()
    for index in range(5):
        colours = ThemeColours.random(rng)
        theme = Theme.objects.create(key=colours.key, **colours.fields())
        _rate(user, theme, 1 + index % 5, now)
    UserModel.objects.create(user=user)

    record = services.model_train(user_id=user.pk)

    assert record.file != ""
    assert record.cv_error is None
