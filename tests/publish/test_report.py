"""The shared report infrastructure (publish/reports/report.py, charts.py, svgcharts.py)."""

from __future__ import annotations

import base64
import re
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
from synthetic import PAYLOADS

from tryggaplatser.errors import ArgumentError, GateRefusal
from tryggaplatser.i18n import language
from tryggaplatser.publish.gate import INTERNAL_MARKING, MANIFEST, Gate
from tryggaplatser.publish.reports.charts import bar_chart, to_data_uri, weekly_chart
from tryggaplatser.publish.reports.report import (
    Report,
    _css_string,
    fmt_int,
    fmt_num,
    internal_table,
    parameters_from_attrs,
    release_table,
)


def _report(mode: str, **kw) -> Report:
    gate = Gate(mode, quiet=True)
    return Report(
        "Veckolägesbild",
        gate=gate,
        municipality=kw.pop("municipality", "Exempelstad"),
        period="vecka 2026-W47",
        kind="EST-veckobrev",
        issued="2026-11-23",
        **kw,
    )


def counts_table():
    return pd.DataFrame(
        {"area_id": ["A", "A", "B", "B"], "category": ["klotter", "brand"] * 2, "n": [12, 3, 40, 7]}
    )


def test_internal_report_is_marked_and_self_contained(tmp_path):
    report = _report("internal")
    report.summary(["Tre ovanliga ökningar."])
    s = report.section("Veckans rapporter", intro="Per område.")
    s.paragraph("Text.")
    s.facts([("Rapporter", 12)])
    s.note("Observera.", tone="warning")
    s.bullets(["ett", "två"])
    s.figure(weekly_chart(["2026-W46", "2026-W47"], [3, 9], baseline=[2, 4]), caption="Figur")
    report.parameter("Cellstorlek", "250 m", auto=True, rule="SCB:s rutnät")
    path = report.write(tmp_path / "rapport.html")
    page = path.read_text(encoding="utf-8")
    assert INTERNAL_MARKING in page
    assert 'name="tryggaplatser-mode" content="internal"' in page
    # marking, issue date and page n / N on every printed page: CSS page-margin boxes
    marking_css = _css_string(INTERNAL_MARKING)
    assert f"@top-right {{ content: {marking_css};" in page
    footer = f"Period vecka 2026-W47 · Framställd {report.issued.isoformat()}"
    assert f"@bottom-left {{ content: {_css_string(footer)}; }}" in page
    assert "counter(page)" in page and "counter(pages)" in page
    assert "size: A4" in page
    # no network: no external src/href, figures are data: URIs
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert 'src="data:image/svg+xml;base64,' in page
    # methods box lists the automatic parameter with its rule
    assert "automatiskt" in page and "SCB:s rutnät" in page
    assert (tmp_path / MANIFEST).exists()


def test_public_report_has_no_marking_and_refuses_internal_tables():
    report = _report("public")
    with pytest.raises(GateRefusal, match="intern arbetstabell"):
        internal_table(report.gate, counts_table(), name="t")
    page = report.render()
    assert INTERNAL_MARKING not in page and "Publik version" in page


def test_tables_must_be_released_by_a_gate_of_the_same_mode():
    report = _report("public")
    section = report.section("Tabell")
    with pytest.raises(GateRefusal, match="publiceringsgrinden"):
        section.table(counts_table())
    with pytest.raises(GateRefusal):
        section.table(internal_table(Gate("internal", quiet=True), counts_table(), name="t"))
    released = release_table(
        report.gate, counts_table(), "area_category_table", counts=("n",), margins=True
    )
    section.table(released, columns={"area_id": "Område", "category": "Kategori", "n": "Antal"})
    page = report.render()
    assert "&lt;5" in page  # the gate's suppression is what is shown
    assert ">3<" not in page


def test_table_headers_wrap_between_words_but_never_inside_a_number():
    """A header wraps between words (so a table of number columns fits the page, see
    test_pdf.py) but "1 000" in it stays one unit: its space becomes a no-break space. A
    breakable column is marked so that a word too long for it breaks inside."""
    report = _report("internal")
    frame = pd.DataFrame({"place": ["250mE652250N6556000"], "rate": [1.5], "n": [12345]})
    report.section("Tabell").table(
        internal_table(report.gate, frame, name="t"),
        columns={"place": "Plats 2026 2027", "rate": "Per 1 000 inv. och år", "n": "Antal 12 345"},
        breakable=("place",),
    )
    page = report.render()
    heads = re.findall(r"<th class=\"([^\"]*)\"[^>]*>([^<]*)</th>", page)
    assert heads == [
        ("brk", "Plats 2026 2027"),  # two years: a space between numbers, not inside one
        ("num", "Per 1\u00a0000 inv. och år"),
        ("num", "Antal 12\u00a0345"),
    ]
    assert '<td class="brk">250mE652250N6556000</td>' in page
    assert "table.data th.num { white-space: normal; }" in page  # number headers may wrap
    assert "table.data .brk { overflow-wrap: anywhere; }" in page


