"""The publishing gate: each rule holds on data built to break it."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

from tryggaplatser.errors import GateRefusal
from tryggaplatser.publish.audit import scan_dir
from tryggaplatser.publish.gate import (
    HIDDEN,
    INTERNAL_MARKING,
    MANIFEST,
    SMALL,
    Gate,
    is_pii_column,
)
from tryggaplatser.publish.tables import write_csv, write_xlsx

PII_COLUMNS = [
    "victim_name",
    "pnr",
    "personnummer",
    "namn",
    "telefon",
    "email",
    "E-post",
    "victimName",
    "brottsoffer",
    "reporter_name",
    "user_name",
    "fornamn",
    "mobilnummer",
    "adress",
    "regnr",
]


def grid(n=(0, 3, 7, 12), size=250.0, **extra):
    cells = gpd.GeoDataFrame(
        {
            "cell_id": range(len(n)),
            "n": list(n),
            "kde": np.linspace(0.1, 2, len(n)),
            "gistar": np.arange(len(n), dtype=float),
            "pvalue": [0.5] * len(n),
            "gi_bin": [0] * len(n),
            "hotspot_category": ["ingen"] * len(n),
            **extra,
        },
        geometry=[box(i * size, 0, (i + 1) * size, size) for i in range(len(n))],
        crs=3006,
    )
    cells.attrs["tryggaplatser"] = {"params": {"cell_size": size, "bandwidth": 600.0}}
    return cells


def area_table(**extra):
    return pd.DataFrame(
        {
            "area_id": ["A", "A", "B", "B", "C", "C"],
            "name": ["Alfa", "Alfa", "Beta", "Beta", "Gamma", "Gamma"],
            "category": ["klotter", "brand"] * 3,
            "n": [2, 10, 7, 8, 30, 1],
            "population": [1000, 1000, 40, 40, 500, 500],
            **extra,
        }
    )


# --- modes ---------------------------------------------------------------------------------------


def test_mode_from_config_and_unknown_mode():
    from tryggaplatser.layers.config import ProjectConfig

    cfg = ProjectConfig(
        path=None,
        name="x",
        municipality_code="0000",
        privacy_mode="public",
        sensitive_categories=("sexualbrott",),
    )
    gate = Gate(config=cfg)
    assert gate.mode == "public" and "sexualbrott" in gate.sensitive
    assert Gate().mode == "internal"
    with pytest.raises(GateRefusal, match="okänt läge"):
        Gate("press")


def test_inputs_are_never_mutated():
    cells, table = grid(), area_table()
    before_cells, before_table = cells.copy(), table.copy()
    Gate("public", quiet=True).release(cells, "grid_cells")
    Gate("public", quiet=True).release(table, "area_category_table", margins=True)
    pd.testing.assert_frame_equal(cells, before_cells)
    pd.testing.assert_frame_equal(table, before_table)


# --- small counts, rates, complementary ---------------------------------------------------------


def test_grid_counts_suppressed_and_zero_kept():
    out = Gate("public", quiet=True).release(grid(), "grid_cells")
    assert out["n_visning"].tolist() == [0, SMALL, 7, 12]
    assert out["n"].isna().tolist() == [False, True, False, False]
    assert {"kde", "gistar", "pvalue"}.isdisjoint(out.columns)
    assert out["kde_class"].dropna().between(1, 5).all()
    assert out.attrs["tryggaplatser"]["gate"] == {"mode": "public", "kind": "grid_cells"}


def test_grid_with_published_total_gets_complement():
    out = Gate("public", quiet=True).release(
        grid(n=(0, 3, 7, 12, 40)), "grid_cells", published_total=True
    )
    assert (out["n_visning"] == HIDDEN).sum() >= 1


def test_internal_keeps_values_and_flags_one_two():
    out = Gate("internal").release(grid(n=(0, 1, 2, 3)), "grid_cells")
    assert out["n"].tolist() == [0, 1, 2, 3] and "gistar" in out
    assert [bool(f) for f in out["n_flagga"]] == [False, True, True, False]
    assert out.attrs["tryggaplatser"]["marking"] == INTERNAL_MARKING


def test_rates_withheld_for_small_numerator_or_population():
    out = Gate("public", quiet=True).release(
        area_table(), "area_category_table", margins=True, rates={"per_1000": ("n", "population")}
    )
    rows = out.set_index(["area_id", "category"])
    assert rows.loc[("A", "klotter"), "per_1000"] == HIDDEN  # n = 2
    assert rows.loc[("B", "totalt"), "per_1000"] == HIDDEN  # population 40
    assert rows.loc[("A", "totalt"), "per_1000"] == 12.0
    # a withheld count never has a published rate (rate × population would reveal it)
    for _, r in out.iterrows():
        if r["n"] in (SMALL, HIDDEN):
            assert r["per_1000"] == HIDDEN


@pytest.mark.parametrize("mode", ["public", "internal"])
def test_population_not_recorded_is_missing_never_zero_or_withheld(mode):
    """Issue 13: areas without a recorded population gave the municipality row population 0
    and (public) the suppression marker ".." as rate; the total is unknown when any area's
    population is, and a rate that cannot be computed is missing (NaN), not withheld."""
    none = Gate(mode, quiet=True).release(
        area_table(population=[pd.NA] * 6),
        "area_category_table",
        margins=True,
        rates={"per_1000": ("n", "population")},
    )
    assert none["population"].isna().all()
    assert all(isinstance(v, float) and np.isnan(v) for v in none["per_1000"])
    partly = Gate(mode, quiet=True).release(
        area_table(population=[1000, 1000, pd.NA, pd.NA, 500, 500]),
        "area_category_table",
        margins=True,
        rates={"per_1000": ("n", "population")},
    )
    rows = partly.set_index(["area_id", "category"])
    assert pd.isna(rows.loc[("totalt", "totalt"), "population"])  # unknown, not 1 500
    assert rows.loc[("A", "totalt"), "population"] == 1000
    assert rows.loc[("A", "totalt"), "per_1000"] == 12.0  # 12 / 1 000 × 1 000


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 200)), min_size=1, max_size=8))
def test_rate_rule_property(rows):
    df = pd.DataFrame(
        {
            "area_id": [f"A{i}" for i in range(len(rows))],
            "n": [r[0] for r in rows],
            "population": [r[1] for r in rows],
        }
    )
    out = Gate("public", quiet=True).release(df, "area_table", rates={"r": ("n", "population")})
    for (n, pop), rate in zip(rows, out["r"]):
        if n < 5 or pop < 50:
            assert rate == HIDDEN
        else:
            assert rate == pytest.approx(round(n / pop * 1000, 1))


def test_nested_parent_not_sum_is_refused():
    df = pd.DataFrame({"area_id": ["P", "C1", "C2"], "n": [10, 3, 4]})
    with pytest.raises(GateRefusal, match="summan"):
        Gate("public", quiet=True).release(
            df, "area_table", by=["area_id"], parents={"C1": "P", "C2": "P"}
        )


def test_total_rows_from_caller_are_refused():
    df = pd.DataFrame({"area_id": ["A", "totalt"], "n": [3, 3]})
    with pytest.raises(GateRefusal, match="reserverat"):
        Gate("public", quiet=True).release(df, "area_table", margins=True)


# --- space, time, categories, surveys -----------------------------------------------------------


def test_points_refused_in_public_and_snapped_internal():
    pts = gpd.GeoDataFrame(
        {
            "incident_id": ["1"],
            "category": ["klotter"],
            "description": ["ring 070-123 45 67"],
            "victim_name": ["Anna"],
        },
        geometry=[Point(650123.4, 6550321.7)],
        crs=3006,
    )
    with pytest.raises(GateRefusal, match="punkt"):
        Gate("public").release(pts, "points", layer="incidents")
    with pytest.raises(GateRefusal, match="punktgeometrier"):
        Gate("public").release(pts.drop(columns="description"), "map_layer")
    out = Gate("internal", quiet=True).release(pts, "points", layer="incidents")
    x, y = out.geometry.iloc[0].x, out.geometry.iloc[0].y
    assert (x, y) == (650125.0, 6550325.0)  # centre of the 50 m cell
    assert "victim_name" not in out.columns
    assert "070" not in out["description"].iloc[0]


@settings(max_examples=30, deadline=None)
@given(st.floats(0, 1e6), st.floats(6.1e6, 7.6e6))
def test_snapped_points_never_keep_exact_coordinates(x, y):
    pts = gpd.GeoDataFrame({"incident_id": ["1"]}, geometry=[Point(x, y)], crs=3006)
    out = Gate("internal", quiet=True).release(pts, "points", layer="incidents")
    sx, sy = out.geometry.iloc[0].x, out.geometry.iloc[0].y
    assert abs(sx - x) <= 25.0001 and abs(sy - y) <= 25.0001
    assert (sx - 25) % 50 == pytest.approx(0, abs=1e-6) or (sx - 25) % 50 == pytest.approx(50)


def _as_records(cells):
    """The hotspot verbs' form of the params: ``{"value", "auto", "rule"}`` per choice."""
    out = cells.copy()
    params = cells.attrs["tryggaplatser"]["params"]
    out.attrs["tryggaplatser"] = {
        "params": {k: {"value": v, "auto": True, "rule": "test"} for k, v in params.items()}
    }
    return out


