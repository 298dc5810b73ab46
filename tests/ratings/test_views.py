"""History: list, re-rate and delete in place, export and import."""

from __future__ import annotations

import csv
import html
import io
import json
import re

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ratings import services
from ratings.models import Rating
from ratings.themes import ThemeColours, draw


def _rate_many(user, count: int, *, seed: int = 7) -> list[Rating]:
    """`count` ratings of distinct random themes, oldest first."""
    themes = [ThemeColours.from_array(rgb) for rgb in draw(count, np.random.default_rng(seed))]
    return [
        services.rating_set(user=user, theme=theme, stars=1 + index % 5).rating
        for index, theme in enumerate(themes)
    ]


def _row_ids(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li class="history-row" id="rating-(\d+)"', page)]


def _count(page: str) -> int:
    return int(re.search(r'<span id="rating-count" class="count"[^>]*>(\d+)</span>', page)[1])


def _upload(name: str, content: bytes | str) -> dict[str, SimpleUploadedFile]:
    data = content.encode() if isinstance(content, str) else content
    return {"file": SimpleUploadedFile(name, data)}


def _stars_of(user) -> dict[str, int]:
    return dict(Rating.objects.filter(user=user).values_list("theme__key", "stars"))


# --- the list ---------------------------------------------------------------------


def test_history_lists_own_ratings_newest_first(user_client, user, other_user, theme):
    older, newer = _rate_many(user, 2)
    services.rating_set(user=other_user, theme=theme, stars=5)

    response = user_client.get("/history/")

    page = response.content.decode()
    assert response.status_code == 200
    assert _row_ids(page) == [newer.pk, older.pk]
    assert _count(page) == 2
    assert theme.key not in page


def test_history_paginates_twenty_per_page(user_client, user):
    ratings = _rate_many(user, 23)
    newest_first = [rating.pk for rating in reversed(ratings)]

    first = user_client.get("/history/").content.decode()
    second = user_client.get("/history/?page=2").content.decode()

    assert _row_ids(first) == newest_first[:20]
    assert _row_ids(second) == newest_first[20:]
    assert (_count(first), _count(second)) == (23, 23)
    assert "Page 2 of 2" in second
    assert 'href="?page=2" rel="next"' in first


@pytest.mark.parametrize("page", ["abc", "0", "-3", "99999999999999999999999", "1.5"])
def test_history_bad_page_number_shows_a_page(user_client, user, page):
    _rate_many(user, 3)

    response = user_client.get("/history/", {"page": page})

    assert response.status_code == 200
    assert len(_row_ids(response.content.decode())) == 3


def test_history_empty_invites_to_rate(user_client):
    response = user_client.get("/history/")

    page = response.content.decode()
    assert _count(page) == 0
    assert "You have not rated any themes yet." in page


@pytest.mark.parametrize("rows", [1, 3])
def test_history_query_count_does_not_grow_with_rows(
    user_client, user, rows, django_assert_num_queries
):
    _rate_many(user, rows)

    # session, user, count, one page of ratings with their themes, the heart states
    with django_assert_num_queries(5):
        response = user_client.get("/history/")

    assert len(_row_ids(response.content.decode())) == rows


def test_history_post_is_not_allowed(user_client):
    response = user_client.post("/history/")

    assert response.status_code == 405


# --- re-rate ----------------------------------------------------------------------


def test_rating_stars_htmx_returns_only_the_row(user_client, user, theme, htmx_headers):
    rating = services.rating_set(user=user, theme=theme, stars=2).rating

    response = user_client.post(f"/history/{rating.pk}/stars/", {"stars": "5"}, **htmx_headers)

    fragment = response.content.decode().strip()
    rating.refresh_from_db()
    assert response.status_code == 200
    assert fragment.startswith(f'<li class="history-row" id="rating-{rating.pk}">')
    assert fragment.endswith("</li>")
    assert "<html" not in fragment
    assert 'value="5" class="star is-on" aria-label="5 stars" aria-pressed="true"' in fragment
    assert rating.stars == 5


@pytest.mark.parametrize(
    ("stars", "message"),
    [
        ("0", "Stars must be a whole number from 1 to 5."),
        ("6", "Stars must be a whole number from 1 to 5."),
        ("3.5", "Stars must be a whole number from 1 to 5."),
        ("abc", "Stars must be a whole number from 1 to 5."),
        ("9" * 40, "Stars must be a whole number from 1 to 5."),
        ("", "Choose from 1 to 5 stars."),
    ],
)
def test_rating_stars_htmx_invalid_is_422_and_changes_nothing(
    user_client, user, theme, htmx_headers, stars, message
):
    rating = services.rating_set(user=user, theme=theme, stars=2).rating

    response = user_client.post(f"/history/{rating.pk}/stars/", {"stars": stars}, **htmx_headers)

    rating.refresh_from_db()
    fragment = response.content.decode()
    assert response.status_code == 422
    assert fragment.strip().startswith(f'<li class="history-row" id="rating-{rating.pk}">')
    assert f'<p class="errorlist" role="alert">{message}</p>' in fragment
    assert rating.stars == 2


def test_rating_stars_plain_post_redirects_to_history_page(user_client, user, theme):
    rating = services.rating_set(user=user, theme=theme, stars=2).rating

    response = user_client.post(f"/history/{rating.pk}/stars/", {"stars": "4", "page": "2"})

    rating.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "/history/?page=2"
    assert rating.stars == 4


@pytest.mark.parametrize(("stars", "message"), [("1", "1 star."), ("3", "3 stars.")])
def test_rating_stars_plain_post_confirms_in_words(user_client, user, theme, stars, message):
    rating = services.rating_set(user=user, theme=theme, stars=5).rating

    response = user_client.post(f"/history/{rating.pk}/stars/", {"stars": stars}, follow=True)

    assert f"Rating changed to {message}" in response.content.decode()


@pytest.mark.parametrize("page", ["", "abc", "../../evil", "1/../../x"])
def test_rating_stars_plain_post_ignores_bad_page(user_client, user, theme, page):
    rating = services.rating_set(user=user, theme=theme, stars=2).rating

    response = user_client.post(f"/history/{rating.pk}/stars/", {"stars": "4", "page": page})

    assert response["Location"] == "/history/"


def test_rating_stars_plain_invalid_shows_message_and_changes_nothing(user_client, user, theme):
    rating = services.rating_set(user=user, theme=theme, stars=2).rating

    response = user_client.post(f"/history/{rating.pk}/stars/", {"stars": "7"}, follow=True)

    rating.refresh_from_db()
    assert response.redirect_chain == [("/history/", 302)]
    assert "Stars must be a whole number from 1 to 5." in response.content.decode()
    assert rating.stars == 2


def test_rating_stars_of_another_person_is_404(user_client, other_user, theme, htmx_headers):
    theirs = services.rating_set(user=other_user, theme=theme, stars=3).rating

    response = user_client.post(f"/history/{theirs.pk}/stars/", {"stars": "1"}, **htmx_headers)

    theirs.refresh_from_db()
    assert response.status_code == 404
    assert theirs.stars == 3


def test_rating_stars_get_is_not_allowed(user_client, user, theme):
    rating = services.rating_set(user=user, theme=theme, stars=2).rating

    response = user_client.get(f"/history/{rating.pk}/stars/")

    assert response.status_code == 405


# --- delete -----------------------------------------------------------------------


def test_rating_delete_htmx_returns_out_of_band_count(user_client, user, htmx_headers):
    first, second = _rate_many(user, 2)

    response = user_client.post(f"/history/{first.pk}/delete/", **htmx_headers)

    assert response.status_code == 200
    assert response.content.decode().strip() == (
        '<span id="rating-count" class="count" hx-swap-oob="true">1</span>'
    )
    assert list(Rating.objects.filter(user=user).values_list("pk", flat=True)) == [second.pk]


def test_rating_delete_plain_post_redirects_with_message(user_client, user, theme):
    rating = services.rating_set(user=user, theme=theme, stars=2).rating

    response = user_client.post(f"/history/{rating.pk}/delete/", follow=True)

    assert response.redirect_chain == [("/history/", 302)]
    assert "Rating deleted." in response.content.decode()
    assert Rating.objects.filter(user=user).exists() is False


def test_rating_delete_of_another_person_is_404(user_client, other_user, theme, htmx_headers):
    theirs = services.rating_set(user=other_user, theme=theme, stars=3).rating

    response = user_client.post(f"/history/{theirs.pk}/delete/", **htmx_headers)

    assert response.status_code == 404
    assert Rating.objects.filter(pk=theirs.pk).exists() is True


def test_rating_delete_twice_is_404(user_client, user, theme):
    rating = services.rating_set(user=user, theme=theme, stars=2).rating
    user_client.post(f"/history/{rating.pk}/delete/")

    response = user_client.post(f"/history/{rating.pk}/delete/")

    assert response.status_code == 404


def test_rating_delete_get_is_not_allowed(user_client, user, theme):
    rating = services.rating_set(user=user, theme=theme, stars=2).rating

    response = user_client.get(f"/history/{rating.pk}/delete/")

    assert response.status_code == 405
    assert Rating.objects.filter(pk=rating.pk).exists() is True


# --- export -----------------------------------------------------------------------


def test_export_json_is_an_attachment_of_own_ratings(
    user_client, user, other_user, theme, other_theme
):
    services.rating_set(user=user, theme=theme, stars=4)
    services.rating_set(user=other_user, theme=other_theme, stars=1)
    stamp = timezone.now().strftime("%Y%m%d")

    response = user_client.get("/history/export.json")

    document = json.loads(response.content)
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="themehub-ratings-{stamp}.json"'
    )
    assert (document["format"], document["version"]) == ("themehub.ratings", 1)
    assert [(r["key"], r["background"], r["colors"], r["stars"]) for r in document["ratings"]] == [
        (theme.key, theme.background, theme.colors, 4)
    ]


