"""Editor preview: real code samples tokenised by Pygments, tokens mapped to palette roles.

The HTML carries role classes only (`tok-keyword`, `tok-string`, ...); the
colours come from the theme's CSS custom properties (see `Palette.css_vars`),
so one rendering per language serves every theme and is cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from pygments import lex
from pygments.lexers import get_lexer_by_name
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Token


@dataclass(frozen=True)
class Language:
    slug: str
    label: str
    lexer: str
    sample: str


LANGUAGES: dict[str, Language] = {
    language.slug: language
    for language in (
        Language(
            "python",
            "Python",
            "python",
            '''import json
from pathlib import Path

# Load the saved votes and keep the best ones.
def best_themes(path: Path, limit: int = 20) -> list[dict]:
    """Return the highest-rated themes first."""
    votes = json.loads(path.read_text())
    ranked = sorted(votes, key=lambda v: v["stars"], reverse=True)
    return [v for v in ranked if v["stars"] >= 4][:limit]

class Theme:
    def __init__(self, name, colours):
        self.name = name
        self.colours = tuple(colours)

    def __repr__(self):
        return f"Theme({self.name!r}, {len(self.colours)} colours)"
''',
        ),
        Language(
            "javascript",
            "JavaScript",
            "javascript",
            """// Score random themes with the trained network.
import { train, score } from "./brain.js";

const BATCH = 100000;

export async function topThemes(votes, count = 20) {
  const net = await train(votes, { iterations: 2000 });
  const themes = Array.from({ length: BATCH }, randomTheme);
  return themes
    .map((theme) => ({ theme, score: score(net, theme) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, count);
}

function randomTheme() {
  return { background: `#${Math.floor(Math.random() * 0x323232)}` };
}
""",
        ),
        Language(
            "rust",
            "Rust",
            "rust",
            """use std::collections::HashMap;

/// A rating of one theme, from 1 to 5 stars.
#[derive(Debug, Clone)]
pub struct Rating {
    pub key: String,
    pub stars: u8,
}

pub fn average(ratings: &[Rating]) -> Option<f64> {
    if ratings.is_empty() {
        return None; // nothing rated yet
    }
    let total: u32 = ratings.iter().map(|r| r.stars as u32).sum();
    Some(total as f64 / ratings.len() as f64)
}

fn main() {
    let mut seen: HashMap<&str, u8> = HashMap::new();
    seen.insert("1e1e2e-f38ba8-a6e3a1-89b4fa", 5);
    println!("{:?}", seen.get("1e1e2e-f38ba8-a6e3a1-89b4fa"));
}
""",
        ),
        Language(
            "html",
            "HTML",
            "html",
            """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>My favourite themes</title>
    <link rel="stylesheet" href="/static/site.css">
  </head>
  <body class="dark">
    <!-- Top picks, refreshed after every vote -->
    <section id="picks" data-limit="20">
      <h1>For you</h1>
      <button type="button" onclick="refresh()">Refresh</button>
    </section>
  </body>
</html>
""",
        ),
    )
}
DEFAULT_LANGUAGE = "python"
# Compact previews start here: past the imports, where keywords, strings and calls meet.
EXCERPT_START = 3

# Pygments token type -> palette role, most specific first.
_ROLES: list[tuple[object, str]] = [
    (Comment, "comment"),
    (String.Doc, "comment"),
    (String, "string"),
    (Name.Function, "function"),
    (Name.Class, "function"),
    (Name.Tag, "function"),
    (Name.Decorator, "function"),
    (Keyword.Constant, "constant"),
    (Keyword, "keyword"),
    (Operator, "keyword"),
    (Punctuation, "keyword"),
    (Number, "constant"),
    (Name.Builtin, "constant"),
    (Name.Attribute, "constant"),
]


def _role(token_type: object, text: str, following: str) -> str:
    for parent, role in _ROLES:
        if token_type in parent:
            return role
    # Lexers tag called names as plain names; the demo colours calls like definitions.
    if token_type in Name and following.lstrip().startswith("("):
        return "function"
    return "text"


@lru_cache(maxsize=32)
def _lines(slug: str) -> tuple[str, ...]:
    language = LANGUAGES[slug]
    tokens = [
        (token_type, text)
        for token_type, text in lex(language.sample, get_lexer_by_name(language.lexer))
        if token_type is not Token.Text.Whitespace or text
    ]
    # Runs of (role, text) per line; neighbouring tokens of one role share a span.
    lines: list[list[list[str]]] = [[]]
    for index, (token_type, text) in enumerate(tokens):
        following = tokens[index + 1][1] if index + 1 < len(tokens) else ""
        role = _role(token_type, text, following)
        for number, piece in enumerate(text.split("\n")):
            if number:
                lines.append([])
            if not piece:
                continue
            runs = lines[-1]
            if runs and runs[-1][0] == role:
                runs[-1][1] += piece
            else:
                runs.append([role, piece])
    html_lines = [
        "".join(
            escape(text) if role == "text" else f'<span class="tok-{role}">{escape(text)}</span>'
            for role, text in runs
        )
        for runs in lines
    ]
    while html_lines and not html_lines[-1]:
        html_lines.pop()
    return tuple(html_lines)


def language_or_default(slug: str | None) -> str:
    return slug if slug in LANGUAGES else DEFAULT_LANGUAGE


def code_lines(slug: str, *, limit: int | None = None) -> list[tuple[int, SafeString]]:
    """The sample in `slug` as numbered HTML lines (role-classed spans).

    With `limit`, an excerpt of that many lines from the sample's most colourful part.
    """
    lines = _lines(language_or_default(slug))
    start = 0 if limit is None else min(EXCERPT_START, max(len(lines) - limit, 0))
    # A limit longer than the sample shows the whole sample rather than running off its end.
    stop = len(lines) if limit is None else min(start + limit, len(lines))
    return [(number, mark_safe(lines[number - 1])) for number in range(start + 1, stop + 1)]
