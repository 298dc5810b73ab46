"""Routes of the REST API v1, included at /api/v1/ (namespace "api")."""

from __future__ import annotations

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts import api as accounts_api
from ratings import api as ratings_api
from recommender import api as recommender_api
from themehub import api

app_name = "api"

urlpatterns = [
    path("", api.RootApi.as_view(), name="root"),
    path("auth/token/", accounts_api.TokenLoginApi.as_view(), name="auth-token"),
    path("auth/tokens/", accounts_api.TokenListApi.as_view(), name="tokens"),
    path("auth/tokens/<int:token_id>/", accounts_api.TokenDetailApi.as_view(), name="token"),
    path("me/", accounts_api.MeApi.as_view(), name="me"),
    path("explore/", ratings_api.ExploreApi.as_view(), name="explore"),
    path("themes/next/", recommender_api.NextThemeApi.as_view(), name="next-theme"),
    path("themes/<str:key>/", ratings_api.ThemeDetailApi.as_view(), name="theme"),
    # `fmt`, not `format`: DRF reads a `format` URL argument as the response's format.
    path(
        "themes/<str:key>/export/<str:fmt>/",
        ratings_api.ThemeExportApi.as_view(),
        name="theme-export",
    ),
    path("favourites/", ratings_api.FavouriteListApi.as_view(), name="favourites"),
    path("favourites/<str:key>/", ratings_api.FavouriteDetailApi.as_view(), name="favourite"),
    path(
        "users/<str:username>/favourites/",
        ratings_api.PublicFavouritesApi.as_view(),
        name="user-favourites",
    ),
    path("ratings/", ratings_api.RatingListApi.as_view(), name="ratings"),
    path("ratings/import/", ratings_api.RatingImportApi.as_view(), name="ratings-import"),
    path("ratings/export.json", ratings_api.RatingExportJsonApi.as_view(), name="export-json"),
    path("ratings/export.csv", ratings_api.RatingExportCsvApi.as_view(), name="export-csv"),
    path("ratings/<int:rating_id>/", ratings_api.RatingDetailApi.as_view(), name="rating"),
    path("recommendations/", recommender_api.RecommendationsApi.as_view(), name="recommendations"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    # Last: anything else under /api/v1/ is a JSON 404, not the site's HTML page.
    re_path(r"^(?P<path>[\s\S]*)$", api.not_found, name="not-found"),
]
