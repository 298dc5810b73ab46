"""Training and scheduling of taste models: rating changes, bursts, failures, repairs."""

from __future__ import annotations

import hashlib
import os
from datetime import timedelta

import numpy as np
import pytest
from django.core.files.storage import storages
from django.db import OperationalError, connection
from django.tasks import task_backends
from django.utils import timezone

from accounts.models import User
from ratings.models import Rating
from ratings.services import rating_delete, rating_set, theme_get_or_create
from ratings.themes import ThemeColours, draw
from recommender import models, ranking, selectors, services, store
from recommender.candidates import batch_draw
from recommender.models import UserModel
from recommender.tasks import train_community_model, train_user_model

DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def _themes(n: int, seed: int) -> list[ThemeColours]:
    return [ThemeColours.from_array(rgb) for rgb in draw(n, np.random.default_rng(seed))]


def _rate(user: User, n: int, *, seed: int = 0, stars: int | None = None) -> None:
    """`n` ratings by `user`; their commit callbacks never run (nothing is trained)."""
    for index, theme in enumerate(_themes(n, seed)):
        rating_set(user=user, theme=theme, stars=stars or 1 + index % 5)


def _rate_and_commit(user: User, capture, theme: ThemeColours, stars: int = 5) -> None:
    with capture(execute=True):
        rating_set(user=user, theme=theme, stars=stars)


def _user_files(user_id: int) -> list[str]:
    """Model files of one person in the model storage (the community's are elsewhere)."""
    folder = storages[store.STORAGE_ALIAS].path("models")
    if not os.path.isdir(folder):
        return []
    return sorted(name for name in os.listdir(folder) if name.startswith(f"user-{user_id}-"))


def _file_bytes(name: str) -> bytes:
    with storages[store.STORAGE_ALIAS].open(name, "rb") as handle:
        return handle.read()


def _enqueued(task) -> list:
    """The jobs the dummy backend recorded for `task`."""
    backend = task_backends["default"]
    return [result for result in backend.results if result.task.func is task.func]


@pytest.fixture
def trained(user, django_capture_on_commit_callbacks) -> UserModel:
    """`user` with 4 ratings and a model trained on them (immediate backend)."""
    _rate(user, 3, seed=1)
    _rate_and_commit(user, django_capture_on_commit_callbacks, _themes(1, 2)[0])
    return UserModel.objects.get(user=user)


# --- a rating change trains the model -----------------------------------------------


def test_rating_change_below_min_ratings_makes_no_model(user, django_capture_on_commit_callbacks):
    _rate(user, services.MIN_RATINGS - 2, seed=1)

    _rate_and_commit(user, django_capture_on_commit_callbacks, _themes(1, 2)[0])

    record = UserModel.objects.get(user=user)
    assert record.file == ""
    assert record.n_ratings == services.MIN_RATINGS - 1
    assert record.status == UserModel.Status.NONE
    assert _user_files(user.pk) == []


def test_rating_change_trains_a_model_from_min_ratings(
    user, django_capture_on_commit_callbacks, tmp_path
):
    _rate(user, services.MIN_RATINGS - 1, seed=1)

    _rate_and_commit(user, django_capture_on_commit_callbacks, _themes(1, 2)[0])

    record = UserModel.objects.get(user=user)
    assert record.n_ratings == services.MIN_RATINGS
    assert record.file == f"models/user-{user.pk}-{record.digest[:16]}.joblib"
    assert hashlib.sha256(_file_bytes(record.file)).hexdigest() == record.digest
    assert record.versions == store.current_versions()
    assert record.trained_at is not None
    assert record.training_ms is not None
    assert record.trained_on_changes_at == record.ratings_changed_at
    assert record.queued_at is None
    assert record.running_since is None
    assert record.status == UserModel.Status.FRESH
    assert _user_files(user.pk) == [os.path.basename(record.file)]


def test_rating_change_model_serves_the_person(trained, user):
    now = selectors.serving(user=user)

    assert now.record == trained
    assert now.scorer.personal is not None
    assert now.scorer.personal.n_ratings == 4


