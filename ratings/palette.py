"""Derive a full editor palette from a theme's four colours.

The editor preview and (later) every exporter read their colours from
`derive()`, so a theme looks the same everywhere. Default text is pushed to at
least 7:1 WCAG contrast against the background and comments to at least 4.5:1
(both where the background allows it: always for the demo's dark backgrounds).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np

from ratings import colour
from ratings.themes import ThemeColours

FOREGROUND_MIN_CONTRAST = 7.0
COMMENT_MIN_CONTRAST = 4.5
LINE_NUMBER_MIN_CONTRAST = 3.0

_WHITE = np.array([255, 255, 255], dtype=np.uint8)
_BLACK = np.array([0, 0, 0], dtype=np.uint8)


@dataclass(frozen=True, slots=True)
class Palette:
    """Every colour an editor needs, as `#rrggbb`."""

    background: str
    foreground: str
    comment: str
    line_number: str
    line_highlight: str
    selection: str
    cursor: str
    keyword: str
    string: str
    function: str
    constant: str
    dark: bool

    def as_dict(self) -> dict[str, str | bool]:
        return asdict(self)

    def css_vars(self) -> str:
        """Inline `style` value setting `--th-<role>` custom properties."""
        return ";".join(
            f"--th-{name.replace('_', '-')}:{value}"
            for name, value in asdict(self).items()
            if isinstance(value, str)
        )


def _reach(
    base: np.ndarray, toward: np.ndarray, background: np.ndarray, target: float
) -> np.ndarray:
    """The colour nearest `base` on the way to `toward` with at least `target` contrast.

    Bisects the blend amount; if even `toward` cannot reach `target`, returns `toward`.
    """
    if colour.contrast_ratio(base, background) >= target:
        return base
    if colour.contrast_ratio(toward, background) < target:
        return toward
    low, high = 0.0, 1.0
    for _ in range(16):
        middle = (low + high) / 2
        if colour.contrast_ratio(colour.mix(base, toward, middle), background) >= target:
            high = middle
        else:
            low = middle
    return colour.mix(base, toward, high)


@lru_cache(maxsize=4096)
def derive(theme: ThemeColours) -> Palette:
    """Four colours in, a readable editor palette out (cached: themes are immutable)."""
    rgb = theme.rgb
    background, accents = rgb[0], rgb[1:]
    dark = colour.contrast_ratio(_WHITE, background) >= colour.contrast_ratio(_BLACK, background)
    extreme = _WHITE if dark else _BLACK

    # Default text: the extreme faintly tinted by the accents, so it belongs to the theme.
    tint = colour.mix(accents[0], accents[2], 0.5)
    foreground = _reach(
        colour.mix(extreme, tint, 0.18), extreme, background, FOREGROUND_MIN_CONTRAST
    )
    # Comments and line numbers sit between background and text: quieter, still readable.
    comment = _reach(
        colour.mix(background, foreground, 0.2), foreground, background, COMMENT_MIN_CONTRAST
    )
    line_number = _reach(
        colour.mix(background, foreground, 0.1), foreground, background, LINE_NUMBER_MIN_CONTRAST
    )
    line_highlight = colour.mix(background, extreme, 0.012)
    selection = colour.mix(background, accents[0], 0.09)
    constant = _reach(
        colour.mix(accents[1], accents[2], 0.5), foreground, background, COMMENT_MIN_CONTRAST
    )
    return Palette(
        background=theme.background,
        foreground=colour.to_hex(foreground),
        comment=colour.to_hex(comment),
        line_number=colour.to_hex(line_number),
        line_highlight=colour.to_hex(line_highlight),
        selection=colour.to_hex(selection),
        cursor=colour.to_hex(foreground),
        keyword=theme.color1,
        string=theme.color2,
        function=theme.color3,
        constant=colour.to_hex(constant),
        dark=bool(dark),
    )
