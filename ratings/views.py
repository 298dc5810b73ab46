"""History pages: list, re-rate and delete in place, export and import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.errors import ServiceError
from ratings import portability, selectors, services
from ratings.forms import ImportForm, StarsForm

HISTORY_PAGE_SIZE = 20


def _history_context(request: HttpRequest, **extra) -> dict:
    paginator = Paginator(selectors.ratings_of(user=request.user), HISTORY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return {"page": page, "rating_count": paginator.count, "import_form": ImportForm(), **extra}


@require_GET
@login_required
def history(request: HttpRequest) -> HttpResponse:
    return render(request, "ratings/history.html", _history_context(request))


@require_POST
@login_required
def rating_stars(request: HttpRequest, rating_id: int) -> HttpResponse:
    """Change the stars of one rating; htmx gets the row back, a plain post the page."""
    rating = selectors.rating_of(user=request.user, rating_id=rating_id)
    form = StarsForm(request.POST)
    if form.is_valid():
        services.rating_update(rating=rating, stars=form.cleaned_data["stars"])
    if request.htmx:
        status = 200 if form.is_valid() else 422
        return render(
            request, "ratings/history.html#row", {"rating": rating, "form": form}, status=status
        )
    if form.is_valid():
        stars = rating.stars
        messages.success(request, f"Rating changed to {stars} star{pluralize(stars)}.")
    else:
        messages.error(request, form.errors["stars"][0])
    return redirect(_back_to_history(request))


@require_POST
@login_required
def rating_delete(request: HttpRequest, rating_id: int) -> HttpResponse:
    rating = selectors.rating_of(user=request.user, rating_id=rating_id)
    services.rating_delete(rating=rating)
    if request.htmx:
        count = selectors.ratings_of(user=request.user).count()
        return render(request, "ratings/history.html#deleted", {"rating_count": count})
    messages.success(request, "Rating deleted.")
    return redirect(_back_to_history(request))


@require_GET
@login_required
def ratings_export(request: HttpRequest, fmt: str) -> HttpResponse:
    ratings = selectors.ratings_of(user=request.user)
    stamp = timezone.now().strftime("%Y%m%d")
    if fmt == "json":
        response = HttpResponse(portability.export_json(ratings), content_type="application/json")
    else:
        response = HttpResponse(
            portability.export_csv(ratings), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="themehub-ratings-{stamp}.{fmt}"'
    return response


@require_POST
@login_required
def ratings_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = services.ratings_import(
                user=request.user, filename=upload.name, data=upload.read()
            )
        except ServiceError as error:
            form.add_error("file", error.message)
    context = _history_context(request, import_form=form, report=report)
    return render(request, "ratings/history.html", context, status=200 if form.is_valid() else 400)


def _back_to_history(request: HttpRequest) -> str:
    page = request.POST.get("page", "")
    url = reverse("history")
    return f"{url}?page={page}" if page.isdigit() else url
