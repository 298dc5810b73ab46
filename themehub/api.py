"""The API's root, its one error shape, and the schema's documented errors.

Every API error, whatever raised it, leaves as

    {"status": 400, "code": "invalid", "message": "<for a person>",
     "fields": {"theme.colors.1": ["<for a person>"], ...}}

`fields` names each bad input by its path (dots between keys and list indexes) and is
empty when the error is not about one field.
"""

from __future__ import annotations

import logging

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, JsonResponse, UnreadablePostError
from django.urls import Resolver404, resolve, reverse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from accounts.api import ApiView, PayloadTooLarge, body_limit_message
from accounts.errors import ServiceError

logger = logging.getLogger(__name__)

_CODES = {
    status.HTTP_400_BAD_REQUEST: "invalid",
    status.HTTP_401_UNAUTHORIZED: "not_authenticated",
    status.HTTP_403_FORBIDDEN: "permission_denied",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    status.HTTP_406_NOT_ACCEPTABLE: "not_acceptable",
    status.HTTP_413_REQUEST_ENTITY_TOO_LARGE: "too_large",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
    status.HTTP_429_TOO_MANY_REQUESTS: "throttled",
}


def error_body(status_code: int, message: str, *, code: str = "", fields=None) -> dict:
    return {
        "status": status_code,
        "code": code or _CODES.get(status_code, "error"),
        "message": message,
        "fields": fields or {},
    }


def _flatten(detail, path: str = "") -> list[tuple[str, str]]:
    """DRF's nested error detail -> `[(path, message)]`, paths like `theme.colors.1`."""
    if isinstance(detail, dict):
        pairs = []
        for key, value in detail.items():
            pairs += _flatten(value, f"{path}.{key}" if path else str(key))
        return pairs
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [(path, str(item)) for item in detail]
        pairs = []
        for index, item in enumerate(detail):
            pairs += _flatten(item, f"{path}.{index}" if path else str(index))
        return pairs
    return [(path, str(detail))]


def _validation_body(detail) -> dict:
    pairs = _flatten(detail if isinstance(detail, dict | list) else [detail])
    fields: dict[str, list[str]] = {}
    for path, message in pairs:
        fields.setdefault(path or "non_field_errors", []).append(message)
    if len(pairs) == 1:
        path, message = pairs[0]
        general = not path or path == "non_field_errors"
        text = message if general else f"{path}: {message}"
    else:
        text = "Some input is not valid: " + ", ".join(fields) + "."
    return error_body(400, text, fields=fields)


def _first_code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    while isinstance(codes, dict | list) and codes:
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return codes if isinstance(codes, str) else ""


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Every error of an API view -> the one error shape (REST_FRAMEWORK's EXCEPTION_HANDLER)."""
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge(body_limit_message())
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        exc = PayloadTooLarge(str(exc) or "The request has too many fields or files.")
    elif isinstance(exc, ServiceError):
        fields = {exc.field: [exc.message]} if exc.field else {}
        set_rollback()
        return Response(error_body(400, exc.message, fields=fields), status=400)
    elif isinstance(exc, SuspiciousOperation | UnreadablePostError):
        exc = exceptions.ParseError(str(exc) or "The request could not be read.")

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a bug: Django logs it and answers 500
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc.detail)
        return response
    if isinstance(exc, Http404 | PermissionDenied):
        exc = exceptions.NotFound() if isinstance(exc, Http404) else exceptions.PermissionDenied()
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
    code = _first_code(exc) if isinstance(exc, exceptions.APIException) else ""
    response.data = error_body(response.status_code, str(detail), code=code)
    return response


@csrf_exempt
def not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Any URL under /api/v1/ that is not an endpoint: a JSON 404, never the HTML page."""
    message = f"There is no API endpoint at {request.path}."
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            message += f" Did you mean {request.path}/ ?"
    return JsonResponse(error_body(404, message), status=404)


class TokenScheme(KnoxTokenScheme):
    """The token scheme in the OpenAPI schema (drf-spectacular matches the exact class)."""

    target_class = "themehub.api_auth.TokenAuthentication"
    name = "tokenAuth"


class RootApi(ApiView):
    """Where things are: the schema, the docs and the main endpoints."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="root",
        auth=[],
        responses={
            200: inline_serializer(
                "ApiRoot",
                {
                    "version": serializers.CharField(),
                    "schema": serializers.URLField(),
                    "docs": serializers.URLField(),
                    "endpoints": serializers.DictField(child=serializers.URLField()),
                },
            )
        },
    )
    def get(self, request: Request) -> Response:
        def url(name: str) -> str:
            return request.build_absolute_uri(reverse(name))

        endpoints = {
            name: url(f"api:{name}")
            for name in (
                "auth-token",
                "me",
                "next-theme",
                "ratings",
                "favourites",
                "recommendations",
                "explore",
            )
        }
        return Response(
            {
                "version": "1",
                "schema": url("api:schema"),
                "docs": url("api:docs"),
                "endpoints": endpoints,
            }
        )


# --- the schema -----------------------------------------------------------------

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error has this shape.",
    "required": ["status", "code", "message", "fields"],
    "properties": {
        "status": {"type": "integer", "description": "The HTTP status, repeated."},
        "code": {"type": "string", "description": "Machine-readable, e.g. `invalid`."},
        "message": {"type": "string", "description": "What went wrong, for a person."},
        "fields": {
            "type": "object",
            "description": "Per input (path like `theme.colors.1`), its messages; 400 only.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}
_ERROR_TEXT = {
    "400": "Bad input (bad JSON, wrong types, unknown fields, values that break a rule).",
    "401": "No token, or a wrong or revoked one.",
    "403": "Not allowed (e.g. a session request without its CSRF token).",
    "404": "No such thing (or it is somebody else's).",
    "413": "The request body is too large.",
    "415": "The body is not in a format this endpoint reads.",
    "429": "Too many requests: wait for the seconds in `Retry-After`.",
}


def schema_error_responses(result: dict, generator, request, public) -> dict:
    """Document the error responses every operation can give, all with the Error shape,
    and that request bodies take no keys besides their own.

    A drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS).
    """
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    for name, component in components.items():
        # Request bodies are StrictSerializers: a key they do not know is a 400.
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    reference = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            parameters = operation.get("parameters", [])
            codes = ["429"]
            has_body = "requestBody" in operation
            if has_body or any(p.get("in") == "query" for p in parameters):
                codes.append("400")
            secured = any(requirement for requirement in operation.get("security", []))
            if secured:
                codes += ["401", "403"]
            if parameters:  # an unknown id, a page past the last
                codes.append("404")
            if has_body or method in ("post", "put", "patch"):
                codes += ["413", "415"]
            for code in sorted(codes):
                operation["responses"].setdefault(
                    code,
                    {
                        "description": _ERROR_TEXT[code],
                        "content": {"application/json": {"schema": reference}},
                        **(
                            {
                                "headers": {
                                    "Retry-After": {
                                        "schema": {"type": "integer"},
                                        "description": "Seconds to wait.",
                                    }
                                }
                            }
                            if code == "429"
                            else {}
                        ),
                    },
                )
    return result
