"""Bar charts as self-contained SVG text, for the back office's pages: pure functions.

Each chart is one `<svg>` element a page can put inline: no script, no style sheet, no
external reference. It is readable without seeing it: `role="img"` with a `<title>` and a
`<desc>` summing the series up, and every bar has its own `<title>` (category, series,
value), which browsers also show on hover. Text and axes are drawn in `currentColor`, so
they follow the page's colour; the series colours are the Okabe-Ito palette, told apart
by people with the common colour-vision deficiencies. Every text that comes from the
caller (title, labels, series and category names) is escaped.

`categories` name the bars along the x axis; `series` map a name to one value per
category, in that order. A category label is shown only every so often when there are
too many to fit (every bar still has its title).
"""

import hashlib
import itertools
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

# Okabe & Ito's colour-blind-safe palette, the black left out (it is the text's colour).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
WIDTH, HEIGHT = 860, 340
LEFT, TOP, BOTTOM, LEGEND_WIDTH = 78, 44, 40, 190
FONT_SIZE = 12
# About how wide a character of the 12px sans-serif is, to space the category labels.
CHAR_WIDTH = 7
Y_TICKS = 5
LEGEND_LINE = 20
# What XML 1.0 refuses even escaped: control characters other than tab, newline and return.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class _Plot:
    """Where the plot area is and how a value maps onto it."""

    left: float
    top: float
    width: float
    height: float
    low: int
    high: int
    step: int  # between the ticks of the y axis: low and high are multiples of it

    def y(self, value: float) -> float:
        return self.top + self.height * (self.high - value) / (self.high - self.low)


def stacked_bars_svg(
    categories: list[str], series: dict[str, list[int]], title: str, y_label: str
) -> str:
    """One bar per category, the series stacked on it in their order (values >= 0)."""
    _check(categories, series)
    if any(value < 0 for values in series.values() for value in values):
        raise ValueError("a stacked bar chart shows counts: no value may be negative")
    totals = [sum(values[i] for values in series.values()) for i in range(len(categories))]
    plot = _plot(0, max(totals, default=0))
    slot = plot.width / max(len(categories), 1)
    bars: list[str] = []
    for i, category in enumerate(categories):
        base = 0
        for (name, values), colour in zip(series.items(), _colours(), strict=False):
            if values[i]:
                bars.append(
                    _bar(
                        plot,
                        category,
                        name,
                        colour,
                        values[i],
                        x=plot.left + i * slot,
                        width=slot,
                        bottom=base,
                        top=base + values[i],
                    )
                )
            base += values[i]
    return _chart(categories, series, title, y_label, plot, bars, "Stacked bar chart")


def grouped_bars_svg(
    categories: list[str], series: dict[str, list[int]], title: str, y_label: str
) -> str:
    """A group of bars per category, one bar per series side by side (values may be
    negative: a bar then goes down from the zero line)."""
    _check(categories, series)
    values = [value for values in series.values() for value in values]
    plot = _plot(min(0, *values), max(0, *values))  # the zero line is always in view
    slot = plot.width / max(len(categories), 1)
    # A group fills four fifths of its slot: the space between groups tells them apart.
    width = slot * 0.8 / (len(series) or 1)
    bars: list[str] = []
    for i, category in enumerate(categories):
        for j, ((name, values_of), colour) in enumerate(
            zip(series.items(), _colours(), strict=False)
        ):
            value = values_of[i]
            if value:
                bars.append(
                    _bar(
                        plot,
                        category,
                        name,
                        colour,
                        value,
                        x=plot.left + (i + 0.1) * slot + j * width,
                        width=width,
                        bottom=min(0, value),
                        top=max(0, value),
                    )
                )
    return _chart(categories, series, title, y_label, plot, bars, "Grouped bar chart")


def _check(categories: Sequence[str], series: dict[str, list[int]]) -> None:
    for name, values in series.items():
        if len(values) != len(categories):
            raise ValueError(
                f"series {name!r} has {len(values)} values for {len(categories)} categories"
            )


def _colours() -> Iterator[str]:
    return itertools.cycle(PALETTE)


def _plot(low: int, high: int) -> _Plot:
    step = _nice_step(max(high - low, 1) / Y_TICKS)
    low = math.floor(low / step) * step
    high = max(math.ceil(high / step) * step, low + step)
    return _Plot(
        left=LEFT,
        top=TOP,
        width=WIDTH - LEFT - LEGEND_WIDTH,
        height=HEIGHT - TOP - BOTTOM,
        low=low,
        high=high,
        step=step,
    )


def _nice_step(rough: float) -> int:
    """The smallest of 1, 2, 5 times a power of ten at least `rough` (an integer: the
    values are counts and minor units)."""
    power = 10 ** max(math.floor(math.log10(rough)), 0)
    for multiple in (1, 2, 5, 10):
        if multiple * power >= rough:
            return int(multiple * power)
    return int(10 * power)


def _bar(
    plot: _Plot,
    category: str,
    name: str,
    colour: str,
    value: int,
    *,
    x: float,
    width: float,
    bottom: float,
    top: float,
) -> str:
    y_top, y_bottom = plot.y(top), plot.y(bottom)
    # A hair's gap between neighbours, unless the bars are too thin to spare it.
    gap = 1.0 if width > 4 else 0.0
    label = f"{category}, {name}: {value:,}"
    return (
        f'<rect class="bar" data-category={_attr(category)} data-series={_attr(name)}'
        f' data-value="{value}" x="{x + gap / 2:.2f}" y="{y_top:.2f}"'
        f' width="{max(width - gap, 0.5):.2f}" height="{max(y_bottom - y_top, 0.5):.2f}"'
        f' fill="{colour}"><title>{_text(label)}</title></rect>'
    )


