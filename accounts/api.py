"""API views of accounts (token log-in, tokens, me), and the base of every ThemeHub API view."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.errors import ServiceError
from accounts.serializers import MeInput, MeOutput, TokenCreated, TokenLoginInput, TokenOutput
from accounts.services import profile_update
from accounts.tokens import services as token_services
from accounts.tokens.models import ApiToken


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


def body_limit_message() -> str:
    return (
        f"The request body is larger than the limit of "
        f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1_048_576:.1f} MB."
    )


class ApiView(APIView):
    """Every ThemeHub API view: refuses an oversized body before anything reads it."""

    def initial(self, request: Request, *args, **kwargs) -> None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            raise PayloadTooLarge(body_limit_message())
        super().initial(request, *args, **kwargs)


def _created(token: ApiToken, secret: str) -> dict:
    return TokenCreated(
        {"token": secret, "id": token.pk, "name": token.name, "created_at": token.created}
    ).data


class TokenLoginApi(ApiView):
    """Log in with a username and password and get a new personal token (for scripts)."""

    authentication_classes = []  # a stale Authorization header must not stop a log-in
    permission_classes = [AllowAny]
    throttle_scope = "login"

    @extend_schema(
        operation_id="auth_token_create",
        request=TokenLoginInput,
        responses={201: TokenCreated},
        auth=[],
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        data = TokenLoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        token, secret = token_services.api_token_for_password(
            username=data.validated_data["username"],
            password=data.validated_data["password"],
            name=data.validated_data.get("name"),
            request=request._request,
        )
        return Response(_created(token, secret), status=status.HTTP_201_CREATED)


class TokenListApi(ApiView):
    @extend_schema(operation_id="auth_tokens_list", responses={200: TokenOutput(many=True)})
    def get(self, request: Request) -> Response:
        tokens = ApiToken.objects.filter(user=request.user)
        return Response(TokenOutput(tokens, many=True).data)


class TokenDetailApi(ApiView):
    @extend_schema(
        operation_id="auth_tokens_destroy",
        responses={204: OpenApiResponse(description="Revoked: the token no longer works.")},
    )
    def delete(self, request: Request, token_id: int) -> Response:
        try:
            token_services.api_token_revoke(user=request.user, token_id=token_id)
        except token_services.ApiTokenMissing as error:
            raise exceptions.NotFound(error.message) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


# The API names the display name as people see it; the service as the model stores it.
_ME_FIELDS = {
    "email": "email",
    "display_name": "first_name",
    "favourites_public": "favourites_public",
}
_API_NAMES = {model: api for api, model in _ME_FIELDS.items()}


def _me(request: Request) -> dict:
    user = request.user
    counts = {
        "ratings": user.ratings.count(),
        "tokens": ApiToken.objects.filter(user=user).count(),
        "favourites": user.favourites.count(),
    }
    return MeOutput(user, context={"counts": counts, "request": request}).data


class MeApi(ApiView):
    """The person the request is made for: profile and counts; change the profile."""

    @extend_schema(operation_id="me_retrieve", responses={200: MeOutput}, tags=["me"])
    def get(self, request: Request) -> Response:
        return Response(_me(request))

    @extend_schema(
        operation_id="me_partial_update",
        request=MeInput,
        responses={200: MeOutput},
        tags=["me"],
    )
    def patch(self, request: Request) -> Response:
        """Change your email, display name or favourites privacy, by the profile page's rules."""
        data = MeInput(data=request.data)
        data.is_valid(raise_exception=True)
        changes = {_ME_FIELDS[name]: value for name, value in data.validated_data.items()}
        try:
            profile_update(user=request.user, **changes)
        except ServiceError as error:
            name = _API_NAMES.get(error.field or "", "non_field_errors")
            raise exceptions.ValidationError({name: [error.message]}) from None
        return Response(_me(request))
