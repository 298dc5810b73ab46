"""The rate page (the demo's main screen, with htmx stars and undo) and the "for you" page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from accounts.models import User
from ratings import services
from ratings.forms import RateForm
from ratings.preview import LANGUAGES, language_or_default
from ratings.themes import SLOTS, ThemeColours, ThemeError
from recommender.forms import LockForm
from recommender.models import UserModel
from recommender.ranking import Pick
from recommender.selectors import next_theme, recommendations
from recommender.services import MIN_RATINGS

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
    return _page_or_partial(request, "recommender/rate.html", "card", context, status)


def _page_or_partial(
    request: HttpRequest, template: str, partial: str, context: dict, status: int
) -> HttpResponse:
    """The whole page, or for htmx just its partial (a history restore needs the page)."""
    wants_partial = request.htmx and not request.htmx.history_restore_request
    name = f"{template}#{partial}" if wants_partial else template
    response = render(request, name, context, status=status)
    # One URL answers with the fragment or the whole page: caches must keep them apart,
    # or the back button can show a bare fragment.
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


# --- for you ----------------------------------------------------------------------

# What a colour picker shows for a slot that is not locked (the picker needs some colour).
_PICKER_DEFAULTS = dict(zip(SLOTS, ("#1e1e2e", "#f38ba8", "#a6e3a1", "#89b4fa"), strict=True))
# The words of a "close to a theme you rated" reason that link to that theme.
_NEAR_WORDS = "a theme"
_JUST_NOW = timedelta(minutes=1)


@dataclass(frozen=True)
class _ModelState:
    """What the page says about the person's model (and the community's)."""

    record: UserModel | None
    community: bool

    @property
    def has_model(self) -> bool:
        return self.record is not None and bool(self.record.file)

    @property
    def updating(self) -> bool:
        return self.record is not None and self.record.status == UserModel.Status.TRAINING

    @property
    def stale(self) -> bool:
        return self.record is not None and self.record.status == UserModel.Status.STALE

    @property
    def failed(self) -> bool:
        return self.record is not None and bool(self.record.last_error)

    @property
    def trained_at(self) -> datetime | None:
        return self.record.trained_at if self.has_model else None

    @property
    def trained_ago(self) -> str:
        if self.trained_at is None:
            return ""
        # Seconds would be stale the moment the page is read.
        if timezone.now() - self.trained_at < _JUST_NOW:
            return "just now"
        return naturaltime(self.trained_at)

    @property
    def to_go(self) -> int:
        """Ratings still needed for a first model, once some are in (as of the last training)."""
        rated = self.record.n_ratings if self.record is not None else 0
        return MIN_RATINGS - rated if 0 < rated < MIN_RATINGS else 0


def _model_rows(user: User) -> tuple[UserModel | None, UserModel | None]:
    """The person's and the community's model rows, without loading any model. One query."""
    record = community = None
    for row in UserModel.objects.filter(Q(is_community=True) | Q(user=user)):
        if row.is_community:
            community = row
        else:
            record = row
    return record, community


def _state(record: UserModel | None, community: UserModel | None) -> _ModelState:
    return _ModelState(record=record, community=community is not None and bool(community.file))


@dataclass(frozen=True)
class _Card:
    pick: Pick
    lock_background_url: str

    @property
    def reason_parts(self) -> tuple[str, str, str]:
        """The reason split around the words that link to the rated theme it is close to."""
        before, words, after = self.pick.reason.partition(_NEAR_WORDS)
        if not self.pick.near_key:
            return self.pick.reason, "", ""
        if not words:
            return f"{self.pick.reason} (", "the theme", ")"
        return before, words, after


def _lock_fields(form: LockForm) -> list[tuple]:
    """`(bound field, colour for its picker)` per slot: the typed colour when it reads."""
    form.is_valid()  # cleaned_data holds the slots that read, even when another did not
    return [(form[slot], form.cleaned_data.get(slot) or _PICKER_DEFAULTS[slot]) for slot in SLOTS]


def _for_you_url(query: str) -> str:
    return f"{reverse('for-you')}?{query}" if query else reverse("for-you")


@require_GET
@login_required
def for_you(request: HttpRequest) -> HttpResponse:
    """The top picks for this person, some colours locked if asked, with their model's state."""
    form = LockForm(request.GET)
    status = 200
    cards: list[_Card] = []
    available = False
    if form.is_valid():
        picks, now = recommendations(user=request.user, locked=form.locked())
        record, community, available = now.record, now.community_record, now.scorer.available
        query = form.query()
        cards = [
            _Card(pick, _for_you_url(form.query(background=pick.theme.background)))
            for pick in picks
        ]
    else:
        record, community = _model_rows(request.user)
        query = urlencode({slot: request.GET[slot] for slot in SLOTS if request.GET.get(slot)})
        status = 422 if request.htmx else 400
    context = {
        "form": form,
        "lock_fields": _lock_fields(form),
        "locked": form.is_valid() and bool(form.locked()),
        "cards": cards if available else [],
        "lang": _language(request),
        "languages": LANGUAGES.values(),
        "query": query,
        "picks_url": _for_you_url(query),
        "state": _state(record, community),
    }
    return _page_or_partial(request, "recommender/for_you.html", "picks", context, status)


@require_GET
@login_required
def for_you_status(request: HttpRequest) -> HttpResponse:
    """The model state box; it polls itself while training, then tells the page to reload picks."""
    state = _state(*_model_rows(request.user))
    response = render(request, "recommender/for_you.html#status", {"state": state})
    if request.htmx and not state.updating:
        # Only the polling box asks with htmx, and it polls only while training: it is done.
        trigger_client_event(response, "picks-ready")
    return response
