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
from recommender.models import TrainingRun, UserModel
from themehub.dashboard import charts
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
    # Every training counts, not only each model's latest: ada's earlier run too.
    _run(ada, now, training_ms=100, cv_error=0.5)
    _run(grace, now, training_ms=300, cv_error=1.0)
    _run(old, now, succeeded=False, error="ValueError: boom")
    _run(ada, now - dt.timedelta(days=2), training_ms=50, cv_error=0.9)
    _run(ada, now - dt.timedelta(days=40), training_ms=999, cv_error=3.0)
    return {"ada": ada, "grace": grace, "old": old, "themes": themes, "now": now}


def _run(user, when: dt.datetime, *, succeeded: bool = True, **fields) -> TrainingRun:
    return TrainingRun.objects.create(
        user=user, is_community=user is None, finished_at=when, succeeded=succeeded, **fields
    )


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
    assert figures.training.median.values == [None] * 27 + [50.0, None, 200.0]
    assert figures.training.p95.values == [None] * 27 + [50.0, None, 290.0]
    assert figures.training.error.values == [None] * 27 + [0.9, None, 0.75]
    assert figures.training.runs.values == [0] * 27 + [1, 0, 3]
    assert figures.training.failed.values == [0] * 27 + [0, 0, 1]


def test_dashboard_training_percentiles_match_numpy(db):
    """Many runs a day, failures and runs without a fitted model among them."""
    rng = np.random.default_rng(6)
    now = timezone.now()
    expected = {}
    for offset, size in [(0, 1), (1, 2), (3, 7), (5, 20), (8, 101)]:
        when = now - dt.timedelta(days=offset)
        times = rng.integers(10, 5000, size)
        errors = rng.random(size) * 2
        for ms, error in zip(times, errors, strict=True):
            _run(None, when, training_ms=int(ms), cv_error=float(error))
        _run(None, when, succeeded=False, error="E")
        _run(None, when, n_ratings=2)  # too few ratings: succeeded, nothing fitted
        expected[offset] = (
            np.percentile(times, 50),
            np.percentile(times, 95),
            errors.mean(),
            size + 2,
        )
    _run(None, now - dt.timedelta(days=10), succeeded=False, error="E")

    training = dashboard(now=now).training

    for offset, (median, p95, error, runs) in expected.items():
        index = DAYS - 1 - offset
        assert training.median.values[index] == pytest.approx(median)
        assert training.p95.values[index] == pytest.approx(p95)
        assert training.error.values[index] == pytest.approx(error)
        assert (training.runs.values[index], training.failed.values[index]) == (runs, 1)
    only_failure = DAYS - 1 - 10
    assert training.median.values[only_failure] is None
    assert training.error.values[only_failure] is None
    assert (training.runs.values[only_failure], training.failed.values[only_failure]) == (1, 1)


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
    assert html.count('<svg class="chart"') == 6
    assert html.count('role="img"') == 6
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


# --- charts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("highest", "integers", "ticks"),
    [
        (5, True, [0, 2, 4, 6]),  # whole sign-ups, never 2.5
        (1, True, [0, 1]),
        (0, True, [0, 1, 2, 3, 4]),
        (25, True, [0, 10, 20, 30]),  # the old axis put "12" halfway up to 25
        (290, False, [0, 100, 200, 300]),
        (0.75, False, [0, 0.2, 0.4, 0.6, 0.8]),
    ],
)
def test_chart_axis_ticks_are_round(highest, integers, ticks):
    scale = charts.axis(highest, integers=integers)

    assert scale.ticks == pytest.approx(ticks)
    assert scale.top >= highest


def test_chart_axis_labels_show_the_decimals_of_the_step():
    assert [charts.axis(0.75).label(v) for v in charts.axis(0.75).ticks] == [
        "0.0",
        "0.2",
        "0.4",
        "0.6",
        "0.8",
    ]
    assert charts.axis(1500, integers=True).label(1500) == "1,500"


def test_bar_chart_labels_every_bar_when_few_and_weekly_when_many():
    few = charts.bar_chart(
        ident="s", title="t", labels=[f"{n}★" for n in range(1, 6)], values=[1] * 5, unit="u"
    )
    days = [f"d{n}" for n in range(30)]
    many = charts.bar_chart(ident="r", title="t", labels=days, values=[1] * 30, unit="u")

    assert all(f">{n}★</text>" in few for n in range(1, 6))
    assert [label for label in days if f">{label}</text>" in many] == [
        "d1",
        "d8",
        "d15",
        "d22",
        "d29",
    ]


def test_stacked_bar_chart_draws_each_layer_with_a_legend():
    svg = charts.bar_chart(
        ident="runs",
        title="Trainings",
        labels=["a", "b"],
        series=[
            charts.Line("succeeded", [3, 0], charts.BLUE),
            charts.Line("failed", [1, 2], charts.RED),
        ],
        unit="trainings",
    )

    assert svg.count('class="chart-bar"') == 3  # zero-height layers are left out
    assert "<title>a: 1 failed</title>" in svg
    assert ">succeeded</text>" in svg
    assert ">failed</text>" in svg
    assert "3 succeeded, 3 failed in all, the most on a (4)." in svg


def test_charts_say_so_when_empty():
    bars = charts.bar_chart(
        ident="r", title="t", labels=["a"], values=[0], unit="ratings", empty="No ratings yet."
    )
    lines = charts.line_chart(
        ident="l", title="t", labels=["a"], lines=[charts.Line("median", [None])], unit="ms"
    )

    assert 'class="chart-empty" text-anchor="middle">No ratings yet.</text>' in bars
    assert "No data in this period." in lines


def test_line_chart_breaks_at_days_without_values():
    svg = charts.line_chart(
        ident="l",
        title="t",
        labels=list("abcde"),
        lines=[charts.Line("m", [1, 2, None, 3, 4])],
        unit="ms",
    )

    assert svg.count("<polyline") == 2
    assert svg.count("<circle") == 4
    assert "<title>d: 3 ms (m)</title>" in svg


def test_dashboard_empty_site_shows_empty_states(staff_client):
    response = staff_client.get(reverse("staff-dashboard"))

    html = response.content.decode()
    assert "No trainings in the last 30 days." in html
    assert "No model was trained in the last 30 days." in html
    assert "No ratings in the last 7 days." in html
    assert "No model's last training failed." in html
