"""Reads used by more than one caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.core.cache import cache
from django.db.models import Avg, Count, FloatField, Max, QuerySet, Sum
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from ratings import colour
from ratings.models import Favourite, Rating, Theme
from ratings.themes import ThemeColours


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


# --- explore ----------------------------------------------------------------------

EXPLORE_WEEK = timedelta(days=7)
# Filters and colour search run in numpy over the top of the chosen list, never the whole
# table: random themes are nearly all distinct, so Theme grows with every rating.
EXPLORE_CANDIDATES = 2000
FEATURED_MAX = 12
# The ranked lists are the same for everybody and cost a GROUP BY over all ratings (about
# 2 s for "best rated, all time" on 1,000,000 ratings on PostgreSQL): each is kept this
# long in the cache, so explore shows figures up to a minute old.
EXPLORE_CACHE_SECONDS = 60
# Best rated is a Bayesian average: every theme starts with 3 imaginary 3-star ratings,
# so one 5-star rating (3.5) does not outrank five of them (4.25).
STARS_PRIOR_MEAN, STARS_PRIOR_WEIGHT = 3.0, 3

EXPLORE_SORTS = ("favourited", "rated", "newest")
EXPLORE_PERIODS = ("week", "all")

# Hue families by the OKLab hue (degrees) of the keyword colour (colour 1), the accent a
# theme shows most; a keyword colour with OKLab chroma under NEUTRAL_CHROMA is "neutral".
# Each family runs from its start up to the next one's; pink wraps past 360 to red.
HUE_FAMILIES = (
    ("red", 15.0),
    ("orange", 45.0),
    ("yellow", 75.0),
    ("green", 120.0),
    ("cyan", 175.0),
    ("blue", 230.0),
    ("purple", 285.0),
    ("pink", 335.0),
)
NEUTRAL = "neutral"
NEUTRAL_CHROMA = 0.04
HUE_FAMILY_NAMES = (*(name for name, _ in HUE_FAMILIES), NEUTRAL)
_HUE_STARTS = np.array([start for _, start in HUE_FAMILIES])


@dataclass(frozen=True)
class ExploreCard:
    """One theme on the explore page with the figure its list is ranked by.

    `favourites` and `ratings` count within the list's time window; a featured theme
    outside the list has no figures. `weighted_stars` is the Bayesian average "best
    rated" is ranked by. `distance` is set by a colour search.
    """

    theme: ThemeColours
    featured: bool = False
    favourites: int | None = None
    ratings: int | None = None
    average_stars: float | None = None
    weighted_stars: float | None = None
    last_favourited: datetime | None = None
    distance: float | None = None


def hue_families(rgb: np.ndarray) -> np.ndarray:
    """`(n, 3) uint8` colours -> `(n,)` indices into HUE_FAMILY_NAMES (last is neutral)."""
    lch = colour.lch(colour.oklab(rgb))
    # The family whose start is the last one at or below the hue; below red's start is pink.
    index = (np.searchsorted(_HUE_STARTS, lch[..., 2], side="right") - 1) % len(HUE_FAMILIES)
    return np.where(lch[..., 1] < NEUTRAL_CHROMA, len(HUE_FAMILIES), index)


def weakest_contrast(rgb: np.ndarray) -> np.ndarray:
    """`(n, 4, 3) uint8` themes -> `(n,)` WCAG ratio of the weakest colour on the background."""
    return colour.contrast_ratio(rgb[:, 1:], rgb[:, :1]).min(axis=1)


def nearest_distance(rgb: np.ndarray, target: tuple[int, int, int]) -> np.ndarray:
    """`(n, 4, 3) uint8` themes -> `(n,)` ΔE (OKLab x100) of their colour nearest `target`."""
    lab = colour.oklab(rgb)
    goal = colour.oklab(np.array(target, dtype=np.uint8))
    return np.linalg.norm(lab - goal, axis=-1).min(axis=1) * 100.0


def _keys_rgb(keys: list[str]) -> np.ndarray:
    """Theme keys -> `(n, 4, 3) uint8`: the key is the colours' hex, so no parsing per theme."""
    raw = bytes.fromhex("".join(keys).replace("-", ""))
    return np.frombuffer(raw, dtype=np.uint8).reshape(len(keys), 4, 3)


