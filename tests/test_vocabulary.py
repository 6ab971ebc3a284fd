"""One vocabulary across the front door (docs/vocabulary.md, issue 12 item 4).

Every exported function names the same thing the same way: ``data`` for the one point layer,
``period`` only for a time window, ``today`` for the time anchor, ``mode`` for public/internal,
``buffer_width`` for the displacement ring and ``areas`` for the areas layer. The old keywords
still work, with a ``DeprecationWarning`` that names the old and the new keyword.
"""

from __future__ import annotations

import inspect
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

import tryggaplatser as tp

DOC = Path(__file__).resolve().parents[1] / "docs" / "vocabulary.md"

#: Keywords that are never a parameter of an exported function: each has its one name now.
BANNED = {
    "plan_date": "today",
    "issued": "today",
    "public": "mode",
    "buffer": "buffer_width",
    "areas_or_area_column": "areas",
}
#: Functions that take several named layers keep the layer names (``incidents=`` beside
#: ``walk_observations=``, ``dialogue=``, ``measures=``); every other function with one point
#: layer calls it ``data``.
SEVERAL_LAYERS = {"area_profile", "area_profiles_all", "perception_gap", "action_plan", "est_brief"}


def _exported():
    for name in tp.__all__:
        obj = getattr(tp, name)
        if callable(obj):
            yield name, inspect.signature(obj)


@pytest.mark.parametrize("name", [n for n, _ in _exported()])
def test_no_exported_function_uses_a_banned_alias(name):
    params = inspect.signature(getattr(tp, name)).parameters
    used = sorted(set(params) & set(BANNED))
    assert not used, f"{name}: use {[BANNED[u] for u in used]} instead of {used}"
    if "incidents" in params:
        assert name in SEVERAL_LAYERS, f"{name}: its one point layer is `data`, not `incidents`"


def test_period_is_a_window_and_the_time_step_is_time_step():
    assert "time_step" in inspect.signature(tp.hotspot_classify).parameters
    assert "period" not in inspect.signature(tp.hotspot_classify).parameters
    for name in ("Run", "area_profile", "prepare_area_analysis", "write_area_reports"):
        assert "period" in inspect.signature(getattr(tp, name)).parameters


def test_cell_size_none_means_choose_everywhere():
    for name, sig in _exported():
        if "cell_size" in sig.parameters:
            assert sig.parameters["cell_size"].default is None, name


def test_one_point_layer_is_data_first_or_after_its_areas():
    for name in ("weekly_counts", "recurring_places", "near_repeat_alerts", "silent_sources"):
        assert next(iter(inspect.signature(getattr(tp, name)).parameters)) == "data", name
    assert list(inspect.signature(tp.evaluate_measure).parameters)[:2] == ["data", "target"]
    assert list(inspect.signature(tp.choose_control).parameters)[:4] == [
        "areas",
        "target_area_id",
        "data",
        "before_period",
    ]


def test_significance_is_alpha():
    for name, sig in _exported():
        assert not {"p_max", "significance", "sig_level", "level"} & set(sig.parameters), name
    for name in ("hotspot_change", "weekly_counts"):
        assert "alpha" in inspect.signature(getattr(tp, name)).parameters


def test_the_vocabulary_page_lists_the_decisions():
    text = DOC.read_text(encoding="utf-8")
    for word in (
        "`data`",
        "`period`",
        "`time_step`",
        "`today`",
        "`alpha`",
        "`fdr: bool`",
        "`mode`",
    ):
        assert word in text
    for kept in ("installed_on", "boundary", "data_end"):
        assert kept in text


# ----------------------------------------------------------------- the old keywords still work

T0 = pd.Timestamp("2026-11-16 12:00", tz="Europe/Stockholm")


def _points(n: int = 40) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "incident_id": [f"i{i}" for i in range(n)],
            "occurred_at": [T0 - pd.Timedelta(days=i % 30) for i in range(n)],
            "category": ["inbrott"] * n,
            "source": ["polis"] * n,
            "area_id": ["A"] * n,
        },
        geometry=[Point(650_000 + 7 * i, 6_560_000 + 5 * i) for i in range(n)],
        crs="EPSG:3006",
    )


def _warns(old: str, new: str):
    return pytest.warns(DeprecationWarning, match=f"'{old}' is deprecated, use '{new}'")


def test_old_point_layer_and_areas_keywords_warn_and_give_the_same_result():
    data = _points()
    new = tp.weekly_counts(data, "area_id", "2026-W47", quiet=True)
    with _warns("incidents", "data"), _warns("areas_or_area_column", "areas"):
        old = tp.weekly_counts(
            incidents=data, areas_or_area_column="area_id", week="2026-W47", quiet=True
        )
    pd.testing.assert_frame_equal(new, old)
    with _warns("incidents", "data"):
        tp.silent_sources(incidents=data, week="2026-W47", quiet=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        tp.recurring_places(data=data, week="2026-W47", cell_size=250, quiet=True)


def test_old_buffer_keyword_of_evaluate_measure_warns():
    data = _points()
    target = box(650_000, 6_560_000, 650_100, 6_560_100)
    control = box(655_000, 6_565_000, 655_100, 6_565_100)
    kw = dict(installed_on="2026-09-15", control=control, data_end="2026-11-20", quiet=True)
    new = tp.evaluate_measure(data, target, buffer_width=50.0, **kw)
    with _warns("buffer", "buffer_width"):
        old = tp.evaluate_measure(data, target, buffer=50.0, **kw)
    assert old.counts == new.counts and old.buffer_width == new.buffer_width == 50.0
    with pytest.raises(TypeError, match="not both"):
        tp.evaluate_measure(data, target, buffer=50.0, buffer_width=50.0, **kw)


def test_old_period_keyword_of_hotspot_classify_is_the_time_step():
    data = _points(200)
    new = tp.hotspot_classify(data, cell_size=250, time_step="7D", quiet=True)
    with _warns("period", "time_step"):
        old = tp.hotspot_classify(data, cell_size=250, period="7D", quiet=True)
    pd.testing.assert_frame_equal(new, old)


def test_old_public_flag_of_change_map_figure_is_the_mode():
    cells = gpd.GeoDataFrame(
        {"n_before": [1], "n_after": [2], "change": [1], "change_bin": [0]},
        geometry=[box(650_000, 6_560_000, 650_250, 6_560_250)],
        crs="EPSG:3006",
    )
    zones = gpd.GeoDataFrame(
        {"zone": ["target", "buffer"]},
        geometry=[
            box(650_000, 6_560_000, 650_100, 6_560_100),
            box(649_900, 6_559_900, 650_200, 6_560_200),
        ],
        crs="EPSG:3006",
    )
    with _warns("public", "mode"):
        fig = tp.change_map_figure(cells, zones, public=True, title="T")
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "Signifikant ökning" in labels  # the public drawing: classes only
