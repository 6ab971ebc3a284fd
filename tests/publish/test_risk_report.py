"""The street stretches of a report's "Riskfaktorer" section (publish/reports/risk_report.py)."""

from types import SimpleNamespace

import geopandas as gpd
import numpy as np
from shapely.geometry import LineString, box

from tryggaplatser.publish.gate import Gate
from tryggaplatser.publish.reports.risk_report import stretch_table


def test_stretch_table_is_the_top_stretches_with_incidents_in_the_area():
    """The ``k`` stretches with incidents that touch the area, most incidents first (then the
    higher Gi*, then the id), against a brute-force reading of the whole layer."""
    rng = np.random.default_rng(7)
    n = 60
    x0 = rng.uniform(0, 1000, n)
    y0 = rng.uniform(0, 1000, n)
    stretches = gpd.GeoDataFrame(
        {
            "stretch_id": [f"S{i:02d}" for i in range(n)],
            "name": [f"Gata {i % 7}" for i in range(n)],
            "from_m": np.zeros(n),
            "to_m": np.full(n, 250.0),
            "n": rng.integers(0, 4, n),  # ties and stretches without incidents
            "gistar": np.round(rng.normal(size=n), 1),
            "gi_bin": rng.integers(-1, 2, n),
        },
        geometry=[LineString([(x, y), (x + 120, y + 40)]) for x, y in zip(x0, y0)],
        crs="EPSG:3006",
    )
    streets = SimpleNamespace(stretches=stretches, params={"stretch_length": {"value": "250 m"}})
    area = box(200, 200, 700, 800)
    gate = Gate("internal", quiet=True)
    got = stretch_table(streets, gate, k=8, within=area)
    rows = [r for _, r in stretches.iterrows() if r["n"] > 0 and r.geometry.intersects(area)]
    rows.sort(key=lambda r: (-r["n"], -r["gistar"], r["stretch_id"]))
    expected = [f"{r['name']} 0–250 m" for r in rows[:8]]
    assert list(got["stretch"]) == expected
    assert list(got["n"]) == [str(r["n"]) for r in rows[:8]]
    everywhere = stretch_table(streets, gate, k=100)
    assert len(everywhere) == int((stretches["n"] > 0).sum())
