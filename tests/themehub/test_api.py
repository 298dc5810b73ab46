"""The API as a whole: root, one error shape, throttling, the schema, docs, and a fuzz run."""

from __future__ import annotations

import json

import numpy as np
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tokens.services import api_token_create
from ratings import services
from ratings.themes import ThemeColours, draw

ERROR_KEYS = {"status", "code", "message", "fields"}


@pytest.fixture
def secret(user) -> str:
    return api_token_create(user=user, name="t")[1]


@pytest.fixture
def api(secret) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def _token_client(user, **defaults) -> APIClient:
    client = APIClient(**defaults)
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user, name='t')[1]}")
    return client


def _rates(settings, **rates: str) -> None:
    current = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**current, **rates},
    }


# --- root, unknown paths ------------------------------------------------------------


def test_root_lists_schema_docs_and_endpoints(db):
    response = APIClient().get("/api/v1/")

    body = response.json()
    assert response.status_code == 200
    assert body["schema"] == "http://testserver/api/v1/schema/"
    assert body["docs"] == "http://testserver/api/v1/docs/"
    assert body["endpoints"]["ratings"] == "http://testserver/api/v1/ratings/"
    assert body["endpoints"]["explore"] == "http://testserver/api/v1/explore/"


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_unknown_api_path_is_a_json_404(api, method):
    response = getattr(api, method)("/api/v1/no/such/thing/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": 404,
        "code": "not_found",
        "message": "There is no API endpoint at /api/v1/no/such/thing/.",
        "fields": {},
    }


def test_missing_slash_is_a_404_that_says_so(api):
    response = api.post("/api/v1/ratings", {}, format="json")

    assert response.status_code == 404
    assert response.json()["message"].endswith("Did you mean /api/v1/ratings/ ?")


# --- one error shape --------------------------------------------------------------


def test_every_error_has_the_one_shape(api, settings, user, other_user, theme):
    theirs = services.rating_set(user=other_user, theme=theme, stars=3).rating
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    anonymous = APIClient()
    responses = {
        400: api.post("/api/v1/ratings/", {"stars": 2}, format="json"),
        401: anonymous.get("/api/v1/me/"),
        404: api.get(f"/api/v1/ratings/{theirs.pk}/"),
        405: api.put("/api/v1/me/", {}, format="json"),
        413: api.post("/api/v1/ratings/", {"pad": "x" * 200}, format="json"),
        415: api.post("/api/v1/ratings/", "<xml/>", content_type="application/xml"),
    }

    for status, response in responses.items():
        body = response.json()
        assert response.status_code == status
        assert set(body) == ERROR_KEYS
        assert body["status"] == status
        assert isinstance(body["message"], str)
        assert body["message"] != ""


def test_oversized_multipart_fields_are_a_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    # Without a Content-Length check this reaches Django's own limit on form fields.
    response = api.generic(
        "POST",
        "/api/v1/ratings/import/",
        b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH="",
    )
    big = api.post("/api/v1/ratings/import/", {"note": "x" * 500}, format="multipart")

    assert response.status_code == 400
    assert big.status_code == 413
    assert big.json()["code"] == "too_large"


def test_request_data_too_big_from_django_is_a_413(api, settings):
    from django.core.exceptions import RequestDataTooBig

    from themehub.api import exception_handler

    response = exception_handler(RequestDataTooBig("too big"), {})

    assert response.status_code == 413
    assert set(response.data) == ERROR_KEYS


# --- throttling -------------------------------------------------------------------


def test_throttled_per_person_with_retry_after(api, settings):
    _rates(settings, user="3/minute")
    for _ in range(3):
        assert api.get("/api/v1/me/").status_code == 200

    response = api.get("/api/v1/me/")

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert response.json()["message"].startswith("Request was throttled.")
    assert 0 < int(response["Retry-After"]) <= 60


