from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm

from accounts.models import User


class _EmailCheckedOnce:
    """The address is checked by the form or service, with a message next to the field.

    Left out of the model's own constraint check (`user_email_unique_ci`), which would
    add the same refusal again as a form-wide error; the database still enforces it.
    """

    def _get_validation_exclusions(self) -> set[str]:
        return super()._get_validation_exclusions() | {"email"}


class SignupForm(_EmailCheckedOnce, UserCreationForm):
    """Sign-up: `username`, `email`, `password1`, `password2`, named as Django names them."""

    email = forms.EmailField(
        required=True,
        help_text="Used only to reset your password.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email address already exists.")
        return email


class ProfileForm(_EmailCheckedOnce, forms.ModelForm):
    """The profile page's input; the rules (e.g. an address no other account uses, whatever
    its case) are `accounts.services.profile_update`'s, shared with PATCH /api/v1/me/."""

    # Required as at sign-up: without an address the password cannot be reset.
    email = forms.EmailField(
        required=True,
        help_text="Used only to reset your password.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta:
        model = User
        fields = ("email", "first_name")
        labels = {"first_name": "Display name"}
