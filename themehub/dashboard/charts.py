"""Charts drawn on the server as inline SVG: no JavaScript, no chart library, no CDN.

Each chart is an `<svg role="img">` with a `<title>` and a `<desc>` that states the
figures in words; the page also shows each chart's data as a table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 28
_COLOURS = ("#8ab4ff", "#f7c948", "#7ee2a8", "#ff7b7b")


@dataclass(frozen=True)
class Line:
    name: str
    values: Sequence[float | None]


def _nice_max(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times 10^k that is >= value (at least 1)."""
    if value <= 1:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return float(step * magnitude)
    return float(10 * magnitude)  # pragma: no cover


def _f(value: float) -> str:
    return f"{value:.1f}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.2f}"


def _frame(top: float, labels: Sequence[str], unit: str) -> SafeString:
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    grid = format_html_join(
        "",
        '<line x1="{0}" x2="{1}" y1="{2}" y2="{2}" class="chart-grid"/>'
        '<text x="{3}" y="{4}" class="chart-axis" text-anchor="end">{5}</text>',
        (
            (
                LEFT,
                WIDTH - RIGHT,
                _f(TOP + inner_h * (1 - fraction)),
                LEFT - 6,
                _f(TOP + inner_h * (1 - fraction) + 4),
                _number(top * fraction),
            )
            for fraction in (0, 0.5, 1)
        ),
    )
    step = inner_w / max(len(labels), 1)
    # First, middle and last labels only: 30 dates would not fit.
    shown = {0, len(labels) // 2, len(labels) - 1} if labels else set()
    ticks = format_html_join(
        "",
        '<text x="{0}" y="{1}" class="chart-axis" text-anchor="middle">{2}</text>',
        (
            (_f(LEFT + step * (index + 0.5)), HEIGHT - 8, label)
            for index, label in enumerate(labels)
            if index in shown
        ),
    )
    caption = format_html(
        '<text x="{}" y="{}" class="chart-axis" text-anchor="start">{}</text>', 2, TOP + 4, unit
    )
    return grid + ticks + caption


def _svg(title: str, desc: str, body: SafeString, ident: str) -> SafeString:
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH,
        HEIGHT,
        ident,
        ident,
        ident,
        title,
        ident,
        desc,
        body,
    )


def _describe(labels: Sequence[str], values: Sequence[float | None], unit: str) -> str:
    present = [(label, value) for label, value in zip(labels, values, strict=True) if value]
    if not present:
        return f"No {unit} in this period."
    total = sum(value for _, value in present)
    high_label, high = max(present, key=lambda item: item[1])
    return (
        f"{len(labels)} bars from {labels[0]} to {labels[-1]}: {_number(total)} {unit} in all, "
        f"the most on {high_label} ({_number(high)})."
    )


def bar_chart(
    *, ident: str, title: str, labels: Sequence[str], values: Sequence[float], unit: str
) -> SafeString:
    """Vertical bars, one per label, on an axis from zero."""
    top = _nice_max(max(values, default=0))
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / max(len(values), 1)
    bars = format_html_join(
        "",
        '<rect x="{0}" y="{1}" width="{2}" height="{3}" class="chart-bar">'
        "<title>{4}: {5}</title></rect>",
        (
            (
                _f(LEFT + step * index + step * 0.15),
                _f(TOP + inner_h - inner_h * value / top),
                _f(step * 0.7),
                _f(inner_h * value / top),
                label,
                _number(value),
            )
            for index, (label, value) in enumerate(zip(labels, values, strict=True))
        ),
    )
    body = _frame(top, labels, unit) + bars
    return _svg(title, _describe(labels, values, unit), body, ident)


def line_chart(*, ident: str, title: str, labels: Sequence[str], lines: Sequence[Line], unit: str):
    """One polyline per series; a None value breaks the line (no data that day)."""
    present = [value for line in lines for value in line.values if value is not None]
    top = _nice_max(max(present, default=0))
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / max(len(labels), 1)
    parts = [_frame(top, labels, unit)]
    for number, line in enumerate(lines):
        colour = _COLOURS[number % len(_COLOURS)]
        runs: list[list[tuple[float, float]]] = [[]]
        for index, value in enumerate(line.values):
            if value is None:
                runs.append([])
                continue
            runs[-1].append(
                (_f(LEFT + step * (index + 0.5)), _f(TOP + inner_h - inner_h * value / top))
            )
        for run in runs:
            if len(run) == 1:
                parts.append(
                    format_html('<circle cx="{}" cy="{}" r="3" fill="{}"/>', *run[0], colour)
                )
            elif run:
                points = " ".join(f"{x},{y}" for x, y in run)
                parts.append(
                    format_html(
                        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>',
                        points,
                        colour,
                    )
                )
        parts.append(
            format_html(
                '<text x="{}" y="{}" fill="{}" class="chart-legend" text-anchor="end">{}</text>',
                WIDTH - RIGHT,
                TOP + 4 + 14 * number,
                colour,
                line.name,
            )
        )
    if present:
        desc = "; ".join(
            f"{line.name}: "
            + (
                f"from {_number(min(v for v in line.values if v is not None))} "
                f"to {_number(max(v for v in line.values if v is not None))} {unit}"
                if any(v is not None for v in line.values)
                else "no data"
            )
            for line in lines
        )
        desc = f"{len(labels)} days from {labels[0]} to {labels[-1]}. {desc}."
    else:
        desc = f"No data from {labels[0]} to {labels[-1]}." if labels else "No data."
    return _svg(title, desc, format_html_join("", "{}", ((part,) for part in parts)), ident)


def day_labels(days: Sequence[dt.date]) -> list[str]:
    return [day.strftime("%d %b") for day in days]