def test_params_read_in_both_forms():
    # cell size as a record: a 100 m grid is refused, also when the record says 500 m
    with pytest.raises(GateRefusal, match="rutstorleken 100 m"):
        Gate("public").release(_as_records(grid(size=100.0)), "grid_cells")
    lying = _as_records(grid(size=100.0))
    lying.attrs["tryggaplatser"]["params"]["cell_size"]["value"] = 500
    with pytest.raises(GateRefusal, match="rutstorleken 100 m"):
        Gate("public").release(lying, "grid_cells")
    # the bandwidth record is used for the KDE support, same result as the plain form
    n = [0, 3, 7, 12, 9, 1, 0, 5]
    plain = Gate("public", quiet=True).release(grid(n=n), "grid_cells")
    records = Gate("public", quiet=True).release(_as_records(grid(n=n)), "grid_cells")
    pd.testing.assert_series_equal(plain["kde_class"], records["kde_class"])
    assert plain["kde_class"].notna().any()
    gate = Gate("public", quiet=True)
    gate.release(_as_records(grid(size=500.0)), "grid_cells")
    assert gate.summary.grid_sizes == {500}


def test_hotspot_result_passes_gate_directly():
    """A real hotspot_kde result (params as records) goes through the gate without adapters."""
    from tryggaplatser.analysis.hotspots import hotspot_kde

    rng = np.random.default_rng(3)
    pts = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(
            650_000 + rng.normal(0, 400, 300), 6_550_000 + rng.normal(0, 400, 300)
        ),
        crs=3006,
    )
    cells = hotspot_kde(pts, cell_size=250, quiet=True)
    assert isinstance(cells.attrs["tryggaplatser"]["params"]["cell_size"], dict)
    out = Gate("public", quiet=True).release(cells, "grid_cells")
    assert "kde_class" in out.columns and "kde" not in out.columns
    fine = hotspot_kde(pts, cell_size=100, quiet=True)
    with pytest.raises(GateRefusal, match="rutstorleken 100 m"):
        Gate("public").release(fine, "grid_cells")


