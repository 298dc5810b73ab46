from __future__ import annotations

import numpy as np
import pytest

from ratings import colour
from ratings.palette import (
    COMMENT_MIN_CONTRAST,
    FOREGROUND_MIN_CONTRAST,
    LINE_NUMBER_MIN_CONTRAST,
    derive,
)
from ratings.themes import ThemeColours, draw


def _contrast(foreground: str, background: str) -> float:
    return float(colour.contrast_ratio(colour.parse_hex(foreground), colour.parse_hex(background)))


@pytest.fixture(scope="module")
def demo_palettes():
    themes = draw(500, np.random.default_rng(2024))
    return [derive(ThemeColours.from_array(rgb)) for rgb in themes]


def test_palette_thresholds_are_wcag_levels():
    assert (FOREGROUND_MIN_CONTRAST, COMMENT_MIN_CONTRAST, LINE_NUMBER_MIN_CONTRAST) == (
        7.0,
        4.5,
        3.0,
    )


def test_palette_foreground_reaches_7_to_1_on_every_demo_theme(demo_palettes):
    worst = min(_contrast(p.foreground, p.background) for p in demo_palettes)

    assert worst >= 7.0


def test_palette_comment_reaches_4_5_to_1_on_every_demo_theme(demo_palettes):
    worst = min(_contrast(p.comment, p.background) for p in demo_palettes)

    assert worst >= 4.5


def test_palette_line_numbers_reach_3_to_1_on_every_demo_theme(demo_palettes):
    worst = min(_contrast(p.line_number, p.background) for p in demo_palettes)

    assert worst >= 3.0


def test_palette_comment_is_quieter_than_the_foreground(demo_palettes):
    louder = [
        p
        for p in demo_palettes
        if _contrast(p.comment, p.background) > _contrast(p.foreground, p.background)
    ]

    assert louder == []


def test_palette_demo_backgrounds_are_dark(demo_palettes):
    assert {p.dark for p in demo_palettes} == {True}


def test_palette_accents_are_the_theme_colours(theme):
    palette = derive(theme)

    assert (palette.background, palette.keyword, palette.string, palette.function) == (
        "#1e1e2e",
        "#f38ba8",
        "#a6e3a1",
        "#89b4fa",
    )
    assert palette.cursor == palette.foreground


def test_palette_of_a_known_theme(theme):
    palette = derive(theme)

    assert palette.foreground == "#f6f2f8"
    assert palette.dark is True
    assert _contrast(palette.foreground, palette.background) >= 7.0


@pytest.mark.parametrize("background", ["#ffffff", "#f0f0e0", "#c0c0c0"])
def test_palette_light_background_gets_dark_text(background):
    palette = derive(ThemeColours.from_hex(background, ["#112233", "#445566", "#778899"]))

    assert palette.dark is False
    assert colour.relative_luminance(colour.parse_hex(palette.foreground)) < 0.05
    assert _contrast(palette.foreground, background) >= 7.0
    assert _contrast(palette.comment, background) >= 4.5
    assert _contrast(palette.line_number, background) >= 3.0


def test_palette_mid_grey_background_gets_the_best_text_available():
    palette = derive(ThemeColours.from_hex("#777777", ["#112233", "#445566", "#778899"]))

    assert palette.foreground == "#000000"
    assert _contrast(palette.comment, "#777777") >= 4.5


def test_palette_css_vars_sets_every_colour_role(theme):
    palette = derive(theme)

    declarations = dict(item.split(":") for item in palette.css_vars().split(";"))

    assert declarations == {
        "--th-background": palette.background,
        "--th-foreground": palette.foreground,
        "--th-comment": palette.comment,
        "--th-line-number": palette.line_number,
        "--th-line-highlight": palette.line_highlight,
        "--th-selection": palette.selection,
        "--th-cursor": palette.cursor,
        "--th-keyword": palette.keyword,
        "--th-string": palette.string,
        "--th-function": palette.function,
        "--th-constant": palette.constant,
    }


def test_palette_as_dict_has_hex_colours_and_the_dark_flag(theme):
    values = derive(theme).as_dict()

    assert values["dark"] is True
    assert all(
        isinstance(value, str) and len(value) == 7 and value.startswith("#")
        for name, value in values.items()
        if name != "dark"
    )
