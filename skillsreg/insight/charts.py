"""Server-rendered SVG charts that read without colour: patterns, outlines and text labels.

Each chart is drawn in a 300-unit wide viewBox and scales to its container, so it fits a
320 px screen. The page puts a table of the same numbers next to every chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 300
INK = "#0b0c0c"

# Three fills told apart by pattern, not hue: diagonal hatching, solid, dots.
PATTERNS = {
    "hatch": (
        '<pattern id="{id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#0b0c0c" stroke-width="3"/></pattern>'
    ),
    "solid": "",
    "dots": (
        '<pattern id="{id}-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" fill="#ffffff"/>'
        '<circle cx="3" cy="3" r="1.4" fill="#0b0c0c"/></pattern>'
    ),
}


def _fill(chart_id: str, pattern: str) -> str:
    return "#505a5f" if pattern == "solid" else f"url(#{chart_id}-{pattern})"


@dataclass(frozen=True)
class Segment:
    """A part of a 100% bar: its label, share (percent) and pattern."""

    label: str
    percent: int | None
    pattern: str


def _open(chart_id: str, height: int, title: str, description: str) -> list[str]:
    return [
        # Full width on a phone, two thirds of the column from a tablet up (GOV.UK classes).
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart govuk-!-width-two-thirds" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" role="img" focusable="false" '
        'font-family="GDS Transport, arial, sans-serif" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        "<defs>" + "".join(p.format(id=chart_id) for p in PATTERNS.values()) + "</defs>",
    ]


def _legend(chart_id: str, items: Sequence[tuple[str, str]], y: int) -> list[str]:
    parts = []
    for i, (label, pattern) in enumerate(items):
        x = i * 100
        parts.append(
            f'<rect x="{x}" y="{y}" width="14" height="14" fill="{_fill(chart_id, pattern)}" '
            f'stroke="{INK}"/><text x="{x + 19}" y="{y + 12}" font-size="12" '
            f'fill="{INK}">{escape(label)}</text>'
        )
    return parts


def share_chart(chart_id: str, title: str, rows: Sequence[tuple[str, Sequence[Segment]]]) -> Markup:
    """Stacked 100% bars, one per row, each part patterned and labelled with its percentage."""
    row_height = 40
    legend = [(s.label, s.pattern) for s in rows[0][1]] if rows else []
    height = 24 + row_height * len(rows)
    parts = _open(
        chart_id,
        height,
        title,
        "Bars of percentages; the table next to this chart gives the same numbers.",
    )
    parts += _legend(chart_id, legend, 2)
    for index, (label, segments) in enumerate(rows):
        y = 24 + index * row_height
        parts.append(f'<text x="0" y="{y + 12}" font-size="12" fill="{INK}">{escape(label)}</text>')
        if any(s.percent is None for s in segments):
            parts.append(
                f'<text x="0" y="{y + 30}" font-size="12" fill="{INK}">'
                "Hidden: too few people</text>"
            )
            continue
        x = 0.0
        for segment in segments:
            width = WIDTH * (segment.percent or 0) / 100
            if width <= 0:
                continue
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 16}" width="{width:.1f}" height="18" '
                f'fill="{_fill(chart_id, segment.pattern)}" stroke="{INK}">'
                f"<title>{escape(segment.label)}: {segment.percent}%</title></rect>"
            )
            if width >= 34:
                parts.append(
                    f'<rect x="{x + 2:.1f}" y="{y + 19}" width="30" height="12" fill="#ffffff"/>'
                    f'<text x="{x + 4:.1f}" y="{y + 29}" font-size="11" fill="{INK}">'
                    f"{segment.percent}%</text>"
                )
            x += width
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it is escaped above


def bar_chart(
    chart_id: str, title: str, bars: Sequence[tuple[str, int | None]], *, unit: str = "people"
) -> Markup:
    """Horizontal bars with their label above and their number beside; hidden ones say so."""
    row_height = 34
    height = row_height * max(len(bars), 1) + 4
    largest = max((n or 0 for _, n in bars), default=0) or 1
    parts = _open(
        chart_id,
        height,
        title,
        f"Bars of {unit}; the table next to this chart gives the same numbers.",
    )
    for index, (label, count) in enumerate(bars):
        y = index * row_height
        parts.append(f'<text x="0" y="{y + 12}" font-size="12" fill="{INK}">{escape(label)}</text>')
        if count is None:
            parts.append(
                f'<text x="0" y="{y + 28}" font-size="12" fill="{INK}">'
                "Hidden: too few people</text>"
            )
            continue
        width = (WIDTH - 50) * count / largest
        parts.append(
            f'<rect x="0" y="{y + 16}" width="{width:.1f}" height="14" '
            f'fill="{_fill(chart_id, "hatch")}" stroke="{INK}"/>'
            f'<text x="{width + 4:.1f}" y="{y + 28}" font-size="12" fill="{INK}">{count}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it is escaped above
