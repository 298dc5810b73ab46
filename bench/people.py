"""Simulated people for the quality benchmark.

Each person has a hidden utility over themes and rates with noise on a 1-5
scale of their own. Besides their own kind of taste, most share a little
dislike of hard-to-read colours (a random weight from 0 to 0.5). The kinds of
taste are written in terms the recommender does not use directly (HSV hue and
saturation, CIELAB, RGB distance to a favourite theme), so a model that scores
well here has learned a taste rather than copied a formula.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ratings import colour

Utility = Callable[[np.ndarray], np.ndarray]


def _hsv(themes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`(n, 4, 3) uint8 -> hue in degrees, saturation 0..1, value 0..1`, each `(n, 4)`."""
    rgb = themes.astype(np.float64) / 255.0
    high, low = rgb.max(axis=-1), rgb.min(axis=-1)
    spread = high - low
    safe = np.where(spread == 0, 1.0, spread)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    hue = np.where(
        high == r, ((g - b) / safe) % 6, np.where(high == g, (b - r) / safe + 2, (r - g) / safe + 4)
    )
    hue = np.where(spread == 0, 0.0, hue * 60.0)
    saturation = np.where(high == 0, 0.0, spread / np.where(high == 0, 1.0, high))
    return hue, saturation, high


def _hue_closeness(hue: np.ndarray, target: float, width: float) -> np.ndarray:
    distance = np.abs((hue - target + 180.0) % 360.0 - 180.0)
    return np.exp(-((distance / width) ** 2))


def hue_lover(target: float, width: float = 45.0) -> Utility:
    """Likes accents near one hue, the more saturated the better."""

    def utility(themes: np.ndarray) -> np.ndarray:
        hue, sat, _ = _hsv(themes)
        return (_hue_closeness(hue[:, 1:], target, width) * (0.3 + sat[:, 1:])).mean(axis=1)

    return utility


def contrast_seeker(themes: np.ndarray) -> np.ndarray:
    """Wants every colour to stand out; the weakest colour matters most."""
    ratio = colour.contrast_ratio(themes[:, 1:], themes[:, :1])
    return np.log(ratio).mean(axis=1) + 0.7 * np.log(ratio).min(axis=1)


def pastel(themes: np.ndarray) -> np.ndarray:
    """Soft, light accents: high CIELAB lightness, modest chroma, on a near-black background."""
    lab = colour.lab(themes)
    chroma = np.hypot(lab[:, 1:, 1], lab[:, 1:, 2])
    lightness = lab[:, 1:, 0]
    return (
        (lightness / 100.0).mean(axis=1)
        - np.abs(chroma - 30.0).mean(axis=1) / 60.0
        - lab[:, 0, 0] / 40.0
    )


def neon(themes: np.ndarray) -> np.ndarray:
    """Vivid, saturated accents."""
    _, sat, value = _hsv(themes)
    return (sat[:, 1:] * value[:, 1:]).mean(axis=1)


def harmonious(themes: np.ndarray) -> np.ndarray:
    """Accents of neighbouring hues (an analogous scheme)."""
    hue, sat, _ = _hsv(themes)
    angles = np.radians(hue[:, 1:])
    resultant = np.hypot(np.cos(angles).mean(axis=1), np.sin(angles).mean(axis=1))
    return resultant + 0.3 * sat[:, 1:].mean(axis=1)


def triadic(themes: np.ndarray) -> np.ndarray:
    """Accents spread around the colour wheel, each clearly coloured."""
    hue, sat, _ = _hsv(themes)
    angles = np.radians(hue[:, 1:])
    resultant = np.hypot(np.cos(angles).mean(axis=1), np.sin(angles).mean(axis=1))
    return (1 - resultant) * np.minimum(sat[:, 1:].min(axis=1) * 2, 1.0)


def favourite(target: np.ndarray) -> Utility:
    """Likes themes close to one favourite theme (RGB distance, background counts double)."""
    weights = np.array([2.0, 1.0, 1.0, 1.0])[None, :, None]
    target = np.asarray(target, dtype=np.float64)[None]

    def utility(themes: np.ndarray) -> np.ndarray:
        diff = (themes.astype(np.float64) - target) / 255.0
        return -np.sqrt((weights * diff**2).sum(axis=(1, 2)))

    return utility


