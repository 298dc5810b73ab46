"""`manage.py demo_data`: a handful of demo people with ratings; a second run creates nothing."""

from __future__ import annotations

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from ratings import colour
from ratings.models import Rating, Theme
from ratings.themes import ThemeColours, draw

DEMO_PASSWORD = "themehub-demo"

# name -> (description, preferred hue of the three colours in degrees or None, likes contrast)
_PEOPLE = {
    "ada": ("likes cool blues and teals", 230.0, False),
    "linus": ("likes warm oranges and reds", 40.0, False),
    "grace": ("likes strong contrast, any hue", None, True),
    "alan": ("likes greens, softly", 140.0, False),
}
_RATINGS_EACH = 30


def _stars_for(
    themes: np.ndarray, hue: float | None, contrast: bool, rng: np.random.Generator
) -> np.ndarray:
    """A simple, noisy taste: `(n, 4, 3) uint8 -> (n,)` stars 1..5."""
    lch = colour.lch(colour.oklab(themes[:, 1:]))
    if hue is None:
        score = np.zeros(len(themes))
    else:
        distance = np.abs((lch[..., 2] - hue + 180) % 360 - 180).mean(axis=1)
        score = 1 - distance / 180
    if contrast:
        score = score + (colour.contrast_ratio(themes[:, 1:], themes[:, :1]).mean(axis=1) - 4) / 8
    score = score + rng.normal(0, 0.08, len(themes))
    ranks = score.argsort().argsort() / max(len(themes) - 1, 1)
    return np.clip(np.floor(ranks * 5) + 1, 1, 5).astype(int)


class Command(BaseCommand):
    help = "Create demo people (password 'themehub-demo') with ratings. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    @transaction.atomic
    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Demo people have a public password: use --force to add them to a live site."
            )
        created_users = created_ratings = 0
        for index, (name, (about, hue, contrast)) in enumerate(_PEOPLE.items()):
            email = f"{name}@demo.themehub.invalid"
            user, created = User.objects.get_or_create(
                username=name, defaults={"email": email, "first_name": name.title()}
            )
            if not created and user.email != email:
                # A real person already has this name: never add made-up ratings to their account.
                self.stdout.write(
                    self.style.WARNING(f"  {name}: skipped, a real account has that name")
                )
                continue
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                created_users += 1
            # A fixed seed per person: the same themes and stars on every run.
            rng = np.random.default_rng(1000 + index)
            themes = draw(_RATINGS_EACH, rng)
            stars = _stars_for(themes, hue, contrast, rng)
            for rgb, value in zip(themes, stars, strict=True):
                theme = ThemeColours.from_array(rgb)
                row, _ = Theme.objects.get_or_create(key=theme.key, defaults=theme.fields())
                _, made = Rating.objects.get_or_create(
                    user=user, theme=row, defaults={"stars": int(value)}
                )
                created_ratings += made
            self.stdout.write(f"  {name}: {about}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {created_users} new people, {created_ratings} new ratings "
                f"(log in as any of {', '.join(_PEOPLE)} with password '{DEMO_PASSWORD}')."
            )
        )
