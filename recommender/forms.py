"""Shapes of input for the recommender pages; they validate and never save."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms

from ratings import colour
from ratings.themes import SLOT_LABELS, SLOTS


class LockForm(forms.Form):
    """Colours to keep fixed in every pick: `?background=%23rrggbb&color1=...`; empty = free.

    The query names are the API's; slot 0 is the background, 1..3 the colours.
    """

    background = forms.CharField(required=False, label=SLOT_LABELS["background"])
    color1 = forms.CharField(required=False, label=SLOT_LABELS["color1"])
    color2 = forms.CharField(required=False, label=SLOT_LABELS["color2"])
    color3 = forms.CharField(required=False, label=SLOT_LABELS["color3"])

    def _clean_slot(self, slot: str) -> str:
        value = self.cleaned_data.get(slot, "")
        if not value:
            return ""
        try:
            return colour.to_hex(colour.parse_hex(value))
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_background(self) -> str:
        return self._clean_slot("background")

    def clean_color1(self) -> str:
        return self._clean_slot("color1")

    def clean_color2(self) -> str:
        return self._clean_slot("color2")

    def clean_color3(self) -> str:
        return self._clean_slot("color3")

    def locked(self) -> dict[int, tuple[int, int, int]]:
        """`{slot index: (r, g, b)}` of the locked slots (0 background, 1..3 colours)."""
        return {
            index: colour.parse_hex(self.cleaned_data[slot])
            for index, slot in enumerate(SLOTS)
            if self.cleaned_data.get(slot)
        }

    def query(self, **changes: str) -> str:
        """The locks as a query string (without `?`), with some slots changed; "" when free."""
        values = {slot: self.cleaned_data.get(slot, "") for slot in SLOTS} | changes
        return urlencode({slot: value for slot, value in values.items() if value})