def test_retraining_replaces_the_old_file(
    trained, user, django_capture_on_commit_callbacks, tmp_path
):
    old = trained.file

    _rate_and_commit(user, django_capture_on_commit_callbacks, _themes(1, 3)[0], stars=1)

    record = UserModel.objects.get(user=user)
    assert record.n_ratings == 5
    assert record.file != old
    assert _user_files(user.pk) == [os.path.basename(record.file)]


def test_rating_delete_below_min_ratings_forgets_the_model(
    trained, user, django_capture_on_commit_callbacks, tmp_path
):
    ratings = list(Rating.objects.filter(user=user))

    with django_capture_on_commit_callbacks(execute=True):
        for rating in ratings[:3]:
            rating_delete(rating=rating)

    record = UserModel.objects.get(user=user)
    assert record.n_ratings == 1
    assert record.file == ""
    assert record.digest == ""
    assert record.status == UserModel.Status.NONE
    assert _user_files(user.pk) == []


def test_train_user_model_task_returns_the_status(trained, user):
    result = train_user_model.enqueue(user.pk)

    assert result.return_value == "fresh"


def test_train_user_model_task_for_a_deleted_person_says_gone(user):
    user_id = user.pk
    user.delete()

    result = train_user_model.enqueue(user_id)

    assert result.return_value == "gone"


# --- coalescing: at most one queued job per person --------------------------------


def test_rating_burst_queues_one_job(user, settings, django_capture_on_commit_callbacks):
    settings.TASKS = DUMMY

    with django_capture_on_commit_callbacks(execute=True):
        for theme in _themes(5, 1):
            rating_set(user=user, theme=theme, stars=4)

    record = UserModel.objects.get(user=user)
    jobs = _enqueued(train_user_model)
    assert [job.args for job in jobs] == [[user.pk]]
    assert record.queued_at is not None
    assert record.status == UserModel.Status.TRAINING
    assert len(_enqueued(train_community_model)) == 1