def _chart(
    categories: Sequence[str],
    series: dict[str, list[int]],
    title: str,
    y_label: str,
    plot: _Plot,
    bars: list[str],
    kind: str,
) -> str:
    ident = (
        "chart-"
        + hashlib.sha256(
            repr((title, y_label, list(categories), sorted(series.items()))).encode()
        ).hexdigest()[:10]
    )
    # Taller than the plot when the legend needs it (many error codes, many providers).
    height = max(HEIGHT, TOP + len(series) * LEGEND_LINE + 10)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"'
        f' aria-labelledby="{ident}-title {ident}-desc" viewBox="0 0 {WIDTH} {height}"'
        f' width="{WIDTH}" height="{height}" font-family="sans-serif" font-size="{FONT_SIZE}"'
        f' fill="currentColor">',
        f'<title id="{ident}-title">{_text(title)}</title>',
        f'<desc id="{ident}-desc">{_text(_summary(kind, categories, series, y_label))}</desc>',
        f'<text class="chart-title" x="{LEFT}" y="{TOP / 2 + 4:.0f}" font-size="15"'
        f' font-weight="bold">{_text(title)}</text>',
        *_y_axis(plot, y_label),
        *_x_axis(plot, categories),
        '<g class="bars">',
        *bars,
        "</g>",
        *_legend(plot, series),
    ]
    if not categories:
        parts.append(
            f'<text class="no-data" x="{plot.left + plot.width / 2:.0f}"'
            f' y="{plot.top + plot.height / 2:.0f}" text-anchor="middle">No data</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _summary(
    kind: str, categories: Sequence[str], series: dict[str, list[int]], y_label: str
) -> str:
    if not categories:
        return f"{kind} of {y_label}: no data."
    totals = "; ".join(f"{name}: {sum(values):,} in all" for name, values in series.items())
    span = categories[0] if len(categories) == 1 else f"{categories[0]} to {categories[-1]}"
    return f"{kind} of {y_label}, {len(categories)} bars from {span}. {totals or 'No series'}."


def _y_axis(plot: _Plot, y_label: str) -> list[str]:
    parts = ['<g class="y-axis">']
    for value in range(plot.low, plot.high + 1, plot.step):
        y = plot.y(value)
        # The zero line drawn solid: below it, a grouped chart's negative values.
        opacity = "0.6" if value == 0 else "0.15"
        parts.append(
            f'<line x1="{plot.left}" x2="{plot.left + plot.width}" y1="{y:.2f}" y2="{y:.2f}"'
            f' stroke="currentColor" stroke-opacity="{opacity}"/>'
        )
        parts.append(
            f'<text x="{plot.left - 6}" y="{y + 4:.2f}" text-anchor="end">{value:,}</text>'
        )
    middle = plot.top + plot.height / 2
    parts.append(
        f'<text class="y-label" x="16" y="{middle:.0f}" text-anchor="middle"'
        f' transform="rotate(-90 16 {middle:.0f})">{_text(y_label)}</text>'
    )
    parts.append("</g>")
    return parts


def _x_axis(plot: _Plot, categories: Sequence[str]) -> list[str]:
    parts = ['<g class="x-axis">']
    bottom = plot.top + plot.height
    parts.append(
        f'<line x1="{plot.left}" x2="{plot.left + plot.width}" y1="{bottom}" y2="{bottom}"'
        ' stroke="currentColor" stroke-opacity="0.6"/>'
    )
    if categories:
        slot = plot.width / len(categories)
        label_width = max(len(c) for c in categories) * CHAR_WIDTH + 12
        every = max(1, math.ceil(label_width / slot))
        for i in range(0, len(categories), every):
            x = plot.left + (i + 0.5) * slot
            parts.append(
                f'<text class="category" x="{x:.2f}" y="{bottom + 18}"'
                f' text-anchor="middle">{_text(categories[i])}</text>'
            )
    parts.append("</g>")
    return parts


def _legend(plot: _Plot, series: dict[str, list[int]]) -> list[str]:
    left = plot.left + plot.width + 18
    parts = ['<g class="legend">']
    for i, (name, colour) in enumerate(zip(series, _colours(), strict=False)):
        y = plot.top + i * LEGEND_LINE
        parts.append(
            f'<g class="legend-item"><rect x="{left}" y="{y}" width="12" height="12"'
            f' fill="{colour}"/><text x="{left + 18}" y="{y + 10}">{_text(name)}</text></g>'
        )
    parts.append("</g>")
    return parts


def _text(value: str) -> str:
    """`value` as XML character data: escaped, and without the characters XML cannot hold
    at all (control characters), which would make the whole chart unreadable."""
    return escape(_NOT_XML.sub("\ufffd", value))


def _attr(value: str) -> str:
    """`value` as a quoted XML attribute value, escaped likewise."""
    return '"' + escape(_NOT_XML.sub("\ufffd", value), {'"': "&quot;"}) + '"'
