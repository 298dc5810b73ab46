"""`manage.py train_models`: which models it asks for, queued or trained in place."""

from __future__ import annotations

from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.tasks import task_backends

from ratings.services import rating_set
from ratings.themes import ThemeColours, draw
from recommender.models import UserModel
from recommender.tasks import train_community_model, train_user_model

DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def _rate(user, n: int, *, seed: int = 0) -> None:
    """`n` ratings; their commit callbacks never run here, so nothing is trained or queued."""
    for index, rgb in enumerate(draw(n, np.random.default_rng(seed))):
        rating_set(user=user, theme=ThemeColours.from_array(rgb), stars=1 + index % 5)


def _call(*args: str) -> str:
    out = StringIO()
    call_command("train_models", *args, stdout=out)
    return out.getvalue()


def _queued() -> list[tuple[str, list]]:
    return [(result.task.name, result.args) for result in task_backends["default"].results]


def test_train_models_missing_sync_trains_people_without_model(make_user):
    ada, grace, alan = make_user("ada"), make_user("grace"), make_user("alan")
    _rate(ada, 4, seed=1)
    _rate(grace, 4, seed=2)
    _rate(alan, 2, seed=3)  # too few for a model
    _call("--user", "grace", "--sync")

    out = _call("--missing", "--sync")

    assert out == "  ada: trained on 4 ratings\n  community model: trained on 10 ratings\n"
    assert UserModel.objects.get(user=ada).n_ratings == 4
    assert not UserModel.objects.filter(user=alan).exists()


def test_train_models_all_queues_everyone_and_community(
    make_user, settings, django_capture_on_commit_callbacks
):
    ada, grace = make_user("ada"), make_user("grace")
    make_user("linus")  # no ratings
    _rate(ada, 3, seed=1)
    _rate(grace, 1, seed=2)
    settings.TASKS = DUMMY

    with django_capture_on_commit_callbacks(execute=True):
        out = _call("--all")

    assert out == (
        "Training requested for 2 people and the community model; the task worker runs it.\n"
    )
    assert sorted(_queued()) == [
        (train_community_model.name, []),
        (train_user_model.name, [ada.pk]),
        (train_user_model.name, [grace.pk]),
    ]


def test_train_models_missing_with_nothing_missing(make_user, settings):
    _rate(make_user("ada"), 3)
    _call("--missing", "--sync")
    settings.TASKS = DUMMY

    assert _call("--missing") == "Nothing to train.\n"
    assert _queued() == []


def test_train_models_unknown_user(db):
    with pytest.raises(CommandError, match="No such user: nobody"):
        _call("--user", "nobody")
