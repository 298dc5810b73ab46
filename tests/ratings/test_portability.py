from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest

from ratings.models import Rating, Theme
from ratings.portability import (
    CSV_COLUMNS,
    ImportFileError,
    export_csv,
    export_json,
    parse_ratings_file,
)

DEMO_VOTE = {"input": [0.5] * 12, "output": [0.75]}
THEME_ENTRY = {
    "background": "#1e1e2e",
    "colors": ["#f38ba8", "#a6e3a1", "#89b4fa"],
    "stars": 4,
}


def _json(document) -> bytes:
    return json.dumps(document).encode()


def _parse(document, filename: str = "ratings.json"):
    data = document if isinstance(document, bytes) else _json(document)
    return parse_ratings_file(filename=filename, data=data)


def _summary(parsed) -> list[tuple[str, str, int]]:
    return [(entry.where, entry.theme.key, entry.stars) for entry in parsed.entries]


def _reasons(parsed) -> list[str]:
    return [str(rejection) for rejection in parsed.rejected]


@pytest.fixture
def rated(user, theme, other_theme) -> list[Rating]:
    rows = []
    for colours, stars, when in (
        (theme, 5, datetime(2024, 3, 1, 12, 30, tzinfo=UTC)),
        (other_theme, 2, datetime(2024, 3, 2, 8, 0, 15, tzinfo=UTC)),
    ):
        row = Theme.objects.create(key=colours.key, **colours.fields())
        rows.append(
            Rating.objects.create(
                user=user, theme=row, stars=stars, created_at=when, updated_at=when
            )
        )
    return rows


def test_export_json_document(rated):
    document = json.loads(export_json(rated))

    assert document == {
        "format": "themehub.ratings",
        "version": 1,
        "ratings": [
            {
                "key": "1e1e2e-f38ba8-a6e3a1-89b4fa",
                "background": "#1e1e2e",
                "colors": ["#f38ba8", "#a6e3a1", "#89b4fa"],
                "stars": 5,
                "rated_at": "2024-03-01T12:30:00+00:00",
            },
            {
                "key": "282a36-ff79c6-f1fa8c-50fa7b",
                "background": "#282a36",
                "colors": ["#ff79c6", "#f1fa8c", "#50fa7b"],
                "stars": 2,
                "rated_at": "2024-03-02T08:00:15+00:00",
            },
        ],
    }


def test_export_csv_rows(rated):
    rows = list(csv.reader(io.StringIO(export_csv(rated))))

    assert rows == [
        CSV_COLUMNS,
        [
            "1e1e2e-f38ba8-a6e3a1-89b4fa",
            "#1e1e2e",
            "#f38ba8",
            "#a6e3a1",
            "#89b4fa",
            "5",
            "2024-03-01T12:30:00+00:00",
        ],
        [
            "282a36-ff79c6-f1fa8c-50fa7b",
            "#282a36",
            "#ff79c6",
            "#f1fa8c",
            "#50fa7b",
            "2",
            "2024-03-02T08:00:15+00:00",
        ],
    ]


@pytest.mark.parametrize(
    ("export", "filename", "format_name"),
    [(export_json, "ratings.json", "ThemeHub JSON"), (export_csv, "ratings.csv", "ThemeHub CSV")],
)
def test_export_then_parse_round_trip(rated, export, filename, format_name):
    parsed = parse_ratings_file(filename=filename, data=export(rated).encode())

    assert parsed.format == format_name
    assert parsed.rejected == []
    assert [(e.theme.key, e.stars, e.rated_at) for e in parsed.entries] == [
        (r.theme.key, r.stars, r.created_at) for r in rated
    ]


def test_export_of_no_ratings_parses_to_nothing():
    parsed = _parse(export_json([]).encode())

    assert (parsed.entries, parsed.rejected) == ([], [])


def test_parse_themehub_json_bare_list_with_key_or_colours():
    parsed = _parse(
        [
            THEME_ENTRY,
            {"key": "282A36-FF79C6-F1FA8C-50FA7B", "stars": "3"},
        ]
    )

    assert parsed.format == "ThemeHub JSON"
    assert _summary(parsed) == [
        ("entry 1", "1e1e2e-f38ba8-a6e3a1-89b4fa", 4),
        ("entry 2", "282a36-ff79c6-f1fa8c-50fa7b", 3),
    ]
    assert parsed.entries[0].rated_at is None


