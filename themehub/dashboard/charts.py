"""Charts drawn on the server as inline SVG: no JavaScript, no chart library, no CDN.

Each chart is an `<svg role="img">` with a `<title>` and a `<desc>` that states the
figures in words; the page also shows each chart's data as a table. The unit and the
legend sit in a band above the plot, so they never cover a bar or a line.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 236
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 32, 30
INNER_W, INNER_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
# Above this many labels (days), only every LABEL_EVERY-th is written, counted from the last.
MAX_LABELS = 12
LABEL_EVERY = 7
# Series colours: blue, yellow; "danger" red for failures (chosen by the caller).
BLUE, YELLOW, RED = "#8ab4ff", "#f7c948", "#ff7b7b"
_COLOURS = (BLUE, YELLOW, "#7ee2a8", RED)


@dataclass(frozen=True)
class Line:
    """One series: a line of a line chart, or one layer of a stacked bar chart."""

    name: str
    values: Sequence[float | None]
    colour: str | None = None


@dataclass(frozen=True)
class Axis:
    """The value axis: from 0 to `top` in steps of `step`."""

    top: float
    step: float

    @property
    def ticks(self) -> list[float]:
        return [self.step * index for index in range(round(self.top / self.step) + 1)]

    def label(self, value: float) -> str:
        decimals = max(0, -math.floor(math.log10(self.step))) if self.step < 1 else 0
        return f"{value:,.{decimals}f}"

    def y(self, value: float) -> float:
        return TOP + INNER_H * (1 - value / self.top)


def axis(highest: float, *, integers: bool = False, intervals: int = 4) -> Axis:
    """A step of 1, 2 or 5 times a power of ten giving about `intervals` gridlines up to
    `highest`; whole numbers only for counts (no "2.5 sign-ups")."""
    if highest <= 0:
        return Axis(top=float(intervals) if integers else 1.0, step=1.0 if integers else 0.25)
    raw = highest / intervals
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    if integers:
        step = max(step, 1)
    return Axis(top=step * math.ceil(highest / step - 1e-9), step=float(step))


def _f(value: float) -> str:
    return f"{value:.1f}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def _x(index: int, count: int) -> float:
    return LEFT + INNER_W / max(count, 1) * (index + 0.5)


def _shown(count: int) -> set[int]:
    if count <= MAX_LABELS:
        return set(range(count))
    return set(range(count - 1, -1, -LABEL_EVERY))


def _frame(scale: Axis, labels: Sequence[str], unit: str) -> SafeString:
    grid = format_html_join(
        "",
        '<line x1="{0}" x2="{1}" y1="{2}" y2="{2}" class="chart-grid"/>'
        '<text x="{3}" y="{4}" class="chart-axis" text-anchor="end">{5}</text>',
        (
            (LEFT, WIDTH - RIGHT, _f(scale.y(v)), LEFT - 6, _f(scale.y(v) + 4), scale.label(v))
            for v in scale.ticks
        ),
    )
    shown = _shown(len(labels))
    ticks = format_html_join(
        "",
        '<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" class="chart-tick"/>'
        '<text x="{3}" y="{5}" class="chart-axis" text-anchor="{4}">{6}</text>',
        (
            (
                _f(x),
                TOP + INNER_H,
                TOP + INNER_H + 4,
                *((_f(WIDTH - 2), "end") if x + 24 > WIDTH else (_f(x), "middle")),
                HEIGHT - 9,
                label,
            )
            for x, label in ((_x(i, len(labels)), labels[i]) for i in sorted(shown))
        ),
    )
    caption = format_html('<text x="4" y="17" class="chart-unit">{}</text>', unit)
    return grid + ticks + caption


def _legend(series: Sequence[Line]) -> SafeString:
    """Swatches and names from the right edge leftwards, in the band above the plot."""
    parts, right = [], WIDTH - RIGHT
    for line in reversed(series):
        # About 7.5 px a character at the legend's 13 px.
        width = 7.5 * len(line.name)
        parts.append(
            format_html(
                '<rect x="{}" y="7" width="11" height="11" rx="2" fill="{}"/>'
                '<text x="{}" y="17" class="chart-legend">{}</text>',
                _f(right - width - 14),
                line.colour,
                _f(right - width),
                line.name,
            )
        )
        right -= width + 26
    return format_html_join("", "{}", ((part,) for part in reversed(parts)))


def _empty(message: str) -> SafeString:
    return format_html(
        '<text x="{}" y="{}" class="chart-empty" text-anchor="middle">{}</text>',
        _f(LEFT + INNER_W / 2),
        _f(TOP + INNER_H / 2),
        message,
    )


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


def _coloured(series: Sequence[Line]) -> list[Line]:
    return [
        Line(line.name, line.values, line.colour or _COLOURS[number % len(_COLOURS)])
        for number, line in enumerate(series)
    ]


def _describe(labels: Sequence[str], series: Sequence[Line], unit: str) -> str:
    if not any(value for line in series for value in line.values):
        return f"No {unit} from {labels[0]} to {labels[-1]}." if labels else f"No {unit}."
    totals = [sum(value or 0 for value in line.values) for line in series]
    stacked = [sum(values) for values in zip(*(line.values for line in series), strict=True)]
    high = max(range(len(labels)), key=lambda index: stacked[index])
    parts = ", ".join(
        f"{_number(total)} {line.name}" if len(series) > 1 else f"{_number(total)} {unit}"
        for line, total in zip(series, totals, strict=True)
    )
    return (
        f"{len(labels)} bars from {labels[0]} to {labels[-1]}: {parts} in all, "
        f"the most on {labels[high]} ({_number(stacked[high])})."
    )


def bar_chart(
    *,
    ident: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float] | None = None,
    series: Sequence[Line] | None = None,
    unit: str,
    empty: str | None = None,
) -> SafeString:
    """Vertical bars, one per label, on an axis from zero; whole-number ticks.

    Either `values` (one series) or `series` (stacked from the bottom, with a legend).
    `empty` is written across the plot when every value is zero.
    """
    layers = _coloured(series if series is not None else [Line(unit, values or [])])
    stacked = [sum(column) for column in zip(*(line.values for line in layers), strict=True)]
    scale = axis(max(stacked, default=0), integers=True)
    step = INNER_W / max(len(labels), 1)
    bars = []
    for index, label in enumerate(labels):
        base = 0.0
        for line in layers:
            value = line.values[index]
            if value:
                tip = f"{label}: {_number(value)} {line.name if len(layers) > 1 else unit}"
                bars.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" class="chart-bar">'
                        "<title>{}</title></rect>",
                        _f(LEFT + step * index + step * 0.15),
                        _f(scale.y(base + value)),
                        _f(step * 0.7),
                        _f(INNER_H * value / scale.top),
                        line.colour,
                        tip,
                    )
                )
            base += value or 0
    body = _frame(scale, labels, unit) + mark_safe("".join(bars))
    if len(layers) > 1:
        body += _legend(layers)
    if not any(stacked):
        body += _empty(empty or f"No {unit} in this period.")
    return _svg(title, _describe(labels, layers, unit), body, ident)


def line_chart(
    *,
    ident: str,
    title: str,
    labels: Sequence[str],
    lines: Sequence[Line],
    unit: str,
    empty: str | None = None,
) -> SafeString:
    """One line per series with a dot on every day that has a value; a None value
    (nothing that day) breaks the line. `empty` is written across an empty plot."""
    lines = _coloured(lines)
    present = [value for line in lines for value in line.values if value is not None]
    scale = axis(max(present, default=0))
    parts = [_frame(scale, labels, unit)]
    for line in lines:
        points = _points(line.values, len(labels), scale)
        # Consecutive days are joined; a day without a value starts a new run.
        runs: list[list[tuple[int, str, str, float]]] = []
        for point in points:
            if runs and runs[-1][-1][0] == point[0] - 1:
                runs[-1].append(point)
            else:
                runs.append([point])
        for run in runs:
            if len(run) > 1:
                parts.append(
                    format_html(
                        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>',
                        " ".join(f"{x},{y}" for _, x, y, _ in run),
                        line.colour,
                    )
                )
        parts.append(
            format_html_join(
                "",
                '<circle cx="{}" cy="{}" r="3" fill="{}"><title>{}</title></circle>',
                (
                    (x, y, line.colour, f"{labels[index]}: {_number(value)} {unit} ({line.name})")
                    for index, x, y, value in points
                ),
            )
        )
    parts.append(_legend(lines))
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
        parts.append(_empty(empty or "No data in this period."))
    return _svg(title, desc, format_html_join("", "{}", ((part,) for part in parts)), ident)


def _points(values: Sequence[float | None], count: int, scale: Axis):
    """(day index, x, y, value) of every day with a value, in the chart's coordinates."""
    return [
        (index, _f(_x(index, count)), _f(scale.y(value)), value)
        for index, value in enumerate(values)
        if value is not None
    ]


def day_labels(days: Sequence[dt.date]) -> list[str]:
    return [day.strftime("%d %b") for day in days]
