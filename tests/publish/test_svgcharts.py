"""The report charts written as SVG draw exactly the values they are given."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np

from tryggaplatser.publish.reports.charts import to_data_uri
from tryggaplatser.publish.reports.svgcharts import heat_chart, lines_chart, seasonal_chart

NS = {"s": "http://www.w3.org/2000/svg"}
MONTHS = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def _tree(chart):
    return ET.fromstring(chart.svg)  # well-formed XML, or this raises


def test_seasonal_wedges_are_proportional_to_the_values_and_gaps_are_grey():
    values = [10, 20, None, 40, 5, 60, 70, 80, 90, 100, 110, 120]
    root = _tree(seasonal_chart(values, "Årshjul", months=MONTHS))
    radii = [
        float(re.search(r" A ([\d.]+) ", p.get("d")).group(1))
        for p in root.iterfind(".//s:path[@class='bar']", NS)
    ]
    shown = [v for v in values if v is not None]
    np.testing.assert_allclose(np.array(radii) / radii[-1], np.array(shown) / shown[-1], rtol=1e-3)
    assert len(root.findall(".//s:path[@class='gap']", NS)) == 1
    labels = [t.text for t in root.iterfind(".//s:text", NS)]
    assert all(m in labels for m in MONTHS)


def test_heat_chart_has_one_cell_per_hour_and_weekday_darkest_at_the_maximum():
    rng = np.random.default_rng(2)
    values = rng.uniform(0, 10, (7, 24))
    values[4, 21] = 50.0
    rows = ["mån", "tis", "ons", "tor", "fre", "lör", "sön"]
    root = _tree(heat_chart(values.tolist(), rows, "Timme × veckodag", "Timme"))
    cells = root.findall(".//s:rect[@class='cell']", NS)
    assert len(cells) == 7 * 24
    darkness = [sum(int(c.get("fill")[i : i + 2], 16) for i in (1, 3, 5)) for c in cells]
    assert int(np.argmin(darkness)) == 4 * 24 + 21


def test_lines_follow_the_values_and_break_at_withheld_ones():
    weeks = [f"2026-W{i:02d}" for i in range(1, 9)]
    series = {"EST": (weeks, [1, 2, 3, None, 5, 6, 7, 8]), "<b>Väktare</b>": (weeks, [8] * 8)}
    chart = lines_chart(series, "Rapporter", "Antal")
    root = _tree(chart)
    first, second = root.findall(".//s:path[@class='series']", NS)
    d = first.get("d")
    assert d.count("M") == 2  # one break at the withheld week
    ys = [float(y) for y in re.findall(r"[ML] [\d.]+ ([\d.]+)", d)]
    assert ys == sorted(ys, reverse=True)  # rising values are drawn higher (smaller y)
    assert len(set(re.findall(r"[ML] [\d.]+ ([\d.]+)", second.get("d")))) == 1
    assert "<b>" not in chart.svg and "&lt;b&gt;Väktare&lt;/b&gt;" in chart.svg


def test_chart_text_carries_no_bidi_control():
    weeks = ["2026-W01", "2026-W02"]
    chart = lines_chart({"Väktare \u202eerätkäV\u202c": (weeks, [1, 2])}, "Titel\u2067", "Antal")
    assert "Väktare erätkäV" in chart.svg
    assert not re.search("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", chart.svg)


def test_embeds_as_an_svg_data_uri():
    uri = to_data_uri(seasonal_chart([1] * 12, "x", months=MONTHS))
    assert uri.startswith("data:image/svg+xml;base64,")