def test_payloads_stay_text(tmp_path):
    report = _report("internal", municipality=PAYLOADS[2])
    report.summary([PAYLOADS[0]])
    s = report.section(PAYLOADS[1])
    s.paragraph(PAYLOADS[3])
    s.facts([(PAYLOADS[4], PAYLOADS[0])])
    table = pd.DataFrame({"name": list(PAYLOADS), "n": range(len(PAYLOADS))})
    s.table(internal_table(report.gate, table, name="t"), caption=PAYLOADS[0])
    report.parameter(PAYLOADS[0], PAYLOADS[3], rule=PAYLOADS[1])
    page = report.render()
    for raw in ("<img src=x", "<svg onload", "<script>alert", "${alert", "`;alert"):
        assert raw not in page
    assert "&lt;img src=x onerror=" in page
    assert "&#36;&#123;alert(&#x27;tpl&#x27;)&#125;" in page
    # the municipality name in the print header is a CSS string of hex escapes only
    header = re.search(r"@top-left \{ content: (\"[^\"]*\")", page).group(1)
    assert re.fullmatch(r'"(?:[A-Za-z0-9]|\\[0-9a-f]{6} )*"', header)


def test_css_string_keeps_spaces_and_cannot_break_out():
    css = _css_string('a b"}</style>')
    assert css.startswith('"a\\000020 b\\000022 ') and "</style>" not in css


def test_english_output():
    with language("en"):
        report = _report("internal")
        report.section("Reports").paragraph("x")
        page = report.render()
    assert 'lang="en"' in page and "Methods and parameters" in page
    assert "INTERNAL – not for distribution" in page


def test_parameters_from_attrs_reads_both_conventions():
    attrs = {
        "choices": ["Cellstorlek 250 m vald automatiskt."],
        "tryggaplatser": {
            "params": {
                "bandwidth": {"value": 300.0, "auto": True, "rule": "Silverman"},
                "fdr": {"value": True, "auto": False},
            }
        },
    }
    rows = parameters_from_attrs(attrs)
    assert [r.auto for r in rows] == [True, True, False]
    assert rows[1].name == "Bandbredd (KDE)" and rows[1].value == "300 m"
    assert rows[1].rule == "Silverman" and rows[2].value == "ja"


def test_formatting_is_swedish_by_default():
    assert fmt_int(12345) == "12\u202f345" and fmt_num(2.25, 1) == "2,2"
    assert fmt_int("<5") == "<5" and fmt_num(float("nan")) == "–"
    with language("en"):
        assert fmt_num(1234.5) == "1,234.5"


def test_charts_leak_no_metadata():
    fig = bar_chart({"Norra $x$": 4, "Södra": 2}, title="T", highlight=["Södra"])
    svg = base64.b64decode(to_data_uri(fig).split(",", 1)[1]).decode()
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    assert str(Path.home()) not in svg
    png = base64.b64decode(to_data_uri(fig, fmt="png").split(",", 1)[1])
    assert png.startswith(b"\x89PNG") and b"Matplotlib" not in png
    with pytest.raises(ArgumentError):
        to_data_uri(object())


def test_note_rejects_unknown_tone():
    with pytest.raises(ArgumentError):
        _report("internal").section("S").note("x", tone="loud")


def test_fmt_date_prints_the_local_calendar_date():
    """Issue 13: a record at 2024-01-01 00:30 local time (2023-12-31 23:30 UTC) is dated
    2024-01-01 in every report table, not the UTC date."""
    from tryggaplatser.publish.reports.report import fmt_date

    t = pd.Timestamp("2024-01-01 00:30", tz="Europe/Stockholm").tz_convert("UTC")
    assert fmt_date(t) == "2024-01-01"
    assert fmt_date(pd.Timestamp("2024-01-01")) == "2024-01-01"  # naive: already local
    assert fmt_date(None) == "–"


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"a": [1, 2], "b": [1.5, None]}),  # an integer beside a float: a float
        pd.DataFrame({"a": ["x", None], "d": pd.to_datetime(["2026-01-01", "2026-02-01"])}),
        pd.DataFrame({"a": [None], "d": [pd.Timestamp("2026-01-01").date()]}),
        pd.DataFrame({"a": pd.array([1, None], dtype="Int64"), "s": ["x", None]}),
        pd.DataFrame({"t": pd.to_datetime(["2026-01-01", None])}),
        pd.DataFrame({"b": [True, False], "n": [1, 2]}),
        pd.DataFrame({"n": [1, 2], "m": [3, 4]}).rename(columns={"m": "n"}),  # repeated name
        pd.DataFrame({"n": []}),
    ],
)
def test_table_cells_are_the_values_iterrows_gives(frame):
    """Report tables format each cell from the value a row of ``DataFrame.iterrows`` holds
    (its type too: a row of only a missing value and a date becomes a date row)."""
    from tryggaplatser.publish.reports.report import _formatted_cells

    def fn(value):
        return f"{type(value).__name__}:{value!r}"

    columns = [(c, fn) for c in dict.fromkeys(frame.columns)]
    expected = [[fn(row[c]) for c, _ in columns] for _, row in frame.iterrows()]
    assert _formatted_cells(frame, columns) == expected


