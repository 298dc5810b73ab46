"""The recommender API: the next theme to rate, and a person's recommendations.

Same selectors as the rate and "for you" pages; the colour locks are validated by
the page's own `LockForm`.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api import ApiView
from ratings.serializers import ThemeOutput, theme_refs
from recommender.forms import LockForm
from recommender.models import UserModel
from recommender.selectors import next_theme, recommendations
from recommender.serializers import RecommendationsOutput, RecommendationsQuery


class NextThemeApi(ApiView):
    """The theme the recommender wants you to rate next (rate it with POST /ratings/)."""

    @extend_schema(operation_id="themes_next", responses={200: ThemeOutput}, tags=["themes"])
    def get(self, request: Request) -> Response:
        ref = theme_refs([next_theme(user=request.user)])[0]
        return Response(ThemeOutput(ref, context={"request": request}).data)


def _model_state(record: UserModel | None) -> dict:
    if record is None:
        return {"n_ratings": 0, "trained_at": None, "status": UserModel.Status.NONE.value}
    trained = bool(record.file)
    return {
        "n_ratings": record.n_ratings if trained else 0,
        "trained_at": record.trained_at if trained else None,
        "status": str(record.status),
    }


class RecommendationsApi(ApiView):
    """Your top picks, best first, some colours locked if you ask."""

    @extend_schema(
        operation_id="recommendations_list",
        parameters=[RecommendationsQuery],
        responses={200: RecommendationsOutput},
        tags=["recommendations"],
    )
    def get(self, request: Request) -> Response:
        query = RecommendationsQuery(data=request.query_params)
        form = LockForm(request.query_params)
        errors = {} if query.is_valid() else dict(query.errors)
        if not form.is_valid():
            errors |= {name: list(messages) for name, messages in form.errors.items()}
        if errors:
            raise exceptions.ValidationError(errors)
        picks, now = recommendations(
            user=request.user, locked=form.locked(), k=query.validated_data["limit"]
        )
        if not now.scorer.available:
            picks = []
        refs = theme_refs(pick.theme for pick in picks)
        results = [
            {"theme": ref, "score": round(pick.stars, 2), "reason": pick.reason}
            for ref, pick in zip(refs, picks, strict=True)
        ]
        data = {"model": _model_state(now.record), "results": results}
        return Response(RecommendationsOutput(data, context={"request": request}).data)
