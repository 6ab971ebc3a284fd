"""The area reports' small charts written directly as SVG, in the house style of :mod:`.charts`.

matplotlib lays out every tick label and title to draw a chart, which made the report charts
the largest cost of an area report (about 0.1–0.3 s each; a run writes over a hundred). These
charts have a fixed layout — twelve months, seven weekdays by 24 hours, a few lines over weeks —
so they are written here as plain SVG, two orders of magnitude faster
(``benchmarks/bench_pipeline.py``). Text is XML-escaped and kept as text; the picture is
embedded as a ``data:`` URI by :func:`.charts.to_data_uri`.

Examples
--------
>>> values = [1, 2, None, 4, 5, 6, 7, 8, 9, 10, 11, 12]
>>> chart = seasonal_chart(values, "Årshjul", months="JFMAMJJASOND")
>>> chart.svg.startswith("<svg") and "Årshjul" in chart.svg
True
>>> chart.svg.count('class="bar"'), chart.svg.count('class="gap"')
(11, 1)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from ..safe_text import text_of
from .charts import PALETTE

__all__ = ["SvgChart", "curve_chart", "heat_chart", "lines_chart", "seasonal_chart"]

#: Pixels per centimetre of the drawing (96 dpi), so a chart prints at its stated size.
PX_PER_CM = 96 / 2.54
_FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
_LINE_COLOURS = ["#2f6690", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d99ae", "#30638e"]


@dataclass(frozen=True)
class SvgChart:
    """A finished chart as SVG text (``svg``), ready for :func:`.charts.to_data_uri`."""

    svg: str


class _Canvas:
    """An SVG document being written: shapes and text in pixel units."""

    def __init__(self, width_cm: float, height_cm: float) -> None:
        self.w, self.h = width_cm * PX_PER_CM, height_cm * PX_PER_CM
        self.parts: list[str] = []
        self.size = (width_cm, height_cm)

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float = 8,
        anchor: str = "start",
        colour: str = PALETTE["ink"],
        weight: str = "normal",
        rotate: float = 0,
    ) -> None:
        turn = f' transform="rotate({rotate:.0f} {x:.1f} {y:.1f})"' if rotate else ""
        self.parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size * 4 / 3:.1f}" '
            f'text-anchor="{anchor}" fill="{colour}" font-weight="{weight}"{turn}>'
            f"{escape(text_of(str(text)))}</text>"  # no bidi or other controls
        )

    def rect(self, x: float, y: float, w: float, h: float, fill: str, cls: str = "") -> None:
        klass = f' class="{cls}"' if cls else ""
        self.parts.append(
            f'<rect{klass} x="{x:.2f}" y="{y:.2f}" width="{max(w, 0):.2f}" '
            f'height="{max(h, 0):.2f}" fill="{fill}"/>'
        )

    def line(self, x0: float, y0: float, x1: float, y1: float, colour: str, width=0.8) -> None:
        self.parts.append(
            f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" '
            f'stroke="{colour}" stroke-width="{width}"/>'
        )

    def path(
        self, d: str, fill: str, *, stroke: str = "none", width: float = 1.0, cls: str = ""
    ) -> None:
        klass = f' class="{cls}"' if cls else ""
        self.parts.append(
            f'<path{klass} d="{d}" fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>'
        )

    def done(self) -> SvgChart:
        w_cm, h_cm = self.size
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w_cm}cm" height="{h_cm}cm" '
            f'viewBox="0 0 {self.w:.1f} {self.h:.1f}" font-family="{_FONT}">'
            f'<rect width="100%" height="100%" fill="white"/>'
        )
        return SvgChart(head + "".join(self.parts) + "</svg>")


def _nice_ticks(top: float, n: int = 4) -> list[float]:
    """Round tick values from 0 to at least ``top`` (1, 2, 2.5, 5 × 10^k steps)."""
    if not top or not math.isfinite(top) or top <= 0:
        return [0.0, 1.0]
    raw = top / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


def _num(v: float) -> str:
    """A tick label in Swedish style (decimal comma, no trailing zeros)."""
    text = f"{v:.1f}".rstrip("0").rstrip(".") if v != int(v) else f"{int(v)}"
    return text.replace(".", ",")


def seasonal_chart(
    values: Sequence[float | None], title: str, *, months: Sequence[str]
) -> SvgChart:
    """Årshjul: twelve wedges clockwise from January at the top, radius proportional to the
    mean per month; withheld months (``None``) are drawn as grey gaps."""
    c = _Canvas(10.7, 10.7)
    cx, cy, r_max = c.w / 2, c.h / 2 + 10, min(c.w, c.h) / 2 - 42
    c.text(cx, 22, title, size=9, anchor="middle")
    shown = [v for v in values if v is not None]
    ticks = _nice_ticks(max(shown) if shown else 0.0, 3)
    top = ticks[-1] or 1.0
    for t in ticks[1:]:
        r = r_max * t / top
        c.path(_circle(cx, cy, r), "none", stroke=PALETTE["grid"], width=0.7)
        side = -0.26  # the labels sit in the gap between December and January
        c.text(
            cx + r * math.sin(side),
            cy - r * math.cos(side) - 2,
            _num(t),
            size=6,
            anchor="end",
            colour=PALETTE["base"],
        )
    step = 2 * math.pi / 12
    for i, v in enumerate(values):
        a0, a1 = (i - 0.45) * step, (i + 0.45) * step
        if v is None:
            c.path(_wedge(cx, cy, r_max * 0.12, a0, a1), PALETTE["grid"], cls="gap")
        else:
            radius = r_max * max(float(v), 0.0) / top
            c.path(_wedge(cx, cy, radius, a0, a1), PALETTE["main"], stroke="white", cls="bar")
        lx, ly = cx + (r_max + 16) * math.sin(i * step), cy - (r_max + 16) * math.cos(i * step)
        c.text(lx, ly + 3, months[i], size=8, anchor="middle")
    return c.done()


def _circle(cx: float, cy: float, r: float) -> str:
    return (
        f"M {cx - r:.2f} {cy:.2f} a {r:.2f} {r:.2f} 0 1 0 {2 * r:.2f} 0 "
        f"a {r:.2f} {r:.2f} 0 1 0 {-2 * r:.2f} 0"
    )


def _wedge(cx: float, cy: float, r: float, a0: float, a1: float) -> str:
    """A pie wedge from angle ``a0`` to ``a1`` (radians, clockwise from the top)."""
    x0, y0 = cx + r * math.sin(a0), cy - r * math.cos(a0)
    x1, y1 = cx + r * math.sin(a1), cy - r * math.cos(a1)
    return f"M {cx:.2f} {cy:.2f} L {x0:.2f} {y0:.2f} A {r:.2f} {r:.2f} 0 0 1 {x1:.2f} {y1:.2f} Z"


def _blues(share: float) -> str:
    """Matplotlib's "Blues" colour map at ``share`` (0–1), interpolated between five stops."""
    stops = [(247, 251, 255), (198, 219, 239), (107, 174, 214), (33, 113, 181), (8, 48, 107)]
    pos = min(max(share, 0.0), 1.0) * (len(stops) - 1)
    i = min(int(pos), len(stops) - 2)
    f = pos - i
    rgb = [round(a + (b - a) * f) for a, b in zip(stops[i], stops[i + 1], strict=True)]
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def heat_chart(
    values: Sequence[Sequence[float]], rows: Sequence[str], title: str, xlabel: str
) -> SvgChart:
    """Hour × weekday heat map: one row per weekday, one column per hour, darker = more."""
    c = _Canvas(17.0, 6.0)
    left, right, top, bottom = 40.0, c.w - 70.0, 30.0, c.h - 38.0
    n_rows, n_cols = len(rows), len(values[0]) if len(values) else 24
    cw, ch = (right - left) / n_cols, (bottom - top) / max(n_rows, 1)
    flat = [float(v) for row in values for v in row if v == v]
    vmax = max(flat) if flat else 1.0
    c.text(left, 18, title, size=9.5)
    for i, row in enumerate(values):
        c.text(left - 5, top + (i + 0.5) * ch + 3, rows[i], size=7.5, anchor="end")
        for j, v in enumerate(row):
            share = float(v) / vmax if vmax and v == v else 0.0
            c.rect(left + j * cw, top + i * ch, cw + 0.3, ch + 0.3, _blues(share), cls="cell")
    for j in range(n_cols):
        c.text(left + (j + 0.5) * cw, bottom + 11, f"{j:02d}", size=6.5, anchor="middle")
    c.text((left + right) / 2, bottom + 28, xlabel, size=8, anchor="middle")
    # colour bar
    bx, steps = right + 14, 20
    for k in range(steps):
        share = 1 - k / (steps - 1)
        c.rect(
            bx, top + k * (bottom - top) / steps, 10, (bottom - top) / steps + 0.3, _blues(share)
        )
    for t in _nice_ticks(vmax, 3):
        if t <= vmax:
            c.text(bx + 14, bottom - (bottom - top) * t / vmax + 3, _num(t), size=6.5)
    return c.done()