def test_rating_burst_in_separate_requests_queues_one_job(
    user, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY

    for theme in _themes(5, 1):
        _rate_and_commit(user, django_capture_on_commit_callbacks, theme)

    assert len(_enqueued(train_user_model)) == 1


def test_rating_burst_queued_job_trains_on_all_ratings(
    user, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY
    for theme in _themes(5, 1):
        _rate_and_commit(user, django_capture_on_commit_callbacks, theme)
    (job,) = _enqueued(train_user_model)

    with django_capture_on_commit_callbacks(execute=True):
        status = job.task.call(*job.args, **job.kwargs)

    record = UserModel.objects.get(user=user)
    assert status == "fresh"
    assert record.n_ratings == 5
    assert record.queued_at is None
    assert record.status == UserModel.Status.FRESH


def test_rating_change_after_the_job_started_queues_another(
    user, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY
    _rate(user, 3, seed=1)
    _rate_and_commit(user, django_capture_on_commit_callbacks, _themes(1, 2)[0])
    # The queued job has started: it is no longer queued but running.
    UserModel.objects.filter(user=user).update(queued_at=None, running_since=timezone.now())

    _rate_and_commit(user, django_capture_on_commit_callbacks, _themes(1, 3)[0])

    assert len(_enqueued(train_user_model)) == 2


def test_job_finding_a_live_run_requeues_itself_later(
    user, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY
    _rate(user, 3, seed=1)
    started = timezone.now()
    UserModel.objects.create(user=user, running_since=started, queued_at=started)

    record = services.model_train(user_id=user.pk)

    (job,) = _enqueued(train_user_model)
    assert job.args == [user.pk]
    assert job.task.run_after > timezone.now() + services.RETRY_DELAY / 2
    assert record.running_since == started
    assert record.queued_at == started
    assert record.file == ""
    assert _user_files(user.pk) == []


def test_job_finding_a_dead_run_trains(user, settings):
    settings.TASKS = DUMMY
    _rate(user, 3, seed=1)
    long_ago = timezone.now() - models.RUN_TIMEOUT - timedelta(seconds=1)
    UserModel.objects.create(user=user, running_since=long_ago)

    record = services.model_train(user_id=user.pk)

    assert record.n_ratings == 3
    assert record.running_since is None
    assert _enqueued(train_user_model) == []


def test_job_finding_a_live_run_with_the_immediate_backend_leaves_it_to_that_run(
    user, django_capture_on_commit_callbacks
):
    # The immediate backend cannot defer: a job enqueuing itself again would run again at
    # once, without end, and its place in the queue would stay taken for good.
    _rate(user, 3, seed=1)
    UserModel.objects.create(user=user, queued_at=timezone.now())
    late_theme = theme_get_or_create(theme=_themes(1, 9)[0])
    arrived = []

    def rate_and_run_a_second_job(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if '"ratings_rating"."stars"' in sql and not arrived:
            # While the first run trains: another rating comes in, and its job starts.
            arrived.append(True)
            Rating.objects.create(user=user, theme=late_theme, stars=5)
            now = timezone.now()
            UserModel.objects.filter(user=user).update(ratings_changed_at=now, queued_at=now)
            arrived.append(services.model_train(user_id=user.pk))
        return result

    with (
        django_capture_on_commit_callbacks(execute=True),
        connection.execute_wrapper(rate_and_run_a_second_job),
    ):
        services.model_train(user_id=user.pk)

    record = UserModel.objects.get(user=user)
    assert arrived[1].queued_at is None
    assert record.n_ratings == 4
    assert record.queued_at is None
    assert record.status == UserModel.Status.FRESH


def test_rating_change_with_a_lost_job_queues_a_new_one(
    user, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY
    lost = timezone.now() - models.QUEUE_TIMEOUT - timedelta(seconds=1)
    UserModel.objects.create(user=user, queued_at=lost)

    _rate_and_commit(user, django_capture_on_commit_callbacks, _themes(1, 1)[0])

    assert len(_enqueued(train_user_model)) == 1
    assert UserModel.objects.get(user=user).queued_at > lost


# --- failures ------------------------------------------------------------------------


@pytest.fixture
def unwritable_models(settings, tmp_path):
    """Point the model storage below a regular file, so that writing a model fails."""

    def apply() -> None:
        blocker = tmp_path / "blocker"
        blocker.write_text("not a folder")
        settings.STORAGES = {
            **settings.STORAGES,
            "models": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(blocker / "models")},
            },
        }

    return apply


def test_training_failure_keeps_the_previous_model(
    trained, user, django_capture_on_commit_callbacks, unwritable_models, tmp_path
):
    before = _file_bytes(trained.file)
    unwritable_models()

    _rate_and_commit(user, django_capture_on_commit_callbacks, _themes(1, 3)[0], stars=1)

    record = UserModel.objects.get(user=user)
    assert record.file == trained.file
    assert record.digest == trained.digest
    assert record.n_ratings == 4
    assert record.failures == 1
    assert record.last_error.startswith(("NotADirectoryError", "FileExistsError"))
    assert record.last_error_at is not None
    assert record.running_since is None
    assert record.status == UserModel.Status.STALE
    with open(tmp_path / "models" / trained.file, "rb") as handle:
        assert handle.read() == before


def test_training_failure_counts_each_failure(
    trained, user, django_capture_on_commit_callbacks, unwritable_models
):
    unwritable_models()

    _rate_and_commit(user, django_capture_on_commit_callbacks, _themes(1, 3)[0], stars=1)
    _rate_and_commit(user, django_capture_on_commit_callbacks, _themes(1, 4)[0], stars=2)

    assert UserModel.objects.get(user=user).failures == 2


def test_training_failure_then_success_clears_the_error(
    trained, user, django_capture_on_commit_callbacks, unwritable_models, settings
):
    storages_before = settings.STORAGES
    unwritable_models()
    _rate_and_commit(user, django_capture_on_commit_callbacks, _themes(1, 3)[0], stars=1)
    settings.STORAGES = storages_before

    _rate_and_commit(user, django_capture_on_commit_callbacks, _themes(1, 4)[0], stars=2)

    record = UserModel.objects.get(user=user)
    assert record.n_ratings == 6
    assert record.last_error == ""
    assert record.last_error_at is None
    assert record.failures == 0
    assert record.status == UserModel.Status.FRESH


def test_training_failure_still_serves_the_previous_model(
    trained, user, django_capture_on_commit_callbacks, unwritable_models, settings
):
    storages_before = settings.STORAGES
    unwritable_models()
    _rate_and_commit(user, django_capture_on_commit_callbacks, _themes(1, 3)[0], stars=1)
    settings.STORAGES = storages_before  # the fault was passing: files can be read again
    store.cache_clear()

    with django_capture_on_commit_callbacks(execute=True):
        now = selectors.serving(user=user)

    assert now.scorer.personal is not None
    assert now.scorer.personal.n_ratings == 4
    assert UserModel.objects.get(user=user).file == trained.file


def test_training_failure_reading_ratings_ends_the_run(user):
    _rate(user, 3, seed=1)
    UserModel.objects.create(user=user)

    def database_gone(execute, sql, params, many, context):
        if '"ratings_rating"."stars"' in sql:
            raise OperationalError("database is gone")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(database_gone):
        services.model_train(user_id=user.pk)

    record = UserModel.objects.get(user=user)
    assert record.running_since is None
    assert record.last_error == "OperationalError: database is gone"
    assert record.failures == 1


# --- a model file that fails its checks -----------------------------------------------


def _tamper(name: str) -> None:
    path = storages[store.STORAGE_ALIAS].path(name)
    with open(path, "r+b") as handle:
        handle.seek(50)
        byte = handle.read(1)
        handle.seek(50)
        handle.write(bytes([byte[0] ^ 0xFF]))
    store.cache_clear()


def test_tampered_model_is_not_used_and_the_problem_is_recorded(
    trained, user, settings, django_capture_on_commit_callbacks, tmp_path
):
    settings.TASKS = DUMMY
    _tamper(trained.file)

    with django_capture_on_commit_callbacks(execute=True):
        now = selectors.serving(user=user)

    record = UserModel.objects.get(user=user)
    assert now.scorer.personal is None
    assert record.file == ""
    assert record.digest == ""
    assert record.versions == {}
    assert record.last_error == (
        "Model not loaded: the model file does not match its recorded digest"
    )
    assert record.failures == 1
    assert record.queued_at is not None
    assert [job.args for job in _enqueued(train_user_model)] == [[user.pk]]
    assert _user_files(user.pk) == []


def test_tampered_model_is_rebuilt_from_ratings(
    trained, user, django_capture_on_commit_callbacks, tmp_path
):
    _tamper(trained.file)

    with django_capture_on_commit_callbacks(execute=True):
        selectors.serving(user=user)
    store.cache_clear()
    now = selectors.serving(user=user)

    record = UserModel.objects.get(user=user)
    assert now.scorer.personal is not None
    assert record.n_ratings == 4
    assert hashlib.sha256(_file_bytes(record.file)).hexdigest() == record.digest
    assert record.last_error == ""
    assert record.status == UserModel.Status.FRESH
    assert _user_files(user.pk) == [os.path.basename(record.file)]


def test_model_of_other_library_versions_is_rebuilt(
    trained, user, django_capture_on_commit_callbacks
):
    UserModel.objects.filter(pk=trained.pk).update(
        versions={**trained.versions, "scikit-learn": "0.1"}
    )
    store.cache_clear()

    with django_capture_on_commit_callbacks(execute=True):
        selectors.serving(user=user)

    record = UserModel.objects.get(user=user)
    assert record.versions == store.current_versions()
    assert record.file != ""


def test_model_unusable_ignores_a_file_the_record_no_longer_serves(
    trained, user, settings, django_capture_on_commit_callbacks, tmp_path
):
    # A request loaded the old file while a training replaced (and deleted) it.
    settings.TASKS = DUMMY

    with django_capture_on_commit_callbacks(execute=True):
        services.model_unusable(
            record_id=trained.pk, problem="the model file cannot be read", file="models/old.joblib"
        )

    record = UserModel.objects.get(user=user)
    assert record.file == trained.file
    assert record.last_error == ""
    assert _enqueued(train_user_model) == []
    assert _user_files(user.pk) == [os.path.basename(trained.file)]


def test_model_unusable_of_a_gone_record_does_nothing(db):
    services.model_unusable(record_id=12345, problem="gone")

    assert UserModel.objects.count() == 0


# --- deleting a person ------------------------------------------------------------------


def test_deleting_a_person_deletes_their_model_file(
    trained, user, django_capture_on_commit_callbacks, tmp_path
):
    with django_capture_on_commit_callbacks(execute=True):
        user.delete()

    assert UserModel.objects.filter(pk=trained.pk).exists() is False
    assert _user_files(trained.user_id) == []


def test_model_train_for_a_deleted_person_returns_none(user):
    _rate(user, 3, seed=1)
    user_id = user.pk
    user.delete()

    record = services.model_train(user_id=user_id)

    assert record is None
    assert UserModel.objects.count() == 0


def test_person_deleted_while_training_leaves_no_file(
    user, django_capture_on_commit_callbacks, tmp_path
):
    _rate(user, 3, seed=1)
    UserModel.objects.create(user=user)
    user_id = user.pk
    deleted = []

    def delete_after_reading_ratings(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if '"ratings_rating"."stars"' in sql and not deleted:
            deleted.append(True)
            User.objects.filter(pk=user_id).delete()
        return result

    with (
        django_capture_on_commit_callbacks(execute=True),
        connection.execute_wrapper(delete_after_reading_ratings),
    ):
        record = services.model_train(user_id=user_id)

    assert deleted == [True]
    assert record is None
    assert UserModel.objects.count() == 0
    assert _user_files(user.pk) == []


# --- the community model and the first visit --------------------------------------------


def test_community_train_builds_the_community_model(user, other_user):
    _rate(user, 3, seed=1)
    _rate(other_user, 2, seed=2)

    record = services.community_train()

    assert record.is_community is True
    assert record.user_id is None
    assert record.n_ratings == 5
    assert hashlib.sha256(_file_bytes(record.file)).hexdigest() == record.digest
    assert record.file.startswith("models/community-")
    assert UserModel.objects.filter(is_community=True).count() == 1


def test_rating_change_queues_the_community_model_at_most_once(
    user, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY

    for theme in _themes(3, 1):
        _rate_and_commit(user, django_capture_on_commit_callbacks, theme)

    assert len(_enqueued(train_community_model)) == 1


def test_rating_change_trains_the_community_model(user, django_capture_on_commit_callbacks):
    _rate(user, 2, seed=1)

    _rate_and_commit(user, django_capture_on_commit_callbacks, _themes(1, 2)[0])

    community = UserModel.objects.get(is_community=True)
    assert community.n_ratings == 3
    assert community.file != ""
    assert community.status == UserModel.Status.FRESH


def test_community_train_finding_a_live_run_can_be_queued_again(
    user, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY
    started = timezone.now()
    UserModel.objects.create(is_community=True, running_since=started, queued_at=started)

    services.community_train()
    # The live run finishes long enough ago that the community model is due again.
    UserModel.objects.filter(is_community=True).update(
        running_since=None, trained_at=started - services.COMMUNITY_INTERVAL
    )
    _rate_and_commit(user, django_capture_on_commit_callbacks, _themes(1, 1)[0])

    assert len(_enqueued(train_community_model)) == 1
    assert UserModel.objects.get(is_community=True).queued_at is not None


def test_first_visit_is_served_by_the_community_model(user, other_user, make_user):
    _rate(user, 3, seed=1)
    _rate(other_user, 3, seed=2)
    services.community_train()
    newcomer = make_user("linus")

    now = selectors.serving(user=newcomer)
    picks = ranking.recommend(scorer=now.scorer, batch=batch_draw(2000), k=20)

    assert now.record is None
    assert now.scorer.personal is None
    assert now.scorer.community is not None
    assert now.community_record.is_community is True
    assert len(picks) == 20
    assert len({pick.theme.key for pick in picks}) == 20
    assert all(1.0 <= pick.stars <= 5.0 for pick in picks)
    assert picks[0].reason != "A random theme: rate a few and your own picks appear here"


def test_first_visit_without_any_model_gets_random_picks(user):
    now = selectors.serving(user=user)
    picks = ranking.recommend(scorer=now.scorer, batch=batch_draw(500), k=20)

    assert now.scorer.available is False
    assert len(picks) == 20
    assert {pick.reason for pick in picks} == {
        "A random theme: rate a few and your own picks appear here"
    }
