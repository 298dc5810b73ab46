from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ratings.themes import ThemeColours

_HEX_REGEX = r"^#[0-9a-f]{6}$"
_KEY_REGEX = r"^[0-9a-f]{6}-[0-9a-f]{6}-[0-9a-f]{6}-[0-9a-f]{6}$"


class Theme(models.Model):
    """Four colours. Identity is `key`; a row exists once somebody rates or keeps the theme."""

    key = models.CharField(max_length=27, unique=True)
    background = models.CharField(max_length=7)
    color1 = models.CharField("colour 1 (keywords)", max_length=7)
    color2 = models.CharField("colour 2 (strings)", max_length=7)
    color3 = models.CharField("colour 3 (functions)", max_length=7)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Set by staff (admin action "Feature on explore"); explore shows featured themes first.
    featured_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(key__regex=_KEY_REGEX), name="theme_key_format"
            ),
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{slot}__regex": _HEX_REGEX}), name=f"theme_{slot}_hex"
                )
                for slot in ("background", "color1", "color2", "color3")
            ),
            models.CheckConstraint(
                condition=models.Q(
                    key=models.functions.Concat(
                        models.functions.Substr("background", 2),
                        models.Value("-"),
                        models.functions.Substr("color1", 2),
                        models.Value("-"),
                        models.functions.Substr("color2", 2),
                        models.Value("-"),
                        models.functions.Substr("color3", 2),
                        output_field=models.CharField(),
                    )
                ),
                name="theme_key_matches_colours",
            ),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def colours(self) -> ThemeColours:
        return ThemeColours(self.background, self.color1, self.color2, self.color3)


class Rating(models.Model):
    """One person's 1 to 5 stars for one theme; rating again replaces the stars."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings"
    )
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="ratings")
    stars = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "theme"], name="rating_one_per_user_theme"),
            models.CheckConstraint(
                condition=models.Q(stars__gte=1, stars__lte=5), name="rating_stars_1_to_5"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="rating_user_newest"),
            # Staff dashboard: ratings per day and people active lately, read by time range.
            models.Index(fields=["created_at"], name="rating_created"),
            models.Index(fields=["updated_at"], name="rating_updated"),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} gave {self.theme} {self.stars}★"


class Favourite(models.Model):
    """A theme a person keeps; shown on their public profile when they allow it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourites"
    )
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="favourites")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "theme"], name="favourite_one_per_user_theme")
        ]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="favourite_user_newest"),
            # Explore: newest favourites and favourites per theme in a time window.
            models.Index(fields=["-created_at", "-id"], name="favourite_newest"),
            models.Index(fields=["theme", "created_at"], name="favourite_theme_time"),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} ♥ {self.theme}"