def lines_chart(
    series: Mapping[str, tuple[Sequence[str], Sequence[float | None]]],
    title: str,
    ylabel: str,
    *,
    max_ticks: int = 12,
) -> SvgChart:
    """One line per series over weeks or months; withheld values (``None``) break the line."""
    c = _Canvas(17.0, 6.5)
    left, right, top, bottom = 48.0, c.w - 12.0, 30.0, c.h - 70.0
    labels: list[str] = []
    for xs, _ in series.values():
        labels = list(xs) if len(xs) > len(labels) else labels
    shown = [float(v) for _, ys in series.values() for v in ys if v is not None]
    ticks = _nice_ticks(max(shown) if shown else 0.0)
    y_top = ticks[-1] or 1.0
    n = max(len(labels) - 1, 1)

    def px(i: int, v: float) -> tuple[float, float]:
        return left + (right - left) * i / n, bottom - (bottom - top) * v / y_top

    c.text(left, 18, title, size=9.5)
    for t in ticks:
        _, y = px(0, t)
        c.line(left, y, right, y, PALETTE["grid"], 0.6)
        c.text(left - 5, y + 3, _num(t), size=7, anchor="end")
    c.text(12, (top + bottom) / 2, ylabel, size=8, anchor="middle", rotate=-90)
    step = max(1, math.ceil(len(labels) / max_ticks))
    for i in range(0, len(labels), step):
        x, _ = px(i, 0)
        c.text(x, bottom + 12, labels[i], size=6.5, anchor="end", rotate=-30)
    for k, (_, ys) in enumerate(series.values()):
        colour = _LINE_COLOURS[k % len(_LINE_COLOURS)]
        d, pen = [], "M"
        for i, v in enumerate(ys):
            if v is None or v != v:
                pen = "M"
                continue
            x, y = px(i, float(v))
            d.append(f"{pen} {x:.1f} {y:.1f}")
            pen = "L"
        if d:
            c.path(" ".join(d), "none", stroke=colour, width=1.4, cls="series")
    _legend(c, [(name, _LINE_COLOURS[k % len(_LINE_COLOURS)]) for k, name in enumerate(series)])
    return c.done()