@pytest.mark.parametrize("size", [100.0, 200.0, 249.0])
def test_fine_grid_refused(size):
    with pytest.raises(GateRefusal, match="rutstorleken"):
        Gate("public").release(grid(size=size), "grid_cells")
    Gate("internal").release(grid(size=size), "grid_cells")  # fine internally


def test_grid_size_from_geometry_when_params_lie():
    cells = grid(size=100.0)
    cells.attrs["tryggaplatser"]["params"]["cell_size"] = 500
    with pytest.raises(GateRefusal):
        Gate("public").release(cells, "grid_cells")


@pytest.mark.parametrize(
    "column,values",
    [
        ("date", ["2026-03-01"]),
        ("occurred_at", pd.to_datetime(["2026-03-01 10:00"])),
        ("hour", [22]),
        ("weekday", ["mån"]),
        ("vecka", ["2026-W10"]),
        ("period", ["2026-03-01"]),
        ("period", pd.period_range("2026-03-01", periods=1, freq="D")),
    ],
)
def test_time_finer_than_month_refused(column, values):
    df = pd.DataFrame({"area_id": ["A"], "n": [7], column: list(values)})
    with pytest.raises(GateRefusal, match="månad"):
        Gate("public").release(df, "area_table", by=["area_id", column])
    Gate("internal").release(df, "area_table", by=["area_id", column])


