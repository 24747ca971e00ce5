"""Bar charts as inline SVG (matplotlib's object API and SVG canvas: no display, no pyplot state).

Counts below 5 are never drawn to scale: the bar is left out and labelled "<5", so a chart discloses
no more than the table under it. Every chart carries a <title> and <desc> for screen readers."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from rjmail.core.figures import SMALL, shown

# Dark blue, orange, teal, grey: distinguishable with colour-blindness, >= 4.5:1 against white.
COLOURS = ("#1b4f8a", "#a84b00", "#00665e", "#4d4d4d")
INK = "#111111"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


@dataclass(frozen=True)
class Chart:
    ident: str
    title: str
    description: str
    categories: Sequence[str]
    series: Sequence[Series]
    unit: str = ""  # "" for counts (suppressed below 5); a unit name for measurements (shown as is)


def _label(chart: Chart, value: float) -> str:
    return shown(int(value)) if not chart.unit else f"{value:.1f}"


def _height(chart: Chart, value: float) -> float:
    return 0.0 if not chart.unit and value < SMALL else value


def _draw(chart: Chart, width_in: float, height_in: float) -> Figure:
    fig = Figure(figsize=(width_in, height_in), layout="constrained")
    ax = fig.add_subplot()
    count = max(len(chart.series), 1)
    width = 0.8 / count
    for i, series in enumerate(chart.series):
        xs = [x + (i - (count - 1) / 2) * width for x in range(len(chart.categories))]
        bars = ax.bar(
            xs,
            [_height(chart, v) for v in series.values],
            width,
            label=series.name,
            color=COLOURS[i % len(COLOURS)],
        )
        ax.bar_label(bars, labels=[_label(chart, v) for v in series.values], fontsize=7, color=INK)
    ax.set_xticks(range(len(chart.categories)), list(chart.categories), fontsize=7, color=INK)
    ax.tick_params(axis="y", labelsize=7, colors=INK)
    ax.set_ylabel(chart.unit or "count", fontsize=7, color=INK)
    ax.margins(y=0.2)
    ax.set_ylim(bottom=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if len(chart.series) > 1:
        ax.legend(fontsize=7, frameon=False)
    return fig


def svg(chart: Chart, width_in: float = 7.0, height_in: float = 2.2) -> str:
    """The chart as an inline <svg> element with a title and description."""
    fig = _draw(chart, width_in, height_in)
    out = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": chart.ident}):
        FigureCanvasSVG(fig).print_svg(  # type: ignore[no-untyped-call]
            out, metadata={"Date": None, "Creator": None}
        )
    text = out.getvalue()
    text = text[text.index("<svg") :]
    labelled = f'<svg role="img" aria-labelledby="{chart.ident}-t {chart.ident}-d" class="chart" '
    text = text.replace("<svg ", labelled, 1)
    head_end = text.index(">") + 1
    accessible = (
        f'<title id="{chart.ident}-t">{escape(chart.title)}</title>'
        f'<desc id="{chart.ident}-d">{escape(chart.description)}</desc>'
    )
    text = text[:head_end] + accessible + text[head_end:]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, count=1, flags=re.S)  # RDF boilerplate
    for attr in ("width", "height"):  # the viewBox stays, so CSS scales the chart to the page
        text = re.sub(rf'(<svg[^>]*?) {attr}="[^"]*"', r"\1", text, count=1)
    return text