def curve_chart(
    series: Mapping[str, tuple[Sequence[float], Sequence[float | None]]],
    title: str,
    xlabel: str,
    ylabel: str,
    *,
    diagonal: str = "",
) -> SvgChart:
    """Lines over a numeric x axis from 0 (e.g. hit rate against area share, both as shares
    shown in per cent); ``diagonal`` names the dashed line y = x (what chance gives)."""
    c = _Canvas(17.0, 8.0)
    left, right, top, bottom = 48.0, c.w - 12.0, 30.0, c.h - 62.0
    xs_all = [float(x) for xs, _ in series.values() for x in xs]
    ys_all = [float(v) for _, ys in series.values() for v in ys if v is not None and v == v]
    x_ticks = _nice_ticks(max(xs_all) * 100 if xs_all else 0.0, 6)
    y_ticks = _nice_ticks(max(ys_all) * 100 if ys_all else 0.0)
    x_top, y_top = (x_ticks[-1] or 1.0) / 100, (y_ticks[-1] or 1.0) / 100

    def px(x: float, y: float) -> tuple[float, float]:
        return left + (right - left) * x / x_top, bottom - (bottom - top) * y / y_top

    c.text(left, 18, title, size=9.5)
    for t in y_ticks:
        _, y = px(0, t / 100)
        c.line(left, y, right, y, PALETTE["grid"], 0.6)
        c.text(left - 5, y + 3, f"{_num(t)} %", size=7, anchor="end")
    for t in x_ticks:
        x, _ = px(t / 100, 0)
        c.text(x, bottom + 12, f"{_num(t)} %", size=7, anchor="middle")
    c.text((left + right) / 2, bottom + 26, xlabel, size=8, anchor="middle")
    c.text(12, (top + bottom) / 2, ylabel, size=8, anchor="middle", rotate=-90)
    entries = []
    if diagonal:
        end = min(x_top, y_top)
        (x0, y0), (x1, y1) = px(0, 0), px(end, end)
        c.path(f"M {x0:.1f} {y0:.1f} L {x1:.1f} {y1:.1f}", "none", stroke="#999999", cls="chance")
        entries.append((diagonal, "#999999"))
    for k, (_, (xs, ys)) in enumerate(series.items()):
        colour = _LINE_COLOURS[k % len(_LINE_COLOURS)]
        pts = [px(float(x), float(v)) for x, v in zip(xs, ys) if v is not None and v == v]
        if pts:
            d = " ".join(
                f"{'M' if i == 0 else 'L'} {x:.1f} {y:.1f}" for i, (x, y) in enumerate(pts)
            )
            c.path(d, "none", stroke=colour, width=1.4, cls="series")
    entries += [(name, _LINE_COLOURS[k % len(_LINE_COLOURS)]) for k, name in enumerate(series)]
    _legend(c, entries)
    return c.done()


def _legend(c: _Canvas, entries: list[tuple[str, str]], size: float = 7) -> None:
    """A line legend under the plot, entries side by side, wrapped to the chart's width."""
    x, y = 48.0, c.h - 24.0
    for name, colour in entries:
        width = 24 + len(str(name)) * size * 4 / 3 * 0.56
        if x + width > c.w - 8 and x > 48.0:
            x, y = 48.0, y + 12
        c.line(x, y - 3, x + 14, y - 3, colour, 2)
        c.text(x + 18, y, name, size=size)
        x += width + 14
