"""Shape of the profile page's "new token" form; the service holds the rules."""

from __future__ import annotations

from django import forms

from accounts.tokens.services import TOKEN_NAME_MAX


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=TOKEN_NAME_MAX,
        help_text="Say where it will be used, e.g. “laptop script”.",
        error_messages={"required": "Give the token a name, e.g. the script that will use it."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
