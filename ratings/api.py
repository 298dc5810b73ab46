"""The ratings API: ratings (rate, list, change, delete, import, export), any theme and its
files, favourites, a person's public favourites, and explore.

Same services, selectors and forms as the history, favourites, profile, theme and explore
pages (`ratings.services`, `ratings.selectors`, `ratings.exporters`, `ratings.forms`).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api import ApiView, PayloadTooLarge
from accounts.errors import ServiceError
from ratings import exporters, portability, selectors, services
from ratings.forms import ExploreForm
from ratings.models import Favourite, Rating
from ratings.serializers import (
    EmptyInput,
    ExplorePage,
    ExploreResultOutput,
    FavouriteInput,
    FavouriteOutput,
    FavouritePage,
    ImportInput,
    ImportReportOutput,
    PublicFavouriteOutput,
    PublicFavouritePage,
    RatingInput,
    RatingOutput,
    RatingPage,
    StarsInput,
    ThemeDetailOutput,
    ThemeRef,
    theme_refs,
)
from ratings.themes import ThemeColours, ThemeError


class RatingPagination(PageNumberPagination):
    """Pages of 20 (`page_size` 1-100); a `page_size` that is not one of those is a 400.

    Every list of the API pages so (ratings, favourites).
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Request) -> int:
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not (value.isdecimal() and len(value) <= 3 and 1 <= int(value) <= self.max_page_size):
            raise exceptions.ValidationError(
                {"page_size": [f"Give a whole number from 1 to {self.max_page_size}."]}
            )
        return int(value)


def _page_parameters(things: str) -> list[OpenApiParameter]:
    return [
        OpenApiParameter(
            "page",
            {"type": "integer", "minimum": 1},
            description="Page number, from 1 (past the last page: 404).",
        ),
        OpenApiParameter(
            "page_size",
            {"type": "integer", "minimum": 1, "maximum": 100},
            description=f"{things} per page, 1 to 100 (default 20).",
        ),
    ]


KEY_PARAMETER = OpenApiParameter(
    "key",
    str,
    OpenApiParameter.PATH,
    pattern="^[0-9a-f]{6}(-[0-9a-f]{6}){3}$",
    description="Four lowercase hex colours joined by '-' (a malformed key: 404).",
)


def _theme_of_key(key: str) -> ThemeColours:
    """The theme a URL names; a malformed key is a 404, as on the site's pages."""
    try:
        return ThemeColours.from_key(key)
    except ThemeError as error:
        raise exceptions.NotFound(error.message) from None


