from __future__ import annotations

import pytest
from django.db import OperationalError, connections
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_all_checks_pass_returns_200(client):
    response = client.get(reverse("healthz"))

    body = response.json()
    assert response.status_code == 200
    assert body["state"] == "ok"
    assert {name: check["state"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "tasks": "ok",
        "model_storage": "ok",
    }
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_database_down_returns_503(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "cursor", refuse)

    response = client.get(reverse("healthz"))

    body = response.json()
    assert response.status_code == 503
    assert body["state"] == "fail"
    assert body["checks"]["database"] == {
        "state": "fail",
        "detail": "OperationalError",
        "ms": body["checks"]["database"]["ms"],
    }
    assert body["checks"]["model_storage"]["state"] == "ok"


def test_healthz_model_storage_unavailable_returns_503(client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the model folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "models": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker / "models")},
        },
    }

    response = client.get(reverse("healthz"))

    body = response.json()
    assert response.status_code == 503
    assert body["checks"]["model_storage"]["state"] == "fail"
    assert body["checks"]["model_storage"]["detail"] == (
        "the model folder is not a writable directory"
    )
    assert body["checks"]["database"]["state"] == "ok"


def test_healthz_model_folder_not_made_yet_is_ok(client, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "models": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "later" / "models")},
        },
    }

    response = client.get(reverse("healthz"))

    assert response.json()["checks"]["model_storage"]["state"] == "ok"
    assert response.status_code == 200


def test_healthz_database_task_backend_checked(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    response = client.get(reverse("healthz"))

    assert response.json()["checks"]["tasks"]["detail"] == "DatabaseBackend"
    assert response.status_code == 200


def test_healthz_redis_unreachable_returns_503(client, settings):
    pytest.importorskip("rq")
    settings.TASKS = {
        "default": {
            "BACKEND": "recommender.rq_backend.RQBackend",
            "QUEUES": ["default"],
            # Port 9 (discard) has no Redis: the ping is refused at once.
            "OPTIONS": {"URL": "redis://127.0.0.1:9/0"},
        }
    }

    response = client.get(reverse("healthz"))

    assert response.json()["checks"]["tasks"]["state"] == "fail"
    assert response.status_code == 503


def test_healthz_is_cheap(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get(reverse("healthz"))


def test_healthz_refuses_post(client):
    response = client.post(reverse("healthz"))

    assert response.status_code == 405
