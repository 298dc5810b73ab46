"""A theme's identity: four colours, their canonical key, and the demo's random draw.

A theme is a background and three colours (keywords, strings, function
names). Its key is the lowercase hex of the four joined by `-`, e.g.
`1e1e2e-f38ba8-a6e3a1-89b4fa`; the key alone rebuilds the theme, so a theme
needs no database row to be shown or shared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from accounts.errors import ServiceError
from ratings import colour

SLOTS = ("background", "color1", "color2", "color3")
SLOT_LABELS = {
    "background": "Background",
    "color1": "Keywords",
    "color2": "Strings",
    "color3": "Functions",
}
KEY_RE = re.compile(r"[0-9a-f]{6}(?:-[0-9a-f]{6}){3}")

# Random draws are uint16; a 65,536-entry table maps each onto a channel range (bias
# below 1/1000 per value), so a batch costs one `integers` call and one gather per slot.
_BACKGROUND_RANGE = (0, 50)
_COLOUR_RANGE = (50, 255)


def _range_table(low: int, high: int) -> np.ndarray:
    return (low + (np.arange(1 << 16, dtype=np.uint32) * (high - low + 1) >> 16)).astype(np.uint8)


_BACKGROUND_TABLE = _range_table(*_BACKGROUND_RANGE)
_COLOUR_TABLE = _range_table(*_COLOUR_RANGE)


class ThemeError(ServiceError):
    """A theme key or colour that cannot be read."""


@dataclass(frozen=True)
class ThemeColours:
    """Four `#rrggbb` colours (lowercase): background, color1, color2, color3."""

    background: str
    color1: str
    color2: str
    color3: str

    @classmethod
    def from_hex(cls, background: str, colors: list[str] | tuple[str, ...]) -> ThemeColours:
        """Build from `"#rrggbb"` strings; raises ThemeError naming the bad slot."""
        if not isinstance(colors, list | tuple) or len(colors) != 3:
            raise ThemeError("A theme needs exactly three colours besides the background.")
        values = {}
        for slot, value in zip(SLOTS, [background, *colors], strict=True):
            try:
                values[slot] = colour.to_hex(colour.parse_hex(value))
            except ValueError as error:
                raise ThemeError(f"{SLOT_LABELS[slot]}: {error}", field=slot) from None
        return cls(**values)

    @classmethod
    def from_key(cls, key: str) -> ThemeColours:
        """`"1e1e2e-f38ba8-a6e3a1-89b4fa"` -> theme; raises ThemeError for a malformed key."""
        if not isinstance(key, str) or not KEY_RE.fullmatch(key.strip().lower()):
            raise ThemeError(
                "A theme key is four lowercase hex colours joined by '-', "
                "e.g. 1e1e2e-f38ba8-a6e3a1-89b4fa.",
                field="key",
            )
        parts = key.strip().lower().split("-")
        return cls(*(f"#{part}" for part in parts))

    @classmethod
    def from_array(cls, rgb: np.ndarray) -> ThemeColours:
        """`(4, 3)` uint8 channels -> theme."""
        return cls(*(colour.to_hex(row) for row in np.asarray(rgb).reshape(4, 3)))

    @classmethod
    def random(cls, rng: np.random.Generator | None = None) -> ThemeColours:
        """One theme drawn like the demo's."""
        return cls.from_array(draw(1, rng)[0])

    @property
    def key(self) -> str:
        return "-".join(value[1:] for value in self.hexes)

    @property
    def hexes(self) -> tuple[str, str, str, str]:
        return (self.background, self.color1, self.color2, self.color3)

    @property
    def colors(self) -> list[str]:
        return [self.color1, self.color2, self.color3]

    @property
    def rgb(self) -> np.ndarray:
        """`(4, 3)` uint8: background, color1, color2, color3."""
        return np.array([colour.parse_hex(value) for value in self.hexes], dtype=np.uint8)

    def fields(self) -> dict[str, str]:
        """Keyword arguments for a `Theme` row."""
        return dict(zip(SLOTS, self.hexes, strict=True))

    def slots(self) -> list[tuple[str, str, str]]:
        """`(slot, label, hex)` for templates that list the four colours."""
        return [
            (slot, SLOT_LABELS[slot], value) for slot, value in zip(SLOTS, self.hexes, strict=True)
        ]

    def __str__(self) -> str:
        return self.key


def draw(
    n: int,
    rng: np.random.Generator | None = None,
    *,
    locked: dict[int, tuple[int, int, int]] | None = None,
) -> np.ndarray:
    """`n` random themes drawn like the demo's: `-> (n, 4, 3) uint8`.

    Background channels fall in 0..50, the three colours' channels in 50..255.
    `locked` maps slot index (0 background, 1..3 colours) to a fixed RGB.
    """
    rng = rng if rng is not None else np.random.default_rng()
    raw = rng.integers(0, 1 << 16, size=(n, 4, 3), dtype=np.uint16)
    out = np.empty((n, 4, 3), dtype=np.uint8)
    out[:, 0] = _BACKGROUND_TABLE[raw[:, 0]]
    out[:, 1:] = _COLOUR_TABLE[raw[:, 1:]]
    for slot, rgb in (locked or {}).items():
        out[:, slot] = rgb
    return out