def test_throttle_per_person_is_not_shared_with_others(api, make_user, settings):
    _rates(settings, user="2/minute")
    other = _token_client(make_user("bo"))
    for _ in range(2):
        api.get("/api/v1/me/")

    assert api.get("/api/v1/me/").status_code == 429
    assert other.get("/api/v1/me/").status_code == 200


def test_throttled_per_address_across_people(api, make_user, settings):
    _rates(settings, address="3/minute")
    other = _token_client(make_user("bo"))
    elsewhere = _token_client(User.objects.get(username="bo"), REMOTE_ADDR="10.0.0.9")
    for client in (api, other, api):
        assert client.get("/api/v1/me/").status_code == 200

    assert other.get("/api/v1/me/").status_code == 429
    assert elsewhere.get("/api/v1/me/").status_code == 200


def test_forwarded_for_header_does_not_dodge_the_address_throttle(api, settings):
    _rates(settings, address="2/minute")
    for number in range(2):
        api.get("/api/v1/me/", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")

    response = api.get("/api/v1/me/", HTTP_X_FORWARDED_FOR="203.0.113.99")

    assert response.status_code == 429


# --- schema and docs --------------------------------------------------------------


def test_schema_is_valid_openapi_3(db):
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    schema = response.json()
    assert response.status_code == 200
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # raises on an invalid schema
    assert "/api/v1/ratings/" in schema["paths"]
    assert "/api/v1/recommendations/" in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    assert set(schema["components"]["schemas"]["Error"]["required"]) == ERROR_KEYS


def test_schema_documents_the_contract_paths(db):
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = json.loads(response.content)

    operations = {
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "patch", "delete", "put"}
    }
    assert {
        ("POST", "/api/v1/auth/token/"),
        ("GET", "/api/v1/themes/next/"),
        ("GET", "/api/v1/themes/{key}/"),
        ("GET", "/api/v1/ratings/"),
        ("POST", "/api/v1/ratings/"),
        ("GET", "/api/v1/ratings/{rating_id}/"),
        ("PATCH", "/api/v1/ratings/{rating_id}/"),
        ("DELETE", "/api/v1/ratings/{rating_id}/"),
        ("GET", "/api/v1/recommendations/"),
        ("GET", "/api/v1/me/"),
        ("POST", "/api/v1/ratings/import/"),
        ("GET", "/api/v1/ratings/export.json"),
        ("GET", "/api/v1/ratings/export.csv"),
        ("PATCH", "/api/v1/me/"),
        ("GET", "/api/v1/favourites/"),
        ("POST", "/api/v1/favourites/"),
        ("GET", "/api/v1/favourites/{key}/"),
        ("PUT", "/api/v1/favourites/{key}/"),
        ("DELETE", "/api/v1/favourites/{key}/"),
        ("GET", "/api/v1/users/{username}/favourites/"),
        ("GET", "/api/v1/themes/{key}/export/{fmt}/"),
        ("GET", "/api/v1/explore/"),
    } <= operations
    assert set(schema["paths"]["/api/v1/ratings/"]["post"]["responses"]) >= {"200", "201", "400"}


def test_schema_documents_the_sharing_endpoints(db):
    from ratings import exporters

    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = json.loads(response.content)
    paths, components = schema["paths"], schema["components"]["schemas"]

    export = paths["/api/v1/themes/{key}/export/{fmt}/"]["get"]
    fmt = next(p for p in export["parameters"] if p["name"] == "fmt")
    assert fmt["schema"]["enum"] == sorted(exporters.FORMATS)
    assert {"application/zip", "text/plain", "application/json"} <= set(
        export["responses"]["200"]["content"]
    )
    assert {} in export["security"]  # no token needed, as on the theme page
    assert {} in paths["/api/v1/users/{username}/favourites/"]["get"]["security"]
    assert {} not in paths["/api/v1/favourites/"]["get"]["security"]
    assert set(paths["/api/v1/favourites/{key}/"]["put"]["responses"]) >= {"200", "201", "404"}
    assert set(paths["/api/v1/favourites/{key}/"]["delete"]["responses"]) >= {"204", "404"}
    me = components["PatchedMeInputRequest"]
    assert set(me["properties"]) == {"email", "display_name", "favourites_public"}
    assert me["additionalProperties"] is False
    assert {"page_url", "contrast"} <= set(components["ThemeOutput"]["properties"])
    assert {"exports", "figures", "your_favourite"} <= set(
        components["ThemeDetailOutput"]["properties"]
    )


