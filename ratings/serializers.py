"""Shapes of the ratings API: themes, ratings, imports. They check shape and never save.

Colours and stars pass through as given: `ThemeColours.from_hex` and the services
hold the rules, so the API and the pages refuse the same things with the same words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import StrictSerializer
from ratings import colour
from ratings.exporters import FORMATS
from ratings.models import Favourite, Rating, Theme
from ratings.palette import derive
from ratings.selectors import EXPLORE_PERIODS, EXPLORE_SORTS, ThemeFigures
from ratings.themes import SLOTS, ThemeColours, ThemeError

HEX_SCHEMA = {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$", "example": "#1e1e2e"}
_PALETTE_TEXT_ROLES = ("foreground", "comment", "line_number", "constant")


@extend_schema_field(HEX_SCHEMA)
class _ColourField(serializers.Field):
    """A colour as given; `ThemeColours.from_hex` says whether it reads."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


@extend_schema_field(
    {"type": "array", "items": HEX_SCHEMA, "minItems": 3, "maxItems": 3},
)
class _ColoursField(_ColourField):
    pass


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 5})
class StarsField(serializers.Field):
    """Stars as given; the service decides (1..5, whole) and says why not."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


class ThemeInput(StrictSerializer):
    background = _ColourField()
    colors = _ColoursField(help_text="Keywords, strings, function names.")

    def validate(self, attrs: dict) -> ThemeColours:
        try:
            return ThemeColours.from_hex(attrs["background"], attrs["colors"])
        except ThemeError as error:
            if error.field in (None, "background"):
                raise serializers.ValidationError(
                    {error.field or "colors": [error.message]}
                ) from None
            index = SLOTS.index(error.field) - 1
            raise serializers.ValidationError({"colors": {index: [error.message]}}) from None


class RatingInput(StrictSerializer):
    theme = ThemeInput()
    stars = StarsField()


class StarsInput(StrictSerializer):
    stars = StarsField()


class ImportInput(StrictSerializer):
    file = serializers.FileField(
        help_text="A ThemeHub JSON or CSV export, or the original demo's saved votes (JSON)."
    )


# --- output -------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeRef:
    """A theme to show, and its row id when it is stored (None when it is not)."""

    colours: ThemeColours
    id: int | None = None


def theme_refs(themes: Iterable[ThemeColours]) -> list[ThemeRef]:
    """Themes with the ids of those that are stored (one query)."""
    themes = list(themes)
    ids = dict(
        Theme.objects.filter(key__in=[theme.key for theme in themes]).values_list("key", "pk")
    )
    return [ThemeRef(theme, ids.get(theme.key)) for theme in themes]


def _ratio(value) -> float:
    return round(float(value), 2)


class ContrastOutput(serializers.Serializer):
    color1 = serializers.FloatField()
    color2 = serializers.FloatField()
    color3 = serializers.FloatField()


class ThemeOutput(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="Null until somebody rates it.")
    key = serializers.CharField(help_text="The four colours' hex, joined by '-'.")
    background = serializers.CharField()
    colors = serializers.ListField(child=serializers.CharField(), min_length=3, max_length=3)
    url = serializers.SerializerMethodField(help_text="This theme in the API (no row needed).")
    page_url = serializers.SerializerMethodField(
        help_text="The theme's public page on the site, to share (anyone can open it)."
    )
    contrast = serializers.SerializerMethodField(
        help_text="WCAG 2 contrast ratio (1 to 21) of each colour against the background."
    )

    def to_representation(self, instance):
        ref = instance if isinstance(instance, ThemeRef) else _ref_of(instance)
        colours = ref.colours
        return {
            "id": ref.id,
            "key": colours.key,
            "background": colours.background,
            "colors": colours.colors,
            "url": self.get_url(ref),
            "page_url": self.get_page_url(ref),
            "contrast": self.get_contrast(ref),
        }

    def get_url(self, ref: ThemeRef) -> str:
        return _absolute(self, reverse("api:theme", kwargs={"key": ref.colours.key}))

    def get_page_url(self, ref: ThemeRef) -> str:
        return _absolute(self, reverse("theme", args=[ref.colours.key]))

    @extend_schema_field(ContrastOutput)
    def get_contrast(self, ref: ThemeRef) -> dict:
        rgb = ref.colours.rgb
        ratios = colour.contrast_ratio(rgb[1:], rgb[0])
        return {slot: _ratio(ratio) for slot, ratio in zip(SLOTS[1:], ratios, strict=True)}


def _absolute(serializer: serializers.Serializer, path: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


def _ref_of(theme: Theme | ThemeColours) -> ThemeRef:
    if isinstance(theme, Theme):
        return ThemeRef(theme.colours, theme.pk)
    return ThemeRef(theme, None)


class PaletteOutput(serializers.Serializer):
    background = serializers.CharField()
    foreground = serializers.CharField()
    comment = serializers.CharField()
    line_number = serializers.CharField()
    line_highlight = serializers.CharField()
    selection = serializers.CharField()
    cursor = serializers.CharField()
    keyword = serializers.CharField()
    string = serializers.CharField()
    function = serializers.CharField()
    constant = serializers.CharField()
    dark = serializers.BooleanField()


class TextContrastOutput(serializers.Serializer):
    wcag = serializers.FloatField(help_text="WCAG 2 contrast ratio against the background.")
    apca = serializers.FloatField(
        help_text="APCA lightness contrast Lc (negative: light text on a dark background)."
    )


class YourRatingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    stars = serializers.IntegerField()


class FiguresOutput(serializers.Serializer):
    ratings = serializers.IntegerField(help_text="How many people rated it.")
    average_stars = serializers.FloatField(
        allow_null=True, help_text="Their average stars (null: nobody rated it)."
    )
    favourites = serializers.IntegerField(help_text="How many people keep it as a favourite.")


class ExportLinkOutput(serializers.Serializer):
    label = serializers.CharField()
    group = serializers.CharField(help_text='"Editors", "Terminals" or "Other".')
    url = serializers.URLField(help_text="GET it for the file (no token needed).")


class ThemeDetailOutput(ThemeOutput):
    palette = PaletteOutput(help_text="Every colour an editor needs, derived from the four.")
    readability = serializers.DictField(
        child=TextContrastOutput(),
        help_text="Contrast of each text colour (the three and the derived ones) "
        "against the background.",
    )
    your_rating = YourRatingOutput(allow_null=True, help_text="Your rating of it, if any.")
    your_favourite = serializers.BooleanField(help_text="Whether it is one of your favourites.")
    figures = FiguresOutput(help_text="What the community has said about it.")
    exports = serializers.DictField(
        child=ExportLinkOutput(),
        help_text="The theme as a file for each editor and terminal, by format "
        "(`vscode`, `vim`, …, `zip` for all of them).",
    )

    def to_representation(self, instance: ThemeRef):
        data = super().to_representation(instance)
        palette = derive(instance.colours)
        texts = {
            **dict(zip(SLOTS[1:], instance.colours.colors, strict=True)),
            **{role: getattr(palette, role) for role in _PALETTE_TEXT_ROLES},
        }
        rgb = [colour.parse_hex(value) for value in texts.values()]
        background = colour.parse_hex(instance.colours.background)
        wcag = colour.contrast_ratio(rgb, background)
        apca = colour.apca_contrast(rgb, background)
        rating = self.context.get("rating")
        data["palette"] = palette.as_dict()
        data["readability"] = {
            role: {"wcag": _ratio(w), "apca": round(float(a), 1)}
            for role, w, a in zip(texts, wcag, apca, strict=True)
        }
        data["your_rating"] = None if rating is None else {"id": rating.pk, "stars": rating.stars}
        data["your_favourite"] = bool(self.context.get("favourite", False))
        figures = self.context.get("figures") or ThemeFigures(
            ratings=0, average_stars=None, favourites=0
        )
        data["figures"] = {
            "ratings": figures.ratings,
            "average_stars": None
            if figures.average_stars is None
            else round(float(figures.average_stars), 2),
            "favourites": figures.favourites,
        }
        data["exports"] = _export_links(self, instance.colours)
        return data


def _export_links(serializer: serializers.Serializer, theme: ThemeColours) -> dict[str, dict]:
    """Format -> label, group and API URL of `theme`'s file in that format."""
    return {
        fmt.slug: {
            "label": fmt.label,
            "group": fmt.group,
            "url": _absolute(
                serializer, reverse("api:theme-export", kwargs={"key": theme.key, "fmt": fmt.slug})
            ),
        }
        for fmt in FORMATS.values()
    }


class RatingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    theme = ThemeOutput()
    stars = serializers.IntegerField(min_value=1, max_value=5)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, rating: Rating) -> str:
        path = reverse("api:rating", kwargs={"rating_id": rating.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class RatingPage(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = RatingOutput(many=True)


class EmptyInput(StrictSerializer):
    """A body with nothing in it: any key is a 400 (`{}` or no body at all is fine)."""


class FavouriteInput(StrictSerializer):
    theme = ThemeInput()


class FavouriteOutput(serializers.Serializer):
    theme = ThemeOutput()
    created_at = serializers.DateTimeField(help_text="When it became a favourite.")
    url = serializers.SerializerMethodField(
        help_text="This favourite in the API (DELETE it to remove it)."
    )

    def get_url(self, favourite: Favourite) -> str:
        return _absolute(self, reverse("api:favourite", kwargs={"key": favourite.theme.key}))


class FavouritePage(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = FavouriteOutput(many=True)


class PublicFavouriteOutput(serializers.Serializer):
    theme = ThemeOutput()
    created_at = serializers.DateTimeField(help_text="When it became a favourite.")


class PublicFavouritePage(serializers.Serializer):
    username = serializers.CharField()
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PublicFavouriteOutput(many=True)


class RejectionOutput(serializers.Serializer):
    where = serializers.CharField(help_text='E.g. "entry 3" or "line 7".')
    reason = serializers.CharField()


class ImportReportOutput(serializers.Serializer):
    format = serializers.CharField(help_text="What the file was read as.")
    added = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    accepted = serializers.IntegerField()
    rejected = RejectionOutput(many=True)


class ExploreResultOutput(serializers.Serializer):
    """One theme of explore with the community's figures, as its card on /explore/ shows.

    A figure that does not apply to the list is null, and so are all of a featured
    theme's when nobody favourited or rated it in the period.
    """

    theme = ThemeOutput()
    featured = serializers.BooleanField(help_text="Featured by staff (first, except in a search).")
    favourites = serializers.IntegerField(
        allow_null=True,
        help_text="Favourites in the period (`sort=favourited` ranks by it; `newest`: all time).",
    )
    ratings = serializers.IntegerField(
        allow_null=True, help_text="Ratings in the period (`sort=rated`)."
    )
    average_stars = serializers.FloatField(
        allow_null=True, help_text="Their plain average (`sort=rated`)."
    )
    weighted_stars = serializers.FloatField(
        allow_null=True,
        help_text="The Bayesian average `sort=rated` ranks by: three imaginary 3-star "
        "ratings added to the real ones.",
    )
    favourited_at = serializers.DateTimeField(
        allow_null=True, help_text="When it was last favourited (`sort=newest` ranks by it)."
    )
    distance = serializers.FloatField(
        allow_null=True,
        help_text="With `near`: perceptual distance (OKLab ΔE x100) from `near` to the "
        "theme's closest colour; results are ranked by it, nearest first.",
    )


class ExplorePage(serializers.Serializer):
    sort = serializers.ChoiceField(choices=EXPLORE_SORTS)
    period = serializers.ChoiceField(
        choices=EXPLORE_PERIODS, help_text="The list's period (`sort=newest` ignores it)."
    )
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ExploreResultOutput(many=True)
