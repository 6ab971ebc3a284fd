"""Contents of the committed demo: vocabularies, geometry, names, privacy labels."""

from __future__ import annotations

import tomllib

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from tryggaplatser.layers.schema import LAYERS

VOCAB_PATH = "src/tryggaplatser/layers/vocabulary.toml"


def _vocab() -> dict:
    from importlib import resources

    text = resources.files("tryggaplatser.layers").joinpath("vocabulary.toml").read_text("utf-8")
    return tomllib.loads(text)


def _codes(values: pd.Series, multi: bool = False) -> set[str]:
    v = values.dropna().astype(str)
    v = v[v != ""]
    if multi:
        return {c for s in v for c in s.split(";") if c}
    return set(v)


def _check(frame: pd.DataFrame, layer: str, columns: dict[str, str]) -> None:
    """Every code column of ``layer`` (source name -> canonical) holds vocabulary codes."""
    vocab = _vocab()
    schema = LAYERS[layer]
    for src, canon in columns.items():
        col = schema.column(canon)
        if col.vocab is None or src not in frame.columns:
            continue
        found = _codes(frame[src], multi=col.kind == "codes")
        assert found <= set(vocab[col.vocab]), (layer, canon, found - set(vocab[col.vocab]))


def test_config_category_mappings_use_codes(demo_dir):
    cfg = tomllib.loads((demo_dir / "tryggaplatser.toml").read_text(encoding="utf-8"))
    categories = set(_vocab()["category"])
    for spec in cfg["layers"]["incidents"]:
        assert set(spec["categories"].values()) <= categories, spec["file"]


def test_every_code_is_in_the_vocabulary(demo_dir):
    from tryggaplatser.datasets import generate as g

    est = pd.read_csv(
        demo_dir / g.INCIDENT_FILES["est"], sep=";", decimal=",", encoding="cp1252", dtype=str
    )
    _check(est, "incidents", {v: k for k, v in g.EST_COLUMNS.items() if k != "category"})
    xlsx = pd.read_excel(demo_dir / g.INCIDENT_FILES["bostadsbolag"], dtype=str, engine="calamine")
    _check(xlsx, "incidents", {v: k for k, v in g.XLSX_COLUMNS.items() if k != "category"})
    gpkg = pyogrio.read_dataframe(demo_dir / g.INCIDENT_FILES["vaktare"], read_geometry=False)
    _check(gpkg, "incidents", {v: k for k, v in g.GPKG_COLUMNS.items() if k != "category"})
    geo = gpd.read_file(demo_dir / g.INCIDENT_FILES["felanmalan"])
    _check(geo, "incidents", {v: k for k, v in g.GEOJSON_COLUMNS.items() if k != "category"})

    walks_path = demo_dir / "walks" / "trygghetsvandringar.gpkg"
    walks = pyogrio.read_dataframe(walks_path, layer="vandringar")
    _check(walks, "walks", {v: k for k, v in g.WALK_COLUMNS.items()})
    obs = pyogrio.read_dataframe(walks_path, layer="observationer")
    _check(obs, "walk_observations", {v: k for k, v in g.OBS_COLUMNS.items()})
    d24 = pd.read_csv(demo_dir / "dialogue" / "dialog_2024.csv", encoding="utf-8-sig", dtype=str)
    d26 = gpd.read_file(demo_dir / "dialogue" / "dialog_2026.geojson")
    for d in (d24, d26):
        _check(d, "dialogue", {v: k for k, v in g.DIALOGUE_COLUMNS.items()})
    surveys = pd.read_csv(demo_dir / "surveys" / "enkatindikatorer.csv", dtype=str)
    _check(surveys, "survey_indicators", {v: k for k, v in g.SURVEY_COLUMNS.items()})
    measures = pyogrio.read_dataframe(demo_dir / "measures" / "atgarder.gpkg")
    _check(measures, "measures", {v: k for k, v in g.MEASURE_COLUMNS.items()})
    areas = pyogrio.read_dataframe(demo_dir / "areas" / "omraden.gpkg")
    _check(areas, "areas", {v: k for k, v in g.AREA_COLUMNS.items()})
    police = pd.read_csv(demo_dir / "areas" / "polisens_klassning.csv", dtype=str)
    assert set(police["klassning"]) <= set(_vocab()["police_classification"])
    # survey scales never mixed within one indicator
    assert surveys.groupby("indikator")["skala"].nunique().max() == 1


def test_polisen_types_are_mapped(demo_dir):
    import json

    events = json.loads((demo_dir / "incidents" / "polisen_handelser.json").read_text("utf-8"))
    mapping = _vocab()["polisen_event_type"]
    assert {e["type"] for e in events} <= set(mapping)
    assert len({e["location"]["gps"] for e in events}) == 1  # municipality centroid only


