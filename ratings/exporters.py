"""A theme in the files editors and terminals read: one builder per format.

Every builder reads its colours from `palette.derive()` and nothing else, so a
theme exported to VS Code, Vim or a terminal looks like its preview. Builders
are pure: theme in, `Export` (file name, bytes, content type) out, no I/O; the
view only sends the bytes. Outputs are deterministic (zip entries carry a fixed
date), so the same theme always downloads the same file.
"""

from __future__ import annotations

import io
import json
import plistlib
import re
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from accounts.errors import ServiceError
from ratings.palette import ANSI_NAMES, Palette, derive
from ratings.themes import ThemeColours

# A stable namespace for the tmTheme's uuid: the same theme gets the same uuid.
_UUID_NAMESPACE = uuid.UUID("5b6c1a9e-2f0d-4b77-9a4e-1d3c5e7f9a20")
_ZIP_DATE = (2024, 1, 1, 0, 0, 0)
_VSIX_VERSION = "1.0.0"
_VSCODE_ENGINE = "^1.70.0"


class ExportError(ServiceError):
    """An export format ThemeHub does not know."""


@dataclass(frozen=True)
class Export:
    filename: str
    content: bytes
    content_type: str


@dataclass(frozen=True)
class Format:
    slug: str
    label: str
    group: str
    build: Callable[[ThemeColours], Export]


def safe_filename(name: str, *, default: str = "theme") -> str:
    """A file name safe on every OS and in a Content-Disposition header.

    Keeps ASCII letters, digits, `.`, `_` and `-`; runs of anything else become one `-`;
    no leading dots (hidden files) or separators; at most 120 characters.
    """
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-_")
    cleaned = re.sub(r"\.{2,}", ".", cleaned)[:120].strip(".-_")
    return cleaned or default


def theme_name(theme: ThemeColours) -> str:
    """The human name an editor lists: `ThemeHub 1e1e2e-f38ba8-a6e3a1-89b4fa`."""
    return f"ThemeHub {theme.key}"


def theme_slug(theme: ThemeColours) -> str:
    """The machine name: `themehub-1e1e2e-f38ba8-a6e3a1-89b4fa` (also Vim's colors_name)."""
    return safe_filename(f"themehub-{theme.key}")


def _bare(value: str) -> str:
    return value.lstrip("#")


def _json(data: object) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()


# --- VS Code ----------------------------------------------------------------------

_TOKEN_SCOPES: list[tuple[str, list[str], str]] = [
    # (role in the palette, TextMate scopes, fontStyle)
    ("comment", ["comment", "punctuation.definition.comment", "string.quoted.docstring"], "italic"),
    ("string", ["string", "punctuation.definition.string", "string.quoted"], ""),
    (
        "keyword",
        [
            "keyword",
            "keyword.control",
            "keyword.operator",
            "storage",
            "storage.type",
            "storage.modifier",
            "punctuation.separator",
            "punctuation.terminator",
            "punctuation.accessor",
            "meta.brace",
        ],
        "",
    ),
    (
        "function",
        [
            "entity.name.function",
            "support.function",
            "meta.function-call",
            "entity.name.tag",
            "entity.name.class",
            "entity.name.type",
            "support.class",
            "meta.decorator",
        ],
        "",
    ),
    (
        "constant",
        [
            "constant",
            "constant.numeric",
            "constant.language",
            "constant.character",
            "support.constant",
            "variable.language",
            "entity.other.attribute-name",
            "support.type.property-name",
        ],
        "",
    ),
    ("foreground", ["variable", "variable.parameter", "meta.definition.variable", "source"], ""),
]

_SEMANTIC_ROLES = {
    "namespace": "foreground",
    "class": "function",
    "type": "function",
    "function": "function",
    "method": "function",
    "decorator": "function",
    "macro": "keyword",
    "keyword": "keyword",
    "operator": "keyword",
    "string": "string",
    "comment": "comment",
    "number": "constant",
    "enumMember": "constant",
    "property": "constant",
    "variable.readonly": "constant",
    "variable": "foreground",
    "parameter": "foreground",
}

_VSCODE_ANSI = [
    "terminal.ansi" + ("Bright" if bright else "") + name.capitalize()
    for bright in (False, True)
    for name in ANSI_NAMES
]