def _styled_figure(size: float, title: str):
    """A figure with what a map figure has: polygons in several styles (per-polygon colours,
    widths, dashes, transparency, a hatch, a clip path, a link), markers, haloed labels (drawn
    as outlines), a legend, multi-line and math text."""
    import matplotlib.patheffects as pe
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 3), dpi=110)
    ax = fig.add_axes((0.05, 0.1, 0.7, 0.8))
    squares = [
        [(i, j), (i + 0.9, j), (i + 0.9, j + 0.9), (i, j + 0.9)] for i in range(6) for j in range(4)
    ]
    ax.add_collection(
        PolyCollection(
            squares,
            facecolors=[(0.1 * (k % 7), 0.3, 0.5, 0.4 + 0.02 * k) for k in range(24)],
            edgecolors=["#222222", "#b00020", "none"] * 8,
            linewidths=[0.5, 1.0, 1.6, 0.0] * 6,
            label="rutor",
        )
    )
    ax.add_collection(
        PolyCollection(squares[:3], facecolors="none", edgecolors="k", linestyles="--", alpha=0.7)
    )
    ax.add_collection(PolyCollection(squares[3:5], hatch="//", facecolors="#9cc3d5"))
    from matplotlib.patches import Circle

    clipped = PolyCollection(  # clipped to a circle; transparent edges drop the stroke
        squares[5:12], facecolors=["#ffcc00", (0, 0, 0, 0)], edgecolors=[(1, 0, 0, 0), "b"]
    )
    ax.add_collection(clipped)
    clipped.set_clip_path(Circle((2.5, 2.0), 1.7, transform=ax.transData))
    linked = PolyCollection(squares[12:14], facecolors="#446688", urls=["https://example.org"])
    ax.add_collection(linked)
    ax.add_collection(PolyCollection([], facecolors="k"))  # nothing to draw
    ax.scatter([0.5, 1.5, 2.5], [0.5, 3.5, 2.0], s=[10, 30, 60], c=["r", "g", "b"])
    halo = [pe.withStroke(linewidth=2.5, foreground="white")]
    for k, name in enumerate(("Storgatan", "Åsgatan", "Storgatan")):
        ax.annotate(name, (k * 2, 1.5), fontsize=size + k, path_effects=halo, weight="bold")
    ax.text(0.5, 3.5, "Två\nrader", fontsize=size)
    ax.set_title(title + " $x^2$", fontsize=size + 2)
    ax.set_xlim(0, 6)
    ax.set_ylim(0, 4)
    ax.plot([0, 6], [0, 4], label="linje", linestyle=":")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=size)
    return fig


def test_svg_bytes_are_those_of_savefig():
    """svg_bytes keeps text measures and styles between figures; every figure's SVG must
    still be byte for byte what matplotlib's savefig writes (texts met again in another
    size or weight, polygons whose styles differ in one property only)."""
    import io

    import matplotlib

    from tryggaplatser.publish.reports.charts import CLEAN_SVG_METADATA, svg_bytes

    def reference(fig) -> bytes:
        buffer = io.BytesIO()
        with matplotlib.rc_context({"svg.hashsalt": "tryggaplatser", "svg.fonttype": "none"}):
            fig.savefig(buffer, format="svg", metadata=CLEAN_SVG_METADATA)
        return buffer.getvalue()

    for size, title in ((7.0, "Karta"), (9.0, "Karta"), (7.0, "Annan karta")):
        fig = _styled_figure(size, title)
        expected = reference(fig)
        assert svg_bytes(fig) == expected
        assert svg_bytes(fig) == expected  # a second time, every text kept
        assert svg_bytes(_styled_figure(size, title)) == expected
    with matplotlib.rc_context({"font.family": "serif"}):  # another font: measured anew
        fig = _styled_figure(7.0, "Karta")
        assert svg_bytes(fig) == reference(fig)


def test_an_english_public_report_with_thousands_passes_its_audit(tmp_path):
    """English reports print 2000 as ``2,000``: the gate's audit must not read it as 2,0 (a
    count below 5) and refuse the report, as it refused the English public lägesbild."""
    folder = tmp_path / "publik"
    folder.mkdir()
    with language("en"):
        gate = Gate("public", quiet=True)
        frame = pd.DataFrame({"campaign_id": ["dialog-2024", "dialog-2026"], "n": [2000, 1000]})
        released = release_table(gate, frame, "survey_table", n="n", by=("campaign_id",))
        report = Report("Situation picture", gate=gate, municipality="X", period="2026")
        report.section("Dialogue").table(
            released, columns={"campaign_id": "Campaign", "n": "Responses (n)"}, numeric=["n"]
        )
        page = report.write(folder / "r.html").read_text(encoding="utf-8")
    assert '<td class="num">2,000</td>' in page and '<td class="num">1,000</td>' in page
