"""Shapes of input for the ratings pages; they validate and never save."""

from __future__ import annotations

from django import forms

from ratings import colour
from ratings.portability import ImportFileError, check_size
from ratings.selectors import HUE_FAMILY_NAMES
from ratings.themes import ThemeColours, ThemeError

STAR_CHOICES = [(n, f"{n} star{'s' if n > 1 else ''}") for n in range(1, 6)]
_STARS_ERRORS = {
    "required": "Choose from 1 to 5 stars.",
    "invalid_choice": "Stars must be a whole number from 1 to 5.",
}


class StarsForm(forms.Form):
    stars = forms.TypedChoiceField(choices=STAR_CHOICES, coerce=int, error_messages=_STARS_ERRORS)


class RateForm(StarsForm):
    """A theme (by key, as the page carries it) and its stars."""

    key = forms.CharField(
        widget=forms.HiddenInput, error_messages={"required": "The theme is missing."}
    )

    def clean_key(self) -> str:
        try:
            return ThemeColours.from_key(self.cleaned_data["key"]).key
        except ThemeError as error:
            raise forms.ValidationError(error.message) from None

    def theme(self) -> ThemeColours:
        return ThemeColours.from_key(self.cleaned_data["key"])


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Ratings file",
        help_text="A ThemeHub JSON or CSV export, or the original demo's saved votes (JSON).",
        error_messages={"required": "Choose a file to import.", "empty": "The file is empty."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size)
        except ImportFileError as error:
            raise forms.ValidationError(error.message) from None
        return upload


_CONTRAST_ERROR = "Minimum contrast is a WCAG ratio from 1 to 21, e.g. 4.5."


class ExploreForm(forms.Form):
    """The explore page's query string: which list, and the filters on it."""

    sort = forms.ChoiceField(
        choices=[
            ("favourited", "Most favourited"),
            ("rated", "Best rated"),
            ("newest", "Newest favourites"),
        ],
        required=False,
        error_messages={"invalid_choice": "Sort by favourited, rated or newest."},
    )
    period = forms.ChoiceField(
        choices=[("week", "This week"), ("all", "All time")],
        required=False,
        error_messages={"invalid_choice": "The period is week or all."},
    )
    hue = forms.ChoiceField(
        choices=[("", "Any hue"), *((name, name.capitalize()) for name in HUE_FAMILY_NAMES)],
        required=False,
        label="Keyword hue",
        error_messages={
            "invalid_choice": f"Choose a hue family: {', '.join(HUE_FAMILY_NAMES)}.",
        },
    )
    min_contrast = forms.FloatField(
        required=False,
        min_value=1,
        max_value=21,
        label="Minimum contrast",
        error_messages={
            "invalid": _CONTRAST_ERROR,
            "min_value": _CONTRAST_ERROR,
            "max_value": _CONTRAST_ERROR,
        },
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "1", "max": "21"}),
    )
    near = forms.CharField(
        required=False,
        max_length=20,
        label="Near colour",
        error_messages={"max_length": "A colour is written #rrggbb, e.g. #ff79c6."},
    )

    def clean_near(self) -> str:
        value = self.cleaned_data["near"].strip()
        if not value:
            return ""
        try:
            return colour.to_hex(colour.parse_hex(value))
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def filters(self) -> dict:
        """Keyword arguments for `selectors.explore_themes`."""
        data = self.cleaned_data
        near = data["near"]
        return {
            "sort": data["sort"] or "favourited",
            "period": data["period"] or "week",
            "hue": data["hue"],
            "min_contrast": data["min_contrast"],
            "near": colour.parse_hex(near) if near else None,
        }
