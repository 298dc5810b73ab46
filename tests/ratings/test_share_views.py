"""The public theme page /t/<key>/ and its share image."""

from __future__ import annotations

import html
import io
import re

import pytest
from PIL import Image

from ratings import colour, services
from ratings.palette import derive


def _meta(page: str, prop: str) -> str:
    match = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', page)
    return html.unescape(match[1]) if match else ""


def test_theme_page_needs_no_stored_row(client, db, theme):
    response = client.get(f"/t/{theme.key}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert f"<code>{theme.key}</code>" in page
    assert f'aria-label="Python code in theme {theme.key}"' in page


def test_theme_page_shows_the_derived_palette_with_copy_buttons(client, db, theme):
    palette = derive(theme)

    page = client.get(f"/t/{theme.key}/").content.decode()

    for value in (palette.foreground, palette.comment, palette.selection, palette.line_number):
        assert f'data-copy="{value}"' in page
    assert all(f"<code>{value}</code>" in page for value in palette.ansi)


def test_theme_page_contrast_badges(client, db):
    # White keywords on black pass everything; dark grey strings fail everything.
    key = "000000-ffffff-333333-777777"
    page = client.get(f"/t/{key}/").content.decode()
    table = page[page.index('class="contrast-table"') : page.index("</table>")]
    keyword_row = table[table.index("Keywords") : table.index("</tr>", table.index("Keywords"))]
    string_row = table[table.index("Strings") : table.index("</tr>", table.index("Strings"))]
    lc_white = abs(float(colour.apca_contrast((255, 255, 255), (0, 0, 0))))

    assert "21.00:1" in keyword_row
    assert re.findall(r"badge--(pass|fail)", keyword_row) == ["pass", "pass", "pass"]
    assert f"Lc {round(lc_white)}" in keyword_row
    assert "1.66:1" in string_row
    assert re.findall(r"badge--(pass|fail)", string_row) == ["fail", "fail", "fail"]


def test_theme_page_community_figures(client, user, other_user, theme):
    services.rating_set(user=user, theme=theme, stars=5)
    services.rating_set(user=other_user, theme=theme, stars=2)
    services.favourite_toggle(user=user, theme=theme, favourite=True)

    page = client.get(f"/t/{theme.key}/").content.decode()

    figures = re.sub(r"\s+", " ", page[page.index('class="figures"') : page.index("</section>")])
    assert "<strong>2</strong> ratings" in figures
    assert "<strong>3.5 ★</strong> average" in figures
    assert "<strong>1</strong> favourite<" in figures


def test_theme_page_open_graph_tags(client, db, theme):
    page = client.get(f"/t/{theme.key}/").content.decode()

    assert _meta(page, "og:url") == f"http://testserver/t/{theme.key}/"
    assert _meta(page, "og:image") == f"http://testserver/t/{theme.key}/preview.png"
    assert _meta(page, "og:image:type") == "image/png"
    assert _meta(page, "twitter:card") == "summary_large_image"
    assert theme.key in _meta(page, "og:title")
    assert f'value="http://testserver/t/{theme.key}/" readonly' in page


def test_theme_page_lists_every_export(client, db, theme):
    from ratings.exporters import FORMATS

    page = client.get(f"/t/{theme.key}/").content.decode()

    links = re.findall(rf'href="/t/{theme.key}/export/([a-z0-9-]+)/" download', page)
    assert links == list(FORMATS)


def test_theme_page_heart_for_anonymous_people_links_to_login(client, db, theme):
    page = client.get(f"/t/{theme.key}/").content.decode()

    assert f'href="/accounts/login/?next=/t/{theme.key}/"' in page
    assert "favourite-toggle" not in page


def test_theme_page_heart_for_a_person_shows_their_state(user_client, user, theme):
    services.favourite_toggle(user=user, theme=theme, favourite=True)

    page = user_client.get(f"/t/{theme.key}/").content.decode()

    assert 'aria-pressed="true"' in page


def test_theme_page_htmx_language_switch_returns_the_preview(client, db, theme, htmx_headers):
    response = client.get(f"/t/{theme.key}/?lang=rust", **htmx_headers)

    page = response.content.decode()
    assert page.lstrip().startswith('<section id="theme-preview"')
    assert "<html" not in page
    assert f'aria-label="Rust code in theme {theme.key}"' in page


def test_theme_page_plain_language_switch_returns_the_page(client, db, theme):
    page = client.get(f"/t/{theme.key}/?lang=html").content.decode()

    assert "<html" in page
    assert f'aria-label="HTML code in theme {theme.key}"' in page


def test_theme_page_uppercase_key_redirects_to_the_canonical_one(client, db, theme):
    response = client.get(f"/t/{theme.key.upper()}/")

    assert response.status_code == 301
    assert response["Location"] == f"/t/{theme.key}/"


@pytest.mark.parametrize(
    "key", ["nope", "1e1e2e-f38ba8-a6e3a1", "1e1e2e-f38ba8-a6e3a1-89b4fg", "x" * 300]
)
def test_theme_page_malformed_key_is_404(client, db, key):
    response = client.get(f"/t/{key}/")

    assert response.status_code == 404


@pytest.mark.parametrize("rows", [0, 3])
def test_theme_page_query_count_is_flat(client, make_user, theme, rows, django_assert_num_queries):
    for index in range(rows):
        person = make_user(f"person{index}")
        services.rating_set(user=person, theme=theme, stars=3)
        services.favourite_toggle(user=person, theme=theme, favourite=True)

    # the figures, in one query (anonymous: no session, no heart states)
    with django_assert_num_queries(1):
        client.get(f"/t/{theme.key}/")


# --- the share image --------------------------------------------------------------


def test_theme_image_is_a_1200_by_630_png_in_the_themes_colours(client, db, theme):
    response = client.get(f"/t/{theme.key}/preview.png")

    image = Image.open(io.BytesIO(response.content))
    colours = {colour.to_hex(rgb) for _, rgb in image.convert("RGB").getcolors(1_000_000)}
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert image.format == "PNG"
    assert image.size == (1200, 630)
    assert {theme.background, theme.color1, theme.color2, theme.color3} <= colours
    assert "public" in response["Cache-Control"]


def test_theme_image_is_cached(client, db, theme, monkeypatch):
    from ratings import share_image

    first = client.get(f"/t/{theme.key}/preview.png").content
    monkeypatch.setattr(share_image, "render_png", lambda theme: b"not rendered again")

    second = client.get(f"/t/{theme.key}/preview.png").content

    assert second == first


def test_theme_image_malformed_key_is_404(client, db):
    response = client.get("/t/zzz/preview.png")

    assert response.status_code == 404
