"""Writes with a rule or a side effect: rate, re-rate, delete, undo, import, favourite.

The HTML views and (later) the API call these same functions. Each raises
`ServiceError` (or a subclass) with a message meant for a person, and tells
the rest of the site about changed ratings through `rating_changed`, sent only
after the transaction commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.errors import ServiceError
from accounts.models import User
from ratings.models import Favourite, Rating, Theme
from ratings.portability import ImportEntry, Rejection, parse_ratings_file
from ratings.signals import rating_changed
from ratings.themes import ThemeColours


class RatingError(ServiceError):
    """Stars or a rating that break a rule."""


@dataclass(frozen=True)
class RatingResult:
    rating: Rating
    created: bool
    previous_stars: int | None


@dataclass
class ImportReport:
    format: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return self.added + self.updated + self.unchanged


def clean_stars(stars: object) -> int:
    """Accept 1..5 as an int or a string of digits; raise RatingError for anything else."""
    if isinstance(stars, bool):
        stars = None
    # A cap on the digits: int() refuses strings of over 4,300 digits with a ValueError.
    if isinstance(stars, str) and stars.strip().isdecimal() and len(stars.strip()) <= 3:
        stars = int(stars.strip())
    if isinstance(stars, float) and stars.is_integer():
        stars = int(stars)
    if not isinstance(stars, int) or not 1 <= stars <= 5:
        raise RatingError("Stars must be a whole number from 1 to 5.", field="stars")
    return stars


def _announce(user: User) -> None:
    user_id = user.pk
    transaction.on_commit(lambda: rating_changed.send(Rating, user_id=user_id))


def theme_get_or_create(*, theme: ThemeColours) -> Theme:
    """The stored row for `theme`, created if it is new (safe under concurrent requests)."""
    try:
        with transaction.atomic():
            row, _ = Theme.objects.get_or_create(key=theme.key, defaults=theme.fields())
    except IntegrityError:
        row = Theme.objects.get(key=theme.key)
    return row


@transaction.atomic
def rating_set(*, user: User, theme: ThemeColours, stars: object) -> RatingResult:
    """Create or update `user`'s rating of `theme`.

    Returns the rating, whether it is new, and the stars it had before (for undo).
    Sends `rating_changed` after commit. Raises RatingError for stars outside 1..5.
    """
    stars = clean_stars(stars)
    theme_row = theme_get_or_create(theme=theme)
    now = timezone.now()
    rating = Rating.objects.select_for_update().filter(user=user, theme=theme_row).first()
    if rating is None:
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    user=user, theme=theme_row, stars=stars, created_at=now, updated_at=now
                )
        except IntegrityError:
            # Another request created it a moment ago: fall through to the update path.
            rating = Rating.objects.select_for_update().get(user=user, theme=theme_row)
        else:
            _announce(user)
            return RatingResult(rating=rating, created=True, previous_stars=None)
    previous = rating.stars
    if previous != stars:
        rating.stars = stars
        rating.updated_at = now
        rating.save(update_fields=["stars", "updated_at"])
        _announce(user)
    return RatingResult(rating=rating, created=False, previous_stars=previous)


@transaction.atomic
def rating_update(*, rating: Rating, stars: object) -> Rating:
    """Change the stars of an existing rating. Raises RatingError for stars outside 1..5."""
    stars = clean_stars(stars)
    if rating.stars != stars:
        rating.stars = stars
        rating.updated_at = timezone.now()
        rating.save(update_fields=["stars", "updated_at"])
        _announce(rating.user)
    return rating


@transaction.atomic
def rating_delete(*, rating: Rating) -> None:
    """Delete a rating (the theme row stays: others may have rated it)."""
    user = rating.user
    rating.delete()
    _announce(user)


@transaction.atomic
def rating_undo(*, user: User, theme: ThemeColours, previous_stars: int | None) -> Rating | None:
    """Put `user`'s rating of `theme` back as it was before the last `rating_set`.

    `previous_stars=None` means the theme had not been rated: the rating is deleted.
    Returns the restored rating, or None when it was removed.
    """
    rating = Rating.objects.select_for_update().filter(user=user, theme__key=theme.key).first()
    if previous_stars is None:
        if rating is not None:
            rating.delete()
            _announce(user)
        return None
    if rating is None:
        return rating_set(user=user, theme=theme, stars=previous_stars).rating
    return rating_update(rating=rating, stars=previous_stars)


@transaction.atomic
def ratings_import(*, user: User, filename: str, data: bytes) -> ImportReport:
    """Import ratings from a ThemeHub JSON/CSV export or the demo's saved votes.

    Valid entries are saved (a theme already rated gets the file's stars);
    each invalid entry is reported with its reason and nothing of it is saved.
    Raises ServiceError when the file as a whole cannot be read (not JSON or CSV,
    too large, too many entries).
    """
    parsed = parse_ratings_file(filename=filename, data=data)
    report = ImportReport(format=parsed.format, rejected=list(parsed.rejected))
    entries: dict[str, ImportEntry] = {}
    for entry in parsed.entries:
        earlier = entries.pop(entry.theme.key, None)
        if earlier is not None:
            report.rejected.append(
                Rejection(earlier.where, f"same theme as {entry.where}; the later entry is kept")
            )
        entries[entry.theme.key] = entry
    if not entries:
        return report

    keys = list(entries)
    # `fields()` leaves out the key; without it every new row breaks the key check
    # constraint, which `ignore_conflicts` would swallow as silently as a duplicate.
    Theme.objects.bulk_create(
        [Theme(key=key, **entries[key].theme.fields()) for key in keys], ignore_conflicts=True
    )
    themes = dict(Theme.objects.filter(key__in=keys).values_list("key", "pk"))
    existing = {
        rating.theme.key: rating
        for rating in Rating.objects.select_for_update()
        .filter(user=user, theme__key__in=keys)
        .select_related("theme")
    }
    now = timezone.now()
    new_ratings: list[Rating] = []
    changed: list[Rating] = []
    for key, entry in entries.items():
        rating = existing.get(key)
        if rating is None:
            rated_at = entry.rated_at or now
            new_ratings.append(
                Rating(
                    user=user,
                    theme_id=themes[key],
                    stars=entry.stars,
                    created_at=rated_at,
                    updated_at=rated_at,
                )
            )
        elif rating.stars != entry.stars:
            rating.stars = entry.stars
            rating.updated_at = now
            changed.append(rating)
        else:
            report.unchanged += 1
    Rating.objects.bulk_create(new_ratings, batch_size=1000)
    Rating.objects.bulk_update(changed, ["stars", "updated_at"], batch_size=1000)
    report.added, report.updated = len(new_ratings), len(changed)
    if new_ratings or changed:
        _announce(user)
    return report


# --- favourites -------------------------------------------------------------------


@dataclass(frozen=True)
class FavouriteResult:
    favourited: bool
    changed: bool


@transaction.atomic
def favourite_toggle(
    *, user: User, theme: ThemeColours, favourite: bool | None = None
) -> FavouriteResult:
    """Favourite or unfavourite `theme` for `user`.

    `favourite=None` flips the current state; `True`/`False` sets it, so a form posted
    twice (a double click, a retried request) lands where the person meant. Creates the
    theme row when the theme is new. Returns the state afterwards and whether it changed.
    Raises ServiceError for an anonymous user.
    """
    if user is None or not user.is_authenticated:
        raise ServiceError("Log in to keep favourite themes.")
    existing = Favourite.objects.filter(user=user, theme__key=theme.key)
    on_now = existing.exists()
    wanted = (not on_now) if favourite is None else bool(favourite)
    if wanted == on_now:
        return FavouriteResult(favourited=on_now, changed=False)
    if not wanted:
        existing.delete()
        return FavouriteResult(favourited=False, changed=True)
    theme_row = theme_get_or_create(theme=theme)
    try:
        with transaction.atomic():
            Favourite.objects.create(user=user, theme=theme_row)
    except IntegrityError:
        # A concurrent request favourited it a moment ago: the state is what was asked.
        return FavouriteResult(favourited=True, changed=False)
    return FavouriteResult(favourited=True, changed=True)
