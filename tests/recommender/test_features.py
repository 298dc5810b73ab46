"""Themes -> feature matrix: shape, known colours, and one pass for a whole batch."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ratings.themes import draw
from recommender.features import FEATURE_LABELS, FEATURE_NAMES, N_FEATURES, featurise


def _theme(*colours: tuple[int, int, int]) -> np.ndarray:
    """One theme as a `(1, 4, 3) uint8` batch: background, colour 1..3."""
    return np.array([colours], dtype=np.uint8)


def _column(name: str) -> int:
    return FEATURE_NAMES.index(name)


BLACK, WHITE, GREY = (0, 0, 0), (255, 255, 255), (128, 128, 128)


def test_featurise_shape_and_dtype():
    themes = draw(7, np.random.default_rng(1))

    features = featurise(themes)

    assert features.shape == (7, N_FEATURES)
    assert features.dtype == np.float32
    assert N_FEATURES == len(FEATURE_NAMES) == 48


def test_featurise_names_are_unique_and_labels_name_real_features():
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES)
    assert set(FEATURE_LABELS) <= set(FEATURE_NAMES)


def test_featurise_values_are_finite_for_extreme_colours():
    themes = np.array(
        [
            [BLACK, BLACK, BLACK, BLACK],
            [WHITE, WHITE, WHITE, WHITE],
            [BLACK, WHITE, GREY, (255, 0, 0)],
            [(50, 50, 50), (50, 50, 50), (0, 0, 255), (0, 255, 0)],
        ],
        dtype=np.uint8,
    )

    features = featurise(themes)

    assert np.isfinite(features).all()


def test_featurise_random_batch_is_finite():
    features = featurise(draw(2000, np.random.default_rng(2)))

    assert np.isfinite(features).all()


def test_featurise_first_columns_are_the_demo_channels():
    themes = _theme((0, 51, 102), (255, 0, 0), (0, 255, 0), (0, 0, 255))

    features = featurise(themes)

    assert features[0, :12].tolist() == pytest.approx(
        [0.0, 0.2, 0.4, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0], abs=1e-6
    )


def test_featurise_white_on_black_has_the_largest_wcag_contrast():
    features = featurise(_theme(BLACK, WHITE, WHITE, WHITE))

    assert features[0, _column("c1_log_contrast")] == pytest.approx(math.log(21), abs=1e-4)
    assert features[0, _column("c3_log_contrast")] == pytest.approx(math.log(21), abs=1e-4)


def test_featurise_text_same_as_background_has_no_contrast():
    features = featurise(_theme(GREY, GREY, GREY, GREY))

    assert features[0, _column("c1_log_contrast")] == pytest.approx(0.0, abs=1e-6)
    assert features[0, _column("c1_apca")] == 0.0


def test_featurise_apca_of_white_on_black():
    features = featurise(_theme(BLACK, WHITE, GREY, GREY))

    # |Lc| / 100: white text on black is Lc -107.88 in APCA-W3 0.0.98G.
    assert features[0, _column("c1_apca")] == pytest.approx(1.0788, abs=1e-3)


def test_featurise_oklab_lightness_of_black_and_white():
    features = featurise(_theme(BLACK, WHITE, GREY, GREY))

    assert features[0, _column("bg_ok_L")] == pytest.approx(0.0, abs=1e-6)
    assert features[0, _column("c1_ok_L")] == pytest.approx(1.0, abs=1e-5)
    assert features[0, _column("c2_ok_L")] == pytest.approx(0.59987, abs=1e-4)


def test_featurise_grey_has_no_hue_and_no_chroma():
    features = featurise(_theme(BLACK, WHITE, GREY, (40, 40, 40)))

    for slot in ("bg", "c1", "c2", "c3"):
        assert features[0, _column(f"{slot}_hue_cos")] == 0.0
        assert features[0, _column(f"{slot}_hue_sin")] == 0.0
        assert features[0, _column(f"{slot}_chroma")] == pytest.approx(0.0, abs=1e-6)


def test_featurise_hue_of_a_colour_is_a_unit_vector():
    features = featurise(_theme(BLACK, (255, 0, 0), (0, 255, 0), (0, 0, 255)))

    for slot in ("c1", "c2", "c3"):
        cos = features[0, _column(f"{slot}_hue_cos")]
        sin = features[0, _column(f"{slot}_hue_sin")]
        assert float(cos) ** 2 + float(sin) ** 2 == pytest.approx(1.0, abs=1e-5)


def test_featurise_same_colours_agree_in_hue_and_have_no_distance():
    red = (220, 40, 60)

    features = featurise(_theme(BLACK, red, red, red))

    assert features[0, _column("hue_agree_c1_c2")] == pytest.approx(1.0, abs=1e-5)
    assert features[0, _column("dist_c1_c3")] == 0.0


def test_featurise_opposite_hues_disagree():
    # Red and cyan sit on opposite sides of the OKLab hue circle.
    features = featurise(_theme(BLACK, (255, 0, 0), (0, 255, 255), (128, 128, 128)))

    assert features[0, _column("hue_agree_c1_c2")] < -0.9
    assert features[0, _column("hue_agree_c1_c3")] == 0.0


def test_featurise_empty_batch():
    features = featurise(np.zeros((0, 4, 3), dtype=np.uint8))

    assert features.shape == (0, N_FEATURES)


def test_featurise_large_batch_matches_row_by_row():
    themes = draw(10_000, np.random.default_rng(3))
    rows = np.random.default_rng(4).choice(len(themes), size=40, replace=False)

    features = featurise(themes)

    assert features.shape == (10_000, N_FEATURES)
    for row in rows:
        single = featurise(themes[row : row + 1])
        np.testing.assert_allclose(features[row], single[0], rtol=1e-5, atol=1e-6)


def test_featurise_does_not_depend_on_the_other_rows():
    themes = draw(50, np.random.default_rng(5))

    whole = featurise(themes)
    reversed_order = featurise(themes[::-1])

    np.testing.assert_allclose(whole, reversed_order[::-1], rtol=1e-5, atol=1e-6)
