from __future__ import annotations

from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from ratings import colour
from ratings.models import Rating, Theme

DEMO_PEOPLE = ["ada", "alan", "grace", "linus"]


def _run(*args) -> str:
    out = StringIO()
    call_command("demo_data", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_data_refuses_when_debug_is_off_without_force(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="use --force"):
        _run()

    assert (User.objects.count(), Rating.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_demo_data_runs_in_debug_without_force(settings):
    settings.DEBUG = True

    output = _run()

    assert "Demo data ready: 4 new people, 120 new ratings" in output


@pytest.mark.django_db
def test_demo_data_creates_people_with_ratings():
    _run("--force")

    assert sorted(User.objects.values_list("username", flat=True)) == DEMO_PEOPLE
    assert {user.ratings.count() for user in User.objects.all()} == {30}
    assert all(
        User.objects.get(username=name).check_password("themehub-demo") for name in DEMO_PEOPLE
    )
    assert set(Rating.objects.values_list("stars", flat=True)) == {1, 2, 3, 4, 5}


@pytest.mark.django_db
def test_demo_data_second_run_creates_nothing():
    _run("--force")
    counts = (User.objects.count(), Theme.objects.count(), Rating.objects.count())
    stars = dict(Rating.objects.values_list("id", "stars"))

    output = _run("--force")

    assert (User.objects.count(), Theme.objects.count(), Rating.objects.count()) == counts
    assert counts == (4, 120, 120)
    assert dict(Rating.objects.values_list("id", "stars")) == stars
    assert "Demo data ready: 0 new people, 0 new ratings" in output


@pytest.mark.django_db
def test_demo_data_leaves_a_real_account_with_a_demo_name_alone(make_user, theme):
    ada = make_user("ada")
    row = Theme.objects.create(key=theme.key, **theme.fields())
    Rating.objects.create(user=ada, theme=row, stars=2)

    output = _run("--force")

    ada.refresh_from_db()
    assert ada.check_password("themehub-demo") is False
    assert list(ada.ratings.values_list("theme__key", "stars")) == [(theme.key, 2)]
    assert "ada: skipped, a real account has that name" in output
    assert "Demo data ready: 3 new people, 90 new ratings" in output


def _mean_hue_distance(ratings, hue: float) -> float:
    rgb = np.array([rating.theme.colours.rgb for rating in ratings])
    hues = colour.lch(colour.oklab(rgb[:, 1:]))[..., 2]
    return float(np.abs((hues - hue + 180) % 360 - 180).mean())


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "hue"), [("ada", 230.0), ("linus", 40.0), ("alan", 140.0)])
def test_demo_data_people_prefer_their_hue(name, hue):
    _run("--force")
    ratings = Rating.objects.filter(user__username=name).select_related("theme")

    loved = _mean_hue_distance(ratings.filter(stars=5), hue)
    disliked = _mean_hue_distance(ratings.filter(stars=1), hue)

    assert loved < disliked