def vscode_theme(theme: ThemeColours) -> dict:
    """The colour-theme JSON VS Code reads (`contributes.themes[].path`)."""
    p = derive(theme)
    colors = {
        "editor.background": p.background,
        "editor.foreground": p.foreground,
        "editorCursor.foreground": p.cursor,
        "editor.lineHighlightBackground": p.line_highlight,
        "editor.selectionBackground": p.selection,
        "editor.inactiveSelectionBackground": p.line_highlight,
        "editorLineNumber.foreground": p.line_number,
        "editorLineNumber.activeForeground": p.foreground,
        "editorGutter.background": p.background,
        "editorWhitespace.foreground": p.line_number,
        "editorIndentGuide.background1": p.line_highlight,
        "editorBracketMatch.border": p.keyword,
        "editorWidget.background": p.line_highlight,
        "foreground": p.foreground,
        "focusBorder": p.function,
        "textLink.foreground": p.function,
        "button.background": p.function,
        "button.foreground": p.background,
        "badge.background": p.keyword,
        "badge.foreground": p.background,
        "activityBar.background": p.line_highlight,
        "activityBar.foreground": p.foreground,
        "sideBar.background": p.line_highlight,
        "sideBar.foreground": p.foreground,
        "titleBar.activeBackground": p.background,
        "titleBar.activeForeground": p.foreground,
        "statusBar.background": p.line_highlight,
        "statusBar.foreground": p.comment,
        "tab.activeBackground": p.background,
        "tab.activeForeground": p.foreground,
        "tab.inactiveBackground": p.line_highlight,
        "tab.inactiveForeground": p.comment,
        "editorGroupHeader.tabsBackground": p.line_highlight,
        "panel.background": p.background,
        "terminal.background": p.background,
        "terminal.foreground": p.foreground,
        "terminalCursor.foreground": p.cursor,
        **dict(zip(_VSCODE_ANSI, p.ansi, strict=True)),
    }
    token_colors = []
    for role, scopes, style in _TOKEN_SCOPES:
        settings = {"foreground": getattr(p, role)}
        if style:
            settings["fontStyle"] = style
        token_colors.append({"name": role.capitalize(), "scope": scopes, "settings": settings})
    return {
        "$schema": "vscode://schemas/color-theme",
        "name": theme_name(theme),
        "type": "dark" if p.dark else "light",
        "semanticHighlighting": True,
        "colors": colors,
        "tokenColors": token_colors,
        "semanticTokenColors": {token: getattr(p, role) for token, role in _SEMANTIC_ROLES.items()},
    }


def export_vscode(theme: ThemeColours) -> Export:
    return Export(
        f"{theme_slug(theme)}-color-theme.json", _json(vscode_theme(theme)), "application/json"
    )


def _vsix_package(theme: ThemeColours) -> dict:
    p = derive(theme)
    return {
        "name": theme_slug(theme),
        "displayName": theme_name(theme),
        "description": f"A colour theme made on ThemeHub from {', '.join(theme.hexes)}.",
        "version": _VSIX_VERSION,
        "publisher": "themehub",
        "license": "CC0-1.0",
        "engines": {"vscode": _VSCODE_ENGINE},
        "categories": ["Themes"],
        "contributes": {
            "themes": [
                {
                    "label": theme_name(theme),
                    "uiTheme": "vs-dark" if p.dark else "vs",
                    "path": f"./themes/{theme_slug(theme)}-color-theme.json",
                }
            ]
        },
    }


def _vsix_manifest(theme: ThemeColours) -> bytes:
    ns = "http://schemas.microsoft.com/developer/vsx-schema/2011"
    design = "http://schemas.microsoft.com/developer/vsx-schema-design/2011"
    ET.register_namespace("", ns)
    ET.register_namespace("d", design)
    root = ET.Element(f"{{{ns}}}PackageManifest", {"Version": "2.0.0"})
    metadata = ET.SubElement(root, f"{{{ns}}}Metadata")
    ET.SubElement(
        metadata,
        f"{{{ns}}}Identity",
        {
            "Language": "en-US",
            "Id": theme_slug(theme),
            "Version": _VSIX_VERSION,
            "Publisher": "themehub",
        },
    )
    ET.SubElement(metadata, f"{{{ns}}}DisplayName").text = theme_name(theme)
    description = ET.SubElement(
        metadata,
        f"{{{ns}}}Description",
        {"{http://www.w3.org/XML/1998/namespace}space": "preserve"},
    )
    description.text = "A colour theme made on ThemeHub."
    ET.SubElement(metadata, f"{{{ns}}}Tags").text = "theme,color-theme,themehub"
    ET.SubElement(metadata, f"{{{ns}}}Categories").text = "Themes"
    ET.SubElement(metadata, f"{{{ns}}}GalleryFlags").text = "Public"
    properties = ET.SubElement(metadata, f"{{{ns}}}Properties")
    for key, value in (
        ("Microsoft.VisualStudio.Code.Engine", _VSCODE_ENGINE),
        ("Microsoft.VisualStudio.Code.ExtensionDependencies", ""),
        ("Microsoft.VisualStudio.Code.ExtensionPack", ""),
        ("Microsoft.VisualStudio.Code.ExtensionKind", "ui,workspace"),
        ("Microsoft.VisualStudio.Code.LocalizedLanguages", ""),
    ):
        ET.SubElement(properties, f"{{{ns}}}Property", {"Id": key, "Value": value})
    installation = ET.SubElement(root, f"{{{ns}}}Installation")
    ET.SubElement(
        installation, f"{{{ns}}}InstallationTarget", {"Id": "Microsoft.VisualStudio.Code"}
    )
    ET.SubElement(root, f"{{{ns}}}Dependencies")
    assets = ET.SubElement(root, f"{{{ns}}}Assets")
    for kind, path in (
        ("Microsoft.VisualStudio.Code.Manifest", "extension/package.json"),
        ("Microsoft.VisualStudio.Services.Content.Details", "extension/README.md"),
    ):
        ET.SubElement(assets, f"{{{ns}}}Asset", {"Type": kind, "Path": path, "Addressable": "true"})
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


