from __future__ import annotations

import numpy as np
import pytest

from ratings import colour

BLACK = (0, 0, 0)
WHITE = (255, 255, 255)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("#1e1e2e", (30, 30, 46)),
        ("1e1e2e", (30, 30, 46)),
        ("#1E1E2E", (30, 30, 46)),
        ("F38bA8", (243, 139, 168)),
        ("#000000", (0, 0, 0)),
        ("#ffffff", (255, 255, 255)),
    ],
)
def test_parse_hex_accepts_six_digits_with_or_without_hash_in_any_case(value, expected):
    assert colour.parse_hex(value) == expected


@pytest.mark.parametrize(
    "value", ["#12345", "#1234567", "red", "#gggggg", "##123456", "", None, 123, (1, 2, 3)]
)
def test_parse_hex_rejects_malformed_values(value):
    with pytest.raises(ValueError, match="is not a colour"):
        colour.parse_hex(value)


def test_to_hex_writes_lowercase_with_hash():
    assert colour.to_hex((243, 139, 168)) == "#f38ba8"
    assert colour.to_hex(np.array([0, 15, 255], dtype=np.uint8)) == "#000fff"


def test_relative_luminance_of_black_and_white_are_zero_and_one():
    assert colour.relative_luminance(BLACK) == 0.0
    assert colour.relative_luminance(WHITE) == pytest.approx(1.0)


def test_contrast_ratio_black_on_white_is_21():
    assert colour.contrast_ratio(BLACK, WHITE) == pytest.approx(21.0)


def test_contrast_ratio_is_symmetric():
    assert colour.contrast_ratio(WHITE, BLACK) == pytest.approx(21.0)
    assert colour.contrast_ratio((30, 30, 46), (243, 139, 168)) == pytest.approx(
        colour.contrast_ratio((243, 139, 168), (30, 30, 46))
    )


def test_contrast_ratio_of_a_colour_with_itself_is_1():
    assert colour.contrast_ratio((30, 30, 46), (30, 30, 46)) == pytest.approx(1.0)


def test_contrast_ratio_of_grey_777777_on_white_is_just_under_aa():
    ratio = colour.contrast_ratio((0x77, 0x77, 0x77), WHITE)

    assert ratio == pytest.approx(4.48, abs=0.005)
    assert ratio < 4.5


def test_apca_black_text_on_white_is_positive_106():
    assert colour.apca_contrast(BLACK, WHITE) == pytest.approx(106.04, abs=0.01)


def test_apca_white_text_on_black_is_negative_108():
    assert colour.apca_contrast(WHITE, BLACK) == pytest.approx(-107.88, abs=0.01)


def test_apca_same_colour_is_zero():
    assert colour.apca_contrast((120, 80, 40), (120, 80, 40)) == 0.0


def test_lab_of_pure_red():
    assert colour.lab((255, 0, 0)) == pytest.approx([53.24, 80.09, 67.20], abs=0.01)


def test_lab_of_white_and_black():
    assert colour.lab(WHITE) == pytest.approx([100.0, 0.0, 0.0], abs=0.01)
    assert colour.lab(BLACK) == pytest.approx([0.0, 0.0, 0.0], abs=0.01)


def test_oklab_of_white_has_lightness_one_and_no_chroma():
    assert colour.oklab(WHITE) == pytest.approx([1.0, 0.0, 0.0], abs=1e-4)


def test_oklab_of_pure_red():
    assert colour.oklab((255, 0, 0)) == pytest.approx([0.628, 0.2249, 0.1258], abs=1e-3)


def test_lch_of_pure_red_lab():
    lightness, chroma, hue = colour.lch(colour.lab((255, 0, 0)))

    assert lightness == pytest.approx(53.24, abs=0.01)
    assert chroma == pytest.approx(104.55, abs=0.01)
    assert hue == pytest.approx(40.0, abs=0.1)


def test_delta_e_is_zero_for_one_colour_and_positive_for_two():
    assert colour.delta_e((30, 30, 46), (30, 30, 46)) == 0.0
    assert colour.delta_e(BLACK, WHITE) == pytest.approx(100.0, abs=0.01)


def test_luminance_and_contrast_of_a_batch_of_themes_keep_the_leading_shape():
    themes = np.random.default_rng(0).integers(0, 256, size=(7, 4, 3), dtype=np.uint8)

    luminance = colour.relative_luminance(themes)
    contrast = colour.contrast_ratio(themes, themes[:, :1])
    apca = colour.apca_contrast(themes, themes[:, :1])

    assert luminance.shape == (7, 4)
    assert contrast.shape == (7, 4)
    assert apca.shape == (7, 4)
    assert contrast[:, 0] == pytest.approx(np.ones(7))


def test_vectorised_results_equal_one_colour_at_a_time():
    themes = np.random.default_rng(1).integers(0, 256, size=(5, 4, 3), dtype=np.uint8)

    batch = colour.contrast_ratio(themes[:, 1], themes[:, 0])
    single = [colour.contrast_ratio(theme[1], theme[0]) for theme in themes]

    assert batch.tolist() == pytest.approx(single)


def test_colour_spaces_of_a_batch_keep_the_shape():
    themes = np.random.default_rng(2).integers(0, 256, size=(6, 4, 3), dtype=np.uint8)

    assert colour.lab(themes).shape == (6, 4, 3)
    assert colour.oklab(themes).shape == (6, 4, 3)
    assert colour.lch(colour.oklab(themes)).shape == (6, 4, 3)
    assert colour.lab(themes)[3, 2] == pytest.approx(colour.lab(themes[3, 2]))


def test_mix_endpoints_return_the_inputs():
    a = np.array([30, 30, 46], dtype=np.uint8)
    b = np.array([243, 139, 168], dtype=np.uint8)

    assert colour.mix(a, b, 0).tolist() == [30, 30, 46]
    assert colour.mix(a, b, 1).tolist() == [243, 139, 168]


def test_mix_halfway_between_black_and_white_is_blended_in_linear_light():
    assert colour.mix(BLACK, WHITE, 0.5).tolist() == [188, 188, 188]


def test_mix_takes_one_amount_per_colour_in_a_batch():
    a = np.zeros((3, 3), dtype=np.uint8)
    b = np.full((3, 3), 255, dtype=np.uint8)

    mixed = colour.mix(a, b, np.array([0.0, 0.5, 1.0]))

    assert mixed.dtype == np.uint8
    assert mixed.tolist() == [[0, 0, 0], [188, 188, 188], [255, 255, 255]]