def test_month_allowed():
    df = pd.DataFrame({"area_id": ["A", "A"], "month": ["2026-03", "2026-04"], "n": [7, 9]})
    out = Gate("public", quiet=True).release(df, "area_table")
    assert out["month"].tolist() == ["2026-03", "2026-04"]


def test_sensitive_category_below_municipality_refused():
    gate = Gate("public", sensitive_categories=["sexualbrott"], quiet=True)
    df = pd.DataFrame({"area_id": ["A", "B"], "category": ["sexualbrott", "klotter"], "n": [9, 9]})
    with pytest.raises(GateRefusal, match="känslig"):
        gate.release(df, "area_category_table")
    cells = grid(category=["sexualbrott"] * 4)
    with pytest.raises(GateRefusal, match="känslig"):
        gate.release(cells, "grid_cells")
    # municipality level is fine
    gate.release(
        pd.DataFrame({"category": ["sexualbrott"], "n": [9]}), "area_table", by=["category"]
    )


def test_survey_shares_need_ten_responses():
    df = pd.DataFrame(
        {
            "area_id": ["A", "B"],
            "indicator": ["otrygg"] * 2,
            "value": [40.0, 55.0],
            "scale": ["andel_procent"] * 2,
            "n": [9, 10],
            "comment": ["x", "y"],
        }
    )
    out = Gate("public", quiet=True).release(df, "survey_table")
    assert out["value"].tolist() == [HIDDEN, 55.0]
    assert "comment" not in out.columns


def test_free_text_refused_when_asked_for_and_dropped_otherwise():
    df = area_table(description=["en lång kommentar"] * 6)
    with pytest.raises(GateRefusal, match="fritext"):
        Gate("public").release(df, "area_category_table", by=["area_id", "category", "description"])
    out = Gate("public", quiet=True).release(df, "area_category_table")
    assert "description" not in out.columns


