"""Exporters: each output read back by a real parser (or a real Vim) and checked against
the palette; the terminal colours of the palette; the download view."""

from __future__ import annotations

import io
import json
import plistlib
import shutil
import subprocess
import tomllib
import zipfile
from xml.etree import ElementTree as ET

import numpy as np
import pytest
import yaml

from ratings import colour, exporters
from ratings.palette import ANSI_MIN_CONTRAST, ANSI_NAMES, derive
from ratings.themes import ThemeColours, draw

LIGHT_KEY = "fafafa-a626a4-50a14f-4078f2"


@pytest.fixture(params=["1e1e2e-f38ba8-a6e3a1-89b4fa", LIGHT_KEY])
def any_theme(request) -> ThemeColours:
    """A dark and a light theme: every exporter must handle both."""
    return ThemeColours.from_key(request.param)


def _build(theme: ThemeColours, fmt: str) -> exporters.Export:
    return exporters.theme_export(theme=theme, fmt=fmt)


def _contrast(a: str, b: str) -> float:
    return float(colour.contrast_ratio(colour.parse_hex(a), colour.parse_hex(b)))


# --- the palette's terminal colours -----------------------------------------------


def test_palette_has_sixteen_terminal_colours(any_theme):
    palette = derive(any_theme)

    assert len(palette.ansi) == 16
    assert all(len(value) == 7 and value.startswith("#") for value in palette.ansi)
    assert list(palette.terminal()) == [
        *ANSI_NAMES,
        *(f"bright_{name}" for name in ANSI_NAMES),
    ]


def test_palette_terminal_hues_are_readable_on_every_demo_theme():
    themes = [ThemeColours.from_array(rgb) for rgb in draw(200, np.random.default_rng(5))]

    worst = min(
        _contrast(derive(theme).terminal()[prefix + name], theme.background)
        for theme in themes
        for name in ANSI_NAMES[1:7]
        for prefix in ("", "bright_")
    )

    assert worst >= ANSI_MIN_CONTRAST


def test_palette_terminal_uses_the_themes_own_accents(theme):
    terminal = derive(theme).terminal()

    # Catppuccin-like accents: pink is nearest red, green is green, blue is blue.
    assert (terminal["red"], terminal["green"], terminal["blue"]) == (
        theme.color1,
        theme.color2,
        theme.color3,
    )


def test_palette_terminal_hues_sit_near_their_names():
    targets = {"red": 25, "green": 142, "yellow": 100, "blue": 255, "magenta": 330, "cyan": 195}
    grey = ThemeColours.from_key("202020-808080-909090-a0a0a0")
    terminal = derive(grey).terminal()

    hues = {
        name: float(colour.lch(colour.oklab(colour.parse_hex(terminal[name])))[2])
        for name in targets
    }

    assert all(
        abs((hues[name] - target + 180) % 360 - 180) < 20 for name, target in targets.items()
    )


# --- VS Code ----------------------------------------------------------------------


def test_vscode_json_parses_with_the_palette_colours(any_theme):
    palette = derive(any_theme)

    data = json.loads(_build(any_theme, "vscode").content)

    scopes = {rule["name"]: rule for rule in data["tokenColors"]}
    assert data["type"] == ("dark" if palette.dark else "light")
    assert data["semanticHighlighting"] is True
    assert data["colors"]["editor.background"] == palette.background
    assert data["colors"]["editor.foreground"] == palette.foreground
    assert data["colors"]["editorLineNumber.foreground"] == palette.line_number
    assert data["colors"]["terminal.ansiRed"] == palette.terminal()["red"]
    assert data["colors"]["terminal.ansiBrightWhite"] == palette.terminal()["bright_white"]
    assert scopes["Keyword"]["settings"]["foreground"] == palette.keyword
    assert scopes["String"]["settings"]["foreground"] == palette.string
    assert scopes["Function"]["settings"]["foreground"] == palette.function
    assert scopes["Comment"]["settings"] == {"foreground": palette.comment, "fontStyle": "italic"}
    assert data["semanticTokenColors"]["function"] == palette.function


