"""Shapes of input for the ratings pages; they validate and never save."""

from __future__ import annotations

from django import forms

from ratings.portability import ImportFileError, check_size
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
