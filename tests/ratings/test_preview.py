from __future__ import annotations

import re

import pytest

from ratings.preview import DEFAULT_LANGUAGE, EXCERPT_START, LANGUAGES, code_lines

_OUR_TAG = re.compile(r'<span class="tok-[a-z]+">|</span>')


def _spans(role: str, lines) -> list[str]:
    html = "\n".join(line for _, line in lines)
    return re.findall(rf'<span class="tok-{role}">([^<]*)</span>', html)


@pytest.mark.parametrize("slug", list(LANGUAGES))
def test_code_lines_numbers_every_line_of_the_sample(slug):
    lines = code_lines(slug)

    assert [number for number, _ in lines] == list(range(1, len(lines) + 1))
    assert len(lines) == len(LANGUAGES[slug].sample.rstrip("\n").split("\n"))


@pytest.mark.parametrize("slug", list(LANGUAGES))
def test_code_lines_text_without_tags_is_the_sample(slug):
    lines = code_lines(slug)

    text = "\n".join(_OUR_TAG.sub("", line) for _, line in lines)

    unescaped = (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
    )
    assert unescaped == LANGUAGES[slug].sample.rstrip("\n")


def test_code_lines_python_keywords_strings_functions_and_comments_get_roles():
    lines = code_lines("python")

    assert "def" in _spans("keyword", lines)
    assert "&quot;stars&quot;" in _spans("string", lines)
    assert "best_themes" in _spans("function", lines)
    assert "# Load the saved votes and keep the best ones." in _spans("comment", lines)
    assert "20" in _spans("constant", lines)


def test_code_lines_python_definition_line():
    number, line = code_lines("python")[4]

    assert number == 5
    assert line.startswith(
        '<span class="tok-keyword">def</span> <span class="tok-function">best_themes</span>'
    )


def test_code_lines_javascript_calls_are_coloured_like_functions():
    lines = code_lines("javascript")

    assert "topThemes" in _spans("function", lines)
    assert "train" in _spans("function", lines)
    assert "&quot;./brain.js&quot;" in _spans("string", lines)
    assert "// Score random themes with the trained network." in _spans("comment", lines)


def test_code_lines_html_tags_are_functions_and_markup_is_escaped():
    lines = code_lines("html")

    html = "\n".join(line for _, line in lines)

    assert "section" in _spans("function", lines)
    assert "&lt;" in _spans("keyword", lines)
    assert "&lt;!-- Top picks, refreshed after every vote --&gt;" in _spans("comment", lines)
    assert "<" not in _OUR_TAG.sub("", html)
    assert ">" not in _OUR_TAG.sub("", html)


def test_code_lines_unknown_language_falls_back_to_the_default():
    assert code_lines("cobol") == code_lines(DEFAULT_LANGUAGE)
    assert code_lines(None) == code_lines(DEFAULT_LANGUAGE)


def test_code_lines_excerpt_starts_past_the_imports():
    lines = code_lines("python", limit=6)

    assert [number for number, _ in lines] == [4, 5, 6, 7, 8, 9]
    assert lines == code_lines("python")[EXCERPT_START : EXCERPT_START + 6]


def test_code_lines_excerpt_near_the_end_still_has_the_requested_length():
    total = len(code_lines("python"))

    lines = code_lines("python", limit=total - 1)

    assert [number for number, _ in lines] == list(range(2, total + 1))


@pytest.mark.parametrize("slug", list(LANGUAGES))
def test_code_lines_excerpt_longer_than_the_sample_gives_the_whole_sample(slug):
    lines = code_lines(slug, limit=100)

    assert lines == code_lines(slug)