def test_internal_keeps_allowlisted_free_text_redacted():
    """REFERENCE.md §5: internal releases keep free text after redaction, public never."""
    walks = gpd.GeoDataFrame(
        {
            "observation_id": ["O1", "O2"],
            "status": ["ny", "ej_atgardbar"],
            "proposed_measure": ["Ring 070-123 45 67 om lampan", None],
            "reason_if_not": [None, "Mejla kim@example.se, personnr 19121212-1212"],
            "victim_name": ["Anna", "Bo"],
        },
        geometry=[Point(650_010, 6_550_010), Point(650_400, 6_550_400)],
        crs=3006,
    )
    out = Gate("internal", quiet=True).release(walks, "points", layer="walk_observations")
    assert {"proposed_measure", "reason_if_not"} <= set(out.columns)
    assert "victim_name" not in out.columns
    assert out["proposed_measure"].iloc[0].startswith("Ring ")
    assert "om lampan" in out["proposed_measure"].iloc[0]
    assert "070" not in out["proposed_measure"].iloc[0]
    assert pd.isna(out["proposed_measure"].iloc[1])  # missing stays missing
    reason = out["reason_if_not"].iloc[1]
    assert reason.startswith("Mejla") and "kim@" not in reason and "1212" not in reason
    assert walks["proposed_measure"].iloc[0] == "Ring 070-123 45 67 om lampan"  # not mutated
    dialogue = gpd.GeoDataFrame(
        {
            "response_id": ["D1"],
            "perception": ["otrygg"],
            "comment": ["Mörkt här, ring 08-123 456 78"],
        },
        geometry=[Point(650_010, 6_550_010)],
        crs=3006,
    )
    out = Gate("internal", quiet=True).release(dialogue, "points", layer="dialogue")
    assert out["comment"].iloc[0].startswith("Mörkt här") and "123 456" not in out["comment"][0]
    # any kind: free text asked for in an internal table is kept, redacted
    df = area_table(description=["ring 070-123 45 67"] * 6)
    table = Gate("internal", quiet=True).release(
        df, "area_category_table", by=["area_id", "category", "description"]
    )
    assert table["description"].notna().any()
    assert not table["description"].astype(str).str.contains("070").any()
    # public: points refused, free text never kept
    with pytest.raises(GateRefusal):
        Gate("public").release(walks, "points", layer="walk_observations")
    cells = walks.drop(columns="geometry").assign(
        geometry=[box(0, 0, 250, 250), box(250, 0, 500, 250)]
    )
    cells = gpd.GeoDataFrame(cells, geometry="geometry", crs=3006)
    layer = Gate("public", quiet=True).release(cells, "map_layer")
    assert not {"proposed_measure", "reason_if_not"} & set(layer.columns)


# --- rasters -------------------------------------------------------------------------------------


def test_raster_blanked_and_classed_without_bandwidth():
    rng = np.random.default_rng(1)
    values = rng.random((20, 20))
    support = rng.integers(0, 12, (20, 20))
    out = Gate("public").release(values, "raster", support=support, cell_size=250)
    assert out.values.dtype == np.uint8
    assert (out.values[support < 5] == 0).all()
    assert set(np.unique(out.values[support >= 5])) <= {1, 2, 3, 4, 5}
    assert not any("band" in (k + v).lower() for k, v in out.tags.items())
    counts = np.zeros((20, 20))
    counts[10, 10] = 3
    out2 = Gate("public").release(values, "raster", counts=counts, bandwidth=600, cell_size=250)
    assert (out2.values == 0).all()  # 3 events support nothing
    with pytest.raises(GateRefusal, match="cellstorleken"):
        Gate("public").release(values, "raster", support=support, cell_size=100)
    internal = Gate("internal").release(values, "raster", cell_size=100)
    assert internal.tags["TRYGGAPLATSER_MARKING"] == INTERNAL_MARKING
    np.testing.assert_allclose(internal.values, values)


# --- PII columns ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PII_COLUMNS)
def test_pii_column_names(name):
    assert is_pii_column(name)


