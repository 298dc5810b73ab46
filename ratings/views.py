"""History pages (list, re-rate and delete in place, export and import), favourites, theme
pages and explore."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from accounts.errors import ServiceError
from accounts.services import profile_update
from ratings import colour, exporters, portability, selectors, services, share_image
from ratings.forms import ExploreForm, ImportForm, StarsForm
from ratings.palette import Palette, derive
from ratings.preview import LANGUAGES, language_or_default
from ratings.themes import ThemeColours, ThemeError

HISTORY_PAGE_SIZE = 20
FAVOURITES_PAGE_SIZE = 24


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
    export = portability.export_file(ratings=selectors.ratings_of(user=request.user), fmt=fmt)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.name}"'
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


# --- favourites -------------------------------------------------------------------


def theme_from_key(key: str) -> ThemeColours:
    """The theme a URL names; Http404 for a malformed key (a bad link, not a server error)."""
    try:
        return ThemeColours.from_key(key)
    except ThemeError:
        raise Http404("No such theme: a theme key is four hex colours joined by '-'.") from None


def _safe_next(request: HttpRequest, fallback: str) -> str:
    """Where a plain form post returns to: `next` when it is on this site, else `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else fallback


@require_POST
@login_required
def favourite_toggle(request: HttpRequest, key: str) -> HttpResponse:
    """Favourite or unfavourite a theme; htmx gets the heart back, a plain post a redirect.

    `favourite=1`/`0` sets the state (a repeated post changes nothing); without it, it flips.
    """
    theme = theme_from_key(key)
    wanted = {"1": True, "0": False}.get(request.POST.get("favourite", ""))
    result = services.favourite_toggle(user=request.user, theme=theme, favourite=wanted)
    back = _safe_next(request, reverse("theme", args=[theme.key]))
    if request.htmx:
        context = {"theme": theme, "on": result.favourited, "user": request.user, "next": back}
        return render(request, "ratings/_heart.html", context)
    if result.changed:
        messages.success(
            request,
            "Added to your favourites." if result.favourited else "Removed from favourites.",
        )
    return redirect(back)


@require_GET
@login_required
def favourites(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.favourites_of(user=request.user), FAVOURITES_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request, "ratings/favourites.html", {"page": page, "favourite_count": paginator.count}
    )


@require_POST
@login_required
def favourites_visibility(request: HttpRequest) -> HttpResponse:
    """Make the person's favourites public on /u/<username>/ or private again."""
    public = request.POST.get("public") in {"1", "on", "true"}
    profile_update(user=request.user, favourites_public=public)
    if request.htmx:
        return render(request, "ratings/favourites.html#visibility", {})
    messages.success(
        request,
        "Your favourites are public on your profile." if public else "Your favourites are private.",
    )
    return redirect("favourites")


PROFILE_PAGE_SIZE = 24


@require_GET
def public_profile(request: HttpRequest, username: str) -> HttpResponse:
    """A person's public favourites; 404 when they keep them private or do not exist."""
    person = selectors.public_profile_user(username=username)
    paginator = Paginator(selectors.favourites_of(user=person), PROFILE_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {"person": person, "page": page, "favourite_count": paginator.count}
    return render(request, "accounts/public_profile.html", context)


# --- export -----------------------------------------------------------------------

# A theme's files depend only on its key (and the code): browsers and proxies may keep them.
EXPORT_MAX_AGE = 60 * 60 * 24


@require_GET
def theme_export(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    """Download `theme` in `fmt`; 404 for a malformed key or an unknown format."""
    theme = theme_from_key(key)
    try:
        export = exporters.theme_export(theme=theme, fmt=fmt)
    except exporters.ExportError as error:
        raise Http404(error.message) from None
    response = HttpResponse(export.content, content_type=export.content_type)
    filename = exporters.safe_filename(export.filename)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, public=True, max_age=EXPORT_MAX_AGE)
    return response


# --- the public theme page --------------------------------------------------------

WCAG_AA, WCAG_AAA = 4.5, 7.0
# APCA's guide: Lc 75 for body text, 60 for other content text, 45 for large text.
APCA_BODY, APCA_CONTENT = 75.0, 60.0
SHARE_IMAGE_MAX_AGE = 60 * 60 * 24 * 7
_CONTRAST_ROLES = [
    ("keyword", "Keywords"),
    ("string", "Strings"),
    ("function", "Functions"),
    ("foreground", "Default text"),
    ("comment", "Comments"),
    ("constant", "Constants"),
    ("line_number", "Line numbers"),
]
_PALETTE_LABELS = {
    "background": "Background",
    "foreground": "Default text",
    "comment": "Comments",
    "line_number": "Line numbers",
    "line_highlight": "Current line",
    "selection": "Selection",
    "cursor": "Cursor",
    "keyword": "Keywords",
    "string": "Strings",
    "function": "Functions",
    "constant": "Constants",
}


def _contrast_rows(palette: Palette) -> list[dict]:
    """WCAG ratio with AA/AAA and APCA Lc of each text colour against the background."""
    hexes = [getattr(palette, role) for role, _ in _CONTRAST_ROLES]
    texts = [colour.parse_hex(value) for value in hexes]
    background = colour.parse_hex(palette.background)
    ratios = colour.contrast_ratio(texts, [background] * len(texts))
    apca = colour.apca_contrast(texts, [background] * len(texts))
    rows = []
    for (role, label), value, ratio, lc in zip(_CONTRAST_ROLES, hexes, ratios, apca, strict=True):
        ratio, lc = float(ratio), abs(float(lc))
        rows.append(
            {
                "role": role,
                "label": label,
                "hex": value,
                "ratio": ratio,
                "aa": ratio >= WCAG_AA,
                "aaa": ratio >= WCAG_AAA,
                "apca": lc,
                "apca_level": "body"
                if lc >= APCA_BODY
                else "content"
                if lc >= APCA_CONTENT
                else "low",
            }
        )
    return rows


def _format_groups() -> list[tuple[str, list[exporters.Format]]]:
    groups: dict[str, list[exporters.Format]] = {}
    for fmt in exporters.FORMATS.values():
        groups.setdefault(fmt.group, []).append(fmt)
    return list(groups.items())


@require_GET
def theme_page(request: HttpRequest, key: str) -> HttpResponse:
    """A theme anyone can open from its key: preview, colours, contrast, figures, exports."""
    theme = theme_from_key(key)
    if key != theme.key:
        return redirect("theme", key=theme.key, permanent=True)
    lang = language_or_default(request.GET.get("lang"))
    palette = derive(theme)
    context = {
        "theme": theme,
        "lang": lang,
        "languages": LANGUAGES.values(),
        "palette_rows": [
            (_PALETTE_LABELS[name], getattr(palette, name)) for name in _PALETTE_LABELS
        ],
        "terminal": palette.terminal(),
        "contrast_rows": _contrast_rows(palette),
        "figures": selectors.theme_figures(key=theme.key),
        "share_url": request.build_absolute_uri(reverse("theme", args=[theme.key])),
        "image_url": request.build_absolute_uri(reverse("theme-image", args=[theme.key])),
        "format_groups": _format_groups(),
    }
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "ratings/theme.html#preview", context)
    else:
        response = render(request, "ratings/theme.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def theme_image(request: HttpRequest, key: str) -> HttpResponse:
    """The PNG that links to the theme unfurl with; rendered once per theme, then cached."""
    theme = theme_from_key(key)
    cache_key = f"ratings:share-png:v1:{theme.key}"
    png = cache.get(cache_key)
    if png is None:
        png = share_image.render_png(theme)
        cache.set(cache_key, png, SHARE_IMAGE_MAX_AGE)
    response = HttpResponse(png, content_type="image/png")
    patch_cache_control(response, public=True, max_age=SHARE_IMAGE_MAX_AGE)
    return response


# --- explore ----------------------------------------------------------------------

EXPLORE_PAGE_SIZE = 24
# Swatches for the hue filter: a representative colour of each family.
_HUE_CHIPS = {
    "red": "#e5534b",
    "orange": "#f0883e",
    "yellow": "#e3c44a",
    "green": "#57ab5a",
    "cyan": "#39c5cf",
    "blue": "#539bf5",
    "purple": "#986ee2",
    "pink": "#e275ad",
    "neutral": "#8b949e",
}


@require_GET
def explore(request: HttpRequest) -> HttpResponse:
    """What the community likes: most favourited, best rated, newest; filters and colour search.

    A bad filter value answers 400 with the form's error, not an empty list.
    """
    form = ExploreForm(request.GET)
    valid = form.is_valid()
    # Fields that did clean keep their values in the tabs and the form even beside an error.
    cleaned = form.cleaned_data
    context = {
        "form": form,
        "hue_chips": _HUE_CHIPS,
        "sort": cleaned.get("sort") or "favourited",
        "period": cleaned.get("period") or "week",
        "page": None,
    }
    if not valid:
        return render(request, "ratings/explore.html", context, status=400)
    filters = form.filters()
    paginator = Paginator(selectors.explore_themes(**filters), EXPLORE_PAGE_SIZE)
    context.update(
        page=paginator.get_page(request.GET.get("page")),
        total=paginator.count,
        near=cleaned["near"],
        filtered=bool(filters["hue"] or filters["min_contrast"] or filters["near"]),
    )
    return render(request, "ratings/explore.html", context)
