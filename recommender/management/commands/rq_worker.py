"""`manage.py rq_worker`: run task jobs from Redis (THEMEHUB_TASKS=rq), on any machine."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.tasks import task_backends
from redis.exceptions import ConnectionError as RedisConnectionError
from rq import SimpleWorker, Worker

from recommender.rq_backend import SERIALIZER, RQBackend


class Command(BaseCommand):
    help = (
        "Run an RQ worker for the Redis task backend (THEMEHUB_TASKS=rq). Each job runs in a "
        "forked process; deferred tasks are moved onto their queue by RQ's scheduler."
    )

    def add_arguments(self, parser):
        parser.add_argument("--backend", default="default", help="TASKS alias (default: default).")
        parser.add_argument(
            "--queue",
            action="append",
            dest="queues",
            help="Queue to work on; repeat for more (default: all the backend's queues).",
        )
        parser.add_argument(
            "--burst", action="store_true", help="Run the jobs waiting now, then exit."
        )
        parser.add_argument(
            "--no-fork", action="store_true", help="Run jobs in this process (RQ's SimpleWorker)."
        )

    def handle(self, *args, backend: str, queues: list[str] | None, burst: bool, **options):
        tasks = task_backends[backend]
        if not isinstance(tasks, RQBackend):
            raise CommandError(
                f"TASKS[{backend!r}] is {type(tasks).__name__}, not the RQ backend: "
                "set THEMEHUB_TASKS=rq (and REDIS_URL)."
            )
        names = queues or sorted(tasks.queues)
        unknown = set(names) - tasks.queues
        if unknown:
            raise CommandError(f"Not a queue of this backend: {', '.join(sorted(unknown))}.")
        worker_class = SimpleWorker if options["no_fork"] else Worker
        worker = worker_class(
            [tasks.queue(name) for name in names],
            connection=tasks.connection,
            serializer=SERIALIZER,
        )
        # A forked job must not share the parent's database sockets.
        connections.close_all()
        try:
            worker.work(burst=burst, with_scheduler=True)
        except RedisConnectionError as error:
            raise CommandError(f"Redis at {tasks.url} does not answer: {error}") from error