def _ranked(sort: str, period: str) -> list[dict]:
    """Up to EXPLORE_CANDIDATES themes, best first, grouped from favourites or ratings.

    One query, or none while the list is in the cache (EXPLORE_CACHE_SECONDS).
    """
    cache_key = f"ratings:explore:v1:{sort}:{period}:{EXPLORE_CANDIDATES}"
    rows = cache.get(cache_key)
    if rows is None:
        since = timezone.now() - EXPLORE_WEEK if period == "week" else None
        rows = _ranked_query(sort, since)
        cache.set(cache_key, rows, EXPLORE_CACHE_SECONDS)
    return rows


def _ranked_query(sort: str, since: datetime | None) -> list[dict]:
    if sort == "rated":
        rows = Rating.objects.all()
        if since is not None:
            rows = rows.filter(created_at__gte=since)
        score = (Cast(Sum("stars"), FloatField()) + STARS_PRIOR_MEAN * STARS_PRIOR_WEIGHT) / (
            Cast(Count("id"), FloatField()) + STARS_PRIOR_WEIGHT
        )
        ranked = rows.values("theme_id", "theme__key").annotate(
            ratings=Count("id"), average_stars=Avg("stars"), score=score
        )
        order = ("-score", "-ratings", "-theme_id")
    else:
        rows = Favourite.objects.all()
        if since is not None and sort == "favourited":
            rows = rows.filter(created_at__gte=since)
        ranked = rows.values("theme_id", "theme__key").annotate(
            favourites=Count("id"), last_favourited=Max("created_at")
        )
        if sort == "newest":
            order = ("-last_favourited", "-theme_id")
        else:
            order = ("-favourites", "-last_favourited", "-theme_id")
    return list(ranked.order_by(*order)[:EXPLORE_CANDIDATES])


def explore_themes(
    *,
    sort: str = "favourited",
    period: str = "week",
    hue: str = "",
    min_contrast: float | None = None,
    near: tuple[int, int, int] | None = None,
) -> list[ExploreCard]:
    """Community themes for the explore page, featured first.

    Two queries (the featured themes, and the ranked list unless it is in the cache).

    `sort`: "favourited" (most favourites), "rated" (best Bayesian average of stars) or
    "newest" (latest favourite first); `period` "week" counts only favourites or ratings
    made in the last 7 days ("newest" ignores it). Filters: `hue` one of HUE_FAMILY_NAMES
    (by the keyword colour), `min_contrast` the WCAG ratio every colour must reach on the
    background. `near` (an RGB tuple) orders by perceptual distance instead, featured
    themes among the rest. Looks at the EXPLORE_CANDIDATES best of the list, plus featured.
    """
    # The newest favourites have no window: one list whatever the period.
    ranked = {
        row["theme__key"]: row for row in _ranked(sort, "all" if sort == "newest" else period)
    }
    featured = list(
        Theme.objects.filter(featured_at__isnull=False)
        .order_by("-featured_at", "-id")
        .values_list("key", flat=True)[:FEATURED_MAX]
    )
    keys = featured + [key for key in ranked if key not in set(featured)]
    if not keys:
        return []
    rgb = _keys_rgb(keys)
    keep = np.ones(len(keys), dtype=bool)
    if hue:
        keep &= hue_families(rgb[:, 1]) == HUE_FAMILY_NAMES.index(hue)
    if min_contrast is not None:
        keep &= weakest_contrast(rgb) >= min_contrast
    distance = nearest_distance(rgb, near) if near is not None else None
    order = np.flatnonzero(keep)
    if distance is not None:
        order = order[np.argsort(distance[order], kind="stable")]
    featured_keys = set(featured)
    cards = []
    for index in order.tolist():
        key = keys[index]
        row = ranked.get(key, {})
        cards.append(
            ExploreCard(
                theme=ThemeColours.from_key(key),
                featured=key in featured_keys,
                favourites=row.get("favourites"),
                ratings=row.get("ratings"),
                average_stars=row.get("average_stars"),
                weighted_stars=row.get("score"),
                last_favourited=row.get("last_favourited"),
                distance=None if distance is None else float(distance[index]),
            )
        )
    return cards
