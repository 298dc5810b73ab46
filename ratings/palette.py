"""Derive a full editor palette from a theme's four colours.

The editor preview and every exporter (`ratings.exporters`) read their colours
from `derive()`, so a theme looks the same everywhere. Default text is pushed to
at least 7:1 WCAG contrast against the background and comments to at least 4.5:1
(both where the background allows it: always for the demo's dark backgrounds).

The 16 terminal colours follow the usual ANSI order (black, red, green, yellow,
blue, magenta, cyan, white, then the bright eight). Each hue takes the theme's
own accent when one lies near it, else a colour of that hue with the accents'
average lightness and chroma (OKLCh), so a terminal looks like the editor.
The six hues, plain and bright, reach 4.5:1 against the background.
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
    # black, red, green, yellow, blue, magenta, cyan, white, then the bright eight.
    ansi: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, str | bool]:
        """The editor roles and `dark` (the terminal colours are in `terminal()`)."""
        values = asdict(self)
        del values["ansi"]
        return values

    def terminal(self) -> dict[str, str]:
        """The 16 ANSI colours by name: `black` .. `white`, `bright_black` .. `bright_white`."""
        names = [*ANSI_NAMES, *(f"bright_{name}" for name in ANSI_NAMES)]
        return dict(zip(names, self.ansi, strict=True))

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


ANSI_NAMES = ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")
ANSI_MIN_CONTRAST = 4.5
# OKLCh hue angles (degrees) of the six chromatic ANSI colours, red to cyan.
_ANSI_HUES = {
    "red": 25.0,
    "green": 142.0,
    "yellow": 100.0,
    "blue": 255.0,
    "magenta": 330.0,
    "cyan": 195.0,
}
# An accent within this many degrees of an ANSI hue stands in for it.
_ANSI_ACCENT_REACH = 28.0

# OKLab -> LMS' and linear LMS -> linear sRGB (Björn Ottosson's inverse matrices).
_OKLAB_TO_LMS = np.array(
    [
        [1.0, 0.3963377774, 0.2158037573],
        [1.0, -0.1055613458, -0.0638541728],
        [1.0, -0.0894841775, -1.2914855480],
    ]
)
_LMS_TO_RGB = np.array(
    [
        [4.0767416621, -3.3077115913, 0.2309699292],
        [-1.2684380046, 2.6097574011, -0.3413193965],
        [-0.0041960863, -0.7034186147, 1.7076147010],
    ]
)


def _oklch_linear(lightness: float, chroma: float, hue: float) -> np.ndarray:
    radians = np.radians(hue)
    lab = np.array([lightness, chroma * np.cos(radians), chroma * np.sin(radians)])
    return _LMS_TO_RGB @ ((_OKLAB_TO_LMS @ lab) ** 3)


def _oklch_to_rgb(lightness: float, chroma: float, hue: float) -> np.ndarray:
    """OKLCh -> `(3,) uint8` sRGB, lowering chroma until the colour fits the sRGB gamut."""
    low, high = 0.0, chroma
    if np.all((rgb := _oklch_linear(lightness, chroma, hue)) >= 0) and np.all(rgb <= 1):
        low = chroma
    else:
        for _ in range(20):
            middle = (low + high) / 2
            rgb = _oklch_linear(lightness, middle, hue)
            if np.all(rgb >= -1e-9) and np.all(rgb <= 1 + 1e-9):
                low = middle
            else:
                high = middle
    linear_rgb = np.clip(_oklch_linear(lightness, low, hue), 0.0, 1.0)
    encoded = np.where(
        linear_rgb <= 0.0031308, linear_rgb * 12.92, 1.055 * linear_rgb ** (1 / 2.4) - 0.055
    )
    return np.clip(np.rint(encoded * 255.0), 0, 255).astype(np.uint8)


def _ansi(
    accents: np.ndarray,
    background: np.ndarray,
    foreground: np.ndarray,
    comment: np.ndarray,
    extreme: np.ndarray,
) -> tuple[str, ...]:
    """16 terminal colours `#rrggbb` from the accents `(3, 3) uint8` and the derived greys."""
    lch = colour.lch(colour.oklab(accents))
    lightness = float(
        np.clip(lch[:, 0].mean(), 0.62, 0.85)
        if extreme[0]
        else np.clip(lch[:, 0].mean(), 0.35, 0.55)
    )
    chroma = float(np.clip(lch[:, 1].mean(), 0.09, 0.18))
    used: set[int] = set()
    normal: dict[str, np.ndarray] = {}
    for name, hue in _ANSI_HUES.items():
        distance = np.abs((lch[:, 2] - hue + 180.0) % 360.0 - 180.0)
        distance[list(used)] = 360.0
        nearest = int(np.argmin(distance))
        if distance[nearest] <= _ANSI_ACCENT_REACH and lch[nearest, 1] >= 0.05:
            used.add(nearest)
            base = accents[nearest]
        else:
            base = _oklch_to_rgb(lightness, chroma, hue)
        normal[name] = _reach(base, extreme, background, ANSI_MIN_CONTRAST)
    if extreme[0]:  # dark theme: black is a raised background, white a softened text
        black, white = (
            colour.mix(background, foreground, 0.06),
            colour.mix(foreground, background, 0.12),
        )
        bright_black, bright_white = comment, foreground
    else:  # light theme: black is the text, white a lowered background
        black, white = foreground, colour.mix(background, foreground, 0.12)
        bright_black, bright_white = comment, colour.mix(background, foreground, 0.04)
    bright = {
        name: _reach(colour.mix(value, extreme, 0.22), extreme, background, ANSI_MIN_CONTRAST)
        for name, value in normal.items()
    }
    order = [black, *(normal[name] for name in ANSI_NAMES[1:7]), white]
    order += [bright_black, *(bright[name] for name in ANSI_NAMES[1:7]), bright_white]
    return tuple(colour.to_hex(value) for value in order)


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
        ansi=_ansi(accents, background, foreground, comment, extreme),
    )
