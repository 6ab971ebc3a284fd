"""The provenance record is read-only once attached, shared by every derived frame, and changed
copy-on-write (pandas deep-copies ``attrs`` on every operation; a frozen record is its own copy).
"""

from __future__ import annotations

import copy
import json
import pickle

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from tryggaplatser.analysis._common import attach
from tryggaplatser.provenance import (
    FrozenDict,
    FrozenList,
    Provenance,
    ReadOnlyRecordError,
    amend,
    cell_size_of,
    freeze,
    param,
    record_of,
    set_param,
    thaw,
)


def _plain() -> dict:
    return {
        "params": {
            "cell_size": {"value": 250.0, "auto": True, "rule": "SCB:s 250-metersrutnät"},
            "categories": {"value": ["rån", "skadegörelse"], "auto": False},
            "period": {"value": ("2025-01-01", "2025-12-31"), "auto": False},
        },
        "units": {"kde": "händelser per km² och år"},
        "notes": ["en anteckning"],
        "periods": [{"start": "2025-01", "end": "2025-06"}],
    }


def _frame() -> pd.DataFrame:
    df = pd.DataFrame({"cell_id": ["a", "b", "c"], "n": [0, 3, 5]})
    return attach(df, _plain(), {"cell_size": 250.0, "nrows": 1, "ncols": 3})


def test_attached_record_is_frozen_all_the_way_down_and_a_copy_of_the_callers():
    record = _plain()
    df = attach(pd.DataFrame({"n": [1]}), record)
    rec = record_of(df)
    assert isinstance(rec, FrozenDict) and isinstance(rec["params"], FrozenDict)
    assert isinstance(rec["notes"], FrozenList) and isinstance(rec["periods"][0], FrozenDict)
    assert isinstance(rec["params"]["categories"]["value"], FrozenList)
    assert rec == record and thaw(rec) == record
    record["params"]["cell_size"]["value"] = 125.0  # the caller's dict stays the caller's
    assert param(df, "cell_size") == 250.0


@pytest.mark.parametrize(
    "derive",
    [
        lambda df: df[df["n"] > 0],
        lambda df: df.loc[df["n"] > 2, ["cell_id"]],
        lambda df: df.assign(k=lambda d: d["n"] * 2),
        lambda df: df.merge(df[["cell_id"]].assign(x=1), on="cell_id"),  # both carry it
        lambda df: pd.concat([df, df], ignore_index=True),
        lambda df: df.sort_values("n", ascending=False).reset_index(drop=True),
        lambda df: df.copy(),
        lambda df: copy.deepcopy(df),
        lambda df: df["n"],
    ],
    ids=["filter", "loc", "assign", "merge", "concat", "sort", "copy", "deepcopy", "column"],
)
def test_record_survives_operations_unchanged_and_shared(derive):
    df = _frame()
    out = derive(df)
    assert record_of(out) is record_of(df)  # shared: no deep copy was made
    assert record_of(out) == {**_plain(), "grid": {"cell_size": 250.0, "nrows": 1, "ncols": 3}}
    assert cell_size_of(out) == 250.0


def test_result_of_an_analysis_verb_carries_a_frozen_shared_record():
    from tryggaplatser.analysis.hotspots import hotspot_gistar

    rng = np.random.default_rng(3)
    xy = rng.normal(0, 400, size=(400, 2)) + np.array([650_000, 6_580_000])
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=3006)
    cells = hotspot_gistar(pts, cell_size=250, quiet=True)
    rec = record_of(cells)
    assert isinstance(rec, FrozenDict) and isinstance(rec["grid"], FrozenDict)
    hot = cells[cells["n"] > 0].assign(twice=lambda d: d["n"] * 2)
    assert record_of(hot) is rec
    assert Provenance.of(hot, mode="internal", period=(None, None)).cell_size == 250.0


