"""Template tags that draw a theme: the editor preview, swatches, the star widget, the heart."""

from __future__ import annotations

from django import template

from ratings import colour, selectors
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


# Keys of the person's favourites, loaded once per request however many cards a page has.
_FAVOURITE_KEYS = "_themehub_favourite_keys"


def _favourite_keys(request) -> frozenset[str]:
    keys = getattr(request, _FAVOURITE_KEYS, None)
    if keys is None:
        keys = selectors.favourite_keys(user=getattr(request, "user", None))
        setattr(request, _FAVOURITE_KEYS, keys)
    return keys


@register.inclusion_tag("ratings/_heart.html", takes_context=True)
def heart_button(context, theme: ThemeColours | Theme, on: bool | None = None) -> dict:
    """The favourite toggle for `theme`: a real form, upgraded by htmx to swap itself.

    `on` overrides the looked-up state (the toggle view knows it already).
    """
    colours = _colours(theme)
    request = context.get("request")
    user = getattr(request, "user", None)
    if on is None:
        on = request is not None and colours.key in _favourite_keys(request)
    return {
        "theme": colours,
        "on": on,
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path() if request is not None else "",
    }
