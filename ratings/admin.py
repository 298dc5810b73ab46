from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Avg, Count, QuerySet
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
    date_hierarchy = "created_at"
    actions = ["feature", "unfeature"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Theme]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                _rating_count=Count("ratings", distinct=True),
                _average=Avg("ratings__stars"),
                _favourite_count=Count("favourites", distinct=True),
            )
        )

    @admin.display(description="Colours")
    def colours(self, theme: Theme) -> str:
        return _chips(theme)

    @admin.display(description="Ratings", ordering="_rating_count")
    def rating_count(self, theme: Theme) -> int:
        return theme._rating_count

    @admin.display(description="Average stars", ordering="_average")
    def average_stars(self, theme: Theme) -> str:
        return "-" if theme._average is None else f"{theme._average:.2f}"

    @admin.display(description="Favourites", ordering="_favourite_count")
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
    list_filter = ("stars", "created_at")
    search_fields = ("user__username", "theme__key")
    list_select_related = ("user", "theme")
    raw_id_fields = ("user", "theme")
    date_hierarchy = "created_at"

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
    date_hierarchy = "created_at"

    @admin.display(description="Colours")
    def colours(self, favourite: Favourite) -> str:
        return _chips(favourite.theme)
