"""Shapes of the recommender API. They check shape and never save."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ratings.serializers import ThemeOutput

_LOCK_SCHEMA_HELP = "Keep this colour fixed in every pick: #rrggbb (URL-encoded: %23rrggbb)."


@extend_schema_field({"type": "string", "pattern": "^(#?[0-9a-fA-F]{6})?$"})
class _LockField(serializers.CharField):
    """A lock as typed; `LockForm` reads it (and refuses it in the page's words)."""


class RecommendationsQuery(serializers.Serializer):
    """The query string; the colour locks are read by `LockForm`, as on the "for you" page."""

    limit = serializers.IntegerField(
        min_value=1, max_value=100, default=20, help_text="How many picks (1-100)."
    )
    background = _LockField(required=False, allow_blank=True, help_text=_LOCK_SCHEMA_HELP)
    color1 = _LockField(required=False, allow_blank=True, help_text=_LOCK_SCHEMA_HELP)
    color2 = _LockField(required=False, allow_blank=True, help_text=_LOCK_SCHEMA_HELP)
    color3 = _LockField(required=False, allow_blank=True, help_text=_LOCK_SCHEMA_HELP)


class ModelStateOutput(serializers.Serializer):
    n_ratings = serializers.IntegerField(
        help_text="Ratings the person's serving model was trained on (0: none yet)."
    )
    trained_at = serializers.DateTimeField(allow_null=True)
    status = serializers.ChoiceField(choices=["fresh", "training", "stale", "none"])


class PickOutput(serializers.Serializer):
    theme = ThemeOutput()
    score = serializers.FloatField(help_text="Predicted stars, 1 to 5.")
    reason = serializers.CharField(help_text="Why it was picked, for a person.")


class RecommendationsOutput(serializers.Serializer):
    model = ModelStateOutput()
    results = PickOutput(many=True, help_text="Best first; empty while there is no model yet.")
