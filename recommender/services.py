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
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from recommender import store
from recommender.models import UserModel
from recommender.selectors import training_data
from recommender.training import model_fit

logger = logging.getLogger(__name__)

# Fewer ratings than this: no personal model (the community model serves).
MIN_RATINGS = 3
# A run older than this is taken to have died (worker killed) and no longer blocks.
RUN_TIMEOUT = timedelta(minutes=10)
# The community model is rebuilt at most this often.
COMMUNITY_INTERVAL = timedelta(minutes=10)
# A job that finds another one running for the same person tries again this much later.
RETRY_DELAY = timedelta(seconds=5)


def _enqueue_user(user_id: int, *, delay: timedelta | None = None) -> None:
    from recommender.tasks import train_user_model

    if delay is not None and train_user_model.get_backend().supports_defer:
        train_user_model.using(run_after=timezone.now() + delay).enqueue(user_id)
    else:
        train_user_model.enqueue(user_id)


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
            queue = record.queued_at is None
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
        if record.queued_at is None and due:
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


def _record_failure(pk: int, error: BaseException) -> UserModel | None:
    with transaction.atomic():
        record = UserModel.objects.select_for_update().filter(pk=pk).first()
        if record is None:
            return None
        record.running_since = None
        record.last_error = f"{type(error).__name__}: {error}"[:2000]
        record.last_error_at = timezone.now()
        record.failures += 1
        record.save(update_fields=["running_since", "last_error", "last_error_at", "failures"])
        return record


def _train(record: UserModel, *, user_id: int | None, owner: str) -> UserModel | None:
    snapshot = record.ratings_changed_at
    themes, stars = training_data(user_id=user_id)
    name = digest = ""
    training_ms = None
    try:
        if len(stars) >= MIN_RATINGS:
            started = time.perf_counter()
            model = model_fit(themes, stars, seed=record.pk)
            training_ms = round((time.perf_counter() - started) * 1000)
            name, digest = store.model_save(owner=owner, model=model)
    except Exception as error:
        logger.exception("Training the %s failed", record)
        return _record_failure(record.pk, error)

    with transaction.atomic():
        current = UserModel.objects.select_for_update().filter(pk=record.pk).first()
        if current is None:
            # The person was deleted while we trained: their new file must not outlive them.
            transaction.on_commit(lambda: store.model_delete(name))
            return None
        old = current.file
        current.file, current.digest = name, digest
        current.versions = store.current_versions() if name else {}
        current.n_ratings = len(stars)
        current.trained_at = timezone.now()
        current.training_ms = training_ms
        current.trained_on_changes_at = snapshot
        current.running_since = None
        current.last_error, current.last_error_at, current.failures = "", None, 0
        current.save()
        if old and old != name:
            transaction.on_commit(lambda: store.model_delete(old))
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
        _enqueue_user(user_id, delay=RETRY_DELAY)
        return record
    return _train(record, user_id=user_id, owner=f"user-{user_id}")


def community_train() -> UserModel:
    """Rebuild the community model from everyone's recent ratings."""
    UserModel.objects.get_or_create(is_community=True, defaults={"user": None})
    record, claimed = _claim({"is_community": True})
    if not claimed:
        return record
    return _train(record, user_id=None, owner="community")


def model_status(*, user_id: int) -> UserModel | None:
    return UserModel.objects.filter(user_id=user_id).first()
