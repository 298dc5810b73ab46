"""Colour maths, vectorised: sRGB, WCAG 2 contrast, APCA, CIELAB and OKLab.

Every function takes uint8 sRGB arrays whose last axis is the three channels,
`(..., 3) uint8`, and returns float arrays of the leading shape (or `(..., 3)`
for colour spaces). One module serves the palette, the contrast badges and the
recommender's features, so a figure is computed the same way everywhere.
"""

from __future__ import annotations

import re

import numpy as np

_HEX_RE = re.compile(r"#?([0-9a-fA-F]{6})")

# sRGB -> linear light, indexed by the uint8 channel: a lookup beats `**2.4` on floats.
_CHANNEL = np.arange(256, dtype=np.float64) / 255.0
SRGB_TO_LINEAR = np.where(
    _CHANNEL <= 0.04045, _CHANNEL / 12.92, ((_CHANNEL + 0.055) / 1.055) ** 2.4
)
# APCA uses a plain 2.4 power curve rather than the piecewise sRGB one.
_APCA_LINEAR = _CHANNEL**2.4

_WCAG_WEIGHTS = np.array([0.2126, 0.7152, 0.0722])
_APCA_WEIGHTS = np.array([0.2126729, 0.7151522, 0.0721750])

# Linear sRGB -> XYZ (D65), scaled by the D65 white point for CIELAB.
_RGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_D65 = np.array([0.95047, 1.0, 1.08883])
_RGB_TO_XYZN = (_RGB_TO_XYZ / _D65[:, None]).T

# Linear sRGB -> LMS and LMS' -> OKLab (Björn Ottosson's matrices).
_RGB_TO_LMS = np.array(
    [
        [0.4122214708, 0.5363325363, 0.0514459929],
        [0.2119034982, 0.6806995451, 0.1073969566],
        [0.0883024619, 0.2817188376, 0.6299787005],
    ]
).T
_LMS_TO_OKLAB = np.array(
    [
        [0.2104542553, 0.7936177850, -0.0040720468],
        [1.9779984951, -2.4285922050, 0.4505937099],
        [0.0259040371, 0.7827717662, -0.8086757660],
    ]
).T


