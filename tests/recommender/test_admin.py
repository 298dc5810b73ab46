from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from recommender.models import QUEUE_TIMEOUT, RUN_TIMEOUT, TrainingRun, UserModel


def test_user_admin_retrain_action_queues_selected_users(
    admin_client, user, other_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = admin_client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "retrain", "_selected_action": [user.pk]},
            follow=True,
        )

    queued = {row.user_id for row in UserModel.objects.filter(queued_at__isnull=False)}
    assert queued == {user.pk, None}  # the person, and the community model with them
    assert [str(m) for m in response.context["messages"]] == ["Queued retraining for 1 user(s)."]


def test_retrain_action_runs_training(admin_client, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "retrain", "_selected_action": [user.pk]},
        )

    record = UserModel.objects.get(user=user)
    assert record.trained_at is not None
    assert record.queued_at is None


def test_usermodel_rebuild_community_action(admin_client, user, django_capture_on_commit_callbacks):
    record = UserModel.objects.create(user=user)
    community = UserModel.objects.create(is_community=True, trained_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        admin_client.post(
            reverse("admin:recommender_usermodel_changelist"),
            {"action": "rebuild_community", "_selected_action": [record.pk]},
        )

    community.refresh_from_db()
    assert len(callbacks) == 1
    assert community.trained_on_changes_at is not None  # rebuilt at once, despite the interval


def test_usermodel_retrain_action_skips_nothing(
    admin_client, user, other_user, django_capture_on_commit_callbacks
):
    records = [UserModel.objects.create(user=person) for person in (user, other_user)]

    with django_capture_on_commit_callbacks(execute=False):
        admin_client.post(
            reverse("admin:recommender_usermodel_changelist"),
            {"action": "retrain", "_selected_action": [r.pk for r in records]},
        )

    assert UserModel.objects.filter(is_community=False, queued_at__isnull=False).count() == 2


def test_usermodel_changelist_status_filter_and_columns(admin_client, user, other_user):
    UserModel.objects.create(user=user, failures=3, last_error="ValueError: no")
    UserModel.objects.create(user=other_user)

    response = admin_client.get(
        reverse("admin:recommender_usermodel_changelist"), {"status": "failed"}
    )

    assert [row.user for row in response.context["cl"].result_list] == [user]
    assert "ValueError: no" in response.content.decode()


def test_user_admin_shows_model_error(admin_client, user):
    UserModel.objects.create(user=user, failures=1, last_error="RuntimeError: disk full")

    response = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": "ada"})

    assert "RuntimeError: disk full" in response.content.decode()


def test_usermodel_change_page_is_read_only(admin_client, user):
    record = UserModel.objects.create(user=user)

    response = admin_client.get(reverse("admin:recommender_usermodel_change", args=[record.pk]))

    assert response.status_code == 200
    assert 'name="file"' not in response.content.decode()
    assert User.objects.count() == 2


# --- status in SQL, the training history admin, query counts ----------------------------

NOW = timezone.now()
_LONG_AGO = NOW - timedelta(days=1)


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"file": "m", "trained_on_changes_at": _LONG_AGO, "ratings_changed_at": _LONG_AGO},
        {"file": "m", "trained_on_changes_at": _LONG_AGO, "ratings_changed_at": NOW},
        {"file": "m", "trained_on_changes_at": None, "ratings_changed_at": NOW},
        {"file": "m", "queued_at": NOW - timedelta(minutes=1)},
        {"file": "m", "queued_at": NOW - QUEUE_TIMEOUT - timedelta(minutes=1)},
        {"running_since": NOW - timedelta(minutes=1)},
        {"running_since": NOW - RUN_TIMEOUT - timedelta(minutes=1)},
    ],
)
def test_usermodel_status_q_matches_status_property(user, fields):
    record = UserModel.objects.create(user=user, **fields)

    matched = [
        status
        for status in UserModel.Status.values
        if UserModel.objects.filter(UserModel.status_q(status, now=timezone.now())).exists()
    ]

    assert matched == [record.status]


def test_usermodel_status_filter_is_sql(admin_client, user, other_user):
    UserModel.objects.create(
        user=user, file="m", ratings_changed_at=NOW, trained_on_changes_at=_LONG_AGO
    )
    UserModel.objects.create(
        user=other_user, file="m", ratings_changed_at=_LONG_AGO, trained_on_changes_at=NOW
    )

    response = admin_client.get(
        reverse("admin:recommender_usermodel_changelist"), {"status": "stale"}
    )

    assert [row.user for row in response.context["cl"].result_list] == [user]


def test_usermodel_change_page_links_to_training_history(admin_client, user):
    record = UserModel.objects.create(user=user)
    TrainingRun.objects.create(user=user, succeeded=True, n_ratings=5)

    response = admin_client.get(reverse("admin:recommender_usermodel_change", args=[record.pk]))
    link = f"{reverse('admin:recommender_trainingrun_changelist')}?user__id__exact={user.pk}"
    history = admin_client.get(link)

    assert link in response.content.decode()
    assert [run.user for run in history.context["cl"].result_list] == [user]


def test_trainingrun_admin_lists_and_filters_runs(admin_client, user):
    TrainingRun.objects.create(user=user, succeeded=True, n_ratings=12, cv_error=0.876)
    TrainingRun.objects.create(user=None, is_community=True, succeeded=True, n_ratings=40)
    TrainingRun.objects.create(user=None, succeeded=False, error="ValueError: nope")

    response = admin_client.get(
        reverse("admin:recommender_trainingrun_changelist"), {"succeeded__exact": "0"}
    )
    everything = admin_client.get(reverse("admin:recommender_trainingrun_changelist"))

    html = everything.content.decode()
    assert [run.error for run in response.context["cl"].result_list] == ["ValueError: nope"]
    assert "0.88" in html
    assert "community model" in html
    assert "a deleted person" in html


def test_trainingrun_admin_is_read_only(admin_client, user):
    run = TrainingRun.objects.create(user=user, succeeded=True)

    response = admin_client.get(reverse("admin:recommender_trainingrun_change", args=[run.pk]))
    post = admin_client.post(
        reverse("admin:recommender_trainingrun_change", args=[run.pk]), {"n_ratings": 99}
    )

    assert response.status_code == 200
    assert 'name="n_ratings"' not in response.content.decode()
    assert post.status_code == 403
    assert admin_client.get(reverse("admin:recommender_trainingrun_add")).status_code == 403


@pytest.mark.parametrize("rows", [1, 3])
def test_trainingrun_changelist_query_count(
    admin_client, make_user, django_assert_num_queries, rows
):
    for index in range(rows):
        TrainingRun.objects.create(user=make_user(f"p{index}"), succeeded=True)

    # Session, user, the page (owners joined): no COUNT of every run.
    with django_assert_num_queries(4):
        response = admin_client.get(reverse("admin:recommender_trainingrun_changelist"))

    assert len(response.context["cl"].result_list) == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_usermodel_changelist_query_count(admin_client, make_user, django_assert_num_queries, rows):
    for index in range(rows):
        UserModel.objects.create(
            user=make_user(f"p{index}"),
            file="m",
            ratings_changed_at=_LONG_AGO,
            trained_on_changes_at=_LONG_AGO,
        )

    with django_assert_num_queries(5):
        response = admin_client.get(
            reverse("admin:recommender_usermodel_changelist"), {"status": "fresh"}
        )

    assert len(response.context["cl"].result_list) == rows
