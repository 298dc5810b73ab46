"""Template tags that draw a theme: the editor preview, swatches, the star widget."""

from __future__ import annotations

from django import template

from ratings import colour
from ratings.models import Theme
from ratings.palette import derive
from ratings.preview import LANGUAGES, code_lines, language_or_default
from ratings.themes import ThemeColours

register = template.Library()


def _colours(theme: ThemeColours | Theme) -> ThemeColours:
    return theme.colours if isinstance(theme, Theme) else theme


@register.inclusion_tag("ratings/_preview.html")
def theme_preview(
    theme: ThemeColours | Theme, lang: str | None = None, lines: int | None = None
) -> dict:
    """An editor window showing the code sample in `lang`, coloured by `theme`."""
    colours = _colours(theme)
    slug = language_or_default(lang)
    return {
        "theme": colours,
        "palette": derive(colours),
        "lines": code_lines(slug, limit=lines),
        "language": LANGUAGES[slug],
        "compact": lines is not None,
    }


@register.inclusion_tag("ratings/_swatches.html")
def theme_swatches(theme: ThemeColours | Theme, small: bool = False) -> dict:
    """The four colours with their roles, hex values and contrast against the background."""
    colours = _colours(theme)
    rgb = colours.rgb
    ratios = colour.contrast_ratio(rgb[1:], rgb[0])
    slots = [
        {
            "slot": slot,
            "label": label,
            "hex": value,
            "contrast": None if index == 0 else ratios[index - 1],
        }
        for index, (slot, label, value) in enumerate(colours.slots())
    ]
    return {"theme": colours, "slots": slots, "small": small}


@register.inclusion_tag("ratings/_stars.html")
def star_buttons(current: int | None = None, label: str = "Your rating") -> dict:
    """Five submit buttons named `stars`; the enclosing form decides where they post."""
    return {
        "buttons": [
            {
                "value": n,
                "label": f"{n} star{'s' if n > 1 else ''}",
                "on": current is not None and n <= current,
            }
            for n in range(1, 6)
        ],
        "current": current,
        "label": label,
    }