def test_parse_themehub_json_naive_time_gets_the_site_timezone(settings):
    settings.TIME_ZONE = "UTC"

    parsed = _parse([{**THEME_ENTRY, "rated_at": "2023-05-06T07:08:09"}])

    assert parsed.entries[0].rated_at == datetime(2023, 5, 6, 7, 8, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ({**THEME_ENTRY, "stars": 0}, "stars must be a whole number from 1 to 5 (got 0)"),
        ({**THEME_ENTRY, "stars": 6}, "stars must be a whole number from 1 to 5 (got 6)"),
        ({**THEME_ENTRY, "stars": "x"}, "stars must be a whole number from 1 to 5 (got 'x')"),
        ({**THEME_ENTRY, "stars": 2.5}, "stars must be a whole number from 1 to 5 (got 2.5)"),
        ({**THEME_ENTRY, "stars": True}, "stars must be a whole number from 1 to 5 (got True)"),
        ({k: v for k, v in THEME_ENTRY.items() if k != "stars"}, "missing stars"),
        (
            {**THEME_ENTRY, "colors": ["red", "#a6e3a1", "#89b4fa"]},
            "Keywords: 'red' is not a colour: use #rrggbb, e.g. #1e1e2e.",
        ),
        (
            {**THEME_ENTRY, "background": "#12345"},
            "Background: '#12345' is not a colour: use #rrggbb, e.g. #1e1e2e.",
        ),
        (
            {**THEME_ENTRY, "colors": ["#f38ba8"]},
            "A theme needs exactly three colours besides the background.",
        ),
        ({"colors": THEME_ENTRY["colors"], "stars": 3}, 'give both "background" and "colors"'),
        ({"stars": 3}, 'missing the theme: give "background" and "colors", or "key"'),
        (
            {**THEME_ENTRY, "key": "282a36-ff79c6-f1fa8c-50fa7b"},
            "key '282a36-ff79c6-f1fa8c-50fa7b' does not match the colours "
            "(1e1e2e-f38ba8-a6e3a1-89b4fa)",
        ),
        (
            {**THEME_ENTRY, "rated_at": "yesterday"},
            "rated_at must be an ISO 8601 time (got 'yesterday')",
        ),
        ("1e1e2e-f38ba8-a6e3a1-89b4fa", "expected an object with the theme's colours and stars"),
    ],
)
def test_parse_themehub_json_rejects_a_bad_entry_and_keeps_the_rest(entry, reason):
    parsed = _parse([THEME_ENTRY, entry])

    assert _summary(parsed) == [("entry 1", "1e1e2e-f38ba8-a6e3a1-89b4fa", 4)]
    assert _reasons(parsed) == [f"entry 2: {reason}"]


def test_parse_demo_votes_maps_channels_and_scores():
    parsed = _parse(
        [
            DEMO_VOTE,
            {
                "input": [0, 0, 0, 1, 1, 1, 0.2, 0.4, 0.6, 30 / 255, 30 / 255, 46 / 255],
                "output": [0],
            },
            {"input": [1] * 12, "output": [1]},
        ]
    )

    assert parsed.format == "demo votes"
    assert parsed.rejected == []
    assert _summary(parsed) == [
        ("entry 1", "808080-808080-808080-808080", 4),
        ("entry 2", "000000-ffffff-336699-1e1e2e", 1),
        ("entry 3", "ffffff-ffffff-ffffff-ffffff", 5),
    ]


@pytest.mark.parametrize(
    ("output", "stars"), [([0], 1), ([0.25], 2), ([0.5], 3), ([0.75], 4), ([1], 5), (0.5, 3)]
)
def test_parse_demo_votes_output_to_stars(output, stars):
    parsed = _parse([{"input": [0.5] * 12, "output": output}])

    assert [entry.stars for entry in parsed.entries] == [stars]


def test_parse_demo_votes_reads_brain_js_object_inputs():
    parsed = _parse([{"input": {str(i): 0.5 for i in range(12)}, "output": [1]}])

    assert _summary(parsed) == [("entry 1", "808080-808080-808080-808080", 5)]


