"""The rate page: the demo's main screen, with htmx stars and undo."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from ratings import services
from ratings.forms import RateForm
from ratings.preview import LANGUAGES, language_or_default
from ratings.themes import ThemeColours, ThemeError
from recommender.selectors import next_theme

_LAST = "last_rating"


def _language(request: HttpRequest) -> str:
    """The preview language: from the query or form, remembered in the session."""
    asked = request.GET.get("lang") or request.POST.get("lang")
    if asked in LANGUAGES:
        request.session["lang"] = asked
    return language_or_default(request.session.get("lang"))


def _card(
    request: HttpRequest,
    theme: ThemeColours,
    *,
    form: RateForm | None = None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "theme": theme,
        "lang": _language(request),
        "languages": LANGUAGES.values(),
        "form": form,
        "last": request.session.get(_LAST),
        "notice": notice,
    }
    template = "recommender/rate.html#card" if request.htmx else "recommender/rate.html"
    response = render(request, template, context, status=status)
    # One URL answers with the card or the whole page: caches must keep them apart,
    # or the back button can show a bare card.
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
@login_required
def rate(request: HttpRequest) -> HttpResponse:
    """Show a theme to rate: the one named by `?theme=<key>` (to switch language), else the next."""
    notice = ""
    theme = None
    if request.GET.get("theme"):
        try:
            theme = ThemeColours.from_key(request.GET["theme"])
        except ThemeError as error:
            notice = f"That theme link is broken ({error.message}) Here is another theme."
    return _card(request, theme or next_theme(user=request.user), notice=notice)


@require_POST
@login_required
def rate_submit(request: HttpRequest) -> HttpResponse:
    """Save the stars for the shown theme, then show the next one."""
    form = RateForm(request.POST)
    if not form.is_valid():
        # Show the same theme again with the error, when its key was readable.
        theme = form.theme() if "key" in form.cleaned_data else next_theme(user=request.user)
        if not request.htmx:
            return _card(request, theme, form=form, status=400)
        return _card(request, theme, form=form, status=422)
    theme = form.theme()
    result = services.rating_set(user=request.user, theme=theme, stars=form.cleaned_data["stars"])
    request.session[_LAST] = {
        "key": theme.key,
        "hexes": list(theme.hexes),
        "stars": result.rating.stars,
        "previous": result.previous_stars,
    }
    if not request.htmx:
        return redirect("rate")
    return _card(request, next_theme(user=request.user))


@require_POST
@login_required
def rate_undo(request: HttpRequest) -> HttpResponse:
    """Undo the last rating made on this page and show that theme again."""
    last = request.session.pop(_LAST, None)
    if last is None:
        return _card(request, next_theme(user=request.user), notice="There is nothing to undo.")
    theme = ThemeColours.from_key(last["key"])
    services.rating_undo(user=request.user, theme=theme, previous_stars=last["previous"])
    notice = "Undone. Rate this theme again, or skip it."
    if not request.htmx:
        messages.info(request, notice)
        return redirect(f"{reverse('rate')}?theme={theme.key}")
    return _card(request, theme, notice=notice)
