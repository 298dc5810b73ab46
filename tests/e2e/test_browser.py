"""End to end in a real browser: Playwright for Python driving Debian's Chromium.

The browser is the machine's /usr/bin/chromium (`make test` installs it with apt-get);
Playwright never downloads one. The site is pytest-django's `live_server`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from accounts.models import User
from ratings.models import Rating
from ratings.services import rating_set
from ratings.themes import ThemeColours
from tests.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling out to Google's hosts,
# which this sandboxed network refuses; --no-sandbox because CI runs as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) "
        "to run the browser tests; `make test` does so when run as root.",
    ),
]


def _stars_label(stars: int) -> str:
    return f"{stars} star{'s' if stars > 1 else ''}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Playwright's sync API runs an asyncio loop in this thread, so Django's async-safety
    # check would refuse the ORM calls of the tests and of the database teardown. Only
    # while the browser is up: the rest of the suite keeps the check.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield browser
            browser.close()


@pytest.fixture
def page(browser: Browser, live_server, transactional_db) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def _sign_up(page: Page, username: str) -> None:
    page.goto("/accounts/signup/")
    page.fill("input[name=username]", username)
    page.fill("input[name=email]", f"{username}@example.com")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("main form").get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/rate/")


def _log_in(page: Page, user: User) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form").get_by_role("button", name="Log in").click()
    page.wait_for_url("**/rate/")


def _rate_shown_theme(page: Page, stars: int, *, keyboard: bool = False) -> str:
    """Give the theme on the rate page `stars`, wait for htmx to swap in the next one.

    Returns the rated theme's key. With `keyboard`, Tab from the first star to the
    chosen one and press Enter: no pointer at all.
    """
    form = page.locator("form.rate-form")
    key = form.locator("input[name=key]").input_value()
    assert form.get_attribute("data-theme") == key
    button = form.get_by_role("button", name=_stars_label(stars), exact=True)
    if keyboard:
        form.get_by_role("button", name=_stars_label(1), exact=True).focus()
        for _ in range(stars - 1):
            page.keyboard.press("Tab")
        expect(button).to_be_focused()
        page.keyboard.press("Enter")
    else:
        button.click()
    expect(form.locator("input[name=key]")).not_to_have_value(key)
    last = page.locator(".last-rating")
    expect(last).to_contain_text(f"You gave {_stars_label(stars)}.")
    expect(last.locator(".mini-swatches")).to_have_attribute("aria-label", f"theme {key}")
    return key


def _history_row(page: Page, key: str):
    swatches = page.locator(f'ul.swatches[aria-label="Colours of theme {key}"]')
    return page.locator("li.history-row").filter(has=swatches)


def test_rate_page_ratings_show_in_history_with_their_stars(page: Page):
    _sign_up(page, "newcomer")
    page.evaluate("window.themehubLoaded = true")

    rated = {
        _rate_shown_theme(page, 5): 5,
        _rate_shown_theme(page, 2): 2,
        _rate_shown_theme(page, 4, keyboard=True): 4,
    }

    # htmx swapped the card each time: still the page the sign-up landed on.
    assert page.evaluate("window.themehubLoaded") is True
    assert len(rated) == 3
    page.goto("/history/")
    expect(page.locator("#rating-count")).to_have_text("3")
    expect(page.locator("li.history-row")).to_have_count(3)
    for key, stars in rated.items():
        row = _history_row(page, key)
        expect(row).to_have_count(1)
        expect(row).to_have_id(f"rating-{Rating.objects.get(theme__key=key).pk}")
        pressed = row.locator('.history-stars button[aria-pressed="true"]')
        expect(pressed).to_have_count(1)
        expect(pressed).to_have_attribute("aria-label", _stars_label(stars))
        expect(pressed).to_have_attribute("value", str(stars))


def test_history_delete_removes_the_row_without_reload(page: Page, make_user):
    user = make_user("deleter")
    keys = [
        "1e1e2e-f38ba8-a6e3a1-89b4fa",
        "282a36-ff79c6-f1fa8c-50fa7b",
        "002b36-cb4b16-859900-268bd2",
    ]
    for stars, key in enumerate(keys, start=3):
        rating_set(user=user, theme=ThemeColours.from_key(key), stars=stars)
    gone = Rating.objects.get(user=user, theme__key=keys[1])
    _log_in(page, user)
    page.goto("/history/")
    expect(page.locator("#rating-count")).to_have_text("3")
    page.evaluate("window.themehubLoaded = true")

    page.locator(f"#rating-{gone.pk}").get_by_role("button", name="Delete").click()

    expect(page.locator(f"#rating-{gone.pk}")).to_have_count(0)
    expect(page.locator("#rating-count")).to_have_text("2")
    expect(page.locator("li.history-row")).to_have_count(2)
    assert page.evaluate("window.themehubLoaded") is True
    assert list(
        Rating.objects.filter(user=user).values_list("theme__key", flat=True).order_by("stars")
    ) == [
        keys[0],
        keys[2],
    ]
