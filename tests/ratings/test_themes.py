from __future__ import annotations

import numpy as np
import pytest

from ratings.themes import ThemeColours, ThemeError, draw


def test_theme_key_round_trip(theme):
    rebuilt = ThemeColours.from_key(theme.key)

    assert theme.key == "1e1e2e-f38ba8-a6e3a1-89b4fa"
    assert rebuilt == theme
    assert rebuilt.hexes == ("#1e1e2e", "#f38ba8", "#a6e3a1", "#89b4fa")


def test_theme_from_key_lowercases_and_trims():
    assert ThemeColours.from_key(" 1E1E2E-F38BA8-A6E3A1-89B4FA ").key == (
        "1e1e2e-f38ba8-a6e3a1-89b4fa"
    )


@pytest.mark.parametrize(
    "key",
    [
        "",
        "1e1e2e-f38ba8-a6e3a1",
        "1e1e2e-f38ba8-a6e3a1-89b4fa-000000",
        "1e1e2e-f38ba8-a6e3a1-89b4f",
        "#1e1e2e-#f38ba8-#a6e3a1-#89b4fa",
        "1e1e2e_f38ba8_a6e3a1_89b4fa",
        "1e1e2e-f38ba8-a6e3a1-89b4fg",
        None,
        42,
    ],
)
def test_theme_from_key_rejects_malformed_keys(key):
    with pytest.raises(ThemeError) as caught:
        ThemeColours.from_key(key)

    assert caught.value.field == "key"


def test_theme_from_hex_normalises_case_and_hash():
    theme = ThemeColours.from_hex("1E1E2E", ["#F38BA8", "a6e3a1", "#89b4fa"])

    assert theme.key == "1e1e2e-f38ba8-a6e3a1-89b4fa"
    assert theme.background == "#1e1e2e"


@pytest.mark.parametrize(
    ("background", "colors", "field", "label"),
    [
        ("red", ["#f38ba8", "#a6e3a1", "#89b4fa"], "background", "Background"),
        ("#1e1e2e", ["#f38ba", "#a6e3a1", "#89b4fa"], "color1", "Keywords"),
        ("#1e1e2e", ["#f38ba8", None, "#89b4fa"], "color2", "Strings"),
        ("#1e1e2e", ["#f38ba8", "#a6e3a1", "#zzzzzz"], "color3", "Functions"),
    ],
)
def test_theme_from_hex_error_names_the_bad_slot(background, colors, field, label):
    with pytest.raises(ThemeError) as caught:
        ThemeColours.from_hex(background, colors)

    assert caught.value.field == field
    assert caught.value.message.startswith(f"{label}: ")


@pytest.mark.parametrize("colors", [["#f38ba8", "#a6e3a1"], "#f38ba8", None, [1, 2, 3, 4]])
def test_theme_from_hex_needs_exactly_three_colours(colors):
    with pytest.raises(ThemeError, match="exactly three colours"):
        ThemeColours.from_hex("#1e1e2e", colors)


def test_theme_rgb_and_from_array_round_trip(theme):
    rgb = theme.rgb

    assert rgb.dtype == np.uint8
    assert rgb.tolist() == [[30, 30, 46], [243, 139, 168], [166, 227, 161], [137, 180, 250]]
    assert ThemeColours.from_array(rgb) == theme


def test_theme_fields_name_every_model_column(theme):
    assert theme.fields() == {
        "background": "#1e1e2e",
        "color1": "#f38ba8",
        "color2": "#a6e3a1",
        "color3": "#89b4fa",
    }


def test_draw_returns_uint8_themes_of_the_requested_count():
    themes = draw(10, np.random.default_rng(0))

    assert themes.shape == (10, 4, 3)
    assert themes.dtype == np.uint8


def test_draw_keeps_background_dark_and_colours_in_the_demo_range():
    themes = draw(20_000, np.random.default_rng(0))

    assert (int(themes[:, 0].min()), int(themes[:, 0].max())) == (0, 50)
    assert (int(themes[:, 1:].min()), int(themes[:, 1:].max())) == (50, 255)


def test_draw_reaches_every_value_of_each_range():
    themes = draw(20_000, np.random.default_rng(1))

    assert set(np.unique(themes[:, 0]).tolist()) == set(range(0, 51))
    assert set(np.unique(themes[:, 1:]).tolist()) == set(range(50, 256))


def test_draw_keeps_locked_slots_fixed():
    themes = draw(50, np.random.default_rng(0), locked={0: (200, 201, 202), 2: (1, 2, 3)})

    assert (themes[:, 0] == [200, 201, 202]).all()
    assert (themes[:, 2] == [1, 2, 3]).all()
    assert len({tuple(row) for row in themes[:, 1].tolist()}) > 1


def test_draw_with_the_same_seed_gives_the_same_themes():
    first = draw(100, np.random.default_rng(42))
    second = draw(100, np.random.default_rng(42))
    other = draw(100, np.random.default_rng(43))

    assert first.tolist() == second.tolist()
    assert first.tolist() != other.tolist()


def test_theme_random_with_a_seed_is_a_demo_theme():
    theme = ThemeColours.random(np.random.default_rng(7))

    assert theme == ThemeColours.from_array(draw(1, np.random.default_rng(7))[0])
    assert max(theme.rgb[0]) <= 50
    assert min(theme.rgb[1:].ravel()) >= 50