def test_vsix_is_a_zip_with_manifest_package_and_theme(any_theme):
    export = _build(any_theme, "vsix")

    archive = zipfile.ZipFile(io.BytesIO(export.content))
    names = archive.namelist()
    package = json.loads(archive.read("extension/package.json"))
    manifest = ET.fromstring(archive.read("extension.vsixmanifest"))
    types = ET.fromstring(archive.read("[Content_Types].xml"))
    contributed = package["contributes"]["themes"][0]
    theme_json = json.loads(archive.read("extension/" + contributed["path"].removeprefix("./")))
    ns = {"v": "http://schemas.microsoft.com/developer/vsx-schema/2011"}
    identity = manifest.find("v:Metadata/v:Identity", ns)
    asset_paths = {a.get("Path") for a in manifest.findall("v:Assets/v:Asset", ns)}

    assert archive.testzip() is None
    assert export.filename.endswith(".vsix")
    assert {"[Content_Types].xml", "extension.vsixmanifest", "extension/package.json"} <= set(names)
    assert package["engines"]["vscode"].startswith("^1.")
    assert package["categories"] == ["Themes"]
    assert contributed["uiTheme"] == ("vs-dark" if derive(any_theme).dark else "vs")
    assert identity.get("Id") == package["name"]
    assert identity.get("Publisher") == package["publisher"]
    assert identity.get("Version") == package["version"]
    assert manifest.find("v:Installation/v:InstallationTarget", ns).get("Id") == (
        "Microsoft.VisualStudio.Code"
    )
    assert asset_paths <= set(names)
    assert {d.get("Extension") for d in types} >= {".json", ".vsixmanifest"}
    assert theme_json["colors"]["editor.background"] == any_theme.background


def test_vsix_package_name_is_a_valid_extension_name(theme):
    package = json.loads(
        zipfile.ZipFile(io.BytesIO(_build(theme, "vsix").content)).read("extension/package.json")
    )

    assert package["name"] == f"themehub-{theme.key}"
    assert package["name"] == package["name"].lower()


# --- Vim and Neovim ---------------------------------------------------------------


def _vim_read_back(tmp_path, export: exporters.Export) -> list[str]:
    colors = tmp_path / "colors"
    colors.mkdir()
    (colors / export.filename).write_bytes(export.content)
    name = export.filename.removesuffix(".vim")
    out = tmp_path / "out.txt"
    script = (
        f"call writefile([synIDattr(hlID('Normal'), 'fg#', 'gui'), "
        f"synIDattr(hlID('Normal'), 'bg#', 'gui'), synIDattr(hlID('Comment'), 'fg#', 'gui'), "
        f"synIDattr(hlID('Keyword'), 'fg#', 'gui'), g:colors_name, &background, "
        f"string(len(g:terminal_ansi_colors)), v:errmsg], '{out}')"
    )
    subprocess.run(
        [
            *("vim", "-Nu", "NONE", "-i", "NONE", "-es"),
            *("-c", f"set rtp^={tmp_path}", "-c", f"colorscheme {name}", "-c", script, "-c", "qa!"),
        ],
        check=False,
        timeout=30,
        stdin=subprocess.DEVNULL,
        capture_output=True,
    )
    return out.read_text().splitlines()


@pytest.mark.skipif(shutil.which("vim") is None, reason="vim is not installed (make test adds it)")
def test_vim_colorscheme_loads_in_a_real_vim(tmp_path, any_theme):
    palette = derive(any_theme)
    export = _build(any_theme, "vim")

    fg, bg, comment, keyword, name, background, ansi, error = _vim_read_back(tmp_path, export)

    assert (fg, bg) == (palette.foreground, palette.background)
    assert (comment, keyword) == (palette.comment, palette.keyword)
    assert name == f"themehub-{any_theme.key}"
    assert background == ("dark" if palette.dark else "light")
    assert ansi == "16"
    assert error == ""