@pytest.mark.parametrize(
    "name",
    [
        "name",
        "area_id",
        "n",
        "category",
        "gi_bin",
        "area_name",
        "population",
        "kde_class",
        "layer_name",
    ],
)
def test_ordinary_column_names(name):
    assert not is_pii_column(name)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(st.sampled_from(PII_COLUMNS), min_size=1, max_size=4, unique=True),
    st.sampled_from(["public", "internal"]),
)
def test_hidden_pii_columns_never_reach_any_output(tmp_path_factory, cols, mode):
    out_dir = tmp_path_factory.mktemp("out") / mode
    gate = Gate(mode, quiet=True)
    table = area_table(**{c: [f"hemlig-{c}"] * 6 for c in cols})
    cells = grid(**{c: [f"hemlig-{c}"] * 4 for c in cols})
    with pytest.raises(GateRefusal, match="personuppgifter"):
        gate.release(table, "area_category_table", by=["area_id", "category", cols[0]])
    released = [
        gate.release(table, "area_category_table"),
        gate.release(cells, "grid_cells"),
        gate.release(cells, "map_layer"),
    ]
    for frame in released:
        assert not set(cols) & set(frame.columns)
    write_csv(table, out_dir / "t.csv", gate=gate, kind="area_category_table")
    write_xlsx(table, out_dir / "t.xlsx", gate=gate, kind="area_category_table")
    gate.write_html(
        "<html><head><title>t</title></head><body>" + released[0].to_html() + "</body></html>",
        out_dir / "t.html",
    )
    for path in out_dir.iterdir():
        data = path.read_bytes()
        if path.suffix == ".xlsx":
            import zipfile

            with zipfile.ZipFile(path) as z:
                data = b"".join(z.read(n) for n in z.namelist())
        assert b"hemlig" not in data, path.name
        for c in cols:
            assert c.encode() not in data, (path.name, c)


# --- files, marking, manifest ---------------------------------------------------------------------


def test_internal_files_marked_and_cannot_be_relabelled(tmp_path):
    internal = Gate("internal", quiet=True)
    csv_path = write_csv(
        area_table(), tmp_path / "internt" / "t.csv", gate=internal, kind="area_category_table"
    )
    html_path = internal.write_html(
        "<html><head><title>K</title></head><body>x</body></html>", tmp_path / "internt" / "k.html"
    )
    lines = csv_path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].endswith(";markning") and all(ln.endswith(INTERNAL_MARKING) for ln in lines[1:])
    assert INTERNAL_MARKING in html_path.read_text(encoding="utf-8")
    assert scan_dir(tmp_path / "internt", "internal") == []
    # copy into a public folder, even with the manifest entry: the audit refuses
    public = tmp_path / "publik"
    public.mkdir()
    for p in (tmp_path / "internt").iterdir():
        (public / p.name).write_bytes(p.read_bytes())
    found = [f for f in scan_dir(public, "public") if f.rule == "INTERNAL_IN_PUBLIC"]
    # both the marking in the file and the manifest's "internal" entry are found
    text = " ".join(f.message for f in found)
    assert ("märkt" in text or "marked" in text) and ("släpptes" in text or "released" in text)
    # stripping the marking by hand breaks the hash
    text = (public / "k.html").read_text(encoding="utf-8").replace(INTERNAL_MARKING, "")
    (public / "k.html").write_text(text.replace("internal", "public"), encoding="utf-8")
    rules = {f.rule for f in scan_dir(public, "public") if f.file == "k.html"}
    assert "MODIFIED_AFTER_SEAL" in rules or "INTERNAL_IN_PUBLIC" in rules


def test_public_file_with_findings_is_removed(tmp_path):
    gate = Gate("public", quiet=True)
    page = "<html><body><p>Ring 070-123 45 67</p></body></html>"
    with pytest.raises(GateRefusal, match="PERSONAL_DATA"):
        gate.write_html(page, tmp_path / "k.html")
    assert not (tmp_path / "k.html").exists()


@pytest.mark.parametrize("mode", ["public", "internal"])
def test_refused_file_leaves_disk_and_manifest_in_either_mode(tmp_path, mode):
    """A refused file never stays on disk looking complete, and an earlier run's manifest
    entry for the same name goes too."""
    import json

    gate = Gate(mode, quiet=True)
    good = "<html><body><p>Rapport</p></body></html>"
    gate.write_html(good, tmp_path / "k.html")
    gate.write_html(good, tmp_path / "annan.html")
    manifest = tmp_path / "utgivning.json"
    assert "k.html" in json.loads(manifest.read_text(encoding="utf-8"))["files"]
    with pytest.raises(GateRefusal, match="PERSONAL_DATA"):
        gate.write_html("<html><body><p>Ring 070-123 45 67</p></body></html>", tmp_path / "k.html")
    assert not (tmp_path / "k.html").exists()
    files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
    assert "k.html" not in files and "annan.html" in files
    assert scan_dir(tmp_path, mode) == []


