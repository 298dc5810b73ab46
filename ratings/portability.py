"""Export a person's ratings as JSON or CSV, and read them back.

Formats read:

- ThemeHub JSON: `{"format": "themehub.ratings", "version": 1, "ratings": [...]}`
  (or the bare list), each entry `{"background": "#rrggbb", "colors": [3 x "#rrggbb"],
  "stars": 1..5, "rated_at": ISO time (optional)}`; `"key"` may stand for the colours.
- ThemeHub CSV: a header row `key,background,color1,color2,color3,stars,rated_at`
  (either `key` or the four colours are enough, `rated_at` is optional).
- The original demo's saved votes (its localStorage `trainingData`): a JSON list of
  `{"input": [12 numbers 0..1], "output": [0 | .25 | .5 | .75 | 1]}`; each channel is
  `round(value * 255)` and the stars are `output * 4 + 1`.

Parsing never touches the database: it returns the valid entries and a
rejection (where, why) for each invalid one. The whole file is refused only
when it cannot be read at all, is over the size limit or has too many entries.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.errors import ServiceError
from ratings import colour
from ratings.themes import ThemeColours, ThemeError

FORMAT_NAME = "themehub.ratings"
FORMAT_VERSION = 1
CSV_COLUMNS = ["key", "background", "color1", "color2", "color3", "stars", "rated_at"]
_DEMO_SCORES = {0.0: 1, 0.25: 2, 0.5: 3, 0.75: 4, 1.0: 5}


class ImportFileError(ServiceError):
    """The file as a whole cannot be imported."""


@dataclass(frozen=True)
class ImportEntry:
    where: str
    theme: ThemeColours
    stars: int
    rated_at: datetime | None = None


@dataclass(frozen=True)
class Rejection:
    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass(frozen=True)
class ParsedFile:
    format: str
    entries: list[ImportEntry]
    rejected: list[Rejection]


# --- export ---------------------------------------------------------------------


def _rows(ratings: Iterable) -> Iterable[dict]:
    for rating in ratings:
        theme = rating.theme
        yield {
            "key": theme.key,
            "background": theme.background,
            "colors": [theme.color1, theme.color2, theme.color3],
            "stars": rating.stars,
            "rated_at": rating.created_at.isoformat(),
        }


def export_json(ratings: Iterable) -> str:
    """Ratings (with `theme` loaded) -> the ThemeHub JSON document."""
    document = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "ratings": list(_rows(ratings))}
    return json.dumps(document, indent=2) + "\n"


def export_csv(ratings: Iterable) -> str:
    """Ratings (with `theme` loaded) -> CSV with the `CSV_COLUMNS` header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in _rows(ratings):
        writer.writerow(
            [row["key"], row["background"], *row["colors"], row["stars"], row["rated_at"]]
        )
    return buffer.getvalue()


@dataclass(frozen=True)
class ExportFile:
    name: str
    content: str
    content_type: str


def export_file(*, ratings: Iterable, fmt: str) -> ExportFile:
    """A person's ratings as a download: "json" or "csv", named with today's date."""
    stamp = timezone.now().strftime("%Y%m%d")
    name = f"themehub-ratings-{stamp}.{fmt}"
    if fmt == "json":
        return ExportFile(name, export_json(ratings), "application/json")
    return ExportFile(name, export_csv(ratings), "text/csv; charset=utf-8")


# --- import ---------------------------------------------------------------------


def parse_ratings_file(*, filename: str, data: bytes) -> ParsedFile:
    """Read an uploaded file. Raises ImportFileError when it cannot be read as a whole."""
    check_size(len(data))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "The file is not UTF-8 text: export it again as JSON or CSV."
        ) from None
    if not text.strip():
        raise ImportFileError("The file is empty.")
    looks_like_json = text.lstrip()[:1] in ("[", "{") or filename.lower().endswith(".json")
    return _parse_json(text) if looks_like_json else _parse_csv(text)


def check_size(size: int) -> None:
    """Raise ImportFileError when a file of `size` bytes is over the import limit."""
    limit = settings.RATINGS_IMPORT_MAX_BYTES
    if size > limit:
        raise ImportFileError(
            f"The file is {size / 1_048_576:.1f} MB; the limit is {limit / 1_048_576:.0f} MB."
        )


def _check_count(count: int) -> None:
    limit = settings.RATINGS_IMPORT_MAX_ENTRIES
    if count > limit:
        raise ImportFileError(
            f"The file has {count:,} entries; at most {limit:,} can be imported at once."
        )


def _parse_json(text: str) -> ParsedFile:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(
            f"The file is not valid JSON (line {error.lineno}: {error.msg})."
        ) from None
    except RecursionError:
        raise ImportFileError("The file is not valid JSON (nested too deeply).") from None
    except ValueError:
        # Python refuses integers of more than 4,300 digits with a plain ValueError.
        raise ImportFileError("The file is not valid JSON (a number is too long).") from None
    if isinstance(document, dict):
        if document.get("format") not in (None, FORMAT_NAME) or "ratings" not in document:
            raise ImportFileError('A JSON object must be a ThemeHub export with a "ratings" list.')
        items = document["ratings"]
    else:
        items = document
    if not isinstance(items, list):
        raise ImportFileError("Expected a JSON list of ratings.")
    _check_count(len(items))
    is_demo = _looks_like_demo(items)
    entries: list[ImportEntry] = []
    rejected: list[Rejection] = []
    for number, item in enumerate(items, start=1):
        where = f"entry {number}"
        try:
            entries.append(_demo_entry(where, item) if is_demo else _themehub_entry(where, item))
        except ValueError as error:
            rejected.append(Rejection(where, str(error)))
    return ParsedFile("demo votes" if is_demo else "ThemeHub JSON", entries, rejected)


