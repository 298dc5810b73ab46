"""Themes -> feature matrix for the per-user models, in one vectorised pass.

`featurise` maps `(n, 4, 3) uint8` themes (background, colour 1..3) to an
`(n, F) float32` matrix: the demo's 12 normalised RGB channels plus perceptual
features from `ratings.colour` (OKLab lightness, chroma and hue of each colour,
WCAG contrast and APCA of each colour against the background, distances and
hue agreement between the three colours). No Python loop over themes.
"""

from __future__ import annotations

import numpy as np

from ratings import colour

_PAIRS = ((1, 2), (1, 3), (2, 3))
_FIRST = [a for a, _ in _PAIRS]
_SECOND = [b for _, b in _PAIRS]
_SLOT_NAMES = ("bg", "c1", "c2", "c3")

FEATURE_NAMES: tuple[str, ...] = (
    *(f"{slot}_{channel}" for slot in _SLOT_NAMES for channel in "rgb"),
    *(f"{slot}_ok_{part}" for slot in _SLOT_NAMES for part in ("L", "a", "b")),
    *(f"{slot}_chroma" for slot in _SLOT_NAMES),
    *(f"{slot}_hue_{axis}" for slot in _SLOT_NAMES for axis in ("cos", "sin")),
    *(f"{slot}_log_contrast" for slot in _SLOT_NAMES[1:]),
    *(f"{slot}_apca" for slot in _SLOT_NAMES[1:]),
    *(f"dist_c{a}_c{b}" for a, b in _PAIRS),
    *(f"hue_agree_c{a}_c{b}" for a, b in _PAIRS),
)
N_FEATURES = len(FEATURE_NAMES)
# Columns holding OKLab of the four colours: the space where distances are perceptual.
OKLAB_COLUMNS = slice(12, 24)

# Plain-words names of the features that explain a pick (see ranking.reason).
FEATURE_LABELS = {
    "bg_ok_L": "background lightness",
    "c1_ok_L": "keyword lightness",
    "c2_ok_L": "string lightness",
    "c3_ok_L": "function-name lightness",
    "bg_chroma": "background tint",
    "c1_chroma": "keyword colourfulness",
    "c2_chroma": "string colourfulness",
    "c3_chroma": "function-name colourfulness",
    "c1_log_contrast": "keyword contrast",
    "c2_log_contrast": "string contrast",
    "c3_log_contrast": "function-name contrast",
}


def featurise(themes: np.ndarray) -> np.ndarray:
    """`(n, 4, 3) uint8 -> (n, N_FEATURES) float32` (column-major: one feature per column)."""
    themes = np.ascontiguousarray(themes, dtype=np.uint8)
    n = themes.shape[0]
    f32 = np.float32
    # Built as (F, n) rows, each written contiguously, and returned transposed: writing
    # columns of an (n, F) array would be strided and cost more than computing them.
    rows = np.empty((N_FEATURES, n), dtype=f32)
    rows[0:12] = themes.reshape(n, 12).T
    rows[0:12] *= f32(1 / 255)
    ok = colour.oklab(themes, f32)  # (n, 4, 3)
    rows[12:24] = ok.reshape(n, 12).T
    lightness, a, b = ok[..., 0], ok[..., 1], ok[..., 2]  # each (n, 4)
    chroma = np.sqrt(a * a + b * b)
    rows[24:28] = chroma.T
    # Hue as a unit vector: no arctan2, no wrap-around at 360°; grey has no hue (0, 0).
    inverse = np.where(chroma > 0.02, f32(1) / np.maximum(chroma, f32(0.02)), f32(0))
    unit_a, unit_b = a * inverse, b * inverse
    rows[28:36:2] = unit_a.T
    rows[29:36:2] = unit_b.T
    luminance = colour.relative_luminance(themes, f32)  # (n, 4)
    rows[36:39] = np.log(colour.contrast_from_luminance(luminance[:, 1:], luminance[:, :1])).T
    apca = colour.apca_luminance(themes, f32)  # (n, 4)
    rows[39:42] = np.abs(colour.apca_from_luminance(apca[:, 1:], apca[:, :1])).T * f32(0.01)
    # The three pairs of colours at once, by fancy indexing of the (n, 4) components.
    squared = sum((part[:, _FIRST] - part[:, _SECOND]) ** 2 for part in (lightness, a, b))
    rows[42:45] = np.sqrt(squared).T
    rows[45:48] = (
        unit_a[:, _FIRST] * unit_a[:, _SECOND] + unit_b[:, _FIRST] * unit_b[:, _SECOND]
    ).T
    return rows.T
