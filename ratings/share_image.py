"""The PNG a shared theme link unfurls with (Open Graph / Twitter card), drawn by Pillow.

Chat apps and social sites mostly refuse SVG previews, so the server renders a
1200x630 PNG: an editor window whose code is drawn as token bars in the
palette's colours (the preview's own Python sample, so it matches the page),
the theme's key, and its four colour chips. No font file is needed: Pillow's
bundled default font draws the text. Rendering is pure and deterministic; the
view caches the bytes.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from html import unescape

from PIL import Image, ImageDraw, ImageFont

from ratings.palette import derive
from ratings.preview import code_lines
from ratings.themes import ThemeColours

WIDTH, HEIGHT = 1200, 630
_RUN = re.compile(r'<span class="tok-([a-z]+)">(.*?)</span>|([^<]+)', re.S)
_LINES = 12
_CHAR = 13  # pixels per character of code
_LINE_HEIGHT = 34


@lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _runs(html_line: str) -> list[tuple[str, str]]:
    """`(role, text)` runs of one preview line (its HTML carries the roles as classes)."""
    runs = []
    for match in _RUN.finditer(html_line):
        role, inner, plain = match.groups()
        runs.append((role or "text", unescape(inner if role else plain)))
    return runs


def render_png(theme: ThemeColours) -> bytes:
    """The 1200x630 PNG preview of `theme`."""
    p = derive(theme)
    colours = {
        "text": p.foreground,
        "keyword": p.keyword,
        "string": p.string,
        "function": p.function,
        "comment": p.comment,
        "constant": p.constant,
    }
    image = Image.new("RGB", (WIDTH, HEIGHT), p.background)
    draw = ImageDraw.Draw(image)

    # Title bar: three dots and the site's name.
    draw.rectangle((0, 0, WIDTH, 64), fill=p.line_highlight)
    for index in range(3):
        x = 36 + index * 30
        draw.ellipse((x, 24, x + 16, 40), fill=p.line_number)
    draw.text((WIDTH - 40, 32), "ThemeHub", fill=p.comment, font=_font(28), anchor="rm")

    # Code: one bar per token, as wide as its text, in the token's colour.
    top = 96
    for row, (number, html_line) in enumerate(code_lines("python", limit=_LINES)):
        y = top + row * _LINE_HEIGHT
        if row == 3:
            draw.rectangle((0, y - 6, WIDTH, y + _LINE_HEIGHT - 8), fill=p.line_highlight)
        draw.text((70, y + 10), str(number), fill=p.line_number, font=_font(20), anchor="rm")
        x = 100
        for role, text in _runs(html_line):
            for word in re.finditer(r"\S+", text):
                start = x + word.start() * _CHAR
                end = min(start + len(word.group()) * _CHAR - 3, WIDTH - 40)
                if start < end:
                    draw.rounded_rectangle(
                        (start, y + 2, end, y + 18), radius=6, fill=colours.get(role, p.foreground)
                    )
            x += len(text) * _CHAR

    # Footer: the key and the four colours.
    footer = HEIGHT - 110
    draw.rectangle((0, footer, WIDTH, HEIGHT), fill=p.line_highlight)
    for index, value in enumerate(theme.hexes):
        x = 40 + index * 84
        draw.rounded_rectangle(
            (x, footer + 25, x + 64, footer + 85), radius=12, fill=value, outline=p.line_number
        )
    draw.text((400, footer + 38), theme.key, fill=p.foreground, font=_font(34), anchor="lm")
    draw.text(
        (400, footer + 78),
        "Open it, rate it, export it",
        fill=p.comment,
        font=_font(22),
        anchor="lm",
    )

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
