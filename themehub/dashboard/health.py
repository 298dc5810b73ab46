"""/healthz: can this process reach its database, its task backend and its model storage?

Each check is one cheap round trip (no table scans), so a load balancer or monitor may
poll it every few seconds. Failures are logged in full; the public answer names only
the kind of error, never hosts or paths.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable

from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, JsonResponse
from django.tasks import task_backends
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from recommender.store import STORAGE_ALIAS

logger = logging.getLogger(__name__)


class CheckFailed(Exception):
    """A check ran without an exception but found a problem; the message says which."""


def _database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connections[DEFAULT_DB_ALIAS].vendor


def _task_backend() -> str:
    backend = task_backends["default"]
    name = type(backend).__name__
    connection = getattr(backend, "connection", None)
    if connection is not None and hasattr(connection, "ping"):
        connection.ping()  # Redis (RQ backend)
    else:
        try:
            from django_tasks_db.backend import DatabaseBackend
            from django_tasks_db.models import DBTaskResult
        except ImportError:  # pragma: no cover - django-tasks-db is a dependency
            return name
        if isinstance(backend, DatabaseBackend):
            # The queue's table is there and readable (an index lookup, not a count).
            DBTaskResult.objects.filter(pk=None).exists()
    return name


def _model_storage() -> str:
    storage = storages[STORAGE_ALIAS]
    try:
        location = storage.path("")
    except NotImplementedError:
        # Object storage: one cheap request that fails when the bucket cannot be reached.
        storage.exists("models/")
        return type(storage).__name__
    # The folder is made on the first save: it, or the nearest folder above, must be writable.
    folder = location
    while not os.path.exists(folder):
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK | os.X_OK):
        raise CheckFailed("the model folder is not a writable directory")
    return type(storage).__name__


CHECKS: dict[str, Callable[[], str]] = {
    "database": _database,
    "tasks": _task_backend,
    "model_storage": _model_storage,
}


def _run(name: str, check: Callable[[], str]) -> dict:
    started = time.perf_counter()
    try:
        detail = check()
    except CheckFailed as problem:
        logger.error("Health check %s failed: %s", name, problem)
        state, detail = "fail", str(problem)
    except Exception as error:
        logger.exception("Health check %s failed", name)
        state, detail = "fail", type(error).__name__
    else:
        state = "ok"
    return {
        "state": state,
        "detail": detail,
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 and `{"state": "ok", "checks": {...}}` when every check passes, else 503."""
    checks = {name: _run(name, check) for name, check in CHECKS.items()}
    healthy = all(check["state"] == "ok" for check in checks.values())
    return JsonResponse(
        {"state": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503
    )
