"""Shapes of API input and output for accounts, and the base every API input builds on.

Serializers only check shape (types, required keys, no unknown keys); every rule is
in a service, whose ServiceError the API turns into a 400.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from accounts.tokens.models import ApiToken


class StrictSerializer(serializers.Serializer):
    """Refuses keys it does not know, so a typo is a 400 and not silently ignored."""

    def to_internal_value(self, data):
        if isinstance(data, dict) or hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown field."] for name in unknown}, code="unknown_field"
                )
        return super().to_internal_value(data)


class TokenLoginInput(StrictSerializer):
    username = serializers.CharField(max_length=150, trim_whitespace=False)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    name = serializers.CharField(
        required=False,
        max_length=200,
        help_text="A name for the token, shown on your profile page (default: “API log-in”).",
    )


class TokenCreated(serializers.Serializer):
    token = serializers.CharField(help_text="The token: shown this once, stored only as a hash.")
    id = serializers.IntegerField()
    name = serializers.CharField()
    created_at = serializers.DateTimeField()


class TokenOutput(serializers.ModelSerializer):
    created_at = serializers.DateTimeField(source="created")
    prefix = serializers.CharField(
        source="token_key", help_text="The token's first characters, to tell tokens apart."
    )

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at"]


class TextField(serializers.CharField):
    """Text as given (a number or a list is a 400, not turned into text); rules are the
    service's. DRF's CharField already refuses NUL and lone surrogate characters."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("trim_whitespace", False)
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class TrueFalseField(serializers.BooleanField):
    """JSON `true` or `false` only: no "yes", 1 or "on", which DRF's BooleanField reads."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class MeInput(StrictSerializer):
    """What PATCH /me/ may change; give only the fields to change."""

    email = TextField(
        required=False, help_text="Required on the account (it resets your password); unique."
    )
    display_name = TextField(required=False, help_text="Shown to you on the site; may be empty.")
    favourites_public = TrueFalseField(
        required=False, help_text="Show your favourites to anyone at /u/<username>/."
    )


class MeCounts(serializers.Serializer):
    ratings = serializers.IntegerField()
    tokens = serializers.IntegerField()
    favourites = serializers.IntegerField()


class MeOutput(serializers.ModelSerializer):
    display_name = serializers.CharField(source="first_name")
    counts = serializers.SerializerMethodField()
    public_profile_url = serializers.SerializerMethodField(
        help_text="Your public favourites page, or null while your favourites are private."
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "display_name",
            "date_joined",
            "favourites_public",
            "public_profile_url",
            "counts",
        ]

    @extend_schema_field(MeCounts)
    def get_counts(self, user: User) -> dict:
        return MeCounts(self.context["counts"]).data

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_public_profile_url(self, user: User) -> str | None:
        if not user.favourites_public:
            return None
        path = reverse("public-profile", args=[user.username])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path
