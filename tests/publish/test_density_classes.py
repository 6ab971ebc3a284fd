"""Density classes that mean something: relative to the municipality's mean density."""

from __future__ import annotations

import numpy as np
from shapely.geometry import Point

from tryggaplatser.analysis.run import Run
from tryggaplatser.policy import DENSITY_CLASS_BOUNDS
from tryggaplatser.publish.gate import Gate, density_class_labels, density_classes


def test_classes_follow_the_stated_multiples_of_the_mean():
    rng = np.random.default_rng(3)
    values = rng.gamma(0.5, 2.0, 5000)
    mean = float(values.mean())
    classes = density_classes(values, mean)
    ratio = values / mean
    expected = np.select(
        [ratio < 1, ratio < 2, ratio < 4, ratio < 8], [1, 2, 3, 4], default=5
    ).astype(float)
    expected[values <= 0] = np.nan
    np.testing.assert_array_equal(classes, expected)
    assert DENSITY_CLASS_BOUNDS == (1.0, 2.0, 4.0, 8.0)
    assert density_class_labels()[-1] == "minst 8 × medel"


def test_the_top_class_is_where_the_planted_hotspots_are(demo_project, demo_truth):
    """On the demo every cell of the top public class (≥ 8 × the mean) lies within 1 km of a
    planted hotspot; with quintile classes 104 of 226 top-class cells lay farther away."""
    planted = [
        Point(h["x"], h["y"])
        for kind in ("stable", "emerging", "fading")
        for h in demo_truth["hotspots"][kind]
    ]
    run = Run(demo_project, "public")
    gate = Gate("public", config=demo_project.config, quiet=True)
    released = gate.release(run.hotspots().kde, "grid_cells", published_total=True)
    top = released[released["kde_class"] == 5]
    assert 0 < len(top) < 0.05 * len(released)
    far = [min(c.distance(p) for p in planted) for c in top.geometry.centroid]
    assert max(far) < 1000