_CONTENT_TYPES = b"""<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension=".json" ContentType="application/json"/>
  <Default Extension=".vsixmanifest" ContentType="text/xml"/>
  <Default Extension=".md" ContentType="text/markdown"/>
</Types>
"""


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def export_vsix(theme: ThemeColours) -> Export:
    """A VS Code extension package: `code --install-extension <file>.vsix` installs it."""
    slug = theme_slug(theme)
    readme = (
        f"# {theme_name(theme)}\n\nMade on ThemeHub from {', '.join(theme.hexes)} "
        "(background, keywords, strings, functions).\n"
    ).encode()
    entries = [
        ("[Content_Types].xml", _CONTENT_TYPES),
        ("extension.vsixmanifest", _vsix_manifest(theme)),
        ("extension/package.json", _json(_vsix_package(theme))),
        ("extension/README.md", readme),
        (f"extension/themes/{slug}-color-theme.json", _json(vscode_theme(theme))),
    ]
    return Export(f"{slug}-{_VSIX_VERSION}.vsix", _zip(entries), "application/zip")


# --- Vim and Neovim ---------------------------------------------------------------

# (group, foreground role, background role, attributes); roles are Palette fields or
# `ansi:<name>` for a terminal colour. Vim and Neovim share this table.
_HIGHLIGHTS: list[tuple[str, str | None, str | None, str]] = [
    ("Normal", "foreground", "background", ""),
    ("NormalFloat", "foreground", "line_highlight", ""),
    ("Comment", "comment", None, "italic"),
    ("Constant", "constant", None, ""),
    ("String", "string", None, ""),
    ("Character", "string", None, ""),
    ("Number", "constant", None, ""),
    ("Boolean", "constant", None, ""),
    ("Float", "constant", None, ""),
    ("Identifier", "foreground", None, ""),
    ("Function", "function", None, ""),
    ("Statement", "keyword", None, ""),
    ("Conditional", "keyword", None, ""),
    ("Repeat", "keyword", None, ""),
    ("Label", "keyword", None, ""),
    ("Operator", "keyword", None, ""),
    ("Keyword", "keyword", None, ""),
    ("Exception", "keyword", None, ""),
    ("PreProc", "keyword", None, ""),
    ("Include", "keyword", None, ""),
    ("Define", "keyword", None, ""),
    ("Macro", "keyword", None, ""),
    ("Type", "function", None, ""),
    ("StorageClass", "keyword", None, ""),
    ("Structure", "function", None, ""),
    ("Typedef", "function", None, ""),
    ("Special", "constant", None, ""),
    ("Delimiter", "keyword", None, ""),
    ("Tag", "function", None, ""),
    ("Title", "function", None, "bold"),
    ("Todo", "background", "ansi:yellow", "bold"),
    ("Underlined", "function", None, "underline"),
    ("Error", "ansi:red", None, "bold"),
    ("ErrorMsg", "ansi:red", None, ""),
    ("WarningMsg", "ansi:yellow", None, ""),
    ("Directory", "function", None, ""),
    ("LineNr", "line_number", "background", ""),
    ("CursorLineNr", "foreground", "line_highlight", "bold"),
    ("CursorLine", None, "line_highlight", ""),
    ("CursorColumn", None, "line_highlight", ""),
    ("ColorColumn", None, "line_highlight", ""),
    ("SignColumn", "line_number", "background", ""),
    ("FoldColumn", "line_number", "background", ""),
    ("Folded", "comment", "line_highlight", ""),
    ("Visual", None, "selection", ""),
    ("Cursor", "background", "cursor", ""),
    ("Search", "background", "function", ""),
    ("IncSearch", "background", "keyword", ""),
    ("MatchParen", "keyword", "selection", "bold"),
    ("NonText", "line_number", None, ""),
    ("SpecialKey", "line_number", None, ""),
    ("Whitespace", "line_number", None, ""),
    ("Pmenu", "foreground", "line_highlight", ""),
    ("PmenuSel", "foreground", "selection", "bold"),
    ("PmenuSbar", None, "line_highlight", ""),
    ("PmenuThumb", None, "line_number", ""),
    ("StatusLine", "foreground", "line_highlight", ""),
    ("StatusLineNC", "comment", "line_highlight", ""),
    ("VertSplit", "line_number", "background", ""),
    ("TabLine", "comment", "line_highlight", ""),
    ("TabLineSel", "foreground", "background", "bold"),
    ("TabLineFill", None, "line_highlight", ""),
    ("DiffAdd", "ansi:green", "line_highlight", ""),
    ("DiffChange", "ansi:yellow", "line_highlight", ""),
    ("DiffDelete", "ansi:red", "line_highlight", ""),
    ("DiffText", "ansi:blue", "selection", "bold"),
]

