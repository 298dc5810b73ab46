from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ratings.themes import ThemeColours


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: what ThemeHub does, with one random theme as a taste."""
    return render(request, "home.html", {"theme": ThemeColours.random()})