@pytest.mark.parametrize(
    "mutate",
    [
        lambda r: r.__setitem__("period", ("2025-01-01", "2025-01-31")),
        lambda r: r["params"].__setitem__("cell_size", {"value": 125.0}),
        lambda r: r["params"]["cell_size"].__setitem__("value", 125.0),
        lambda r: r.setdefault("marking", "x"),
        lambda r: r.update(period=None),
        lambda r: r["params"].pop("cell_size"),
        lambda r: r.__delitem__("units"),
        lambda r: r.clear(),
        lambda r: r["notes"].append("ny"),
        lambda r: r["notes"].__setitem__(0, "ändrad"),
        lambda r: r["params"]["categories"]["value"].sort(),
        lambda r: r["periods"][0].__setitem__("start", "2024-01"),
    ],
)
def test_changing_an_attached_record_in_place_raises_with_a_clear_message(mutate):
    df = _frame()
    with pytest.raises(ReadOnlyRecordError, match=r"read-only once attached.*provenance\.amend"):
        mutate(record_of(df))
    assert record_of(df) == {**_plain(), "grid": {"cell_size": 250.0, "nrows": 1, "ncols": 3}}
    with pytest.raises(TypeError):  # a TypeError, like changing a tuple
        record_of(df)["notes"] += ["ny"]


def test_changes_are_copy_on_write():
    df = _frame()
    view = df[df["n"] > 0]
    before = record_of(df)
    set_param(df, "cell_size", {"value": 500.0, "auto": True, "rule": "r"})
    amend(df, period=("2025-01-01", "2025-01-31"))
    assert param(df, "cell_size") == 500.0 and record_of(df)["period"][1] == "2025-01-31"
    assert isinstance(record_of(df), FrozenDict) and isinstance(record_of(df)["params"], FrozenDict)
    assert record_of(view) is before and param(view, "cell_size") == 250.0  # others keep theirs
    assert record_of(df)["units"] is before["units"]  # unchanged parts are shared, not copied
    fresh = amend(pd.DataFrame({"n": [1]}), period=("a", "b"))
    assert record_of(fresh) == {"period": ("a", "b")}
    edited = thaw(before)
    edited["params"]["cell_size"]["value"] = 1.0
    edited["notes"].append("ny")
    assert param(df[:0], "cell_size") == 500.0 and before["notes"] == ["en anteckning"]


def test_reads_json_dict_equality_and_pickling_work_as_for_plain_records():
    df = _frame()
    rec = record_of(df)
    plain = thaw(rec)
    assert type(plain) is dict and type(plain["notes"]) is list
    assert json.dumps(rec, sort_keys=True, ensure_ascii=False) == json.dumps(
        plain, sort_keys=True, ensure_ascii=False
    )
    assert repr(rec) == repr(plain) and str(rec["notes"]) == "['en anteckning']"
    assert dict(rec) == plain and rec.get("missing", 1) == 1 and list(rec) == list(plain)
    assert rec["params"]["categories"]["value"] == ["rån", "skadegörelse"]
    assert {**rec, "x": 1}["x"] == 1 and (rec | {"x": 1})["x"] == 1  # new plain dicts
    back = pickle.loads(pickle.dumps(df))  # what a forked worker returns
    assert record_of(back) == rec and isinstance(record_of(back)["params"], FrozenDict)
    with pytest.raises(ReadOnlyRecordError):
        record_of(back)["notes"].append("ny")
    assert copy.copy(rec) is rec and copy.deepcopy(rec) is rec


def test_freeze_makes_arrays_read_only_copies_and_keeps_frozen_values():
    arr = np.arange(3.0)
    frozen = freeze({"a": arr, "s": {1, 2}, "t": ([1], {"k": 2})})
    assert not frozen["a"].flags.writeable and frozen["a"] is not arr
    assert frozen["s"] == frozenset({1, 2}) and isinstance(frozen["t"][0], FrozenList)
    assert freeze(frozen) is frozen
    arr[0] = 9.0
    assert frozen["a"][0] == 0.0