# Neovim only: the split line and Treesitter captures (`:help treesitter-highlight-groups`).
_NVIM_HIGHLIGHTS: list[tuple[str, str | None, str | None, str]] = [
    ("WinSeparator", "line_number", "background", ""),
    ("FloatBorder", "line_number", "line_highlight", ""),
    ("@comment", "comment", None, "italic"),
    ("@comment.documentation", "comment", None, "italic"),
    ("@string", "string", None, ""),
    ("@string.documentation", "comment", None, "italic"),
    ("@string.escape", "constant", None, ""),
    ("@string.regexp", "string", None, ""),
    ("@character", "string", None, ""),
    ("@number", "constant", None, ""),
    ("@number.float", "constant", None, ""),
    ("@boolean", "constant", None, ""),
    ("@constant", "constant", None, ""),
    ("@constant.builtin", "constant", None, ""),
    ("@keyword", "keyword", None, ""),
    ("@keyword.function", "keyword", None, ""),
    ("@keyword.return", "keyword", None, ""),
    ("@keyword.conditional", "keyword", None, ""),
    ("@keyword.repeat", "keyword", None, ""),
    ("@keyword.import", "keyword", None, ""),
    ("@keyword.operator", "keyword", None, ""),
    ("@operator", "keyword", None, ""),
    ("@punctuation.delimiter", "keyword", None, ""),
    ("@punctuation.bracket", "keyword", None, ""),
    ("@punctuation.special", "keyword", None, ""),
    ("@function", "function", None, ""),
    ("@function.call", "function", None, ""),
    ("@function.method", "function", None, ""),
    ("@function.method.call", "function", None, ""),
    ("@function.builtin", "constant", None, ""),
    ("@constructor", "function", None, ""),
    ("@type", "function", None, ""),
    ("@type.builtin", "constant", None, ""),
    ("@tag", "function", None, ""),
    ("@tag.attribute", "constant", None, ""),
    ("@tag.delimiter", "keyword", None, ""),
    ("@attribute", "function", None, ""),
    ("@property", "constant", None, ""),
    ("@variable", "foreground", None, ""),
    ("@variable.builtin", "constant", None, ""),
    ("@variable.parameter", "foreground", None, ""),
    ("@module", "foreground", None, ""),
    ("@label", "keyword", None, ""),
    ("@lsp.type.function", "function", None, ""),
    ("@lsp.type.method", "function", None, ""),
    ("@lsp.type.class", "function", None, ""),
    ("@lsp.type.keyword", "keyword", None, ""),
    ("@lsp.type.string", "string", None, ""),
    ("@lsp.type.comment", "comment", None, ""),
]


def _role(p: Palette, role: str | None) -> str | None:
    if role is None:
        return None
    if role.startswith("ansi:"):
        return p.terminal()[role[5:]]
    return getattr(p, role)


# xterm's 256 colours beyond the first 16: a 6x6x6 cube and 24 greys.
_CUBE = (0, 95, 135, 175, 215, 255)


def xterm256(value: str) -> int:
    """The nearest of xterm's colours 16..255 to `#rrggbb` (for Vim's `ctermfg`)."""
    rgb = [int(value[i : i + 2], 16) for i in (1, 3, 5)]
    candidates: list[tuple[int, tuple[int, int, int]]] = []
    cube = [min(range(6), key=lambda i, c=c: abs(_CUBE[i] - c)) for c in rgb]
    candidates.append((16 + 36 * cube[0] + 6 * cube[1] + cube[2], tuple(_CUBE[i] for i in cube)))
    grey = min(range(24), key=lambda i: abs(8 + 10 * i - sum(rgb) / 3))
    candidates.append((232 + grey, (8 + 10 * grey,) * 3))
    return min(
        candidates, key=lambda item: sum((a - b) ** 2 for a, b in zip(item[1], rgb, strict=True))
    )[0]


def _vim_line(p: Palette, group: str, fg: str | None, bg: str | None, attrs: str) -> str:
    parts = [f"hi {group}"]
    fg_hex, bg_hex = _role(p, fg), _role(p, bg)
    if fg_hex:
        parts += [f"guifg={fg_hex}", f"ctermfg={xterm256(fg_hex)}"]
    else:
        parts += ["guifg=NONE", "ctermfg=NONE"]
    if bg_hex:
        parts += [f"guibg={bg_hex}", f"ctermbg={xterm256(bg_hex)}"]
    else:
        parts += ["guibg=NONE", "ctermbg=NONE"]
    parts += [f"gui={attrs or 'NONE'}", f"cterm={attrs or 'NONE'}"]
    return " ".join(parts)


def vim_colorscheme(theme: ThemeColours) -> str:
    p = derive(theme)
    slug = theme_slug(theme)
    lines = [
        f'" {theme_name(theme)}: made on ThemeHub from {", ".join(theme.hexes)}.',
        f'" Save as ~/.vim/colors/{slug}.vim, then :colorscheme {slug}',
        '" (with "set termguicolors" for the exact colours in a terminal).',
        "",
        # 'background' first: setting it later can reload the scheme that was active.
        f"set background={'dark' if p.dark else 'light'}",
        "hi clear",
        'if exists("syntax_on")',
        "  syntax reset",
        "endif",
        f"let g:colors_name = '{slug}'",
        "",
        *(_vim_line(p, *row) for row in _HIGHLIGHTS),
        "",
        "let g:terminal_ansi_colors = [" + ", ".join(f"'{value}'" for value in p.ansi) + "]",
        "",
    ]
    return "\n".join(lines)