def test_metadata_refuses_paths_and_parameters():
    gate = Gate("public")
    assert gate.metadata() == {"tryggaplatser_mode": "public"}
    with pytest.raises(GateRefusal, match="sökväg"):
        gate.metadata({"source": "/home/anna/data.gpkg"})
    with pytest.raises(GateRefusal, match="återskapa"):
        gate.metadata({"bandwidth": "600"})
    assert Gate("internal").metadata()["tryggaplatser_marking"] == INTERNAL_MARKING


def test_export_gpkg_and_finish_pass_audit(tmp_path):
    from tryggaplatser.publish.geopackage import write_cells_gpkg

    for mode in ("public", "internal"):
        gate = Gate(mode, quiet=True)
        out = tmp_path / mode
        gate.export(grid(), "grid_cells", out / "celler.gpkg", write_cells_gpkg)
        write_csv(
            area_table(), out / "antal.csv", gate=gate, kind="area_category_table", margins=True
        )
        gate.finish(out)
        assert scan_dir(out, mode) == []
        assert (out / MANIFEST).exists()
    assert (tmp_path / "public" / "offentliggorande.html").exists()
    assert not (tmp_path / "internal" / "offentliggorande.html").exists()


def test_finalise_html_banner_only_internal():
    page = "<html><head><title>T</title></head><body>x</body></html>"
    assert INTERNAL_MARKING not in Gate("public").finalise_html(page)
    internal = Gate("internal").finalise_html(page)
    assert internal.count(INTERNAL_MARKING) == 2  # banner + title
    assert 'content="internal"' in internal


def test_unknown_kind():
    with pytest.raises(GateRefusal, match="okänd utdatatyp"):
        Gate("public").release(pd.DataFrame(), "heatmap")


def test_area_layer_rates_numeric_and_withheld():
    areas = gpd.GeoDataFrame(
        {
            "area_id": ["A", "B", "C"],
            "name": ["a", "b", "c"],
            "n": [3, 20, 30],
            "population": [1000, 40, 3000],
        },
        geometry=[box(i * 1000, 0, (i + 1) * 1000, 1000) for i in range(3)],
        crs=3006,
    )
    out = Gate("public", quiet=True).release(
        areas, "area_layer", rates={"per_1000": ("n", "population")}
    )
    assert out["per_1000"].isna().tolist() == [True, True, False]
    assert out["per_1000"].iloc[2] == 10.0
    internal = Gate("internal").release(
        areas, "area_layer", rates={"per_1000": ("n", "population")}
    )
    assert internal["per_1000"].tolist() == [3.0, 500.0, 10.0]


def _gate_messages(caplog, action) -> list[str]:
    import logging

    logger = logging.getLogger("tryggaplatser")
    own = not logger.propagate  # the CLI tests turn propagation off
    if own:
        logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO, logger="tryggaplatser"):
            caplog.clear()
            action()
    finally:
        if own:
            logger.removeHandler(caplog.handler)
    starts = ("Publiceringsgrinden", "Publishing gate")
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith(starts)]