@pytest.mark.parametrize(
    ("vote", "reason"),
    [
        (
            {"input": [0.5] * 12, "output": [0.3]},
            "output must be 0, 0.25, 0.5, 0.75 or 1 (got 0.3)",
        ),
        ({"input": [0.5] * 12, "output": [2]}, "output must be 0, 0.25, 0.5, 0.75 or 1 (got 2)"),
        (
            {"input": [0.5] * 12, "output": "x"},
            "output must be [0], [0.25], [0.5], [0.75] or [1]",
        ),
        ({"input": [0.5] * 12}, "output must be [0], [0.25], [0.5], [0.75] or [1]"),
        ({"input": [0.5] * 11, "output": [1]}, "input must be a list of 12 numbers from 0 to 1"),
        ({"input": [0.5] * 13, "output": [1]}, "input must be a list of 12 numbers from 0 to 1"),
        (
            {"input": [1.5] + [0.5] * 11, "output": [1]},
            "input must be a list of 12 numbers from 0 to 1",
        ),
        (
            {"input": ["0.5"] * 12, "output": [1]},
            "input must be a list of 12 numbers from 0 to 1",
        ),
        ({"output": [1]}, "input must be a list of 12 numbers from 0 to 1"),
        ("vote", 'expected {"input": [...], "output": [...]}'),
        (7, 'expected {"input": [...], "output": [...]}'),
    ],
)
def test_parse_demo_votes_rejects_a_bad_vote_and_keeps_the_rest(vote, reason):
    parsed = _parse([DEMO_VOTE, vote, DEMO_VOTE])

    assert parsed.format == "demo votes"
    assert _summary(parsed) == [
        ("entry 1", "808080-808080-808080-808080", 4),
        ("entry 3", "808080-808080-808080-808080", 4),
    ]
    assert _reasons(parsed) == [f"entry 2: {reason}"]


def test_parse_demo_votes_nan_channel_is_rejected():
    parsed = _parse(b'[{"input": [NaN, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "output": [1]}]')

    assert _reasons(parsed) == ["entry 1: input must be a list of 12 numbers from 0 to 1"]


def test_parse_csv_with_key_only_and_semicolons():
    data = b"Key;Stars\n1e1e2e-f38ba8-a6e3a1-89b4fa;4\nnot-a-key;3\n282a36-ff79c6-f1fa8c-50fa7b;9\n"

    parsed = _parse(data, "ratings.csv")

    assert parsed.format == "ThemeHub CSV"
    assert _summary(parsed) == [("line 2", "1e1e2e-f38ba8-a6e3a1-89b4fa", 4)]
    assert _reasons(parsed) == [
        "line 3: A theme key is four lowercase hex colours joined by '-', "
        "e.g. 1e1e2e-f38ba8-a6e3a1-89b4fa.",
        "line 4: stars must be a whole number from 1 to 5 (got 9)",
    ]


def test_parse_csv_with_colours_only_and_a_byte_order_mark():
    data = "\ufeffbackground,color1,color2,color3,stars\n#1E1E2E,#f38ba8,#a6e3a1,#89b4fa,2\n"

    parsed = _parse(data.encode(), "ratings.csv")

    assert _summary(parsed) == [("line 2", "1e1e2e-f38ba8-a6e3a1-89b4fa", 2)]