def test_vim_colorscheme_has_cterm_fallbacks(theme):
    text = _build(theme, "vim").content.decode()

    foreground = derive(theme).foreground
    normal = next(line for line in text.splitlines() if line.startswith("hi Normal "))
    assert normal.startswith(
        f"hi Normal guifg={foreground} ctermfg={exporters.xterm256(foreground)}"
    )
    assert exporters.xterm256("#000000") == 16
    assert exporters.xterm256("#ffffff") == 231
    assert exporters.xterm256("#808080") == 244


_LUA_STUB = """
local recorded = {}
vim = {
  cmd = function() end,
  fn = { exists = function() return 0 end },
  o = {}, g = {},
  api = { nvim_set_hl = function(ns, name, spec) recorded[name] = spec end },
}
dofile(arg[1])
print(recorded.Normal.fg, recorded.Normal.bg, recorded["@keyword"].fg,
      recorded["@string"].fg, recorded["@function.call"].fg, recorded["@comment"].italic,
      vim.g.colors_name, vim.o.background, vim.g.terminal_color_1, vim.g.terminal_color_15)
"""


@pytest.mark.skipif(shutil.which("lua5.4") is None, reason="lua5.4 is not installed")
def test_neovim_lua_runs_and_sets_treesitter_groups(tmp_path, any_theme):
    palette = derive(any_theme)
    export = _build(any_theme, "neovim")
    (tmp_path / export.filename).write_bytes(export.content)
    (tmp_path / "stub.lua").write_text(_LUA_STUB)

    result = subprocess.run(
        ["lua5.4", str(tmp_path / "stub.lua"), str(tmp_path / export.filename)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )

    assert result.stdout.split() == [
        palette.foreground,
        palette.background,
        palette.keyword,
        palette.string,
        palette.function,
        "true",
        f"themehub-{any_theme.key}",
        "dark" if palette.dark else "light",
        palette.terminal()["red"],
        palette.terminal()["bright_white"],
    ]


# --- Sublime, TextMate, JetBrains -------------------------------------------------


def test_sublime_color_scheme_parses_with_the_palette_colours(any_theme):
    palette = derive(any_theme)

    data = json.loads(_build(any_theme, "sublime").content)

    rules = {rule["name"]: rule for rule in data["rules"]}
    assert data["globals"]["background"] == palette.background
    assert data["globals"]["foreground"] == palette.foreground
    assert data["globals"]["gutter_foreground"] == palette.line_number
    assert rules["Keyword"]["foreground"] == palette.keyword
    assert rules["String"]["foreground"] == palette.string
    assert rules["Comment"]["font_style"] == "italic"


def test_textmate_plist_parses_with_the_palette_colours(any_theme):
    palette = derive(any_theme)

    data = plistlib.loads(_build(any_theme, "textmate").content)

    general = data["settings"][0]["settings"]
    rules = {rule["name"]: rule for rule in data["settings"][1:]}
    assert (general["background"], general["foreground"]) == (
        palette.background,
        palette.foreground,
    )
    assert general["lineHighlight"] == palette.line_highlight
    assert rules["Function"]["settings"]["foreground"] == palette.function
    assert "entity.name.function" in rules["Function"]["scope"]
    assert len(data["uuid"]) == 36


def test_textmate_uuid_is_stable_per_theme(theme, other_theme):
    first = plistlib.loads(_build(theme, "textmate").content)["uuid"]
    again = plistlib.loads(_build(theme, "textmate").content)["uuid"]
    other = plistlib.loads(_build(other_theme, "textmate").content)["uuid"]

    assert first == again
    assert first != other


def test_jetbrains_icls_parses_with_the_palette_colours(any_theme):
    palette = derive(any_theme)

    root = ET.fromstring(_build(any_theme, "jetbrains").content)

    def attribute(name: str) -> dict[str, str]:
        value = root.find(f"attributes/option[@name='{name}']/value")
        return {option.get("name"): option.get("value") for option in value}

    colors = {option.get("name"): option.get("value") for option in root.find("colors")}
    assert root.tag == "scheme"
    assert root.get("parent_scheme") == ("Darcula" if palette.dark else "Default")
    assert attribute("TEXT") == {
        "FOREGROUND": palette.foreground[1:],
        "BACKGROUND": palette.background[1:],
    }
    assert attribute("DEFAULT_KEYWORD") == {"FOREGROUND": palette.keyword[1:]}
    assert attribute("DEFAULT_LINE_COMMENT") == {
        "FOREGROUND": palette.comment[1:],
        "FONT_TYPE": "2",
    }
    assert attribute("CONSOLE_RED_OUTPUT") == {"FOREGROUND": palette.terminal()["red"][1:]}
    assert colors["LINE_NUMBERS_COLOR"] == palette.line_number[1:]
    assert colors["CARET_ROW_COLOR"] == palette.line_highlight[1:]


# --- terminals --------------------------------------------------------------------


def test_windows_terminal_scheme_parses_with_the_palette_colours(any_theme):
    palette = derive(any_theme)
    terminal = palette.terminal()

    data = json.loads(_build(any_theme, "windows-terminal").content)

    assert data["name"] == f"ThemeHub {any_theme.key}"
    assert (data["background"], data["foreground"]) == (palette.background, palette.foreground)
    assert data["purple"] == terminal["magenta"]
    assert data["brightPurple"] == terminal["bright_magenta"]
    assert [
        data[name] for name in ("black", "red", "green", "yellow", "blue", "cyan", "white")
    ] == [terminal[name] for name in ("black", "red", "green", "yellow", "blue", "cyan", "white")]


def test_iterm2_plist_parses_with_the_palette_colours(any_theme):
    palette = derive(any_theme)

    data = plistlib.loads(_build(any_theme, "iterm2").content)

    def to_hex(entry: dict) -> str:
        return colour.to_hex(round(entry[f"{c} Component"] * 255) for c in ("Red", "Green", "Blue"))

    assert to_hex(data["Background Color"]) == palette.background
    assert to_hex(data["Foreground Color"]) == palette.foreground
    assert [to_hex(data[f"Ansi {i} Color"]) for i in range(16)] == list(palette.ansi)
    assert data["Ansi 0 Color"]["Color Space"] == "sRGB"


def test_alacritty_toml_parses_with_the_palette_colours(any_theme):
    palette = derive(any_theme)
    terminal = palette.terminal()

    data = tomllib.loads(_build(any_theme, "alacritty").content.decode())

    assert data["colors"]["primary"] == {
        "background": palette.background,
        "foreground": palette.foreground,
    }
    assert data["colors"]["normal"] == {name: terminal[name] for name in ANSI_NAMES}
    assert data["colors"]["bright"] == {name: terminal[f"bright_{name}"] for name in ANSI_NAMES}


def test_kitty_conf_has_the_palette_colours(any_theme):
    palette = derive(any_theme)

    text = _build(any_theme, "kitty").content.decode()

    settings = dict(
        line.split(None, 1) for line in text.splitlines() if line and not line.startswith("#")
    )
    assert (settings["background"], settings["foreground"]) == (
        palette.background,
        palette.foreground,
    )
    assert [settings[f"color{i}"] for i in range(16)] == list(palette.ansi)


# --- base16, CSS ------------------------------------------------------------------


def test_base16_yaml_parses_with_the_palette_colours(any_theme):
    palette = derive(any_theme)

    data = yaml.safe_load(_build(any_theme, "base16").content)

    assert data["system"] == "base16"
    assert data["variant"] == ("dark" if palette.dark else "light")
    assert sorted(data["palette"]) == [f"base0{d}" for d in "0123456789ABCDEF"]
    assert data["palette"]["base00"] == palette.background
    assert data["palette"]["base05"] == palette.foreground
    assert data["palette"]["base0B"] == palette.string
    assert data["palette"]["base0D"] == palette.function
    assert data["palette"]["base0E"] == palette.keyword


def test_css_custom_properties_hold_the_palette(any_theme):
    palette = derive(any_theme)

    text = _build(any_theme, "css").content.decode()

    body = text[text.index("{") + 1 : text.rindex("}")]
    declarations = dict(
        (part.split(":", 1)[0].strip(), part.split(":", 1)[1].strip())
        for part in body.split(";")
        if part.strip()
    )
    assert declarations["--themehub-background"] == palette.background
    assert declarations["--themehub-line-number"] == palette.line_number
    assert declarations["--themehub-ansi-bright-cyan"] == palette.terminal()["bright_cyan"]
    assert declarations["color-scheme"] == ("dark" if palette.dark else "light")


# --- the bundle, names, errors ----------------------------------------------------


def test_bundle_zip_holds_every_format(theme):
    archive = zipfile.ZipFile(io.BytesIO(_build(theme, "zip").content))
    slug = f"themehub-{theme.key}"

    names = set(archive.namelist())

    assert archive.testzip() is None
    assert f"{slug}/README.txt" in names
    assert f"{slug}/vim/colors/{slug}.vim" in names
    assert f"{slug}/nvim/colors/{slug}.lua" in names
    assert f"{slug}/vscode/{slug}-1.0.0.vsix" in names
    assert len(names) == len(exporters.FORMATS)  # every format but the zip, plus the README
    assert json.loads(archive.read(f"{slug}/vscode/{slug}-color-theme.json"))["name"] == (
        f"ThemeHub {theme.key}"
    )


def test_exports_are_deterministic(theme):
    assert _build(theme, "zip").content == _build(theme, "zip").content


def test_every_format_has_a_safe_file_name(theme):
    names = [_build(theme, fmt).filename for fmt in exporters.FORMATS]

    assert all(exporters.safe_filename(name) == name for name in names)
    assert len(set(names)) == len(names)


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("ThemeHub 1e1e2e.json", "ThemeHub-1e1e2e.json"),
        ("../../etc/passwd", "etc-passwd"),
        ('a"b\r\nc.vim', "a-b-c.vim"),
        (".hidden", "hidden"),
        ("", "theme"),
        ("é🎨.css", "css"),
    ],
)
def test_safe_filename(name, safe):
    assert exporters.safe_filename(name) == safe


