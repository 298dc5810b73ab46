"""Training and scheduling of taste models.

A rating change calls `training_request`: the change is noted and a job is
queued unless one already is, so a burst of ratings leads to at most one queued
and one running job per person, and the last job always trains on the latest
ratings. `model_train` does the work in the worker; a failure is logged and
recorded on the `UserModel` row while the previous model keeps serving.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

import numpy as np
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.errors import ServiceError
from recommender import store
from recommender.models import RUN_TIMEOUT, TRAINING_RUN_DAYS, TrainingRun, UserModel
from recommender.selectors import training_data
from recommender.training import model_fit

logger = logging.getLogger(__name__)


class TrainingError(ServiceError):
    pass


# Fewer ratings than this: no personal model (the community model serves).
MIN_RATINGS = 3
# The community model is rebuilt at most this often.
COMMUNITY_INTERVAL = timedelta(minutes=10)
# A job that finds another one running for the same person tries again this much later.
RETRY_DELAY = timedelta(seconds=5)
# From this many ratings on, training also measures the model's cross-validated error.
CV_MIN_RATINGS = 10
CV_FOLDS = 3
# The community model's error is measured on a sample: this many ratings at most.
CV_MAX_RATINGS = 2_000


def _enqueue_user(user_id: int, *, delay: timedelta | None = None) -> None:
    from recommender.tasks import train_user_model

    if delay is not None:
        train_user_model.using(run_after=timezone.now() + delay).enqueue(user_id)
    else:
        train_user_model.enqueue(user_id)


def _can_defer() -> bool:
    from recommender.tasks import train_user_model

    return train_user_model.get_backend().supports_defer


def _enqueue_community() -> None:
    from recommender.tasks import train_community_model

    train_community_model.enqueue()


def training_request(*, user_id: int) -> None:
    """Note that `user_id`'s ratings changed and queue a retrain unless one is queued.

    Call after the rating change committed. A person deleted meanwhile is ignored.
    """
    now = timezone.now()
    try:
        with transaction.atomic():
            record, _ = UserModel.objects.select_for_update().get_or_create(user_id=user_id)
            record.ratings_changed_at = now
            queue = not record.is_queued
            if queue:
                record.queued_at = now
            record.save(update_fields=["ratings_changed_at", "queued_at"])
            if queue:
                transaction.on_commit(lambda: _enqueue_user(user_id))
    except IntegrityError:
        logger.info("Not training for user %s: the account is gone", user_id)
        return
    _community_request(now)


def _community_request(now) -> None:
    with transaction.atomic():
        record, _ = UserModel.objects.select_for_update().get_or_create(
            is_community=True, defaults={"user": None}
        )
        record.ratings_changed_at = now
        due = record.trained_at is None or now - record.trained_at >= COMMUNITY_INTERVAL
        if not record.is_queued and due:
            record.queued_at = now
            transaction.on_commit(_enqueue_community)
        record.save(update_fields=["ratings_changed_at", "queued_at"])


def _claim(record_filter: dict) -> tuple[UserModel | None, bool]:
    """Mark the record running. Returns (record, claimed); not claimed when another run is live."""
    now = timezone.now()
    with transaction.atomic():
        record = UserModel.objects.select_for_update().filter(**record_filter).first()
        if record is None:
            return None, False
        if record.running_since is not None and now - record.running_since < RUN_TIMEOUT:
            return record, False
        record.queued_at = None
        record.running_since = now
        record.save(update_fields=["queued_at", "running_since"])
        return record, True


def _release(pk: int) -> UserModel | None:
    """Give up this job's place in the queue: the live run will see to the changes."""
    with transaction.atomic():
        record = UserModel.objects.select_for_update().filter(pk=pk).first()
        if record is not None and record.queued_at is not None:
            record.queued_at = None
            record.save(update_fields=["queued_at"])
        return record


def _record_failure(pk: int, error: BaseException, *, run: TrainingRun) -> UserModel | None:
    message = f"{type(error).__name__}: {error}"[:2000]
    with transaction.atomic():
        record = UserModel.objects.select_for_update().filter(pk=pk).first()
        _run_save(run, record=record, succeeded=False, error=message)
        if record is None:
            return None
        record.running_since = None
        record.last_error = message
        record.last_error_at = run.finished_at
        record.failures += 1
        record.save(update_fields=["running_since", "last_error", "last_error_at", "failures"])
        return record


def _run_save(
    run: TrainingRun, *, record: UserModel | None, succeeded: bool, error: str = ""
) -> None:
    """Insert the history row of one attempt, in the caller's transaction.

    `record` is the locked row, None when the person was deleted during the run: the
    attempt still counts in the history, without an owner.
    """
    run.user_id = record.user_id if record is not None else None
    run.finished_at = timezone.now()
    run.succeeded, run.error = succeeded, error
    run.save(force_insert=True)


def _cv_error(themes: np.ndarray, stars: np.ndarray, *, seed: int) -> float:
    """Mean absolute error in stars over CV_FOLDS folds: `(n, 4, 3)` themes, `(n,)` stars.

    Cheap on purpose (one network per fold, not the full ensemble): the figure tracks
    the model's quality over time on the staff dashboard; it is not a benchmark.
    """
    order = np.random.default_rng(seed).permutation(len(stars))[:CV_MAX_RATINGS]
    errors = []
    for fold in np.array_split(order, CV_FOLDS):
        train = np.setdiff1d(order, fold, assume_unique=True)
        model = model_fit(themes[train], stars[train], seed=seed, members=1)
        predicted = np.clip(model.predict_themes(themes[fold]), 1, 5)
        errors.append(np.abs(predicted - stars[fold]))
    return float(np.concatenate(errors).mean())


