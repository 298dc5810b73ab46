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
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.errors import ServiceError
from accounts.forms import ProfileForm, SignupForm
from accounts.services import profile_update
from accounts.tokens import services as token_services
from accounts.tokens.forms import ApiTokenForm
from accounts.tokens.models import ApiToken


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
        try:
            profile_update(
                user=request.user,
                email=form.cleaned_data["email"],
                first_name=form.cleaned_data["first_name"],
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "Your profile was saved.")
            return redirect("profile")
    return render(request, "accounts/profile.html", _profile_context(request, form=form))


def _profile_context(request: HttpRequest, **extra) -> dict:
    context = {
        "rating_count": request.user.ratings.count(),
        "tokens": ApiToken.objects.filter(user=request.user),
        "token_form": ApiTokenForm(),
        **extra,
    }
    if "form" not in context:
        context["form"] = ProfileForm(instance=copy.copy(request.user))
    return context


def _tokens_response(request: HttpRequest, *, status: int = 200, **extra) -> HttpResponse:
    """The tokens section for htmx, the whole profile page for a plain post."""
    template = "accounts/profile.html#tokens" if request.htmx else "accounts/profile.html"
    return render(request, template, _profile_context(request, **extra), status=status)


@require_POST
@login_required
def token_create(request: HttpRequest) -> HttpResponse:
    """Make a named API token and show it this once (it is stored only as a hash).

    The page is rendered, not redirected to: the token must not be kept anywhere,
    not even in the session, to survive a redirect.
    """
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = token_services.api_token_create(
                user=request.user, name=form.cleaned_data["name"]
            )
        except ServiceError as error:
            form.add_error("name", error.message)
        else:
            response = _tokens_response(request, new_token=token, new_secret=secret)
            # The page shows a secret: no cache may keep it.
            response["Cache-Control"] = "no-store"
            return response
    status = 422 if request.htmx else 400
    return _tokens_response(request, status=status, token_form=form)


@require_POST
@login_required
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token_services.api_token_revoke(user=request.user, token_id=token_id)
    except token_services.ApiTokenMissing as error:
        notice = error.message
    else:
        notice = "The token was revoked: requests with it are refused from now on."
    if request.htmx:
        return _tokens_response(request, token_notice=notice)
    messages.info(request, notice)
    return redirect("profile")


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
