"""Staff pages: the dashboard and its retrain button. Only active staff see them."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from ratings.themes import ThemeColours
from recommender import services
from recommender.models import UserModel
from themehub.dashboard import charts
from themehub.dashboard.selectors import dashboard


def staff_only(view: Callable) -> Callable:
    """Anonymous people go to the login page; everyone but active staff gets a 404."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (request.user.is_active and request.user.is_staff):
            # A 404, not a 403: the page's existence is not advertised.
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapped


def _table(labels: list[str], *columns: list) -> list[list]:
    return [[label, *values] for label, *values in zip(labels, *columns, strict=True)]


@require_safe
@staff_only
def staff_dashboard(request: HttpRequest) -> HttpResponse:
    figures = dashboard()
    training = figures.training
    succeeded = [
        runs - failed
        for runs, failed in zip(training.runs.values, training.failed.values, strict=True)
    ]
    labels = charts.day_labels(figures.ratings_per_day.days)
    star_labels = [f"{value}★" for value in figures.stars]
    chart_list = [
        {
            "ident": "ratings",
            "title": "Ratings per day",
            "svg": charts.bar_chart(
                ident="ratings-chart",
                title="Ratings per day, last 30 days",
                labels=labels,
                values=figures.ratings_per_day.values,
                unit="ratings",
                empty="No ratings in the last 30 days.",
            ),
            "headers": ["Day", "Ratings"],
            "rows": _table(labels, figures.ratings_per_day.values),
        },
        {
            "ident": "signups",
            "title": "Sign-ups per day",
            "svg": charts.bar_chart(
                ident="signups-chart",
                title="Sign-ups per day, last 30 days",
                labels=labels,
                values=figures.signups_per_day.values,
                unit="sign-ups",
                empty="No sign-ups in the last 30 days.",
            ),
            "headers": ["Day", "Sign-ups"],
            "rows": _table(labels, figures.signups_per_day.values),
        },
        {
            "ident": "training",
            "title": "Training time per day",
            "svg": charts.line_chart(
                ident="training-chart",
                title="Training time per day (median and 95th percentile), last 30 days",
                labels=labels,
                lines=[
                    charts.Line("median", training.median.values),
                    charts.Line("95th percentile", training.p95.values),
                ],
                unit="ms",
                empty="No model was trained in the last 30 days.",
            ),
            "headers": ["Day", "Median (ms)", "95th percentile (ms)"],
            "rows": _table(labels, training.median.values, training.p95.values),
        },
        {
            "ident": "quality",
            "title": "Model error per day",
            "svg": charts.line_chart(
                ident="quality-chart",
                title="Cross-validated error of the models trained each day, last 30 days",
                labels=labels,
                lines=[charts.Line("mean absolute error", training.error.values)],
                unit="stars",
                empty="No error measured: models need 10 ratings for it.",
            ),
            "headers": ["Day", "Mean absolute error (stars)"],
            "rows": _table(labels, training.error.values),
        },
        {
            "ident": "runs",
            "title": "Trainings per day",
            "svg": charts.bar_chart(
                ident="runs-chart",
                title="Trainings per day, succeeded and failed, last 30 days",
                labels=labels,
                series=[
                    charts.Line("succeeded", succeeded, charts.BLUE),
                    charts.Line("failed", training.failed.values, charts.RED),
                ],
                unit="trainings",
                empty="No trainings in the last 30 days.",
            ),
            "headers": ["Day", "Trainings", "Failed"],
            "rows": _table(labels, training.runs.values, training.failed.values),
        },
        {
            "ident": "stars",
            "title": "Stars given, last 30 days",
            "svg": charts.bar_chart(
                ident="stars-chart",
                title="Distribution of stars, last 30 days",
                labels=star_labels,
                values=list(figures.stars.values()),
                unit="ratings",
            ),
            "headers": ["Stars", "Ratings"],
            "rows": _table(star_labels, list(figures.stars.values())),
        },
    ]
    top_themes = [
        {**row, "hexes": ThemeColours.from_key(row["theme__key"]).hexes}
        for row in figures.top_themes
    ]
    return render(
        request,
        "staff/dashboard.html",
        {"figures": figures, "charts": chart_list, "top_themes": top_themes},
    )


@require_POST
@staff_only
def model_retrain(request: HttpRequest, record_id: int) -> HttpResponse:
    """Queue a retrain of one taste model (the retrain button beside a failure)."""
    record = get_object_or_404(UserModel.objects.select_related("user"), pk=record_id)
    if record.is_community:
        services.community_rebuild_request()
        messages.success(request, "Queued a rebuild of the community model.")
    else:
        services.training_request(user_id=record.user_id)
        messages.success(request, f"Queued retraining of {record.user.username}'s model.")
    return redirect("staff-dashboard")