def test_export_csv_is_an_attachment_of_own_ratings(user_client, user, other_user, theme):
    services.rating_set(user=user, theme=theme, stars=3)
    services.rating_set(
        user=other_user, theme=ThemeColours.from_key("0" * 6 + "-ffffff" * 3), stars=1
    )
    stamp = timezone.now().strftime("%Y%m%d")

    response = user_client.get("/history/export.csv")

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="themehub-ratings-{stamp}.csv"'
    )
    assert [
        (row["key"], row["background"], row["color1"], row["color2"], row["color3"], row["stars"])
        for row in rows
    ] == [(theme.key, *theme.hexes, "3")]


def test_export_then_import_restores_ratings_for_another_account(
    user_client, user, other_user, client
):
    _rate_many(user, 3)
    exported = user_client.get("/history/export.csv").content
    client.force_login(other_user)

    response = client.post("/history/import/", _upload("mine.csv", exported))

    assert response.context["report"].added == 3
    assert _stars_of(other_user) == _stars_of(user)


def test_export_post_is_not_allowed(user_client):
    response = user_client.post("/history/export.json")

    assert response.status_code == 405


# --- import -----------------------------------------------------------------------


def test_import_json_reports_added_updated_and_rejected(user_client, user, theme, other_theme):
    services.rating_set(user=user, theme=theme, stars=1)
    document = {
        "format": "themehub.ratings",
        "version": 1,
        "ratings": [
            {"key": theme.key, "stars": 5},
            {"background": other_theme.background, "colors": other_theme.colors, "stars": 4},
            {"key": "not-a-key", "stars": 3},
            {"key": "101010-202020-303030-404040", "stars": 9},
        ],
    }

    response = user_client.post("/history/import/", _upload("r.json", json.dumps(document)))

    page = response.content.decode()
    report = response.context["report"]
    assert response.status_code == 200
    assert (report.added, report.updated) == (1, 1)
    assert "Added 1 rating, updated 1, rejected 2." in page
    assert "<li><strong>entry 3</strong>: A theme key is four lowercase hex colours" in page
    assert "<li><strong>entry 4</strong>: stars must be a whole number from 1 to 5" in page
    assert _stars_of(user) == {theme.key: 5, other_theme.key: 4}
    assert _count(page) == 2


