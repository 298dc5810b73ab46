"""The ratings API: rate, list, change and delete ratings, import and export, any theme.

Same services as the history and rate pages (`ratings.services`).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api import ApiView, PayloadTooLarge
from accounts.errors import ServiceError
from ratings import portability, selectors, services
from ratings.models import Rating
from ratings.serializers import (
    ImportInput,
    ImportReportOutput,
    RatingInput,
    RatingOutput,
    RatingPage,
    StarsInput,
    ThemeDetailOutput,
    theme_refs,
)
from ratings.themes import ThemeColours, ThemeError


class RatingPagination(PageNumberPagination):
    """Pages of 20 (`page_size` 1-100); a `page_size` that is not one of those is a 400."""

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


class RatingListApi(ApiView):
    """Your ratings, newest first; rate a theme."""

    @extend_schema(
        operation_id="ratings_list",
        parameters=[
            OpenApiParameter(
                "page",
                {"type": "integer", "minimum": 1},
                description="Page number, from 1 (past the last page: 404).",
            ),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": 100},
                description="Ratings per page, 1 to 100 (default 20).",
            ),
        ],
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


def _export_response(request: Request, fmt: str) -> HttpResponse:
    ratings = selectors.ratings_of(user=request.user)
    stamp = timezone.now().strftime("%Y%m%d")
    if fmt == "json":
        response = HttpResponse(portability.export_json(ratings), content_type="application/json")
    else:
        response = HttpResponse(
            portability.export_csv(ratings), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="themehub-ratings-{stamp}.{fmt}"'
    return response


class RatingExportJsonApi(ApiView):
    """All your ratings as the ThemeHub JSON document (the import reads it back)."""

    @extend_schema(
        operation_id="ratings_export_json",
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
        tags=["ratings"],
    )
    def get(self, request: Request) -> HttpResponse:
        return _export_response(request, "json")


class RatingExportCsvApi(ApiView):
    """All your ratings as CSV (key, background, color1..3, stars, rated_at)."""

    @extend_schema(
        operation_id="ratings_export_csv",
        responses={(200, "text/csv"): OpenApiTypes.STR},
        tags=["ratings"],
    )
    def get(self, request: Request) -> HttpResponse:
        return _export_response(request, "csv")


class ThemeDetailApi(ApiView):
    """Any theme by its key (it need not be stored): palette, contrast, your rating."""

    @extend_schema(
        operation_id="themes_retrieve",
        parameters=[
            OpenApiParameter(
                "key",
                str,
                OpenApiParameter.PATH,
                pattern="^[0-9a-f]{6}(-[0-9a-f]{6}){3}$",
                description="Four lowercase hex colours joined by '-'.",
            )
        ],
        responses={200: ThemeDetailOutput},
        tags=["themes"],
    )
    def get(self, request: Request, key: str) -> Response:
        try:
            colours = ThemeColours.from_key(key)
        except ThemeError as error:
            raise exceptions.NotFound(error.message) from None
        ref = theme_refs([colours])[0]
        rating = (
            Rating.objects.filter(user=request.user, theme_id=ref.id).first()
            if ref.id is not None
            else None
        )
        context = {"request": request, "rating": rating}
        return Response(ThemeDetailOutput(ref, context=context).data)
