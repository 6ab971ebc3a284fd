"""Chart helpers for reports, drawn with matplotlib in one house style.

Every chart is a finished result turned into a picture: the helpers take tables, never compute
statistics. :func:`to_data_uri` turns a figure (or a PNG/SVG file or bytes) into a ``data:`` URI
for the self-contained HTML reports; SVG and PNG are written with cleaned metadata — no user
name, host name, file path or creation date ends up in a report.

matplotlib is imported inside the functions so ``tryggaplatser --help`` stays fast.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import ArgumentError
from ...i18n import tr

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "CLEAN_PNG_METADATA",
    "CLEAN_SVG_METADATA",
    "PALETTE",
    "bar_chart",
    "new_figure",
    "plain",
    "svg_bytes",
    "to_data_uri",
    "weekly_chart",
]

#: Colours of the report style (dark blue text, blue series, grey baseline, red highlight).
PALETTE = {
    "ink": "#1b2a41",
    "main": "#2f6690",
    "light": "#9cc3d5",
    "base": "#8d99ae",
    "alert": "#b00020",
    "grid": "#d9dee5",
}
#: Metadata written into SVG charts: no date, no tool version, no user.
CLEAN_SVG_METADATA: dict[str, Any] = {
    "Creator": "tryggaplatser",
    "Date": None,
    "Format": None,
    "Type": None,
}
#: Metadata written into PNG charts.
CLEAN_PNG_METADATA: dict[str, Any] = {"Software": "tryggaplatser"}


def plain(text: Any) -> str:
    """Text for matplotlib: ``$`` and ``\\`` escaped so user text is never read as mathtext."""
    return str(text).replace("\\", "\\\\").replace("$", r"\$")


def new_figure(width_cm: float = 17.0, height_cm: float = 7.0) -> tuple[Figure, Any]:
    """A figure sized for an A4 text column, with one axes in the report style.

    Returns
    -------
    (matplotlib.figure.Figure, matplotlib.axes.Axes)
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=150, facecolor="white")
    ax = fig.add_subplot(1, 1, 1)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(PALETTE["base"])
    ax.tick_params(colors=PALETTE["ink"], labelsize=8)
    ax.yaxis.grid(True, color=PALETTE["grid"], linewidth=0.6)
    ax.set_axisbelow(True)
    return fig, ax


