"""Reads used by more than one caller."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from ratings.models import Favourite, Rating, Theme


def ratings_of(*, user: User) -> QuerySet[Rating]:
    """`user`'s ratings, newest first, with their themes (one query)."""
    return Rating.objects.filter(user=user).select_related("theme").order_by("-created_at", "-id")


def rating_of(*, user: User, rating_id: object) -> Rating:
    """`user`'s rating `rating_id`; Http404 for another person's rating or an unknown id."""
    try:
        rating_id = int(rating_id)
    except (TypeError, ValueError):
        rating_id = -1
    return get_object_or_404(
        Rating.objects.select_related("theme", "user"), pk=rating_id, user=user
    )


# --- favourites -------------------------------------------------------------------


def favourites_of(*, user: User) -> QuerySet[Favourite]:
    """`user`'s favourites, newest first, with their themes (one query)."""
    return (
        Favourite.objects.filter(user=user).select_related("theme").order_by("-created_at", "-id")
    )


def favourite_keys(*, user: User | None) -> frozenset[str]:
    """Keys of every theme `user` has favourited (one query; none for anonymous people)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    return frozenset(Favourite.objects.filter(user=user).values_list("theme__key", flat=True))


def public_profile_user(*, username: str) -> User:
    """The active person `username` whose favourites are public; Http404 otherwise.

    Private and unknown people answer alike, so a URL does not tell whether an account exists.
    """
    person = User.objects.filter(username=username, is_active=True).first()
    if person is None or not person.favourites_public:
        raise Http404("No public favourites here.")
    return person


@dataclass(frozen=True)
class ThemeFigures:
    """What the community has said about one theme."""

    ratings: int
    average_stars: float | None
    favourites: int


def theme_figures(*, key: str) -> ThemeFigures:
    """Ratings count, average stars and favourites of the theme `key` (one query)."""
    row = (
        Theme.objects.filter(key=key)
        .annotate(
            n_ratings=Count("ratings", distinct=True),
            avg_stars=Avg("ratings__stars"),
            n_favourites=Count("favourites", distinct=True),
        )
        .values("n_ratings", "avg_stars", "n_favourites")
        .first()
    )
    if row is None:
        return ThemeFigures(ratings=0, average_stars=None, favourites=0)
    return ThemeFigures(
        ratings=row["n_ratings"], average_stars=row["avg_stars"], favourites=row["n_favourites"]
    )