def _train(record: UserModel, *, user_id: int | None, owner: str) -> UserModel | None:
    snapshot = record.ratings_changed_at
    name = digest = ""
    run = TrainingRun(is_community=record.is_community)
    try:
        # Inside the try: a failure here too must end the run, or it blocks for RUN_TIMEOUT.
        themes, stars = training_data(user_id=user_id)
        run.n_ratings = len(stars)
        if len(stars) >= MIN_RATINGS:
            started = time.perf_counter()
            model = model_fit(themes, stars, seed=record.pk)
            run.training_ms = round((time.perf_counter() - started) * 1000)
            name, digest = store.model_save(owner=owner, model=model)
        if len(stars) >= CV_MIN_RATINGS:
            run.cv_error = _cv_error(themes, stars, seed=record.pk)
    except Exception as error:
        logger.exception("Training the %s failed", record)
        # The fit may have finished before the failure: its time is no successful training's.
        run.training_ms = run.cv_error = None
        return _record_failure(record.pk, error, run=run)

    with transaction.atomic():
        current = UserModel.objects.select_for_update().filter(pk=record.pk).first()
        # In this transaction: the history has a row exactly when the model row changed.
        _run_save(run, record=current, succeeded=True)
        if current is None:
            # The person was deleted while we trained: their new file must not outlive them.
            transaction.on_commit(lambda: store.model_delete(name))
            return None
        old = current.file
        current.file, current.digest = name, digest
        current.versions = store.current_versions() if name else {}
        current.n_ratings = run.n_ratings
        current.trained_at = run.finished_at
        current.training_ms = run.training_ms
        current.cv_error = run.cv_error
        current.trained_on_changes_at = snapshot
        current.running_since = None
        current.last_error, current.last_error_at, current.failures = "", None, 0
        # Ratings changed during the run and the job queued for them gave way to this run
        # (a backend that cannot defer): train once more so the latest ratings are used.
        follow_up = (
            user_id is not None
            and current.ratings_changed_at > snapshot
            and current.queued_at is None
        )
        if follow_up:
            current.queued_at = timezone.now()
        current.save()
        if old and old != name:
            transaction.on_commit(lambda: store.model_delete(old))
        if follow_up:
            transaction.on_commit(lambda: _enqueue_user(user_id))
    return current


def model_train(*, user_id: int) -> UserModel | None:
    """Train `user_id`'s model on their current ratings and make it the serving one.

    Returns the updated record, or None when the person no longer exists. Failures
    are logged and recorded on the record (`last_error`); the previous model stays.
    """
    record, claimed = _claim({"user_id": user_id})
    if record is None:
        return None
    if not claimed:
        if _can_defer():
            _enqueue_user(user_id, delay=RETRY_DELAY)
            return record
        # Enqueuing again at once would run again at once (the immediate backend: without
        # end); the live run queues a follow-up when it finishes instead.
        return _release(record.pk)
    return _train(record, user_id=user_id, owner=f"user-{user_id}")


def community_train() -> UserModel:
    """Rebuild the community model from everyone's recent ratings.

    Also prunes the training history (`training_runs_prune`): the community model is
    rebuilt at most every COMMUNITY_INTERVAL, so the history needs no job of its own.
    """
    UserModel.objects.get_or_create(is_community=True, defaults={"user": None})
    record, claimed = _claim({"is_community": True})
    if not claimed:
        # Leaving `queued_at` set would stop the community model from ever being queued again.
        return _release(record.pk)
    result = _train(record, user_id=None, owner="community")
    training_runs_prune(days=TRAINING_RUN_DAYS)
    return result


def training_runs_prune(*, days: int, now: datetime | None = None) -> int:
    """Delete the training history that finished more than `days` days before `now`.

    Returns how many rows went. Raises TrainingError for fewer than one day.
    """
    if days < 1:
        raise TrainingError("Keep at least one day of training history.")
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = TrainingRun.objects.filter(finished_at__lt=cutoff).delete()
    return deleted


def community_rebuild_request() -> bool:
    """Queue a rebuild of the community model now, however recently it was trained.

    For staff. Returns False (nothing queued) when a rebuild is already queued. The job
    is enqueued after commit.
    """
    with transaction.atomic():
        record, _ = UserModel.objects.select_for_update().get_or_create(
            is_community=True, defaults={"user": None}
        )
        if record.is_queued:
            return False
        record.queued_at = timezone.now()
        record.save(update_fields=["queued_at"])
        transaction.on_commit(_enqueue_community)
    return True


def model_unusable(*, record_id: int, problem: str, file: str | None = None) -> None:
    """A stored model failed its checks: record why and queue a rebuild from ratings.

    `file` is the file that failed: when the row has meanwhile moved on to another
    (a training finished while the request was loading the old one, which it then
    deleted), nothing is done. The row forgets the file so that no later request
    tries it again, the file is removed after commit, and a rebuild is queued.
    """
    now = timezone.now()
    with transaction.atomic():
        record = UserModel.objects.select_for_update().filter(pk=record_id).first()
        if record is None or (file is not None and record.file != file):
            return
        bad = record.file
        record.file = record.digest = ""
        record.versions = {}
        record.last_error = f"Model not loaded: {problem}"[:2000]
        record.last_error_at = now
        record.failures += 1
        record.ratings_changed_at = now
        queue = not record.is_queued
        if queue:
            record.queued_at = now
        record.save()
        transaction.on_commit(lambda: store.model_delete(bad))
        if queue:
            if record.is_community:
                transaction.on_commit(_enqueue_community)
            else:
                user_id = record.user_id
                transaction.on_commit(lambda: _enqueue_user(user_id))
