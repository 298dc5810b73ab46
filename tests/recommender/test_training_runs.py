"""Training history: one TrainingRun per attempt, succeeded or failed, and its pruning."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection
from django.utils import timezone

from ratings.services import rating_set
from ratings.themes import ThemeColours, draw
from recommender import services
from recommender.models import TRAINING_RUN_DAYS, TrainingRun, UserModel


def _rate(user, n: int, *, seed: int = 0) -> None:
    for index, rgb in enumerate(draw(n, np.random.default_rng(seed))):
        rating_set(user=user, theme=ThemeColours.from_array(rgb), stars=1 + index % 5)


def _runs() -> list[tuple]:
    return list(
        TrainingRun.objects.order_by("pk").values_list(
            "user__username", "is_community", "n_ratings", "succeeded", "error"
        )
    )


def _old_run(days: float, **fields) -> TrainingRun:
    return TrainingRun.objects.create(
        finished_at=timezone.now() - dt.timedelta(days=days), succeeded=True, **fields
    )


def test_training_run_recorded_on_success(user):
    _rate(user, 12)
    UserModel.objects.create(user=user)

    record = services.model_train(user_id=user.pk)

    run = TrainingRun.objects.get()
    assert _runs() == [("ada", False, 12, True, "")]
    assert run.finished_at == record.trained_at
    assert run.training_ms == record.training_ms
    assert run.training_ms is not None
    assert run.cv_error == record.cv_error
    assert run.cv_error is not None


def test_training_run_every_training_kept(user):
    _rate(user, 4)
    UserModel.objects.create(user=user)

    services.model_train(user_id=user.pk)
    _rate(user, 2, seed=1)
    services.model_train(user_id=user.pk)

    assert list(TrainingRun.objects.order_by("pk").values_list("n_ratings", flat=True)) == [4, 6]
    assert UserModel.objects.get(user=user).n_ratings == 6


def test_training_run_too_few_ratings_has_no_time(user):
    _rate(user, 2)
    UserModel.objects.create(user=user)

    services.model_train(user_id=user.pk)

    run = TrainingRun.objects.get()
    assert (run.succeeded, run.n_ratings, run.training_ms, run.cv_error) == (True, 2, None, None)


def test_training_run_recorded_on_failure(user):
    _rate(user, 3)
    UserModel.objects.create(user=user)

    def database_gone(execute, sql, params, many, context):
        if '"ratings_rating"."stars"' in sql:
            raise OperationalError("database is gone")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(database_gone):
        record = services.model_train(user_id=user.pk)

    run = TrainingRun.objects.get()
    assert _runs() == [("ada", False, 0, False, "OperationalError: database is gone")]
    assert run.training_ms is None
    assert record.last_error == run.error
    assert record.last_error_at == run.finished_at


def test_training_run_rolled_back_with_the_model_row(user):
    """The run and the UserModel update share one transaction: neither without the other."""
    _rate(user, 3)
    UserModel.objects.create(user=user)

    def saving_fails(execute, sql, params, many, context):
        if sql.startswith('UPDATE "recommender_usermodel"') and '"file"' in sql:
            raise OperationalError("disk full")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(saving_fails), pytest.raises(OperationalError):
        services.model_train(user_id=user.pk)

    assert TrainingRun.objects.count() == 0
    assert UserModel.objects.get(user=user).trained_at is None


def test_training_run_of_a_person_deleted_during_training_has_no_owner(user):
    _rate(user, 3)
    UserModel.objects.create(user=user)
    steps = []

    def delete_after_reading(execute, sql, params, many, context):
        # The first query after the ratings were read is the final one on the model row.
        if steps == ["read"]:
            steps.append("deleted")
            user.delete()
        if '"ratings_rating"."stars"' in sql and not steps:
            steps.append("read")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(delete_after_reading):
        record = services.model_train(user_id=user.pk)

    assert record is None
    assert _runs() == [(None, False, 3, True, "")]


def test_training_run_outlives_the_account(user):
    _rate(user, 3)
    UserModel.objects.create(user=user)
    services.model_train(user_id=user.pk)

    user.delete()

    assert _runs() == [(None, False, 3, True, "")]


def test_training_run_community_recorded_and_old_history_pruned(user, other_user):
    _rate(user, 3)
    _rate(other_user, 3, seed=1)
    old = _old_run(TRAINING_RUN_DAYS + 1, user=user)
    kept = _old_run(TRAINING_RUN_DAYS - 1, user=user)

    services.community_train()

    community = TrainingRun.objects.get(is_community=True)
    assert (community.user, community.n_ratings, community.succeeded) == (None, 6, True)
    assert set(TrainingRun.objects.values_list("pk", flat=True)) == {kept.pk, community.pk}
    assert not TrainingRun.objects.filter(pk=old.pk).exists()


def test_training_runs_prune_deletes_only_older_runs(db):
    now = timezone.now()
    _old_run(40)
    _old_run(31)
    newer = _old_run(29)

    deleted = services.training_runs_prune(days=30, now=now)

    assert deleted == 2
    assert list(TrainingRun.objects.values_list("pk", flat=True)) == [newer.pk]


def test_training_runs_prune_refuses_less_than_a_day(db):
    with pytest.raises(services.TrainingError) as error:
        services.training_runs_prune(days=0)

    assert str(error.value) == "Keep at least one day of training history."


def test_prune_training_runs_command(db, capsys):
    _old_run(10)
    _old_run(1)

    call_command("prune_training_runs", "--days", "7")

    assert capsys.readouterr().out == "Deleted 1 training run(s) older than 7 days.\n"
    assert TrainingRun.objects.count() == 1


def test_prune_training_runs_command_bad_days(db):
    with pytest.raises(CommandError, match="Keep at least one day"):
        call_command("prune_training_runs", "--days", "0")


def test_training_run_community_row_cannot_have_a_user(user):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingRun.objects.create(user=user, is_community=True, succeeded=True)