def test_schema_documents_explore_from_the_pages_form(db):
    from ratings.forms import ExploreForm

    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = json.loads(response.content)
    explore = schema["paths"]["/api/v1/explore/"]["get"]
    parameters = {p["name"]: p["schema"] for p in explore["parameters"]}
    blank_is_default = {p["name"] for p in explore["parameters"] if p.get("allowEmptyValue")}

    def choices(name: str) -> list[str]:
        return sorted(value for value, _ in ExploreForm.base_fields[name].choices if value)

    assert {} in explore["security"]  # no token needed, as on the page
    assert set(parameters) == {"sort", "period", "hue", "min_contrast", "near", "page", "page_size"}
    assert {name: sorted(parameters[name]["enum"]) for name in ("sort", "period", "hue")} == {
        name: choices(name) for name in ("sort", "period", "hue")
    }
    assert (parameters["min_contrast"]["minimum"], parameters["min_contrast"]["maximum"]) == (1, 21)
    assert blank_is_default == set(ExploreForm.base_fields)  # `?hue=` is any hue, as on the page
    assert set(explore["responses"]) >= {"200", "400", "401", "404", "429"}
    page = schema["components"]["schemas"]["ExplorePage"]
    result = schema["components"]["schemas"]["ExploreResultOutput"]
    assert {"sort", "period", "count", "next", "previous", "results"} <= set(page["properties"])
    assert set(result["properties"]) == {
        "theme",
        "featured",
        "favourites",
        "ratings",
        "average_stars",
        "weighted_stars",
        "favourited_at",
        "distance",
    }


def test_docs_page_needs_no_cdn(db):
    response = APIClient().get("/api/v1/docs/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert "https://" not in page


# --- fuzz ---------------------------------------------------------------------------

# The live schema of the app itself, exercised in-process through WSGI.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


_CONTENT_RULES = {
    ("POST", "/api/v1/auth/token/"),
    ("POST", "/api/v1/ratings/import/"),
    # An address Django's validator refuses, or another account's: the service's rules.
    ("PATCH", "/api/v1/me/"),
}


@pytest.fixture
def fuzz_token(user, other_user, settings):
    _rates(settings, user="100000/hour", address="100000/hour", login="100000/hour")
    # Another person's few favourites and ratings, so /explore/ ranks, filters and searches
    # real themes; a handful keeps every request cheap.
    for theme in (ThemeColours.from_array(rgb) for rgb in draw(6, np.random.default_rng(2))):
        services.favourite_toggle(user=other_user, theme=theme, favourite=True)
        services.rating_set(user=other_user, theme=theme, stars=4)
    # Requests go through the real WSGI handler, whose end-of-request signal would close
    # the test's database connection (and its transaction) on PostgreSQL; Django's test
    # client disconnects it the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield api_token_create(user=user, name="fuzz")[1]
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.slow
@schema.parametrize()
@hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_fuzz_api_against_its_schema(case, fuzz_token):
    excluded = []
    if (case.method, case.path) in _CONTENT_RULES:
        # Schema-valid but refused for what the schema cannot say (a password that does
        # not match, a file that is not a ratings export): a 400 here is right.
        excluded.append(schemathesis.checks.positive_data_acceptance)
    case.call_and_validate(
        headers={"Authorization": f"Token {fuzz_token}"}, excluded_checks=excluded
    )