def _looks_like_demo(items: list) -> bool:
    """The demo's votes: some entry has its keys and none has ours.

    Deciding on the file rather than on every entry keeps one broken vote (a
    string, a vote without "input") from turning the whole file into rejections
    that ask for ThemeHub's fields.
    """
    objects = [item for item in items if isinstance(item, dict)]
    demo = any("input" in item or "output" in item for item in objects)
    ours = any(name in item for item in objects for name in ("background", "colors", "key"))
    return demo and not ours


def _parse_csv(text: str) -> ParsedFile:
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    try:
        # Reading the header can already fail (a field over the csv module's size limit).
        header = [name.strip().lower() for name in (reader.fieldnames or [])]
    except csv.Error:
        header = []
    has_colours = {"background", "color1", "color2", "color3"} <= set(header)
    if "stars" not in header or not (has_colours or "key" in header):
        raise ImportFileError(
            "The file is neither JSON nor a ThemeHub CSV: a CSV needs a header row with "
            "stars and either key or background, color1, color2, color3."
        )
    reader.fieldnames = header
    try:
        rows = list(reader)
    except csv.Error as error:
        raise ImportFileError(f"The CSV cannot be read: {error}.") from None
    _check_count(len(rows))
    entries: list[ImportEntry] = []
    rejected: list[Rejection] = []
    for number, row in enumerate(rows, start=2):
        where = f"line {number}"
        if None in row:
            rejected.append(Rejection(where, "more values than the header has columns"))
            continue
        item = {
            "key": (row.get("key") or "").strip() or None,
            "stars": (row.get("stars") or "").strip(),
            "rated_at": (row.get("rated_at") or "").strip() or None,
        }
        if has_colours and any((row.get(slot) or "").strip() for slot in ("background", "color1")):
            item["background"] = (row.get("background") or "").strip()
            item["colors"] = [
                (row.get(slot) or "").strip() for slot in ("color1", "color2", "color3")
            ]
        try:
            entries.append(_themehub_entry(where, item))
        except ValueError as error:
            rejected.append(Rejection(where, str(error)))
    return ParsedFile("ThemeHub CSV", entries, rejected)


def _shown(value: object) -> str:
    """`repr(value)`, cut short: a rejection quotes the value, not a whole line of junk."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}..."


def _stars(value: object) -> int:
    # A cap on the digits: int() refuses strings of over 4,300 digits with a ValueError.
    if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) <= 3:
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int | float) or value not in range(1, 6):
        raise ValueError(f"stars must be a whole number from 1 to 5 (got {_shown(value)})")
    return int(value)


def _rated_at(value: object) -> datetime | None:
    if value in (None, ""):
        return None
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        raise ValueError(f"rated_at must be an ISO 8601 time (got {_shown(value)})")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed


def _themehub_entry(where: str, item: object) -> ImportEntry:
    if not isinstance(item, dict):
        raise ValueError("expected an object with the theme's colours and stars")
    try:
        if item.get("background") is not None or item.get("colors") is not None:
            if item.get("background") is None or item.get("colors") is None:
                raise ValueError('give both "background" and "colors"')
            theme = ThemeColours.from_hex(item["background"], item["colors"])
            key = item.get("key")
            if key and str(key).strip().lower() != theme.key:
                raise ValueError(f"key {_shown(key)} does not match the colours ({theme.key})")
        elif item.get("key"):
            theme = ThemeColours.from_key(str(item["key"]))
        else:
            raise ValueError('missing the theme: give "background" and "colors", or "key"')
    except ThemeError as error:
        raise ValueError(error.message) from None
    if "stars" not in item or item["stars"] in (None, ""):
        raise ValueError("missing stars")
    return ImportEntry(where, theme, _stars(item["stars"]), _rated_at(item.get("rated_at")))


def _demo_entry(where: str, item: object) -> ImportEntry:
    if not isinstance(item, dict):
        raise ValueError('expected {"input": [...], "output": [...]}')
    channels, output = item.get("input"), item.get("output")
    if isinstance(channels, dict):  # brain.js also saves inputs as {"0": .., "1": ..}
        channels = [channels.get(str(index)) for index in range(12)]
    if not isinstance(channels, list) or len(channels) != 12:
        raise ValueError("input must be a list of 12 numbers from 0 to 1")
    if not all(
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 <= value <= 1
        for value in channels
    ):
        raise ValueError("input must be a list of 12 numbers from 0 to 1")
    if isinstance(output, list) and len(output) == 1:
        output = output[0]
    if isinstance(output, bool) or not isinstance(output, int | float):
        raise ValueError("output must be [0], [0.25], [0.5], [0.75] or [1]")
    stars = next((s for score, s in _DEMO_SCORES.items() if abs(output - score) < 1e-6), None)
    if stars is None:
        raise ValueError(f"output must be 0, 0.25, 0.5, 0.75 or 1 (got {_shown(output)})")
    rgb = [round(value * 255) for value in channels]
    hexes = [colour.to_hex(rgb[start : start + 3]) for start in (0, 3, 6, 9)]
    return ImportEntry(where, ThemeColours.from_hex(hexes[0], hexes[1:]), stars)
