"""Staff dashboard on a large PostgreSQL database: 10,000 people, 1,000,000 ratings.

    python -m bench.dashboard [--runs 7] [--database-url postgres://...] [--reuse]

Creates the database named in `--database-url` (default `themehub_bench` on the local
PostgreSQL; it is dropped first if it exists), migrates it, fills it with COPY (people,
200,000 themes, 1,000,000 ratings over the past year, 50,000 favourites, a taste-model row
per person, 50,000 training runs over the 90 days kept, 20,000 task results), runs VACUUM
ANALYZE, then times GET /staff/ as a staff
member through Django's test client: the median of `--runs` requests after one warm-up.
It also prints each query of one request with its time. Target: <= 300 ms median.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import statistics
import tempfile
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import psycopg

USERS = 10_000
RATINGS_PER_USER = 100  # 1,000,000 ratings
THEMES = 200_000
# Stride through the themes per person: 100 * STRIDE < THEMES, so a person's themes differ.
STRIDE = 1_997
FAVOURITES_PER_USER = 5
TASK_RESULTS = 20_000
# Training history: the 90 days kept (TRAINING_RUN_DAYS), about 17,000 in the charts' 30.
TRAINING_RUNS = 50_000
TRAINING_RUN_DAYS = 90
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/themehub_bench"


def _database_create(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["THEMEHUB_TASKS"] = "database"
    os.environ["THEMEHUB_MODEL_ROOT"] = tempfile.mkdtemp(prefix="themehub-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "themehub.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _fill(url: str, rng: np.random.Generator) -> dict[str, int]:
    now = dt.datetime.now(dt.UTC)
    year = 365 * 24 * 3600
    started = time.perf_counter()
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        # People: joined over the past year; 30% logged in during the past week.
        joined = now - dt.timedelta(seconds=1) * rng.integers(0, year, USERS)
        recent = rng.random(USERS) < 0.3
        last_login = [
            now - dt.timedelta(seconds=int(s)) if r else None
            for s, r in zip(rng.integers(0, 7 * 86400, USERS), recent, strict=True)
        ]
        _copy(
            cursor,
            "accounts_user",
            [
                "id",
                "password",
                "username",
                "email",
                "first_name",
                "last_name",
                "is_staff",
                "is_superuser",
                "is_active",
                "date_joined",
                "last_login",
                "favourites_public",
            ],
            (
                (
                    i + 1,
                    "!",
                    f"person{i:05d}",
                    f"person{i:05d}@example.com",
                    "",
                    "",
                    False,
                    False,
                    True,
                    joined[i],
                    last_login[i],
                    False,
                )
                for i in range(USERS)
            ),
        )
        # Themes: random colours in the demo's ranges; duplicates dropped.
        raw = rng.integers(0, 256, (THEMES * 2, 4, 3), dtype=np.uint8)
        raw[:, 0] //= 5
        raw[:, 1:] = 50 + (raw[:, 1:].astype(np.uint16) * 205 // 255).astype(np.uint8)
        keys = np.unique(raw.reshape(len(raw), 12), axis=0)[:THEMES]
        rng.shuffle(keys)
        hexes = [row.tobytes().hex() for row in keys]
        _copy(
            cursor,
            "ratings_theme",
            ["id", "key", "background", "color1", "color2", "color3", "created_at"],
            (
                (
                    i + 1,
                    "-".join(h[j : j + 6] for j in (0, 6, 12, 18)),
                    f"#{h[0:6]}",
                    f"#{h[6:12]}",
                    f"#{h[12:18]}",
                    f"#{h[18:24]}",
                    now,
                )
                for i, h in enumerate(hexes)
            ),
        )
        # Ratings: each person rates 100 different themes over the past year.
        n = USERS * RATINGS_PER_USER
        users = np.repeat(np.arange(USERS), RATINGS_PER_USER)
        offsets = rng.integers(0, THEMES, USERS)
        steps = np.tile(np.arange(RATINGS_PER_USER), USERS)
        themes = (offsets[users] + steps * STRIDE) % THEMES
        stars = rng.choice(5, n, p=[0.15, 0.2, 0.3, 0.2, 0.15]) + 1
        # Rows arrive in time order, as on the site: the table is laid out oldest first.
        order = np.argsort(-rng.integers(0, year, n), kind="stable")
        ages = -np.sort(-rng.integers(0, year, n))
        users, themes, stars = users[order], themes[order], stars[order]
        epoch = now.timestamp()
        _copy(
            cursor,
            "ratings_rating",
            ["id", "user_id", "theme_id", "stars", "created_at", "updated_at"],
            (
                (i + 1, int(u) + 1, int(t) + 1, int(s), when, when)
                for i, (u, t, s, when) in enumerate(
                    zip(
                        users,
                        themes,
                        stars,
                        (dt.datetime.fromtimestamp(epoch - int(a), dt.UTC) for a in ages),
                        strict=True,
                    )
                )
            ),
        )
        _copy(
            cursor,
            "ratings_favourite",
            ["id", "user_id", "theme_id", "created_at"],
            (
                (
                    u * FAVOURITES_PER_USER + j + 1,
                    u + 1,
                    int((offsets[u] + j * STRIDE) % THEMES) + 1,
                    now,
                )
                for u in range(USERS)
                for j in range(FAVOURITES_PER_USER)
            ),
        )
        # Taste models: trained over the past 30 days; 10% out of date, 2% failing.
        trained = now - dt.timedelta(seconds=1) * rng.integers(0, 30 * 86400, USERS)
        training_ms = rng.lognormal(np.log(250), 0.4, USERS).astype(int)
        cv_error = rng.normal(0.9, 0.15, USERS).clip(0.2, 2)
        stale = rng.random(USERS) < 0.1
        failed = rng.random(USERS) < 0.02
        _copy(
            cursor,
            "recommender_usermodel",
            [
                "id",
                "user_id",
                "is_community",
                "file",
                "digest",
                "versions",
                "n_ratings",
                "trained_at",
                "training_ms",
                "cv_error",
                "ratings_changed_at",
                "trained_on_changes_at",
                "last_error",
                "last_error_at",
                "failures",
            ],
            (
                (
                    i + 1,
                    i + 1,
                    False,
                    f"models/user-{i + 1}.joblib",
                    "0" * 64,
                    "{}",
                    RATINGS_PER_USER,
                    trained[i],
                    int(training_ms[i]),
                    float(cv_error[i]),
                    trained[i] + dt.timedelta(minutes=1) if stale[i] else trained[i],
                    trained[i],
                    "ValueError: simulated failure" if failed[i] else "",
                    trained[i] if failed[i] else None,
                    1 if failed[i] else 0,
                )
                for i in range(USERS)
            ),
        )
        # Training history: every attempt, 3% failed, 1 in 50 the community model's.
        finished = now - dt.timedelta(seconds=1) * rng.integers(
            0, TRAINING_RUN_DAYS * 86400, TRAINING_RUNS
        )
        run_ms = rng.lognormal(np.log(250), 0.4, TRAINING_RUNS).astype(int)
        run_error = rng.normal(0.9, 0.15, TRAINING_RUNS).clip(0.2, 2)
        run_failed = rng.random(TRAINING_RUNS) < 0.03
        run_community = rng.random(TRAINING_RUNS) < 0.02
        run_user = rng.integers(1, USERS + 1, TRAINING_RUNS)
        _copy(
            cursor,
            "recommender_trainingrun",
            [
                "id",
                "user_id",
                "is_community",
                "finished_at",
                "n_ratings",
                "training_ms",
                "cv_error",
                "succeeded",
                "error",
            ],
            (
                (
                    i + 1,
                    None if run_community[i] else int(run_user[i]),
                    bool(run_community[i]),
                    finished[i],
                    RATINGS_PER_USER,
                    None if run_failed[i] else int(run_ms[i]),
                    None if run_failed[i] else float(run_error[i]),
                    not run_failed[i],
                    "ValueError: simulated failure" if run_failed[i] else "",
                )
                for i in range(TRAINING_RUNS)
            ),
        )
        statuses = rng.choice(
            ["SUCCESSFUL", "FAILED", "READY", "RUNNING"], TASK_RESULTS, p=[0.95, 0.03, 0.015, 0.005]
        )
        enqueued = now - dt.timedelta(seconds=1) * rng.integers(0, 30 * 86400, TASK_RESULTS)
        _copy(
            cursor,
            "django_tasks_database_dbtaskresult",
            [
                "id",
                "status",
                "enqueued_at",
                "started_at",
                "finished_at",
                "args_kwargs",
                "priority",
                "task_path",
                "worker_ids",
                "queue_name",
                "backend_name",
                "run_after",
                "return_value",
                "exception_class_path",
                "traceback",
            ],
            (
                (
                    uuid.uuid4(),
                    status,
                    when,
                    when if status != "READY" else None,
                    when if status in {"SUCCESSFUL", "FAILED"} else None,
                    json.dumps({"args": [1], "kwargs": {}}),
                    0,
                    "recommender.tasks.train_user_model",
                    "[]",
                    "default",
                    "default",
                    when,
                    None,
                    "",
                    "",
                )
                for status, when in zip(statuses, enqueued, strict=True)
            ),
        )
        for table in (
            "accounts_user",
            "ratings_theme",
            "ratings_rating",
            "ratings_favourite",
            "recommender_usermodel",
            "recommender_trainingrun",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        connection.commit()
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    print(f"filled in {time.perf_counter() - started:.1f} s")
    return {"users": USERS, "ratings": USERS * RATINGS_PER_USER}


def _time_dashboard(runs: int) -> list[float]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import User

    staff = User.objects.filter(username="bench-staff").first() or User.objects.create_user(
        "bench-staff", password=secrets.token_urlsafe(), is_staff=True
    )
    client = Client(SERVER_NAME="localhost")
    client.force_login(staff)
    url = reverse("staff-dashboard")
    response = client.get(url)  # warm-up: connection, templates, imports
    assert response.status_code == 200, response.status_code
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    print(f"{len(queries)} queries in one request:")
    for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:12]:
        print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:110]}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--reuse", action="store_true", help="time the database a previous run filled"
    )
    args = parser.parse_args()
    runs = max(args.runs, 5)

    if not args.reuse:
        _database_create(args.database_url)
    _django(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if not args.reuse:
        _fill(args.database_url, np.random.default_rng(args.seed))
    times = _time_dashboard(runs)
    median = statistics.median(times)
    print(
        f"GET /staff/ with {USERS:,} people and {USERS * RATINGS_PER_USER:,} ratings: "
        f"median {median:.0f} ms of {runs} runs (min {min(times):.0f}, max {max(times):.0f}); "
        f"target <= 300 ms: {'met' if median <= 300 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