def test_import_csv_adds_ratings(user_client, user, theme):
    content = f"key,stars\n{theme.key},4\n"

    response = user_client.post("/history/import/", _upload("r.csv", content))

    assert response.status_code == 200
    assert "Import from ThemeHub CSV" in response.content.decode()
    assert _stars_of(user) == {theme.key: 4}


def test_import_demo_training_data(user_client, user):
    # The original demo's localStorage `trainingData`, as brain.js saved it.
    training_data = [
        {"input": [0.1, 0.1, 0.2, 1, 0.5, 0.6, 0.6, 0.9, 0.6, 0.5, 0.7, 1], "output": [1]},
        {"input": {str(i): 0.4 for i in range(12)}, "output": [0.25]},
        {"input": [0.5] * 11, "output": [0.5]},
    ]

    response = user_client.post(
        "/history/import/", _upload("trainingData.json", json.dumps(training_data))
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Import from demo votes" in page
    assert "<li><strong>entry 3</strong>: input must be a list of 12 numbers from 0 to 1</li>" in (
        page
    )
    assert _stars_of(user) == {
        "1a1a33-ff8099-99e699-80b2ff": 5,
        "666666-666666-666666-666666": 2,
    }


def test_import_escapes_rejected_values(user_client, user):
    document = [{"background": "<script>alert(1)</script>", "colors": ["#fff"] * 3, "stars": 3}]

    response = user_client.post("/history/import/", _upload("r.json", json.dumps(document)))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "notes.txt",
            "hello there\nthis is not a ratings file\n",
            "neither JSON nor a ThemeHub CSV",
        ),
        ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "The file is not UTF-8 text"),
        ("broken.json", '{"ratings": [', "The file is not valid JSON"),
        ("other.json", '{"name": "something else"}', "must be a ThemeHub export"),
        ("deep.json", "[" * 100_000, "The file is not valid JSON"),
        ("blank.csv", "   \n", "The file is empty."),
        ("empty.json", b"", "The file is empty."),
    ],
)
def test_import_unreadable_file_is_400_with_message(user_client, user, name, content, message):
    response = user_client.post("/history/import/", _upload(name, content))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Rating.objects.filter(user=user).exists() is False


