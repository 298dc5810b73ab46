from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import (
    Avg,
    Count,
    FloatField,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html_join

from ratings.models import Favourite, Rating, Theme


def _chips(theme: Theme) -> str:
    return format_html_join(
        "",
        '<span title="{0}" style="display:inline-block;width:14px;height:14px;'
        'border:1px solid #8884;background:{0}"></span>',
        ((value,) for value in theme.colours.hexes),
    )


def _per_theme(model, aggregate, output_field, *, default=None):
    """`aggregate` over `model`'s rows of each theme, as a scalar subquery."""
    rows = (
        model.objects.filter(theme=OuterRef("pk"))
        .order_by()
        .values("theme")
        .annotate(value=aggregate)
        .values("value")
    )
    subquery = Subquery(rows, output_field=output_field)
    return subquery if default is None else Coalesce(subquery, default)


class StarsFilter(admin.SimpleListFilter):
    """Stars 1 to 5 without the DISTINCT over every rating that a field filter runs."""

    title = "stars"
    parameter_name = "stars"

    def lookups(self, request, model_admin):
        return [(str(stars), f"{stars}★") for stars in range(1, 6)]

    def queryset(self, request, queryset):
        return queryset if self.value() is None else queryset.filter(stars=int(self.value()))


class FeaturedFilter(admin.SimpleListFilter):
    title = "featured on explore"
    parameter_name = "featured"

    def lookups(self, request, model_admin):
        return (("yes", "Featured"), ("no", "Not featured"))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(featured_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(featured_at__isnull=True)
        return queryset


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = (
        "key",
        "colours",
        "rating_count",
        "average_stars",
        "favourite_count",
        "featured_at",
        "created_at",
    )
    list_filter = (FeaturedFilter, "created_at")
    search_fields = ("key",)
    # Counting 200,000 themes a second time for "(N total)" costs more than it tells.
    show_full_result_count = False
    readonly_fields = (
        "key",
        "colours",
        "background",
        "color1",
        "color2",
        "color3",
        "rating_count",
        "average_stars",
        "favourite_count",
        "created_at",
    )
    fields = (*readonly_fields, "featured_at")
    actions = ["feature", "unfeature"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Theme]:
        # Correlated subqueries, not joins: joining ratings and favourites grouped every
        # theme's ratings before the page was cut (2 s on 1,000,000 ratings); a subquery
        # runs for the page's rows only, on the ratings' and favourites' theme indexes.
        return (
            super()
            .get_queryset(request)
            .annotate(
                _rating_count=_per_theme(Rating, Count("pk"), IntegerField(), default=0),
                _average=_per_theme(Rating, Avg("stars"), FloatField()),
                _favourite_count=_per_theme(Favourite, Count("pk"), IntegerField(), default=0),
            )
        )

    @admin.display(description="Colours")
    def colours(self, theme: Theme) -> str:
        return _chips(theme)

    # Not sortable: ordering 200,000 themes by their ratings counts every rating (2.5 s on
    # 1,000,000); the staff dashboard lists the most rated themes of the week instead.
    @admin.display(description="Ratings")
    def rating_count(self, theme: Theme) -> int:
        return theme._rating_count

    @admin.display(description="Average stars")
    def average_stars(self, theme: Theme) -> str:
        return "-" if theme._average is None else f"{theme._average:.2f}"

    @admin.display(description="Favourites")
    def favourite_count(self, theme: Theme) -> int:
        return theme._favourite_count

    @admin.action(description="Feature the selected themes on explore")
    def feature(self, request: HttpRequest, queryset: QuerySet[Theme]) -> None:
        # Already featured themes keep their date: featuring again does not reorder them.
        changed = queryset.filter(featured_at__isnull=True).update(featured_at=timezone.now())
        self.message_user(request, f"Featured {changed} theme(s) on explore.", messages.SUCCESS)

    @admin.action(description="Stop featuring the selected themes")
    def unfeature(self, request: HttpRequest, queryset: QuerySet[Theme]) -> None:
        changed = queryset.filter(featured_at__isnull=False).update(featured_at=None)
        self.message_user(request, f"Stopped featuring {changed} theme(s).", messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Themes come into being when someone rates them; the key is derived from the colours.
        return False


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("user", "theme", "colours", "stars", "created_at", "updated_at")
    # No date_hierarchy: its list of years and months is a DISTINCT over every rating.
    list_filter = (StarsFilter, "created_at")
    search_fields = ("user__username", "theme__key")
    list_select_related = ("user", "theme")
    raw_id_fields = ("user", "theme")
    show_full_result_count = False

    @admin.display(description="Colours")
    def colours(self, rating: Rating) -> str:
        return _chips(rating.theme)


@admin.register(Favourite)
class FavouriteAdmin(admin.ModelAdmin):
    list_display = ("user", "theme", "colours", "created_at")
    list_filter = ("created_at",)
    search_fields = ("user__username", "theme__key")
    list_select_related = ("user", "theme")
    raw_id_fields = ("user", "theme")
    show_full_result_count = False

    @admin.display(description="Colours")
    def colours(self, favourite: Favourite) -> str:
        return _chips(favourite.theme)
