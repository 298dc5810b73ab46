from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

# A run older than this is taken to have died (worker killed) and no longer blocks.
RUN_TIMEOUT = timedelta(minutes=10)
# A job queued longer ago than this is taken to be lost (queue flushed, enqueue failed).
QUEUE_TIMEOUT = timedelta(hours=1)
# Training history older than this is pruned (the community task and prune_training_runs).
TRAINING_RUN_DAYS = 90


class UserModel(models.Model):
    """Where a person's taste model is, what it was trained on, and how training went.

    One row per person, plus one community row (`user` empty, `is_community` set).
    Ratings are the source of truth; the file is a cache that can always be rebuilt.
    """

    class Status(models.TextChoices):
        NONE = "none", "No model yet"
        FRESH = "fresh", "Up to date"
        TRAINING = "training", "Updating"
        STALE = "stale", "Out of date"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="taste_model",
    )
    is_community = models.BooleanField(default=False)

    # The model file that serves now (Django storage name) and its SHA-256.
    file = models.CharField(max_length=255, blank=True)
    digest = models.CharField(max_length=64, blank=True)
    versions = models.JSONField(default=dict, blank=True)
    n_ratings = models.PositiveIntegerField(default=0)
    trained_at = models.DateTimeField(null=True, blank=True)
    training_ms = models.PositiveIntegerField(null=True, blank=True)
    # Cross-validated mean absolute error in stars, when there were enough ratings to measure.
    cv_error = models.FloatField(null=True, blank=True)

    # Coalescing of training jobs: a change bumps `ratings_changed_at`; at most one job
    # is queued (`queued_at`) and one running (`running_since`) per person.
    ratings_changed_at = models.DateTimeField(default=timezone.now)
    trained_on_changes_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    running_since = models.DateTimeField(null=True, blank=True)

    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_community"],
                condition=models.Q(is_community=True),
                name="usermodel_one_community_row",
            ),
            models.CheckConstraint(
                condition=models.Q(is_community=True, user__isnull=True)
                | models.Q(is_community=False, user__isnull=False),
                name="usermodel_community_xor_user",
            ),
        ]

    def __str__(self) -> str:
        return "community model" if self.is_community else f"model of {self.user_id}"

    @staticmethod
    def status_q(status: str, *, now: datetime) -> models.Q:
        """`status` as a filter: the rules of the `status` property, in SQL, at `now`."""
        busy = models.Q(queued_at__gt=now - QUEUE_TIMEOUT) | models.Q(
            running_since__gt=now - RUN_TIMEOUT
        )
        if status == UserModel.Status.TRAINING:
            return busy
        if status == UserModel.Status.NONE:
            return ~busy & models.Q(file="")
        # A NULL trained_on_changes_at compares as unknown: ~Q(...) counts it as not fresh.
        up_to_date = models.Q(trained_on_changes_at__gte=models.F("ratings_changed_at"))
        if status == UserModel.Status.FRESH:
            return ~busy & ~models.Q(file="") & up_to_date
        if status == UserModel.Status.STALE:
            return ~busy & ~models.Q(file="") & ~up_to_date
        raise ValueError(f"Unknown status {status!r}")

    @property
    def is_queued(self) -> bool:
        return self.queued_at is not None and timezone.now() - self.queued_at < QUEUE_TIMEOUT

    @property
    def is_running(self) -> bool:
        return self.running_since is not None and timezone.now() - self.running_since < RUN_TIMEOUT

    @property
    def status(self) -> str:
        if self.is_queued or self.is_running:
            return self.Status.TRAINING
        if not self.file:
            return self.Status.NONE
        if (
            self.trained_on_changes_at is not None
            and self.trained_on_changes_at >= self.ratings_changed_at
        ):
            return self.Status.FRESH
        return self.Status.STALE


class TrainingRun(models.Model):
    """One training attempt of a taste model, succeeded or failed: the dashboard's history.

    `UserModel` keeps only the latest training of each model; these rows keep every one
    (pruned after TRAINING_RUN_DAYS). A person's runs outlive their account, with `user`
    emptied, so past figures do not change when someone leaves.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_runs",
    )
    is_community = models.BooleanField(default=False)
    finished_at = models.DateTimeField(default=timezone.now, db_index=True)
    n_ratings = models.PositiveIntegerField(default=0)
    # Time to fit the model; empty when none was fitted (too few ratings, or a failure).
    training_ms = models.PositiveIntegerField(null=True, blank=True)
    cv_error = models.FloatField(null=True, blank=True)
    succeeded = models.BooleanField()
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(is_community=True, user__isnull=False),
                name="trainingrun_community_has_no_user",
            ),
        ]

    def __str__(self) -> str:
        owner = "community model" if self.is_community else f"model of {self.user_id}"
        outcome = "succeeded" if self.succeeded else "failed"
        return f"training of {owner} {outcome} at {self.finished_at:%Y-%m-%d %H:%M}"
