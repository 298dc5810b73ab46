"""A `django.tasks` backend on Redis through RQ, for when the site outgrows one machine.

Chosen by the TASKS setting alone (`THEMEHUB_TASKS=rq`, Redis at `REDIS_URL`); workers
run `manage.py rq_worker` on any number of machines. Every RQ job is the module-level
`run` with the task's dotted path, its arguments and the backend alias, stored as JSON
(never pickle): the worker imports the task and calls it, as `db_worker` does. Tasks
and results are Django's own (`django.tasks.Task`, `TaskResult`), and Django's task
signals fire, so its "Task ... state=..." log lines look the same as with `db_worker`.

Why not django-tasks-rq: its 0.12 is built on the `django_tasks` backport, so with it
`@task` makes the backport's Task and results are the backport's classes, a second copy
of the tasks API beside Django's.

Limits: no priorities (RQ queues are first in, first out); no `takes_context` tasks;
`run_after` needs a worker that runs RQ's scheduler (`rq_worker` does); a result is kept
for RESULT_TTL seconds (default a day), after which `get_result` raises
TaskResultDoesNotExist; a job that fails or whose worker dies is not retried (RQ puts it
in its failed-job registry); like any RQ setup, whoever can write to Redis can run code
on the workers, so Redis must be private.
"""

from __future__ import annotations

from functools import cached_property
from traceback import format_exc
from typing import Any

from django.db import connections
from django.tasks import Task, TaskResult, TaskResultStatus, task_backends
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import TaskError
from django.tasks.exceptions import InvalidTask, TaskResultDoesNotExist
from django.tasks.signals import task_enqueued, task_finished, task_started
from django.utils.crypto import get_random_string
from django.utils.json import normalize_json
from django.utils.module_loading import import_string
from redis import Redis
from rq import Queue, get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.results import Result
from rq.serializers import JSONSerializer

SERIALIZER = JSONSerializer

_STATUS = {
    JobStatus.STARTED: TaskResultStatus.RUNNING,
    JobStatus.FINISHED: TaskResultStatus.SUCCESSFUL,
    JobStatus.FAILED: TaskResultStatus.FAILED,
    JobStatus.STOPPED: TaskResultStatus.FAILED,
    JobStatus.CANCELED: TaskResultStatus.FAILED,
}


class RQBackend(BaseTaskBackend):
    """OPTIONS: URL (redis://127.0.0.1:6379/0), JOB_TIMEOUT (600 s), RESULT_TTL (86,400 s),
    PREFIX ("": put before every queue name, so several sites can share one Redis)."""

    supports_defer = True
    supports_async_task = True
    supports_get_result = True

    def __init__(self, alias: str, params: dict) -> None:
        super().__init__(alias, params)
        self.url = self.options.get("URL", "redis://127.0.0.1:6379/0")
        self.job_timeout = self.options.get("JOB_TIMEOUT", 600)
        self.result_ttl = self.options.get("RESULT_TTL", 86_400)
        self.prefix = self.options.get("PREFIX", "")

    @cached_property
    def connection(self) -> Redis:
        return Redis.from_url(self.url)

    def queue(self, name: str) -> Queue:
        return Queue(self.prefix + name, connection=self.connection, serializer=SERIALIZER)

    def validate_task(self, task: Task) -> None:
        super().validate_task(task)
        if task.takes_context:
            raise InvalidTask("The RQ backend does not pass a context to tasks.")

    def enqueue(self, task: Task, args, kwargs) -> TaskResult:
        self.validate_task(task)
        result = TaskResult(
            task=task,
            id=get_random_string(32),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        options = {
            "args": (task.module_path, result.args, result.kwargs, self.alias),
            "job_id": result.id,
            "job_timeout": self.job_timeout,
            "result_ttl": self.result_ttl,
            "failure_ttl": self.result_ttl,
            "description": task.module_path,
        }
        queue = self.queue(task.queue_name)
        if task.run_after is None:
            job = queue.enqueue(run, **options)
        else:
            job = queue.enqueue_at(task.run_after, run, **options)
        object.__setattr__(result, "enqueued_at", job.enqueued_at or job.created_at)
        task_enqueued.send(type(self), task_result=result)
        return result

    def get_result(self, result_id: str) -> TaskResult:
        try:
            job = Job.fetch(result_id, connection=self.connection, serializer=SERIALIZER)
        except NoSuchJobError:
            raise TaskResultDoesNotExist(result_id) from None
        return _result_of(job)


def _result_of(job: Job) -> TaskResult:
    """The Django TaskResult of an RQ job made by `RQBackend.enqueue`."""
    module_path, args, kwargs, alias = job.args
    queue_name = job.origin.removeprefix(task_backends[alias].prefix)
    task = import_string(module_path).using(backend=alias, queue_name=queue_name)
    status = _STATUS.get(job.get_status(), TaskResultStatus.READY)
    latest = job.latest_result()
    errors = []
    if status == TaskResultStatus.FAILED:
        errors.append(
            TaskError(
                exception_class_path=job.meta.get("exception_class", "builtins.Exception"),
                traceback=(latest.exc_string if latest else None) or "",
            )
        )
    result = TaskResult(
        task=task,
        id=job.id,
        status=status,
        enqueued_at=job.enqueued_at,
        started_at=job.started_at,
        last_attempted_at=job.started_at,
        finished_at=job.ended_at,
        args=args,
        kwargs=kwargs,
        backend=alias,
        errors=errors,
        worker_ids=[job.worker_name] if job.worker_name else [],
    )
    if latest is not None and latest.type == Result.Type.SUCCESSFUL:
        object.__setattr__(result, "_return_value", latest.return_value)
    return result


def _close_connections() -> None:
    # A job is to a worker what a request is to a web process: it starts and ends with no
    # database connection of its own (a work horse is a fork that exits after one job).
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


def run(module_path: str, args: list, kwargs: dict, alias: str) -> Any:
    """The RQ job of every task: import the task from its dotted path and call it."""
    task = import_string(module_path)
    if not isinstance(task, Task):
        raise InvalidTask(f"{module_path} is not a django.tasks Task.")
    job = get_current_job()
    result = _result_of(job)
    object.__setattr__(result, "status", TaskResultStatus.RUNNING)
    task_started.send(RQBackend, task_result=result)
    _close_connections()
    try:
        value = normalize_json(task.call(*args, **kwargs))
    except BaseException as error:
        kind = type(error)
        error_class = f"{kind.__module__}.{kind.__qualname__}"
        # RQ keeps the traceback but not the class; TaskError.exception_class needs it.
        job.meta["exception_class"] = error_class
        job.save_meta()
        result.errors.append(TaskError(exception_class_path=error_class, traceback=format_exc()))
        object.__setattr__(result, "status", TaskResultStatus.FAILED)
        task_finished.send(RQBackend, task_result=result)
        raise
    finally:
        _close_connections()
    object.__setattr__(result, "status", TaskResultStatus.SUCCESSFUL)
    object.__setattr__(result, "_return_value", value)
    task_finished.send(RQBackend, task_result=result)
    return value
