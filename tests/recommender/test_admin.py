from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from recommender.models import UserModel


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