def test_unknown_format_raises_export_error(theme):
    with pytest.raises(exporters.ExportError, match="Unknown export format"):
        exporters.theme_export(theme=theme, fmt="emacs")


# --- the download view ------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(exporters.FORMATS))
def test_export_view_downloads_each_format(client, theme, fmt):
    expected = exporters.theme_export(theme=theme, fmt=fmt)

    response = client.get(f"/t/{theme.key}/export/{fmt}/")

    assert response.status_code == 200
    assert response.content == expected.content
    assert response["Content-Type"] == expected.content_type
    assert response["Content-Disposition"] == f'attachment; filename="{expected.filename}"'


def test_export_view_unknown_format_is_404(client, theme):
    response = client.get(f"/t/{theme.key}/export/emacs/")

    assert response.status_code == 404


def test_export_view_malformed_key_is_404(client):
    response = client.get("/t/1e1e2e-zzzzzz/export/vscode/")

    assert response.status_code == 404


def test_export_view_uppercase_key_works(client, theme):
    response = client.get(f"/t/{theme.key.upper()}/export/css/")

    assert response.status_code == 200
    assert f"--themehub-background: {theme.background};" in response.content.decode()


def test_export_view_is_cacheable(client, theme):
    response = client.get(f"/t/{theme.key}/export/kitty/")

    assert "public" in response["Cache-Control"]
    assert "max-age=86400" in response["Cache-Control"]