def test_parse_csv_row_with_too_many_values_is_rejected():
    data = b"key,stars\n1e1e2e-f38ba8-a6e3a1-89b4fa,4,extra\n282a36-ff79c6-f1fa8c-50fa7b,1\n"

    parsed = _parse(data, "ratings.csv")

    assert _summary(parsed) == [("line 3", "282a36-ff79c6-f1fa8c-50fa7b", 1)]
    assert _reasons(parsed) == ["line 2: more values than the header has columns"]


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "ratings.json", "The file is empty."),
        (b"  \n\t\n", "ratings.csv", "The file is empty."),
        (
            b"I rated some themes last week, here are my notes",
            "notes.txt",
            "The file is neither JSON nor a ThemeHub CSV",
        ),
        (bytes(range(128, 256)), "ratings.bin", "The file is not UTF-8 text"),
        (b"\x00\x01\x02\x03garbage", "ratings.bin", "The file is neither JSON nor a ThemeHub CSV"),
        (b"x" * 200_000, "ratings.csv", "The file is neither JSON nor a ThemeHub CSV"),
        (b'[{"stars": 4,', "ratings.json", "The file is not valid JSON (line 1"),
        (b"[" * 100_000, "ratings.json", "The file is not valid JSON"),
        (
            b'{"theme": "1e1e2e"}',
            "ratings.json",
            'A JSON object must be a ThemeHub export with a "ratings" list.',
        ),
        (
            b'{"format": "other.app", "ratings": []}',
            "ratings.json",
            'A JSON object must be a ThemeHub export with a "ratings" list.',
        ),
        (b"[" + b"1" * 5000 + b"]", "ratings.json", "The file is not valid JSON (a number is"),
        (b'{"ratings": 5}', "ratings.json", "Expected a JSON list of ratings."),
        (b"42", "ratings.json", "Expected a JSON list of ratings."),
        (
            b"key,background,color1\n1e1e2e-f38ba8-a6e3a1-89b4fa,#1e1e2e,#f38ba8\n",
            "ratings.csv",
            "The file is neither JSON nor a ThemeHub CSV: a CSV needs a header row with stars",
        ),
        (
            b"stars,background\n4,#1e1e2e\n",
            "ratings.csv",
            "The file is neither JSON nor a ThemeHub CSV",
        ),
    ],
)
def test_parse_ratings_file_refuses_a_file_it_cannot_read(data, filename, message):
    with pytest.raises(ImportFileError) as caught:
        parse_ratings_file(filename=filename, data=data)

    assert caught.value.message.startswith(message)


def test_parse_ratings_file_refuses_a_file_over_the_size_limit(settings):
    data = _json([THEME_ENTRY] * 20_000)
    assert len(data) > settings.RATINGS_IMPORT_MAX_BYTES == 1_048_576

    with pytest.raises(ImportFileError) as caught:
        parse_ratings_file(filename="ratings.json", data=data)

    assert caught.value.message == f"The file is {len(data) / 1_048_576:.1f} MB; the limit is 1 MB."


def test_parse_ratings_file_accepts_a_file_at_the_size_limit(settings):
    settings.RATINGS_IMPORT_MAX_BYTES = len(_json([THEME_ENTRY]))

    parsed = parse_ratings_file(filename="ratings.json", data=_json([THEME_ENTRY]))

    assert len(parsed.entries) == 1


def test_parse_ratings_file_refuses_more_than_10000_entries():
    data = b"[" + b",".join([b"0"] * 10_001) + b"]"

    with pytest.raises(ImportFileError) as caught:
        parse_ratings_file(filename="ratings.json", data=data)

    assert caught.value.message == (
        "The file has 10,001 entries; at most 10,000 can be imported at once."
    )


@pytest.mark.parametrize("count", [3, 4])
def test_parse_ratings_file_entry_limit_applies_to_json_and_csv(settings, count):
    settings.RATINGS_IMPORT_MAX_ENTRIES = 3
    csv_data = ("key,stars\n" + "1e1e2e-f38ba8-a6e3a1-89b4fa,4\n" * count).encode()
    json_data = _json({"ratings": [THEME_ENTRY] * count})

    if count <= 3:
        assert len(_parse(csv_data, "r.csv").entries) == count
        assert len(_parse(json_data).entries) == count
    else:
        for data, filename in ((csv_data, "r.csv"), (json_data, "r.json")):
            with pytest.raises(ImportFileError, match="at most 3 can be imported"):
                _parse(data, filename)


@pytest.mark.parametrize(
    ("stars", "shown"),
    [
        ("9" * 5000, "'" + "9" * 36 + "..."),
        ("\u00b2", "'\u00b2'"),
        ("x" * 100, "'" + "x" * 36 + "..."),
    ],
)
def test_parse_csv_odd_stars_are_rejected_with_a_short_reason(stars, shown):
    data = f"key,stars\n1e1e2e-f38ba8-a6e3a1-89b4fa,{stars}\n".encode()

    parsed = _parse(data, "ratings.csv")

    assert _reasons(parsed) == [f"line 2: stars must be a whole number from 1 to 5 (got {shown})"]


def test_parse_csv_accepts_stars_in_other_scripts_digits():
    data = "key,stars\n1e1e2e-f38ba8-a6e3a1-89b4fa,\u0663\n".encode()

    parsed = _parse(data, "ratings.csv")

    assert _summary(parsed) == [("line 2", "1e1e2e-f38ba8-a6e3a1-89b4fa", 3)]