def background_tint(target_hue: float) -> Utility:
    """Cares mostly about the background: tinted toward one hue, and not too dark."""

    def utility(themes: np.ndarray) -> np.ndarray:
        hue, sat, value = _hsv(themes)
        return _hue_closeness(hue[:, 0], target_hue, 50.0) * sat[:, 0] + value[:, 0] * 2

    return utility


def _standardise(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    return (values - reference.mean()) / (reference.std() + 1e-12)


@dataclass
class Person:
    name: str
    utility: Utility
    noise: float  # standard deviation of the rating noise, in standardised utility units
    cuts: np.ndarray  # 4 quantile cut points of the person's utility -> 1..5 stars
    reference: np.ndarray  # utility of the reference themes (for percentiles)

    def true_utility(self, themes: np.ndarray) -> np.ndarray:
        return _standardise(self.utility(themes), self._raw_reference)

    def rate(self, themes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Noisy 1..5 stars for `(n, 4, 3)` themes."""
        noisy = self.true_utility(themes) + rng.normal(0.0, self.noise, len(themes))
        return (np.searchsorted(self.cuts, noisy) + 1).astype(np.int64)

    def percentile(self, themes: np.ndarray) -> np.ndarray:
        """Share of the reference (random) themes each theme beats, 0..1."""
        return np.searchsorted(self._sorted, self.true_utility(themes)) / len(self._sorted)

    def __post_init__(self) -> None:
        self._raw_reference = self.reference
        self.reference = _standardise(self.reference, self.reference)
        self._sorted = np.sort(self.reference)


def _combine(reference: np.ndarray, *parts: tuple[float, Utility]) -> Utility:
    """A weighted sum of tastes, each scaled by its spread over the reference themes."""
    scales = [(part(reference).mean(), part(reference).std() + 1e-12) for _, part in parts]

    def utility(themes: np.ndarray) -> np.ndarray:
        total = np.zeros(len(themes))
        for (weight, part), (mean, std) in zip(parts, scales, strict=True):
            total += weight * (part(themes) - mean) / std
        return total

    return utility


def population(
    reference: np.ndarray, rng: np.random.Generator, *, per_kind: int = 1
) -> list[Person]:
    """People of several kinds of taste, each with own noise and star habits.

    `reference` is a large `(n, 4, 3)` sample of random themes: it fixes each
    person's utility scale and serves for percentiles.
    """
    kinds: list[tuple[str, Callable[[np.random.Generator], Utility]]] = [
        ("hue-lover", lambda r: hue_lover(float(r.uniform(0, 360)))),
        ("contrast-seeker", lambda r: contrast_seeker),
        ("pastel", lambda r: pastel),
        ("neon", lambda r: neon),
        ("harmonious", lambda r: harmonious),
        ("triadic", lambda r: triadic),
        ("favourite-theme", lambda r: favourite(reference[r.integers(len(reference))])),
        ("background-tint", lambda r: background_tint(float(r.uniform(0, 360)))),
        (
            "mixed",
            lambda r: _combine(
                reference,
                (1.0, hue_lover(float(r.uniform(0, 360)))),
                (0.7, contrast_seeker),
                (0.4, pastel),
            ),
        ),
    ]
    people = []
    for index in range(per_kind):
        for name, make in kinds:
            # Most people also share a little of one taste: they dislike colours that are
            # hard to read. That common part is what a community model can learn.
            utility = _combine(
                reference, (1.0, make(rng)), (float(rng.uniform(0.0, 0.5)), contrast_seeker)
            )
            raw = utility(reference)
            # Star habits differ: some are generous, some stingy.
            shares = rng.dirichlet(np.full(5, 4.0))
            cuts = np.quantile(_standardise(raw, raw), np.cumsum(shares)[:4])
            people.append(
                Person(
                    name=f"{name}-{index + 1}",
                    utility=utility,
                    noise=float(rng.uniform(0.3, 0.6)),
                    cuts=cuts,
                    reference=raw,
                )
            )
    return people
