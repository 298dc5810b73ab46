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
    """`(n, 4, 3) uint8 -> (n, N_FEATURES) float32`."""
    themes = np.asarray(themes, dtype=np.uint8)
    n = themes.shape[0]
    f32 = np.float32
    out = np.empty((n, N_FEATURES), dtype=f32)
    column = 0

    def put(block: np.ndarray) -> None:
        nonlocal column
        width = block.shape[1]
        out[:, column : column + width] = block
        column += width

    put(themes.reshape(n, 12).astype(f32) * f32(1 / 255))
    ok = colour.oklab(themes, f32)  # (n, 4, 3)
    put(ok.reshape(n, 12))
    chroma = np.sqrt(ok[..., 1] ** 2 + ok[..., 2] ** 2)  # (n, 4)
    put(chroma)
    # Hue as a unit vector: no arctan2, no wrap-around at 360°; grey has no hue (0, 0).
    inverse = np.where(chroma > 0.02, f32(1) / np.maximum(chroma, f32(0.02)), f32(0))
    unit = ok[..., 1:] * inverse[..., None]  # (n, 4, 2)
    put(unit.reshape(n, 8))
    luminance = colour.relative_luminance(themes, f32)  # (n, 4)
    put(np.log(colour.contrast_from_luminance(luminance[:, 1:], luminance[:, :1])))
    put(np.abs(colour.apca_contrast(themes[:, 1:], themes[:, :1], f32)) * f32(0.01))
    for a, b in _PAIRS:
        out[:, column] = np.sqrt(((ok[:, a] - ok[:, b]) ** 2).sum(axis=1))
        column += 1
    for a, b in _PAIRS:
        out[:, column] = (unit[:, a] * unit[:, b]).sum(axis=1)
        column += 1
    assert column == N_FEATURES
    return out