def test_areas_tessellate_the_study_area(demo_dir, truth):
    areas = gpd.read_file(demo_dir / "areas" / "omraden.gpkg")
    study = gpd.read_file(demo_dir / "areas" / "kommungrans.gpkg")
    assert areas.crs.to_epsg() == 3006 and study.crs.to_epsg() == 3006
    assert areas.is_valid.all() and study.is_valid.all()
    assert len(areas) == 25 and areas["omrade_id"].is_unique
    union = areas.union_all()
    assert abs(areas.area.sum() - union.area) < 1.0  # no overlaps
    assert abs(union.area - study.area.iloc[0]) < 1.0  # no gaps
    pop = areas["befolkning"]
    assert (pop < 50).sum() >= 1 and ((pop >= 100) & (pop < 1000)).sum() >= 2
    assert ((pop >= 1000) & (pop <= 4000)).sum() >= 20
    xmin, ymin, xmax, ymax = truth["bbox"]
    assert 260_000 < xmin < xmax < 920_000 and 6_130_000 < ymin < ymax < 7_680_000


def test_all_points_inside_study_area(demo_dir, incidents):
    study = gpd.read_file(demo_dir / "areas" / "kommungrans.gpkg").geometry.iloc[0]
    inside = shapely.contains_xy(study, incidents["x"].to_numpy(), incidents["y"].to_numpy())
    assert inside.all()
    walks_path = demo_dir / "walks" / "trygghetsvandringar.gpkg"
    for layer in ("vandringar", "observationer"):
        g = gpd.read_file(walks_path, layer=layer)
        assert g.is_valid.all() and not g.is_empty.any()
        assert g.within(study).all()
    measures = gpd.read_file(demo_dir / "measures" / "atgarder.gpkg")
    assert not measures.is_empty.any() and measures.within(study).all()


def test_names_are_set_and_fictional(demo_dir, truth):
    areas = pyogrio.read_dataframe(demo_dir / "areas" / "omraden.gpkg", read_geometry=False)
    assert areas["namn"].str.strip().str.len().gt(0).all() and areas["namn"].is_unique
    assert truth["municipality_code"] == "9999"
    text = (demo_dir / "README.md").read_text(encoding="utf-8")
    assert "påhittat" in text and "Synthetic" in text


def test_walk_statuses_are_consistent(demo_dir):
    obs = pyogrio.read_dataframe(
        demo_dir / "walks" / "trygghetsvandringar.gpkg", layer="observationer", read_geometry=False
    )
    assert 150 <= len(obs) <= 300
    dates = {c: pd.to_datetime(obs[c]) for c in ("beslutad", "klart_senast", "atgardad_datum")}
    resolved = obs["status"] == "atgardad"
    assert dates["atgardad_datum"][resolved].notna().all()
    assert dates["atgardad_datum"][~resolved].isna().all()
    assert (dates["atgardad_datum"][resolved] >= dates["beslutad"][resolved]).all()
    decided = obs["status"].isin(["planerad", "pagaende", "atgardad", "ej_atgardbar", "avslagen"])
    assert dates["beslutad"][decided].notna().all()
    assert dates["beslutad"][obs["status"].isin(["ny", "skickad"])].isna().all()
    has_due = dates["klart_senast"].notna()
    assert (dates["klart_senast"][has_due] > dates["beslutad"][has_due]).all()
    assert obs.loc[obs["status"].isin(["ej_atgardbar", "avslagen"]), "motivering"].notna().all()
    assert set(obs["status"]) >= {"ny", "skickad", "planerad", "pagaende", "atgardad"}


def test_incident_rhythm(incidents):
    exact = incidents[incidents["source"] != "polisen"]
    hour = exact["occurred_at"].dt.hour
    vandal = exact["category"].isin(["skadegorelse", "ordningsstorning"])
    assert hour[vandal].between(18, 23).mean() > 0.4
    theft = exact["category"] == "stold"
    assert hour[theft].between(9, 17).mean() > 0.5
    dow = exact.loc[vandal, "occurred_at"].dt.day_of_week
    assert (dow >= 4).mean() > 3 / 7
    fw = exact[exact["category"] == "fyrverkerier"]["occurred_at"]
    assert ((fw.dt.month == 12) | (fw.dt.month == 1)).mean() > 0.6
    from tryggaplatser.datasets.generate import dst_invalid

    assert not dst_invalid(exact["occurred_at"].to_numpy().astype("datetime64[s]")).any()
    assert not exact.duplicated(["occurred_at", "category"]).any()


def test_description_has_fake_pii_for_redaction(demo_dir):
    est = pd.read_csv(
        demo_dir / "incidents" / "est_rapporter.csv", sep=";", encoding="cp1252", dtype=str
    )
    text = est["Beskrivning"].dropna()
    assert 0.02 < len(text) / len(est) < 0.1
    assert text.str.contains("850412-1234|070-123 45 67|@example.com").any()
    assert np.isfinite(pd.to_numeric(est["Allvarlighetsgrad"])).all()