def test_import_over_one_megabyte_is_refused(user_client, user, theme):
    content = json.dumps([{"key": theme.key, "stars": 3}]) + " " * 1_048_576

    response = user_client.post("/history/import/", _upload("big.json", content))

    assert response.status_code == 400
    assert "the limit is 1 MB" in response.content.decode()
    assert Rating.objects.filter(user=user).exists() is False


def test_import_too_many_entries_is_refused(user_client, user, theme, settings):
    settings.RATINGS_IMPORT_MAX_ENTRIES = 2
    content = json.dumps([{"key": theme.key, "stars": 3}] * 3)

    response = user_client.post("/history/import/", _upload("many.json", content))

    assert response.status_code == 400
    assert "The file has 3 entries; at most 2 can be imported at once." in (
        response.content.decode()
    )


def test_import_without_file_is_400(user_client):
    response = user_client.post("/history/import/", {})

    assert response.status_code == 400
    assert "Choose a file to import." in response.content.decode()


_KEY = "1e1e2e-f38ba8-a6e3a1-89b4fa"
_BAD_STARS = "stars must be a whole number from 1 to 5"


@pytest.mark.parametrize(
    ("name", "content", "status", "message"),
    [
        (
            "r.json",
            json.dumps([{"key": _KEY, "stars": 1e308 * 10}]),
            200,
            f"{_BAD_STARS} (got inf)",
        ),
        ("r.json", json.dumps([{"key": _KEY, "stars": True}]), 200, f"{_BAD_STARS} (got True)"),
        ("r.json", json.dumps([{"key": _KEY, "stars": [3]}]), 200, f"{_BAD_STARS} (got [3])"),
        (
            "r.json",
            json.dumps([{"background": 5, "colors": [1, 2, 3], "stars": 3}]),
            200,
            "Background: 5 is not a colour",
        ),
        (
            "r.json",
            json.dumps([{"key": ["x"], "stars": {"a": 1}, "rated_at": [1]}]),
            200,
            "A theme key is four lowercase hex colours",
        ),
        (
            "r.json",
            json.dumps([{"key": _KEY, "stars": 3, "rated_at": "2024-13-45T10:00:00"}]),
            200,
            "entry 1</strong>: month must be in 1..12",
        ),
        (
            "r.json",
            json.dumps([{"input": [1e308] * 12, "output": [float("nan")]}]),
            200,
            "input must be a list of 12 numbers from 0 to 1",
        ),
        ("r.json", json.dumps(["just a string", 42, None]), 200, "rejected 3"),
        ("r.csv", f"key,stars\n{_KEY},\u00b2\n", 200, "line 2</strong>: "),
        ("r.csv", f"key,stars\n{_KEY},3,extra\n", 200, "more values than the header has columns"),
        ("r.csv", f"key,stars\n{_KEY},{'9' * 5000}\n", 200, "line 2</strong>: "),
        ("r.csv", "key,stars\n" + "x" * 200_000 + ",3\n", 400, "The CSV cannot be read"),
    ],
)
def test_import_strange_entries_are_reported_not_crashed(
    user_client, user, name, content, status, message
):
    response = user_client.post("/history/import/", _upload(name, content))

    assert response.status_code == status
    assert message in html.unescape(response.content.decode())
    assert Rating.objects.filter(user=user).exists() is False


@pytest.mark.parametrize(
    "content",
    ["[" + "1" * 5000 + "]", '[{"key": "' + _KEY + '", "stars": ' + "9" * 5000 + "}]"],
    ids=["huge-int-list", "huge-int-stars"],
)
def test_import_json_with_huge_integer_is_400(user_client, user, content):
    response = user_client.post("/history/import/", _upload("r.json", content))

    assert response.status_code == 400
    assert "The file is not valid JSON" in response.content.decode()


def test_import_get_is_not_allowed(user_client):
    response = user_client.get("/history/import/")

    assert response.status_code == 405