def weekly_chart(
    weeks: Sequence[str],
    counts: Sequence[float],
    *,
    baseline: Sequence[float] | None = None,
    highlight_last: bool = True,
    title: str = "",
    ylabel: str = "",
) -> Figure:
    """Weekly counts as bars, the current (last) week highlighted, an optional baseline line.

    Parameters
    ----------
    weeks : sequence of str
        ISO week labels, oldest first (``"2026-W44"``).
    counts : sequence of number
        Count per week.
    baseline : sequence of number, optional
        A comparison per week (e.g. the same weeks last year), drawn as a line.
    highlight_last : bool
        Draw the last bar in the accent colour.
    title, ylabel : str
        Texts (user text is escaped for mathtext).
    """
    if len(weeks) != len(counts):
        raise ArgumentError(
            tr("weeks och counts har olika längd", "weeks and counts differ in length"),
            rule="ARGUMENT_INVALID",
        )
    fig, ax = new_figure()
    x = list(range(len(weeks)))
    colours = [PALETTE["main"]] * len(x)
    if highlight_last and colours:
        colours[-1] = PALETTE["alert"]
    ax.bar(x, counts, color=colours, width=0.7, label=tr("Rapporter", "Reports"))
    if baseline is not None:
        ax.plot(
            x,
            baseline,
            color=PALETTE["base"],
            linewidth=1.4,
            linestyle="--",
            marker="o",
            markersize=2.5,
            label=tr("Samma vecka året innan", "Same week the year before"),
        )
        ax.legend(
            fontsize=7.5, frameon=False, loc="upper center", ncol=2, bbox_to_anchor=(0.5, -0.12)
        )
    step = max(1, len(x) // 13)
    ax.set_xticks(x[::step])
    ax.set_xticklabels([plain(w.split("-")[-1]) for w in weeks][::step], fontsize=7.5)
    if ylabel:
        ax.set_ylabel(plain(ylabel), fontsize=8, color=PALETTE["ink"])
    if title:
        ax.set_title(plain(title), fontsize=9.5, color=PALETTE["ink"], loc="left")
    fig.tight_layout()
    return fig


def bar_chart(
    values: Mapping[str, float],
    *,
    title: str = "",
    xlabel: str = "",
    highlight: Sequence[str] = (),
    max_bars: int = 15,
) -> Figure:
    """Horizontal bars for labelled values (largest first), selected labels highlighted.

    Parameters
    ----------
    values : mapping of str to number
        Label → value (labels are user text; escaped for mathtext).
    title, xlabel : str
    highlight : sequence of str
        Labels drawn in the accent colour.
    max_bars : int
        Keep the largest ``max_bars``.
    """
    items = sorted(values.items(), key=lambda kv: -float(kv[1]))[:max_bars][::-1]
    fig, ax = new_figure(height_cm=max(4.0, 0.55 * len(items) + 1.8))
    ax.yaxis.grid(False)
    ax.xaxis.grid(True, color=PALETTE["grid"], linewidth=0.6)
    labels = [plain(k) for k, _ in items]
    colours = [PALETTE["alert"] if k in set(highlight) else PALETTE["main"] for k, _ in items]
    ax.barh(range(len(items)), [float(v) for _, v in items], color=colours, height=0.65)
    ax.set_yticks(range(len(items)))
    ax.set_yticklabels(labels, fontsize=7.5)
    if xlabel:
        ax.set_xlabel(plain(xlabel), fontsize=8, color=PALETTE["ink"])
    if title:
        ax.set_title(plain(title), fontsize=9.5, color=PALETTE["ink"], loc="left")
    fig.tight_layout()
    return fig


def svg_bytes(fig: Figure) -> bytes:
    """The figure as SVG (text as text, fixed ids, :data:`CLEAN_SVG_METADATA`): the bytes of
    ``fig.savefig(format="svg")`` under those settings, made with less work.

    The SVG is written to a text buffer and encoded once (matplotlib writes a binary buffer
    through a UTF-8 codec, one call per piece) by a canvas that keeps text measures and
    drawing styles (:mod:`._svg`). That canvas builds on matplotlib 3.11's SVG renderer; any
    other matplotlib version saves with its own canvas (the same bytes, with more work).
    """
    import matplotlib

    old = fig.canvas
    if matplotlib.__version__.split(".")[:2] == ["3", "11"]:
        from ._svg import KeptSvgCanvas

        KeptSvgCanvas(fig)  # the figure's canvas while it is saved, as savefig swaps canvases
    buffer = io.StringIO()
    try:
        with matplotlib.rc_context({"svg.hashsalt": "tryggaplatser", "svg.fonttype": "none"}):
            fig.savefig(buffer, format="svg", metadata=CLEAN_SVG_METADATA)
    finally:
        fig.set_canvas(old)
    return buffer.getvalue().encode("utf-8")


def to_data_uri(image: Any, *, fmt: str | None = None) -> str:
    """A ``data:`` URI for an image, with cleaned metadata.

    Parameters
    ----------
    image : SvgChart, matplotlib Figure, bytes, or path
        A chart of :mod:`.svgcharts`, a figure (saved as SVG by default, ``fmt="png"`` for
        PNG), PNG bytes, or the path of a
        ``.png``/``.svg`` file (e.g. one written by
        :func:`tryggaplatser.publish.maps.figures.save_figure`).
    fmt : {"svg", "png"}, optional
        Format for a figure; default SVG (sharp in print).

    Returns
    -------
    str
        ``data:image/svg+xml;base64,…`` or ``data:image/png;base64,…``.
    """
    if hasattr(image, "svg") and isinstance(image.svg, str):  # an svgcharts.SvgChart
        return "data:image/svg+xml;base64," + base64.b64encode(image.svg.encode()).decode()
    if hasattr(image, "savefig"):
        fmt = fmt or "svg"
        buffer = io.BytesIO()
        if fmt == "svg":
            return "data:image/svg+xml;base64," + base64.b64encode(svg_bytes(image)).decode()
        if fmt == "png":
            image.savefig(
                buffer,
                format="png",
                metadata=CLEAN_PNG_METADATA,
                dpi=200,
            )
            return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
        raise ArgumentError(
            tr("okänt bildformat {f!r}", "unknown image format {f!r}", f=fmt),
            rule="FIGURE_FORMAT",
            fix="svg, png",
        )
    if isinstance(image, (bytes, bytearray)):
        data = bytes(image)
        kind = "png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "svg+xml"
        return f"data:image/{kind};base64," + base64.b64encode(data).decode()
    if isinstance(image, (str, Path)):
        path = Path(image)
        suffix = path.suffix.lower()
        if suffix not in (".png", ".svg"):
            raise ArgumentError(
                tr(
                    "bara PNG och SVG kan bäddas in, fick {s!r}",
                    "only PNG and SVG can be embedded, got {s!r}",
                    s=suffix,
                ),
                rule="FIGURE_FORMAT",
            )
        kind = "png" if suffix == ".png" else "svg+xml"
        return f"data:image/{kind};base64," + base64.b64encode(path.read_bytes()).decode()
    raise ArgumentError(
        tr("kan inte bädda in {t}", "cannot embed {t}", t=type(image).__name__),
        rule="ARGUMENT_TYPE",
        fix=tr(
            "ge en matplotlib-figur, PNG-bytes eller en filväg",
            "pass a matplotlib figure, PNG bytes or a file path",
        ),
    )
