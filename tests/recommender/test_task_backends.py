"""The task backend is a setting: the same tasks run through Redis (RQ) with no code change."""

from __future__ import annotations

import os
import signal
import uuid

import numpy as np
import pytest
from django.core.files.storage import storages
from django.tasks import TaskResultStatus, task
from django.tasks.exceptions import TaskResultDoesNotExist
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from rq import SimpleWorker

from ratings.services import rating_set
from ratings.themes import ThemeColours, draw
from recommender import store
from recommender.models import UserModel
from recommender.rq_backend import SERIALIZER
from recommender.tasks import train_community_model, train_user_model

# A database number of its own; each test's queues have a prefix of their own too, so
# test runs on one machine at the same time do not take or delete each other's jobs.
REDIS_URL = "redis://127.0.0.1:6379/15"


@task()
def explode() -> None:
    raise LookupError("no such thing")


@pytest.fixture
def rq_backend(settings):
    connection = Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except RedisConnectionError as error:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL}, and CI has one: {error}")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {error}")
    prefix = f"test-{uuid.uuid4().hex}-"
    settings.TASKS = {
        "default": {
            "BACKEND": "recommender.rq_backend.RQBackend",
            "QUEUES": ["default"],
            "OPTIONS": {"URL": REDIS_URL, "PREFIX": prefix},
        }
    }
    backend = train_user_model.get_backend()
    yield backend
    queue = backend.queue("default")
    job_ids = set(queue.get_job_ids())
    for registry in (
        queue.finished_job_registry,
        queue.failed_job_registry,
        queue.started_job_registry,
        queue.scheduled_job_registry,
        queue.deferred_job_registry,
    ):
        job_ids.update(registry.get_job_ids())
    for job_id in job_ids:
        connection.delete(f"rq:job:{job_id}", f"rq:results:{job_id}")
    for key in connection.scan_iter(match=f"*{prefix}*"):
        connection.delete(key)
    connection.close()
    backend.connection.close()


def _work(backend) -> None:
    """Run every waiting job in this process, as `manage.py rq_worker --burst` would."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    worker = SimpleWorker(
        [backend.queue("default")], connection=backend.connection, serializer=SERIALIZER
    )
    try:
        worker.work(burst=True)
    finally:
        # The worker takes over Ctrl-C; give it back to pytest.
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


@pytest.mark.django_db(transaction=True)
def test_rq_backend_trains_user_model_in_worker(user, rq_backend):
    themes = [ThemeColours.from_array(rgb) for rgb in draw(5, np.random.default_rng(7))]
    for index, theme in enumerate(themes):
        rating_set(user=user, theme=theme, stars=1 + index % 5)
    # Each commit asked for training; the jobs wait in Redis (one per model, coalesced).
    record = UserModel.objects.get(user=user)
    assert (record.file, record.status) == ("", UserModel.Status.TRAINING)
    jobs = {job.description: job.id for job in rq_backend.queue("default").get_jobs()}
    assert sorted(jobs) == [train_community_model.module_path, train_user_model.module_path]

    _work(rq_backend)

    record.refresh_from_db()
    assert (record.n_ratings, record.status, record.last_error) == (5, "fresh", "")
    assert storages[store.STORAGE_ALIAS].exists(record.file)
    result = train_user_model.get_result(jobs[train_user_model.module_path])
    assert (result.status, result.return_value) == (TaskResultStatus.SUCCESSFUL, "fresh")
    community = UserModel.objects.get(is_community=True)
    assert community.n_ratings == 5


@pytest.mark.django_db(transaction=True)
def test_rq_backend_reports_failed_task(rq_backend):
    result = explode.enqueue()
    assert result.status == TaskResultStatus.READY

    _work(rq_backend)

    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class is LookupError
    assert "no such thing" in result.errors[0].traceback


def test_rq_backend_unknown_result_does_not_exist(rq_backend):
    with pytest.raises(TaskResultDoesNotExist):
        train_user_model.get_result("no-such-job")