def parse_hex(value: str) -> tuple[int, int, int]:
    """`"#1e1e2e"` (or `"1e1e2e"`) -> `(30, 30, 46)`. Raises ValueError for anything else."""
    match = _HEX_RE.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        raise ValueError(f"{shown} is not a colour: use #rrggbb, e.g. #1e1e2e.")
    digits = match.group(1)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def to_hex(rgb) -> str:
    """`(30, 30, 46)` -> `"#1e1e2e"` (lowercase)."""
    r, g, b = (int(c) for c in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def _as_uint8(rgb) -> np.ndarray:
    array = np.asarray(rgb)
    if array.dtype != np.uint8:
        array = np.clip(np.rint(array), 0, 255).astype(np.uint8)
    return array


# Lookup tables with the channel weights folded in: luminance is three gathers and two adds.
_WCAG_LUT = {
    dtype: (SRGB_TO_LINEAR[None, :] * _WCAG_WEIGHTS[:, None]).astype(dtype)
    for dtype in (np.float32, np.float64)
}
_APCA_LUT = {
    dtype: (_APCA_LINEAR[None, :] * _APCA_WEIGHTS[:, None]).astype(dtype)
    for dtype in (np.float32, np.float64)
}
_LINEAR_LUT = {dtype: SRGB_TO_LINEAR.astype(dtype) for dtype in (np.float32, np.float64)}


def _weighted(lut: np.ndarray, rgb: np.ndarray) -> np.ndarray:
    return lut[0][rgb[..., 0]] + lut[1][rgb[..., 1]] + lut[2][rgb[..., 2]]


def _cbrt(x: np.ndarray) -> np.ndarray:
    """Cube root of non-negative values; exp/log beats np.cbrt on large float32 arrays."""
    return np.exp(np.log(np.maximum(x, 1e-30)) / 3)


def linear(rgb, dtype=np.float64) -> np.ndarray:
    """`(..., 3) uint8 -> (..., 3)` linear-light channels."""
    return _LINEAR_LUT[np.dtype(dtype).type][_as_uint8(rgb)]


def relative_luminance(rgb, dtype=np.float64) -> np.ndarray:
    """WCAG 2 relative luminance: `(..., 3) uint8 -> (...)` in 0..1."""
    return _weighted(_WCAG_LUT[np.dtype(dtype).type], _as_uint8(rgb))


def contrast_from_luminance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """WCAG 2 contrast ratio of two relative luminances (any shapes that broadcast)."""
    return (np.maximum(a, b) + 0.05) / (np.minimum(a, b) + 0.05)


def contrast_ratio(foreground, background, dtype=np.float64) -> np.ndarray:
    """WCAG 2 contrast ratio, 1..21: `(..., 3), (..., 3) -> (...)`; symmetric."""
    return contrast_from_luminance(
        relative_luminance(foreground, dtype), relative_luminance(background, dtype)
    )


def apca_luminance(rgb, dtype=np.float64) -> np.ndarray:
    """APCA's screen luminance Y: `(..., 3) uint8 -> (...)` (a plain 2.4 power curve)."""
    return _weighted(_APCA_LUT[np.dtype(dtype).type], _as_uint8(rgb))


def apca_from_luminance(y_text: np.ndarray, y_back: np.ndarray) -> np.ndarray:
    """APCA Lc from APCA luminances of text and background (shapes that broadcast)."""
    y_text, y_back = np.broadcast_arrays(*_soft_clamp(y_text, y_back))
    log_text, log_back = np.log(y_text), np.log(y_back)
    # Light text on a dark background (reverse polarity) is every random theme's case:
    # the other branch is computed only where it is needed.
    sapc = (np.exp(log_back * 0.65) - np.exp(log_text * 0.62)) * 1.14
    lc = np.where(sapc > -0.1, 0.0, sapc + 0.027)
    normal_polarity = y_back > y_text
    if normal_polarity.any():
        normal = (np.exp(log_back * 0.56) - np.exp(log_text * 0.57)) * 1.14
        lc = np.where(normal_polarity, np.where(normal < 0.1, 0.0, normal - 0.027), lc)
    lc = np.where(np.abs(y_back - y_text) < 0.0005, 0.0, lc)
    return lc * 100.0


def _soft_clamp(*luminances: np.ndarray) -> list[np.ndarray]:
    """APCA's soft clamp near black: Y below 0.022 is raised by (0.022 - Y) ** 1.414."""
    clamped = []
    for y in luminances:
        y = np.array(y, copy=True)
        dark = y < 0.022
        if dark.any():
            y[dark] += (0.022 - y[dark]) ** 1.414
        clamped.append(y)
    return clamped


def apca_contrast(text, background, dtype=np.float64) -> np.ndarray:
    """APCA lightness contrast Lc (APCA-W3 0.0.98G): `(..., 3), (..., 3) -> (...)`.

    Positive for dark text on a light background, negative for light text on a
    dark one (white on black is about -107.9, black on white about 106.0).
    """
    lc = apca_from_luminance(apca_luminance(text, dtype), apca_luminance(background, dtype))
    return lc.astype(dtype, copy=False)


def lab(rgb, dtype=np.float64) -> np.ndarray:
    """CIELAB (D65): `(..., 3) uint8 -> (..., 3)` as L* 0..100, a*, b*."""
    rgb = _as_uint8(rgb)
    # One flat (m, 3) @ (3, 3) product: much faster than a batched matmul.
    flat = linear(rgb.reshape(-1, 3), dtype) @ _RGB_TO_XYZN.astype(dtype)
    delta = 6 / 29
    f = np.where(flat > delta**3, _cbrt(flat), flat / (3 * delta**2) + 4 / 29)
    out = np.empty_like(f)
    out[:, 0] = 116 * f[:, 1] - 16
    out[:, 1] = 500 * (f[:, 0] - f[:, 1])
    out[:, 2] = 200 * (f[:, 1] - f[:, 2])
    return out.reshape(rgb.shape)


def oklab(rgb, dtype=np.float64) -> np.ndarray:
    """OKLab: `(..., 3) uint8 -> (..., 3)` as L 0..1, a, b."""
    rgb = _as_uint8(rgb)
    # One flat (m, 3) @ (3, 3) product per step: much faster than a batched matmul.
    lms = linear(rgb.reshape(-1, 3), dtype) @ _RGB_TO_LMS.astype(dtype)
    return (_cbrt(lms) @ _LMS_TO_OKLAB.astype(dtype)).reshape(rgb.shape)


def lch(lab_values) -> np.ndarray:
    """Lightness, chroma and hue (degrees 0..360) from any `(..., 3)` Lab-like array."""
    lab_values = np.asarray(lab_values)
    chroma = np.hypot(lab_values[..., 1], lab_values[..., 2])
    hue = np.degrees(np.arctan2(lab_values[..., 2], lab_values[..., 1])) % 360.0
    return np.stack([lab_values[..., 0], chroma, hue], axis=-1)


def delta_e(a, b) -> np.ndarray:
    """Perceptual distance, Euclidean in OKLab (x100 to read like CIELAB ΔE)."""
    return np.linalg.norm(oklab(a) - oklab(b), axis=-1) * 100.0


def mix(a, b, t) -> np.ndarray:
    """Blend `a` toward `b` by `t` (0 keeps a, 1 gives b), in linear light, back to uint8 sRGB."""
    la, lb = linear(a), linear(b)
    t = np.asarray(t, dtype=np.float64)[..., None] if np.ndim(t) else t
    blended = la + (lb - la) * t
    # Inverse transfer function, then round to the nearest channel value.
    encoded = np.where(
        blended <= 0.0031308, blended * 12.92, 1.055 * np.power(blended, 1 / 2.4) - 0.055
    )
    return np.clip(np.rint(encoded * 255.0), 0, 255).astype(np.uint8)