def export_vim(theme: ThemeColours) -> Export:
    return Export(
        f"{theme_slug(theme)}.vim", vim_colorscheme(theme).encode(), "text/plain; charset=utf-8"
    )


def _lua_spec(p: Palette, fg: str | None, bg: str | None, attrs: str) -> str:
    fields = []
    if (fg_hex := _role(p, fg)) is not None:
        fields.append(f'fg = "{fg_hex}"')
    if (bg_hex := _role(p, bg)) is not None:
        fields.append(f'bg = "{bg_hex}"')
    fields += [f"{attr} = true" for attr in attrs.split(",") if attr]
    return "{ " + ", ".join(fields) + " }"


def neovim_colorscheme(theme: ThemeColours) -> str:
    p = derive(theme)
    slug = theme_slug(theme)
    rows = [*_HIGHLIGHTS, *_NVIM_HIGHLIGHTS]
    lines = [
        f"-- {theme_name(theme)}: made on ThemeHub from {', '.join(theme.hexes)}.",
        f"-- Save as ~/.config/nvim/colors/{slug}.lua, then :colorscheme {slug}",
        "",
        f'vim.o.background = "{"dark" if p.dark else "light"}"',
        'vim.cmd("highlight clear")',
        'if vim.fn.exists("syntax_on") == 1 then',
        '  vim.cmd("syntax reset")',
        "end",
        f'vim.g.colors_name = "{slug}"',
        "",
        "local groups = {",
        *(f'  ["{group}"] = {_lua_spec(p, fg, bg, attrs)},' for group, fg, bg, attrs in rows),
        "}",
        "",
        "for group, spec in pairs(groups) do",
        "  vim.api.nvim_set_hl(0, group, spec)",
        "end",
        "",
        "local terminal = { " + ", ".join(f'"{value}"' for value in p.ansi) + " }",
        "for index, value in ipairs(terminal) do",
        '  vim.g["terminal_color_" .. (index - 1)] = value',
        "end",
        "",
    ]
    return "\n".join(lines)


def export_neovim(theme: ThemeColours) -> Export:
    return Export(
        f"{theme_slug(theme)}.lua",
        neovim_colorscheme(theme).encode(),
        "text/x-lua; charset=utf-8",
    )


# --- Sublime Text and TextMate ----------------------------------------------------

# (name, scopes, role, font style), shared by the Sublime and TextMate formats.
_SCOPE_RULES = [
    (role.capitalize(), ", ".join(scopes), role, style) for role, scopes, style in _TOKEN_SCOPES
]


def export_sublime(theme: ThemeColours) -> Export:
    p = derive(theme)
    scheme = {
        "name": theme_name(theme),
        "author": "ThemeHub",
        "variables": {},
        "globals": {
            "background": p.background,
            "foreground": p.foreground,
            "caret": p.cursor,
            "line_highlight": p.line_highlight,
            "selection": p.selection,
            "gutter": p.background,
            "gutter_foreground": p.line_number,
            "invisibles": p.line_number,
        },
        "rules": [
            {"name": name, "scope": scope, "foreground": getattr(p, role)}
            | ({"font_style": style} if style else {})
            for name, scope, role, style in _SCOPE_RULES
        ],
    }
    return Export(f"{theme_slug(theme)}.sublime-color-scheme", _json(scheme), "application/json")


def export_textmate(theme: ThemeColours) -> Export:
    p = derive(theme)
    settings: list[dict] = [
        {
            "settings": {
                "background": p.background,
                "foreground": p.foreground,
                "caret": p.cursor,
                "lineHighlight": p.line_highlight,
                "selection": p.selection,
                "invisibles": p.line_number,
                "gutterForeground": p.line_number,
            }
        }
    ]
    for name, scope, role, style in _SCOPE_RULES:
        rule = {"foreground": getattr(p, role)}
        if style:
            rule["fontStyle"] = style
        settings.append({"name": name, "scope": scope, "settings": rule})
    data = {
        "name": theme_name(theme),
        "author": "ThemeHub",
        "uuid": str(uuid.uuid5(_UUID_NAMESPACE, theme.key)).upper(),
        "colorSpaceName": "sRGB",
        "semanticClass": f"theme.{'dark' if p.dark else 'light'}.{theme_slug(theme)}",
        "settings": settings,
    }
    return Export(
        f"{theme_slug(theme)}.tmTheme", plistlib.dumps(data, sort_keys=False), "application/xml"
    )


# --- JetBrains --------------------------------------------------------------------