class RatingListApi(ApiView):
    """Your ratings, newest first; rate a theme."""

    @extend_schema(
        operation_id="ratings_list",
        parameters=_page_parameters("Ratings"),
        responses={200: RatingPage},
        tags=["ratings"],
    )
    def get(self, request: Request) -> Response:
        paginator = RatingPagination()
        page = paginator.paginate_queryset(selectors.ratings_of(user=request.user), request, self)
        data = RatingOutput(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        operation_id="ratings_create",
        request=RatingInput,
        responses={
            201: OpenApiResponse(RatingOutput, description="A new rating."),
            200: OpenApiResponse(RatingOutput, description="It replaced your earlier rating."),
        },
        tags=["ratings"],
    )
    def post(self, request: Request) -> Response:
        data = RatingInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.rating_set(
            user=request.user,
            theme=data.validated_data["theme"],
            stars=data.validated_data["stars"],
        )
        return Response(
            RatingOutput(result.rating, context={"request": request}).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class RatingDetailApi(ApiView):
    """One of your ratings (another person's id is a 404)."""

    def _rating(self, request: Request, rating_id: int) -> Rating:
        return selectors.rating_of(user=request.user, rating_id=rating_id)

    @extend_schema(operation_id="ratings_retrieve", responses={200: RatingOutput}, tags=["ratings"])
    def get(self, request: Request, rating_id: int) -> Response:
        rating = self._rating(request, rating_id)
        return Response(RatingOutput(rating, context={"request": request}).data)

    @extend_schema(
        operation_id="ratings_partial_update",
        request=StarsInput,
        responses={200: RatingOutput},
        tags=["ratings"],
    )
    def patch(self, request: Request, rating_id: int) -> Response:
        rating = self._rating(request, rating_id)
        data = StarsInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.rating_update(rating=rating, stars=data.validated_data["stars"])
        return Response(RatingOutput(rating, context={"request": request}).data)

    @extend_schema(
        operation_id="ratings_destroy",
        responses={204: OpenApiResponse(description="Deleted.")},
        tags=["ratings"],
    )
    def delete(self, request: Request, rating_id: int) -> Response:
        services.rating_delete(rating=self._rating(request, rating_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class RatingImportApi(ApiView):
    """Import ratings from a file, as on the history page: valid entries saved, others listed."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="ratings_import",
        request={"multipart/form-data": ImportInput},
        responses={200: ImportReportOutput},
        tags=["ratings"],
    )
    def post(self, request: Request) -> Response:
        data = ImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        try:
            portability.check_size(upload.size)
        except ServiceError as error:
            raise PayloadTooLarge(error.message) from None
        try:
            report = services.ratings_import(
                user=request.user, filename=upload.name or "", data=upload.read()
            )
        except ServiceError as error:
            raise exceptions.ValidationError({"file": [error.message]}) from None
        return Response(ImportReportOutput(report).data)


class _AnyAccept:
    """Sends a file whatever the Accept header asks for; errors are still JSON.

    DRF would refuse `Accept: application/zip` with a 406, as its only renderer is JSON's.
    """

    def perform_content_negotiation(self, request: Request, force: bool = False):
        return super().perform_content_negotiation(request, force=True)


def _export_response(request: Request, fmt: str) -> HttpResponse:
    export = portability.export_file(ratings=selectors.ratings_of(user=request.user), fmt=fmt)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.name}"'
    return response


class RatingExportJsonApi(_AnyAccept, ApiView):
    """All your ratings as the ThemeHub JSON document (the import reads it back)."""

    @extend_schema(
        operation_id="ratings_export_json",
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
        tags=["ratings"],
    )
    def get(self, request: Request) -> HttpResponse:
        return _export_response(request, "json")


class RatingExportCsvApi(_AnyAccept, ApiView):
    """All your ratings as CSV (key, background, color1..3, stars, rated_at)."""

    @extend_schema(
        operation_id="ratings_export_csv",
        responses={(200, "text/csv"): OpenApiTypes.STR},
        tags=["ratings"],
    )
    def get(self, request: Request) -> HttpResponse:
        return _export_response(request, "csv")


class ThemeDetailApi(ApiView):
    """Any theme by its key (it need not be stored): palette, contrast, community figures,
    its files, and your rating and favourite."""

    @extend_schema(
        operation_id="themes_retrieve",
        parameters=[KEY_PARAMETER],
        responses={200: ThemeDetailOutput},
        tags=["themes"],
    )
    def get(self, request: Request, key: str) -> Response:
        ref = theme_refs([_theme_of_key(key)])[0]
        rating, favourite = None, False
        if ref.id is not None:
            rating = Rating.objects.filter(user=request.user, theme_id=ref.id).first()
            favourite = Favourite.objects.filter(user=request.user, theme_id=ref.id).exists()
        context = {
            "request": request,
            "rating": rating,
            "favourite": favourite,
            "figures": selectors.theme_figures(key=ref.colours.key),
        }
        return Response(ThemeDetailOutput(ref, context=context).data)


# --- theme files ------------------------------------------------------------------

# A theme's file depends only on its key (and the code): browsers and proxies may keep it.
EXPORT_MAX_AGE = 60 * 60 * 24
# Every content type an exporter answers with (a test holds this to `exporters.FORMATS`).
EXPORT_CONTENT_TYPES = (
    "application/json",
    "application/zip",
    "application/xml",
    "application/toml",
    "application/yaml",
    "text/plain",
    "text/x-lua",
    "text/css",
)
_DOCUMENT_TYPES = {"application/json", "application/yaml"}


class ThemeExportApi(_AnyAccept, ApiView):
    """A theme as the file an editor or terminal reads, as the theme page's export buttons.

    Public, like the page: no token needed (a wrong or revoked one is still a 401).
    """

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="themes_export",
        parameters=[
            KEY_PARAMETER,
            OpenApiParameter(
                "fmt",
                str,
                OpenApiParameter.PATH,
                enum=list(exporters.FORMATS),
                description="The format: "
                + ", ".join(f"`{f.slug}` ({f.label})" for f in exporters.FORMATS.values())
                + " (another: 404).",
            ),
        ],
        responses={
            (200, content_type): OpenApiResponse(
                # JSON and YAML files are documents (mappings); the rest are files to save.
                OpenApiTypes.OBJECT if content_type in _DOCUMENT_TYPES else OpenApiTypes.BINARY,
                description="The file, as an attachment with its name.",
            )
            for content_type in EXPORT_CONTENT_TYPES
        },
        tags=["themes"],
    )
    def get(self, request: Request, key: str, fmt: str) -> HttpResponse:
        theme = _theme_of_key(key)
        try:
            export = exporters.theme_export(theme=theme, fmt=fmt)
        except exporters.ExportError as error:
            raise exceptions.NotFound(error.message) from None
        response = HttpResponse(export.content, content_type=export.content_type)
        filename = exporters.safe_filename(export.filename)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        patch_cache_control(response, public=True, max_age=EXPORT_MAX_AGE)
        return response


# --- favourites -------------------------------------------------------------------


def _favourite_of(*, user, key: str) -> Favourite:
    """`user`'s favourite of the theme `key` with its theme; 404 when it is not one."""
    favourite = Favourite.objects.select_related("theme").filter(user=user, theme__key=key).first()
    if favourite is None:
        raise exceptions.NotFound("That theme is not one of your favourites.")
    return favourite


def _favourite_set(request: Request, theme: ThemeColours) -> Response:
    result = services.favourite_toggle(user=request.user, theme=theme, favourite=True)
    favourite = _favourite_of(user=request.user, key=theme.key)
    return Response(
        FavouriteOutput(favourite, context={"request": request}).data,
        status=status.HTTP_201_CREATED if result.changed else status.HTTP_200_OK,
    )


_FAVOURITE_SET_RESPONSES = {
    201: OpenApiResponse(FavouriteOutput, description="Now one of your favourites."),
    200: OpenApiResponse(FavouriteOutput, description="It already was: nothing changed."),
}


class FavouriteListApi(ApiView):
    """Your favourite themes, newest first; favourite a theme by its colours."""

    @extend_schema(
        operation_id="favourites_list",
        parameters=_page_parameters("Favourites"),
        responses={200: FavouritePage},
        tags=["favourites"],
    )
    def get(self, request: Request) -> Response:
        paginator = RatingPagination()
        page = paginator.paginate_queryset(
            selectors.favourites_of(user=request.user), request, self
        )
        data = FavouriteOutput(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        operation_id="favourites_create",
        request=FavouriteInput,
        responses=_FAVOURITE_SET_RESPONSES,
        tags=["favourites"],
    )
    def post(self, request: Request) -> Response:
        data = FavouriteInput(data=request.data)
        data.is_valid(raise_exception=True)
        return _favourite_set(request, data.validated_data["theme"])


class FavouriteDetailApi(ApiView):
    """One of your favourites, by its theme's key: read, add (idempotent), remove."""

    @extend_schema(
        operation_id="favourites_retrieve",
        parameters=[KEY_PARAMETER],
        responses={200: FavouriteOutput},
        tags=["favourites"],
    )
    def get(self, request: Request, key: str) -> Response:
        favourite = _favourite_of(user=request.user, key=_theme_of_key(key).key)
        return Response(FavouriteOutput(favourite, context={"request": request}).data)

    @extend_schema(
        operation_id="favourites_update",
        parameters=[KEY_PARAMETER],
        request=None,
        responses=_FAVOURITE_SET_RESPONSES,
        tags=["favourites"],
    )
    def put(self, request: Request, key: str) -> Response:
        """Make the theme one of your favourites; asking again changes nothing (200)."""
        theme = _theme_of_key(key)
        EmptyInput(data=request.data).is_valid(raise_exception=True)
        return _favourite_set(request, theme)

    @extend_schema(
        operation_id="favourites_destroy",
        parameters=[KEY_PARAMETER],
        responses={204: OpenApiResponse(description="Removed from your favourites.")},
        tags=["favourites"],
    )
    def delete(self, request: Request, key: str) -> Response:
        """Remove the theme from your favourites; 404 when it is not one of them."""
        theme = _theme_of_key(key)
        result = services.favourite_toggle(user=request.user, theme=theme, favourite=False)
        if not result.changed:
            raise exceptions.NotFound("That theme is not one of your favourites.")
        return Response(status=status.HTTP_204_NO_CONTENT)


class PublicFavouritesApi(ApiView):
    """A person's favourites, when they made them public (as on /u/<username>/).

    Public, like the page: no token needed. A private or unknown person is the same 404.
    """

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="users_favourites_list",
        parameters=_page_parameters("Favourites"),
        responses={200: PublicFavouritePage},
        tags=["favourites"],
    )
    def get(self, request: Request, username: str) -> Response:
        person = selectors.public_profile_user(username=username)
        paginator = RatingPagination()
        page = paginator.paginate_queryset(selectors.favourites_of(user=person), request, self)
        data = PublicFavouriteOutput(page, many=True, context={"request": request}).data
        paged = paginator.get_paginated_response(data)
        paged.data = {"username": person.username, **paged.data}
        return paged


# --- explore ----------------------------------------------------------------------


def _explore_parameters() -> list[OpenApiParameter]:
    """The explore page's query string, documented from `ExploreForm`'s own fields."""
    fields = ExploreForm.base_fields

    def values(name: str) -> list[str]:
        return [value for value, _ in fields[name].choices if value]

    return [
        OpenApiParameter(
            "sort",
            str,
            enum=values("sort"),
            description="`favourited` (most favourites, the default), `rated` (best "
            "Bayesian average of stars) or `newest` (latest favourite first).",
        ),
        OpenApiParameter(
            "period",
            str,
            enum=values("period"),
            description="`week` (favourites or ratings of the last 7 days, the default) or "
            "`all`; `sort=newest` ignores it.",
        ),
        OpenApiParameter(
            "hue",
            str,
            enum=values("hue"),
            description="Only themes whose keyword colour (colour 1, the accent a theme "
            "shows most) is in this OKLab hue family.",
        ),
        OpenApiParameter(
            "min_contrast",
            {
                "type": "number",
                "minimum": fields["min_contrast"].min_value,
                "maximum": fields["min_contrast"].max_value,
            },
            description="Only themes whose weakest colour reaches this WCAG ratio on the "
            "background, 1 to 21 (4.5 is AA).",
        ),
        OpenApiParameter(
            "near",
            str,
            pattern="^#?[0-9a-fA-F]{6}$",
            description="Colour search: nearest first by perceptual distance to `#rrggbb` "
            "(URL-encoded: `%23rrggbb`); featured themes are not put first.",
        ),
    ]


class _BlankIsDefaultSchema(AutoSchema):
    """Marks the form's fields `allowEmptyValue`: `?hue=` means any hue, as on the page."""

    def _get_parameters(self) -> list[dict]:
        parameters = super()._get_parameters()
        for parameter in parameters:
            if parameter["in"] == "query" and parameter["name"] in ExploreForm.base_fields:
                parameter["allowEmptyValue"] = True
        return parameters


class ExploreApi(ApiView):
    """What the community likes, as on /explore/: most favourited, best rated, newest
    favourites; featured themes first; filters by hue and contrast; search by colour.

    Public, like the page: no token needed (a wrong or revoked one is still a 401). The
    page's form validates the query string, so both refuse the same values in the same
    words. The lists are kept in the cache for a minute, so figures may be that old.
    """

    permission_classes = [AllowAny]
    schema = _BlankIsDefaultSchema()

    @extend_schema(
        operation_id="explore_list",
        parameters=[*_explore_parameters(), *_page_parameters("Themes")],
        responses={200: ExplorePage},
        tags=["themes"],
    )
    def get(self, request: Request) -> Response:
        form = ExploreForm(request.query_params)
        errors = {}
        if not form.is_valid():
            errors = {name: list(messages) for name, messages in form.errors.items()}
        paginator = RatingPagination()
        try:  # a bad page size in the same answer as bad filters
            paginator.get_page_size(request)
        except exceptions.ValidationError as error:
            errors |= error.detail
        if errors:
            raise exceptions.ValidationError(errors)
        filters = form.filters()
        cards = paginator.paginate_queryset(selectors.explore_themes(**filters), request, self)
        refs = theme_refs(card.theme for card in cards)
        results = [_explore_result(ref, card) for ref, card in zip(refs, cards, strict=True)]
        data = ExploreResultOutput(results, many=True, context={"request": request}).data
        paged = paginator.get_paginated_response(data)
        paged.data = {"sort": filters["sort"], "period": filters["period"], **paged.data}
        return paged


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def _explore_result(ref: ThemeRef, card: selectors.ExploreCard) -> dict:
    return {
        "theme": ref,
        "featured": card.featured,
        "favourites": card.favourites,
        "ratings": card.ratings,
        "average_stars": _rounded(card.average_stars, 2),
        "weighted_stars": _rounded(card.weighted_stars, 2),
        "favourited_at": card.last_favourited,
        "distance": _rounded(card.distance, 2),
    }
