from __future__ import annotations

from django.contrib import admin
from django.db.models import Avg, Count, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join

from ratings.models import Rating, Theme


def _chips(theme: Theme) -> str:
    return format_html_join(
        "",
        '<span title="{0}" style="display:inline-block;width:14px;height:14px;'
        'border:1px solid #8884;background:{0}"></span>',
        ((value,) for value in theme.colours.hexes),
    )


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("key", "colours", "rating_count", "average_stars", "created_at")
    search_fields = ("key",)
    readonly_fields = ("key", "background", "color1", "color2", "color3", "created_at")
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Theme]:
        return (
            super()
            .get_queryset(request)
            .annotate(_rating_count=Count("ratings"), _average=Avg("ratings__stars"))
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