_JETBRAINS_ATTRIBUTES: list[tuple[str, str, int]] = [
    # (attribute key, role, font type: 0 plain, 1 bold, 2 italic)
    ("DEFAULT_KEYWORD", "keyword", 0),
    ("DEFAULT_STRING", "string", 0),
    ("DEFAULT_VALID_STRING_ESCAPE", "constant", 0),
    ("DEFAULT_NUMBER", "constant", 0),
    ("DEFAULT_CONSTANT", "constant", 0),
    ("DEFAULT_LINE_COMMENT", "comment", 2),
    ("DEFAULT_BLOCK_COMMENT", "comment", 2),
    ("DEFAULT_DOC_COMMENT", "comment", 2),
    ("DEFAULT_FUNCTION_DECLARATION", "function", 0),
    ("DEFAULT_FUNCTION_CALL", "function", 0),
    ("DEFAULT_INSTANCE_METHOD", "function", 0),
    ("DEFAULT_STATIC_METHOD", "function", 0),
    ("DEFAULT_CLASS_NAME", "function", 0),
    ("DEFAULT_INTERFACE_NAME", "function", 0),
    ("DEFAULT_OPERATION_SIGN", "keyword", 0),
    ("DEFAULT_BRACES", "keyword", 0),
    ("DEFAULT_BRACKETS", "keyword", 0),
    ("DEFAULT_PARENTHS", "keyword", 0),
    ("DEFAULT_COMMA", "keyword", 0),
    ("DEFAULT_DOT", "keyword", 0),
    ("DEFAULT_SEMICOLON", "keyword", 0),
    ("DEFAULT_IDENTIFIER", "foreground", 0),
    ("DEFAULT_LOCAL_VARIABLE", "foreground", 0),
    ("DEFAULT_PARAMETER", "foreground", 0),
    ("DEFAULT_INSTANCE_FIELD", "constant", 0),
    ("DEFAULT_STATIC_FIELD", "constant", 0),
    ("DEFAULT_PREDEFINED_SYMBOL", "constant", 0),
    ("DEFAULT_METADATA", "function", 0),
    ("DEFAULT_TAG", "function", 0),
    ("DEFAULT_ATTRIBUTE", "constant", 0),
    ("DEFAULT_ENTITY", "constant", 0),
]

_JETBRAINS_CONSOLE = [
    "CONSOLE_BLACK_OUTPUT",
    "CONSOLE_RED_OUTPUT",
    "CONSOLE_GREEN_OUTPUT",
    "CONSOLE_YELLOW_OUTPUT",
    "CONSOLE_BLUE_OUTPUT",
    "CONSOLE_MAGENTA_OUTPUT",
    "CONSOLE_CYAN_OUTPUT",
    "CONSOLE_GRAY_OUTPUT",
    "CONSOLE_DARKGRAY_OUTPUT",
    "CONSOLE_RED_BRIGHT_OUTPUT",
    "CONSOLE_GREEN_BRIGHT_OUTPUT",
    "CONSOLE_YELLOW_BRIGHT_OUTPUT",
    "CONSOLE_BLUE_BRIGHT_OUTPUT",
    "CONSOLE_MAGENTA_BRIGHT_OUTPUT",
    "CONSOLE_CYAN_BRIGHT_OUTPUT",
    "CONSOLE_WHITE_OUTPUT",
]


def _jetbrains_attribute(parent: ET.Element, name: str, **values: str | int) -> None:
    option = ET.SubElement(parent, "option", {"name": name})
    value = ET.SubElement(option, "value")
    for key, item in values.items():
        ET.SubElement(value, "option", {"name": key, "value": str(item)})


def export_jetbrains(theme: ThemeColours) -> Export:
    """An editor colour scheme: Settings → Editor → Color Scheme → ⚙ → Import Scheme."""
    p = derive(theme)
    root = ET.Element(
        "scheme",
        {
            "name": theme_name(theme),
            "version": "142",
            "parent_scheme": "Darcula" if p.dark else "Default",
        },
    )
    colors = ET.SubElement(root, "colors")
    for name, value in (
        ("CARET_COLOR", p.cursor),
        ("CARET_ROW_COLOR", p.line_highlight),
        ("GUTTER_BACKGROUND", p.background),
        ("LINE_NUMBERS_COLOR", p.line_number),
        ("LINE_NUMBER_ON_CARET_ROW_COLOR", p.foreground),
        ("SELECTION_BACKGROUND", p.selection),
        ("INDENT_GUIDE", p.line_highlight),
        ("WHITESPACES", p.line_number),
        ("CONSOLE_BACKGROUND_KEY", p.background),
    ):
        ET.SubElement(colors, "option", {"name": name, "value": _bare(value)})
    attributes = ET.SubElement(root, "attributes")
    _jetbrains_attribute(
        attributes, "TEXT", FOREGROUND=_bare(p.foreground), BACKGROUND=_bare(p.background)
    )
    for name, role, font_type in _JETBRAINS_ATTRIBUTES:
        values: dict[str, str | int] = {"FOREGROUND": _bare(getattr(p, role))}
        if font_type:
            values["FONT_TYPE"] = font_type
        _jetbrains_attribute(attributes, name, **values)
    for name, value in zip(_JETBRAINS_CONSOLE, p.ansi, strict=True):
        _jetbrains_attribute(attributes, name, FOREGROUND=_bare(value))
    ET.indent(root)
    content = ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
    return Export(f"{theme_slug(theme)}.icls", content, "application/xml")


