"""Reads used by more than one caller."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from ratings.models import Rating


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
