from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from accounts.forms import ProfileForm, SignupForm


def _posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data, or None on GET: an empty POST is still bound, so it shows errors."""
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters("password1", "password2")
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("rate")
    form = SignupForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, f"Welcome, {user.username}! Rate a few themes to teach ThemeHub your taste."
        )
        return redirect("rate")
    return render(request, "registration/signup.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    # The form edits a copy: a failed save must not leave its values on request.user,
    # which the page heading and navigation show.
    form = ProfileForm(_posted(request), instance=copy.copy(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile was saved.")
        return redirect("profile")
    context = {"form": form, "rating_count": request.user.ratings.count()}
    return render(request, "accounts/profile.html", context)


class LoginView(auth_views.LoginView):
    """Django's log-in page, which an htmx request reloads as a whole page.

    When a session runs out, an htmx action is redirected here and htmx would swap
    this whole page into the fragment it meant to replace. It gets told to load the
    log-in page instead, returning afterwards to the page the person was on (not to
    the POST-only URL the action went to).
    """

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if getattr(request, "htmx", False):
            url = reverse("login")
            current = request.htmx.current_url_abs_path
            if current:
                url = f"{url}?{urlencode({'next': current})}"
            return HttpResponseClientRedirect(url)
        return super().get(request, *args, **kwargs)