# --- terminals --------------------------------------------------------------------


def export_windows_terminal(theme: ThemeColours) -> Export:
    """One entry for the `schemes` list of Windows Terminal's settings.json."""
    p = derive(theme)
    terminal = p.terminal()
    names = {"magenta": "purple"}  # Windows Terminal's own word for it
    scheme = {
        "name": theme_name(theme),
        "background": p.background,
        "foreground": p.foreground,
        "cursorColor": p.cursor,
        "selectionBackground": p.selection,
    }
    for name in ANSI_NAMES:
        key = names.get(name, name)
        scheme[key] = terminal[name]
    for name in ANSI_NAMES:
        key = names.get(name, name)
        scheme["bright" + key.capitalize()] = terminal[f"bright_{name}"]
    return Export(f"{theme_slug(theme)}-windows-terminal.json", _json(scheme), "application/json")


def _iterm_colour(value: str) -> dict[str, float | str]:
    r, g, b = (int(value[i : i + 2], 16) / 255.0 for i in (1, 3, 5))
    return {
        "Alpha Component": 1.0,
        "Blue Component": b,
        "Color Space": "sRGB",
        "Green Component": g,
        "Red Component": r,
    }


def export_iterm2(theme: ThemeColours) -> Export:
    p = derive(theme)
    data: dict[str, dict] = {
        f"Ansi {index} Color": _iterm_colour(value) for index, value in enumerate(p.ansi)
    }
    data |= {
        "Background Color": _iterm_colour(p.background),
        "Foreground Color": _iterm_colour(p.foreground),
        "Bold Color": _iterm_colour(p.foreground),
        "Cursor Color": _iterm_colour(p.cursor),
        "Cursor Text Color": _iterm_colour(p.background),
        "Selection Color": _iterm_colour(p.selection),
        "Selected Text Color": _iterm_colour(p.foreground),
    }
    return Export(f"{theme_slug(theme)}.itermcolors", plistlib.dumps(data), "application/xml")


def export_alacritty(theme: ThemeColours) -> Export:
    p = derive(theme)
    terminal = p.terminal()
    lines = [
        f"# {theme_name(theme)}: made on ThemeHub. Import it from alacritty.toml:",
        f'# [general]\n# import = ["~/.config/alacritty/themes/{theme_slug(theme)}.toml"]',
        "",
        "[colors.primary]",
        f'background = "{p.background}"',
        f'foreground = "{p.foreground}"',
        "",
        "[colors.cursor]",
        f'text = "{p.background}"',
        f'cursor = "{p.cursor}"',
        "",
        "[colors.selection]",
        f'text = "{p.foreground}"',
        f'background = "{p.selection}"',
        "",
        "[colors.normal]",
        *(f'{name} = "{terminal[name]}"' for name in ANSI_NAMES),
        "",
        "[colors.bright]",
        *(f'{name} = "{terminal["bright_" + name]}"' for name in ANSI_NAMES),
        "",
    ]
    return Export(f"{theme_slug(theme)}.toml", "\n".join(lines).encode(), "application/toml")


def export_kitty(theme: ThemeColours) -> Export:
    p = derive(theme)
    lines = [
        f"# {theme_name(theme)}: made on ThemeHub.",
        f"# In kitty.conf: include {theme_slug(theme)}.conf",
        "",
        f"foreground {p.foreground}",
        f"background {p.background}",
        f"cursor {p.cursor}",
        f"cursor_text_color {p.background}",
        f"selection_foreground {p.foreground}",
        f"selection_background {p.selection}",
        f"url_color {p.function}",
        "",
        *(f"color{index} {value}" for index, value in enumerate(p.ansi)),
        "",
    ]
    return Export(
        f"{theme_slug(theme)}.conf", "\n".join(lines).encode(), "text/plain; charset=utf-8"
    )


# --- base16 and CSS ---------------------------------------------------------------


def base16_palette(theme: ThemeColours) -> dict[str, str]:
    """base00..base0F (tinted-theming's roles) from the palette."""
    p = derive(theme)
    t = p.terminal()
    return {
        "base00": p.background,
        "base01": p.line_highlight,
        "base02": p.selection,
        "base03": p.comment,
        "base04": p.line_number,
        "base05": p.foreground,
        "base06": t["white"] if p.dark else t["black"],
        "base07": t["bright_white"] if p.dark else t["black"],
        "base08": t["red"],
        "base09": p.constant,
        "base0A": t["yellow"],
        "base0B": p.string,
        "base0C": t["cyan"],
        "base0D": p.function,
        "base0E": p.keyword,
        "base0F": t["bright_red"],
    }