def test_dropped_columns_announced_once_in_swedish(caplog):
    import geopandas as gpd
    from shapely import box

    cells = gpd.GeoDataFrame(
        {"n": [7, 9], "gistar": [2.1, 0.3], "pvalue": [0.03, 0.7], "gi_bin": [2, 0]},
        geometry=[box(0, 0, 250, 250), box(250, 0, 500, 250)],
        crs="EPSG:3006",
    )
    gate = Gate("public")
    # one result released twice into the same output set (GeoPackage + raster, KDE + Gi*)
    messages = _gate_messages(caplog, lambda: [gate.release(cells, "grid_cells") for _ in range(2)])
    assert messages == [
        "Publiceringsgrinden (publik, rutnätsceller): kolumner utanför "
        "tillåtelselistan togs bort: gistar, pvalue"
    ]
    assert gate.summary.columns_dropped == 4  # the disclosure count still sees both
    from tryggaplatser.i18n import language

    with language("en"):
        messages = _gate_messages(
            caplog, lambda: Gate("internal").release(cells.assign(secret=1), "area_layer")
        )
    assert messages == [
        "Publishing gate (internal, area layer): columns outside the "
        "allowlist were dropped: gistar, pvalue, gi_bin, secret"
    ]
    assert (
        _gate_messages(caplog, lambda: Gate("public", quiet=True).release(cells, "grid_cells"))
        == []
    )


def test_two_processes_sealing_into_one_folder_lose_no_manifest_entry(tmp_path):
    """The demo writes two internal jobs at once: the manifest update is locked."""
    import json
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_seal_many, args=(tmp_path, tag)) for tag in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
        assert p.exitcode == 0
    manifest = json.loads((tmp_path / "utgivning.json").read_text(encoding="utf-8"))
    assert len(manifest["files"]) == 60
    assert list(manifest["files"]) == sorted(manifest["files"])  # the same whoever came first


def _seal_many(folder, tag: str) -> None:
    from tryggaplatser.publish.gate import Gate

    gate = Gate("internal", quiet=True)
    for i in range(30):
        path = folder / f"{tag}_{i:02d}.txt"
        path.write_text("INTERNT – ej för spridning\n", encoding="utf-8")
        gate.seal(path, kind="file")


def test_plan_key_rows_equal_to_dict_records():
    """The rows a plan key reads (read column by column) hold what ``to_dict("records")``
    gives, value for value and type for type."""
    from tryggaplatser.publish.gate import _records

    frame = pd.DataFrame(
        {
            "cell_id": ["a", "b", "c"],
            "n": pd.array([1, None, 7], dtype="Int64"),
            "share": [1.5, np.nan, 0.25],
            "k": np.array([1, 2, 3]),
            "mixed": [np.int64(3), "x", None],
            "day": pd.to_datetime(["2020-01-01", "2021-01-01", None]),
            "label": pd.array(["x", None, "z"], dtype="string"),
        }
    )
    lazy = _records(frame)
    assert len(lazy) == len(frame)
    for expected, row in zip(frame.to_dict("records"), lazy, strict=True):
        assert list(row) == list(expected)
        for key, value in expected.items():
            assert type(row[key]) is type(value) and repr(row[key]) == repr(value)
    with pytest.raises(KeyError):
        lazy[0]["missing"]
    assert lazy[2].get("cell_id") == "c"


def test_margins_equal_brute_force_sums():
    """Every total row of a released table (one, two and three margins) equals the sum of
    the inner cells it covers, summed here directly from the input."""
    rng = np.random.default_rng(3)
    rows = [
        {"area_id": a, "category": c, "year": y, "n": int(rng.integers(0, 30))}
        for a in ("A1", "A2", "A3")
        for c in ("vandalism", "theft")
        for y in (2024, 2025)
        if rng.random() < 0.85  # missing cells count 0
    ]
    df = pd.DataFrame(rows)
    out = Gate("internal", quiet=True).release(
        df, "area_category_table", margins=True, by=["area_id", "category", "year"]
    )
    by = ["area_id", "category", "year"]
    assert len(out) == 4 * 3 * 3
    for _, row in out.iterrows():
        mask = np.ones(len(df), bool)
        for d in by:
            if row[d] != "totalt":
                mask &= (df[d] == row[d]).to_numpy()
        assert int(row["n"]) == int(df.loc[mask, "n"].sum()), row.to_dict()