def export_base16(theme: ThemeColours) -> Export:
    p = derive(theme)
    lines = [
        'system: "base16"',
        f'name: "{theme_name(theme)}"',
        f'slug: "{theme_slug(theme)}"',
        'author: "ThemeHub"',
        f'variant: "{"dark" if p.dark else "light"}"',
        "palette:",
        *(f'  {slot}: "{value}"' for slot, value in base16_palette(theme).items()),
        "",
    ]
    return Export(f"{theme_slug(theme)}.yaml", "\n".join(lines).encode(), "application/yaml")


def css_properties(theme: ThemeColours) -> dict[str, str]:
    """`--themehub-<role>` -> `#rrggbb` for every editor role and terminal colour."""
    p = derive(theme)
    values = {
        f"--themehub-{name.replace('_', '-')}": value
        for name, value in p.as_dict().items()
        if isinstance(value, str)
    }
    values |= {
        f"--themehub-ansi-{name.replace('_', '-')}": value for name, value in p.terminal().items()
    }
    return values


def export_css(theme: ThemeColours) -> Export:
    p = derive(theme)
    lines = [
        f"/* {theme_name(theme)}: made on ThemeHub from {', '.join(theme.hexes)}. */",
        ":root {",
        f"  color-scheme: {'dark' if p.dark else 'light'};",
        *(f"  {name}: {value};" for name, value in css_properties(theme).items()),
        "}",
        "",
    ]
    return Export(f"{theme_slug(theme)}.css", "\n".join(lines).encode(), "text/css; charset=utf-8")


# --- everything -------------------------------------------------------------------

# Where each format goes in the bundle (the Vim and Neovim files where the editors look).
_BUNDLE_FOLDERS = {
    "vscode": "vscode",
    "vsix": "vscode",
    "vim": "vim/colors",
    "neovim": "nvim/colors",
    "sublime": "sublime",
    "textmate": "textmate",
    "jetbrains": "jetbrains",
    "windows-terminal": "terminals/windows-terminal",
    "iterm2": "terminals/iterm2",
    "alacritty": "terminals/alacritty",
    "kitty": "terminals/kitty",
    "base16": "base16",
    "css": "css",
}

_BUNDLE_README = """{name}
{underline}

Made on ThemeHub from {hexes} (background, keywords, strings, functions).

vscode/       code --install-extension {slug}-{version}.vsix
vim/colors/   copy to ~/.vim/colors/, then :colorscheme {slug}
nvim/colors/  copy to ~/.config/nvim/colors/, then :colorscheme {slug}
sublime/      copy to Sublime's Packages/User/, then UI: Select Color Scheme
textmate/     double-click the .tmTheme, or use it in any TextMate-grammar editor
jetbrains/    Settings > Editor > Color Scheme > gear > Import Scheme
terminals/    Windows Terminal (add to "schemes"), iTerm2 (Color Presets > Import),
              Alacritty (import the .toml), kitty (include the .conf)
base16/       a base16 scheme for any base16 template
css/          CSS custom properties
"""


def export_bundle(theme: ThemeColours) -> Export:
    """Every format in one zip, in the folders the editors expect, with a README."""
    slug = theme_slug(theme)
    readme = _BUNDLE_README.format(
        name=theme_name(theme),
        underline="=" * len(theme_name(theme)),
        hexes=", ".join(theme.hexes),
        slug=slug,
        version=_VSIX_VERSION,
    )
    entries = [(f"{slug}/README.txt", readme.encode())]
    for fmt, folder in _BUNDLE_FOLDERS.items():
        part = FORMATS[fmt].build(theme)
        entries.append((f"{slug}/{folder}/{part.filename}", part.content))
    return Export(f"{slug}-all.zip", _zip(entries), "application/zip")


FORMATS: dict[str, Format] = {
    fmt.slug: fmt
    for fmt in (
        Format("vscode", "VS Code theme (JSON)", "Editors", export_vscode),
        Format("vsix", "VS Code extension (.vsix)", "Editors", export_vsix),
        Format("vim", "Vim", "Editors", export_vim),
        Format("neovim", "Neovim (Lua)", "Editors", export_neovim),
        Format("sublime", "Sublime Text", "Editors", export_sublime),
        Format("textmate", "TextMate (.tmTheme)", "Editors", export_textmate),
        Format("jetbrains", "JetBrains (.icls)", "Editors", export_jetbrains),
        Format("windows-terminal", "Windows Terminal", "Terminals", export_windows_terminal),
        Format("iterm2", "iTerm2", "Terminals", export_iterm2),
        Format("alacritty", "Alacritty", "Terminals", export_alacritty),
        Format("kitty", "kitty", "Terminals", export_kitty),
        Format("base16", "base16 (YAML)", "Other", export_base16),
        Format("css", "CSS custom properties", "Other", export_css),
        Format("zip", "Everything (.zip)", "Other", export_bundle),
    )
}


def theme_export(*, theme: ThemeColours, fmt: str) -> Export:
    """`theme` as the file for `fmt` (a key of FORMATS); raises ExportError for others."""
    chosen = FORMATS.get(fmt)
    if chosen is None:
        raise ExportError(
            f"Unknown export format {fmt[:30]!r}; choose one of {', '.join(FORMATS)}.",
            field="format",
        )
    return chosen.build(theme)
