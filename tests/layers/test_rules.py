"""Every validation rule ID, each with a small file built here."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from tryggaplatser.errors import FileProblem
from tryggaplatser.i18n import language
from tryggaplatser.layers.config import SourceSpec
from tryggaplatser.layers.load import load_layer
from tryggaplatser.layers.validate import RULES

from .conftest import GOOD, csv_text, problems_for, rules

SQ = "POLYGON((674000 6580000,675000 6580000,675000 6581000,674000 6581000,674000 6580000))"


def load_csv(write, *rows, layer="incidents", header=None, crs="EPSG:3006", **kw):
    text = csv_text(*rows) if header is None else csv_text(*rows, header=header)
    kw.setdefault("quarantine_dir", False)
    return load_layer(write("f.csv", text), layer, crs=crs, **kw)


def load_areas(write, *wkts):
    rows = [f"A{i};Område {i};{w}" for i, w in enumerate(wkts)]
    return load_csv(write, *rows, layer="areas", header="omrade_id;namn;wkt")


def test_rules_have_titles_in_both_languages():
    for rule, (sv, en) in RULES.items():
        assert rule.isupper() and sv and en


def test_schema_missing_column(write):
    with pytest.raises(FileProblem) as exc:
        load_csv(write, "1;2024-01-20;est;674000;6580000", header="id;tid;kalla;x;y")
    e = exc.value
    assert e.rule == "SCHEMA_MISSING_COLUMN"
    assert e.message.startswith("obligatorisk kolumn saknas: category (filen har: id, tid, kalla")
    assert "columns = {" in e.fix


def test_crs_missing_with_guess(write):
    with pytest.raises(FileProblem) as exc:
        load_csv(write, *GOOD, crs=None)
    assert exc.value.rule == "CRS_MISSING"
    assert str(exc.value).endswith(
        "[CRS_MISSING] filen anger inget koordinatsystem – koordinaterna ser ut som SWEREF 99 TM "
        '(EPSG:3006) — ange det med --crs EPSG:NNNN eller crs = "EPSG:NNNN" under lagret i '
        "tryggaplatser.toml"
    )


@pytest.mark.filterwarnings("ignore:.crs. was not provided")
def test_crs_missing_in_gpkg(tmp_path):
    gdf = gpd.GeoDataFrame({"omrade_id": ["A"], "namn": ["N"]}, geometry=[shapely.from_wkt(SQ)])
    gdf.to_file(tmp_path / "a.gpkg")
    with pytest.raises(FileProblem) as exc:
        load_layer(tmp_path / "a.gpkg", "areas")
    assert exc.value.rule == "CRS_MISSING"


def _gpkg_points(tmp_path, xs, ys, crs):
    n = len(xs)
    gdf = gpd.GeoDataFrame(
        {
            "id": [str(i) for i in range(n)],
            "tid": ["2024-01-20 12:00"] * n,
            "kategori": ["klotter"] * n,
            "kalla": ["est"] * n,
        },
        geometry=shapely.points(xs, ys),
        crs=crs,
    )
    path = tmp_path / "p.gpkg"
    gdf.to_file(path)
    return path


def test_crs_bounds_mismatch_wgs84_labelled_sweref(tmp_path):
    path = _gpkg_points(tmp_path, [17.62, 17.63], [59.19, 59.2], 3006)
    with pytest.raises(FileProblem) as exc:
        load_layer(path, "incidents")
    assert exc.value.rule == "CRS_BOUNDS_MISMATCH"
    assert "WGS84 (EPSG:4326)" in exc.value.message
    assert "--crs EPSG:4326" in exc.value.fix
    # the fix works: --crs overrides the file's label
    res = load_layer(path, "incidents", crs="EPSG:4326")
    assert res.report.accepted == 2


def test_crs_bounds_mismatch_rt90_labelled_sweref(tmp_path):
    path = _gpkg_points(tmp_path, [1_600_000, 1_600_500], [6_565_000, 6_565_500], 3006)
    with pytest.raises(FileProblem) as exc:
        load_layer(path, "incidents")
    assert exc.value.rule == "CRS_BOUNDS_MISMATCH"
    assert "RT90" in exc.value.message


def test_crs_bounds_mismatch_single_row(write):
    res = load_csv(write, *GOOD, "9;2024-02-02 11:00;brand;est;5000;5000")
    assert res.report.quarantined == 1
    assert problems_for(res, "CRS_BOUNDS_MISMATCH")["row"].tolist() == [5]


def test_coord_swapped_file(write):
    rows = ["1;2024-01-20 21:43;klotter;est;59.19;17.62", "2;2024-01-20 21:43;brand;est;59.2;17.6"]
    with pytest.raises(FileProblem) as exc:
        load_csv(write, *rows, header="id;tid;kategori;kalla;lon;lat", crs=None)
    assert exc.value.rule == "COORD_SWAPPED_SUSPECT"


def test_coord_swapped_row(write):
    res = load_csv(write, *GOOD, "9;2024-02-02 11:00;brand;est;6580000;674000")
    assert problems_for(res, "COORD_SWAPPED_SUSPECT")["row"].tolist() == [5]
    assert res.report.quarantined == 1


def test_coord_nonfinite(write):
    res = load_csv(
        write,
        *GOOD,
        "9;2024-02-02 11:00;brand;est;inf;6580000",
        "10;2024-02-02 11:00;brand;est;NaN;6580000",
    )
    assert problems_for(res, "COORD_NONFINITE")["row"].tolist() == [5, 6]


def test_coord_nonfinite_after_transform(write):
    header = "id;tid;kategori;kalla;lon;lat"
    rows = [
        "1;2024-01-20 21:43;klotter;est;17.62;59.19",
        "2;2024-01-20 21:43;brand;est;17.6;59.2",
        "3;2024-01-20 21:43;brand;est;17.6;95.0",
    ]
    res = load_csv(write, *rows, header=header, crs=None)
    p = problems_for(res, "COORD_NONFINITE")
    assert p["row"].tolist() == [4]
    assert "omräkning" in p["message"].iloc[0]


def test_geom_missing_geojson(tmp_path):
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"omrade_id": "A", "namn": "N"},
                "geometry": json.loads(gpd.GeoSeries([shapely.from_wkt(SQ)]).to_json())["features"][
                    0
                ]["geometry"],
            },
            {"type": "Feature", "properties": {"omrade_id": "B", "namn": "M"}, "geometry": None},
        ],
    }
    path = tmp_path / "a.geojson"
    path.write_text(json.dumps(fc))
    res = load_layer(path, "areas", crs="EPSG:3006")
    assert problems_for(res, "GEOM_MISSING")["row"].tolist() == [2]
    assert res.report.quarantined == 1


def test_geom_empty(write):
    res = load_areas(write, SQ, "POLYGON EMPTY")
    assert problems_for(res, "GEOM_EMPTY")["row"].tolist() == [3]


def test_geom_unclosed_ring_quarantined_file_kept(tmp_path):
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"omrade_id": "A", "namn": "N"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[674000, 6580000], [675000, 6580000], [675000, 6581000], [674000, 6580000]]
                    ],
                },
            },
            {
                "type": "Feature",
                "properties": {"omrade_id": "B", "namn": "M"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[674000, 6580000], [675000, 6580000], [675000, 6581000], [674000, 6581000]]
                    ],
                },
            },
        ],
    }
    path = tmp_path / "a.geojson"
    path.write_text(json.dumps(fc))
    res = load_layer(path, "areas", crs="EPSG:3006")
    p = problems_for(res, "GEOM_UNREADABLE")
    assert p["row"].tolist() == [2]
    assert "inte sluten" in p["message"].iloc[0]
    assert res.report.accepted == 1


def test_geom_type_unexpected(write):
    res = load_areas(write, SQ, "LINESTRING(674000 6580000,675000 6580000)")
    p = problems_for(res, "GEOM_TYPE_UNEXPECTED")
    assert p["row"].tolist() == [3] and p["value"].iloc[0] == "LineString"


def test_mixed_polygon_multipolygon_ok(write):
    multi = (
        "MULTIPOLYGON(((676000 6580000,677000 6580000,677000 6581000,676000 6580000)),"
        "((678000 6580000,679000 6580000,679000 6581000,678000 6580000)))"
    )
    res = load_areas(write, SQ, multi)
    assert res.report.accepted == 2 and res.report.quarantined == 0


def test_geom_repaired_small_change(write):
    # a square whose last vertex doubles back a tiny bit: a self-intersection adding 0.005 m²
    wkt = (
        "POLYGON((674000 6580000,675000 6580000,675000 6581000,674000 6581000,"
        "674000 6580000.1,674000.1 6580000,674000 6580000))"
    )
    res = load_areas(write, wkt)
    assert "GEOM_REPAIRED" in rules(res), res.report.problems_frame
    assert res.report.accepted == 1
    assert res.data.geometry.is_valid.all()


def test_geom_repair_lossy_bowtie(write):
    bowtie = "POLYGON((674000 6580000,675000 6581000,675000 6580000,674000 6581000,674000 6580000))"
    res = load_areas(write, SQ, bowtie)
    assert problems_for(res, "GEOM_REPAIR_LOSSY")["row"].tolist() == [3]
    assert res.report.quarantined == 1


def test_geom_too_complex(tmp_path):
    t = np.linspace(0, 2 * np.pi, 200_000, endpoint=False)
    ring = np.column_stack([675000 + 500 * np.cos(t), 6580000 + 500 * np.sin(t)])
    big = shapely.Polygon(ring)
    gdf = gpd.GeoDataFrame(
        {"omrade_id": ["A", "B"], "namn": ["x", "y"]},
        geometry=[big, shapely.from_wkt(SQ)],
        crs=3006,
    )
    gdf.to_file(tmp_path / "a.gpkg")
    res = load_layer(tmp_path / "a.gpkg", "areas")
    p = problems_for(res, "GEOM_TOO_COMPLEX")
    assert p["row"].tolist() == [1] and p["value"].iloc[0] == "200001"


def test_outside_study_area(write):
    area = shapely.box(673000, 6579000, 674700, 6580700)
    res = load_csv(write, *GOOD, study_area=area)
    assert problems_for(res, "OUTSIDE_STUDY_AREA")["row"].tolist() == [4]


def test_outside_study_area_file(write, tmp_path):
    gpd.GeoDataFrame(geometry=[shapely.box(673000, 6579000, 674700, 6580700)], crs=3006).to_file(
        tmp_path / "grans.gpkg"
    )
    res = load_csv(write, *GOOD, study_area=tmp_path / "grans.gpkg")
    assert res.report.quarantined == 1


def test_study_area_file_changed_is_read_again(write, tmp_path):
    """The study area is read once per file version: a changed file gives the new answer."""
    import os

    path = tmp_path / "grans.gpkg"
    gpd.GeoDataFrame(geometry=[shapely.box(673000, 6579000, 674700, 6580700)], crs=3006).to_file(
        path
    )
    assert load_csv(write, *GOOD, study_area=path).report.quarantined == 1
    assert load_csv(write, *GOOD, study_area=path).report.quarantined == 1  # the cached read
    path.unlink()
    gpd.GeoDataFrame(geometry=[shapely.box(673000, 6579000, 676000, 6582000)], crs=3006).to_file(
        path
    )
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))  # a different time even on coarse clocks
    assert load_csv(write, *GOOD, study_area=path).report.quarantined == 0


def test_duplicate_exact_dropped_and_counted(write):
    res = load_csv(write, *GOOD, GOOD[0])
    r = res.report
    assert (r.read, r.accepted, r.quarantined, r.duplicates_dropped) == (4, 3, 0, 1)
    assert problems_for(res, "DUPLICATE_EXACT")["row"].tolist() == [5]


def test_duplicate_suspect_flagged_and_kept(write):
    res = load_csv(write, *GOOD, "7;2024-01-20 21:50;skadegorelse;est;674005;6580005")
    p = problems_for(res, "DUPLICATE_SUSPECT")
    assert p["row"].tolist() == [5] and p["severity"].iloc[0] == "warning"
    assert p["message"].iloc[0] == "samma kategori inom 10 m och 10 min från rad 2"
    assert res.report.accepted == 4


def test_not_suspect_when_far_or_later(write):
    res = load_csv(
        write,
        *GOOD,
        "7;2024-01-20 21:43;skadegorelse;est;674050;6580000",
        "8;2024-01-20 22:43;skadegorelse;est;674000;6580000",
    )
    assert "DUPLICATE_SUSPECT" not in rules(res)


def test_id_duplicate(write):
    res = load_csv(write, *GOOD, "1;2024-05-20 21:43;brand;est;674000;6580000")
    assert problems_for(res, "ID_DUPLICATE")["row"].tolist() == [5]


def test_date_invalid(write):
    res = load_csv(write, *GOOD, "9;igår kväll;brand;est;674000;6580000")
    p = problems_for(res, "DATE_INVALID")
    assert p["row"].tolist() == [5] and p["value"].iloc[0] == "igår kväll"


def test_date_ambiguous_flagged_dayfirst(write):
    rows = [
        "1;03/04/2024 12:00;klotter;est;674000;6580000",
        "2;05/05/2024 12:00;klotter;est;674100;6580000",
    ]
    res = load_csv(write, *rows)
    p = problems_for(res, "DATE_AMBIGUOUS")
    assert p["row"].tolist() == [2]  # 05/05 reads the same both ways
    assert res.data["occurred_at"].iloc[0] == pd.Timestamp("2024-04-03 10:00", tz="UTC")


def test_date_order_detected_from_column(write):
    rows = [
        "1;03/04/2024 12:00;klotter;est;674000;6580000",
        "2;25/12/2024 12:00;klotter;est;674100;6580000",
        "3;13/01/2024 12:00;klotter;est;674200;6580000",
    ]
    res = load_csv(write, *rows)
    assert "DATE_AMBIGUOUS" not in rules(res)
    assert res.data["occurred_at"].iloc[0] == pd.Timestamp("2024-04-03 10:00", tz="UTC")
    # announced with its evidence
    sentence = "occurred_at: datumordning dag först antagen: 2 av 2 entydiga rader"
    assert sentence in res.report.choices


def test_date_order_from_a_single_row_is_announced_and_flagged(write):
    """One unambiguous row (25/12) decides the order: the choice names it, the rows it decides
    are flagged DATE_AMBIGUOUS (kept, read day first)."""
    rows = [
        "1;03/04/2024 12:00;klotter;est;674000;6580000",
        "2;25/12/2024 12:00;klotter;est;674100;6580000",
        "3;05/06/2024 12:00;klotter;est;674200;6580000",
    ]
    res = load_csv(write, *rows)
    assert problems_for(res, "DATE_AMBIGUOUS")["row"].tolist() == [2, 4]
    assert "efter en enda entydig rad" in problems_for(res, "DATE_AMBIGUOUS")["message"].iloc[0]
    [sentence] = [c for c in res.report.choices if "datumordning" in c]
    assert sentence.startswith("occurred_at: datumordning dag först antagen: 1 av 1 entydiga rader")
    assert "bara rad 3 avgör" in sentence
    assert res.report.accepted == 3
    assert res.data["occurred_at"].iloc[0] == pd.Timestamp("2024-04-03 10:00", tz="UTC")


def test_date_order_without_evidence_is_announced(write):
    res = load_csv(write, "1;03/04/2024 12:00;klotter;est;674000;6580000")
    sentence = (
        "occurred_at: datumordning dag först enligt inställningen dayfirst (ingen entydig rad)"
    )
    assert sentence in res.report.choices


def test_date_monthfirst_detected(write):
    rows = [
        "1;03/04/2024 12:00;klotter;est;674000;6580000",
        "2;12/25/2024 12:00;klotter;est;674100;6580000",
    ]
    res = load_csv(write, *rows)
    assert res.data["occurred_at"].iloc[0] == pd.Timestamp("2024-03-04 11:00", tz="UTC")


def test_date_format_from_config_silences_ambiguity(write):
    path = write("f.csv", csv_text("1;03/04/2024 12:00;klotter;est;674000;6580000"))
    spec = SourceSpec(layer="incidents", file=path, crs="EPSG:3006", date_format="%m/%d/%Y %H:%M")
    res = load_layer(spec)
    assert "DATE_AMBIGUOUS" not in rules(res)
    assert res.data["occurred_at"].iloc[0] == pd.Timestamp("2024-03-04 11:00", tz="UTC")


def test_time_nonexistent_dst_quarantined(write):
    res = load_csv(write, *GOOD, "9;2024-03-31 02:30;brand;est;674000;6580000")
    p = problems_for(res, "TIME_NONEXISTENT_DST")
    assert p["row"].tolist() == [5] and p["severity"].iloc[0] == "quarantine"


def test_time_ambiguous_dst_first_occurrence(write):
    res = load_csv(write, *GOOD, "9;2024-10-27 02:30;brand;est;674000;6580000")
    p = problems_for(res, "TIME_AMBIGUOUS_DST")
    assert p["row"].tolist() == [5] and p["severity"].iloc[0] == "warning"
    assert res.data.loc[5, "occurred_at"] == pd.Timestamp("2024-10-27 00:30", tz="UTC")


def test_offsets_and_utc(write):
    rows = [
        "1;2024-06-20T12:00:00+02:00;klotter;est;674000;6580000",
        "2;2024-06-20 12:00;klotter;est;674100;6580000",
        "3;2024-06-20T10:00:00Z;klotter;est;674200;6580000",
    ]
    res = load_csv(write, *rows)
    assert set(res.data["occurred_at"]) == {pd.Timestamp("2024-06-20 10:00", tz="UTC")}


def test_category_unknown_quarantine_default(write):
    res = load_csv(write, *GOOD, "9;2024-02-02 11:00;Konstigt;est;674000;6580000")
    p = problems_for(res, "CATEGORY_UNKNOWN")
    assert p["row"].tolist() == [5] and p["value"].iloc[0] == "Konstigt"
    assert "ovrigt" not in set(res.data["category"])


@pytest.mark.parametrize(("rule", "expected"), [("ovrigt", "ovrigt"), ("keep", "Konstigt")])
def test_category_unknown_other_rules(write, rule, expected):
    path = write("f.csv", csv_text(*GOOD, "9;2024-02-02 11:00;Konstigt;est;674000;6580000"))
    res = load_layer(
        SourceSpec(layer="incidents", file=path, crs="EPSG:3006", unknown_category=rule)
    )
    assert res.data.loc[5, "category"] == expected
    assert problems_for(res, "CATEGORY_UNKNOWN")["severity"].tolist() == ["warning"]


def test_value_missing_and_invalid(write):
    header = "id;tid;kategori;kalla;x;y;allvarlighet"
    rows = [
        "1;2024-01-20 21:43;klotter;;674000;6580000;1",
        "2;2024-01-20 21:43;klotter;est;674100;6580000;hög",
    ]
    res = load_csv(write, *rows, header=header)
    assert problems_for(res, "VALUE_MISSING")["field"].tolist() == ["source"]
    inv = problems_for(res, "VALUE_INVALID")
    assert inv["severity"].tolist() == ["warning"]
    assert res.data["severity"].isna().all()


def test_column_dropped(write):
    header = "id;tid;kategori;kalla;x;y;anmalarens_namn"
    res = load_csv(write, "1;2024-01-20 21:43;klotter;est;674000;6580000;Kalle Anka", header=header)
    p = problems_for(res, "COLUMN_DROPPED")
    assert p["field"].tolist() == ["anmalarens_namn"] and p["row"].isna().all()
    assert "anmalarens_namn" not in res.data.columns
    assert "Kalle" not in res.data.to_string()


def test_pii_redacted(write):
    header = "id;tid;kategori;kalla;x;y;beskrivning"
    res = load_csv(
        write,
        "1;2024-01-20 21:43;klotter;est;674000;6580000;Anmäld av 850101-1234, tel 070-123 45 67",
        header=header,
    )
    assert res.data["description"].iloc[0] == "Anmäld av [PERSONNUMMER], tel [TELEFON]"
    p = problems_for(res, "PII_REDACTED")
    assert p["severity"].tolist() == ["info"] and p["value"].tolist() == ["PERSONNUMMER,TELEFON"]
    assert "850101" not in json.dumps(res.report.to_dict(), default=str)


def test_no_valid_rows(write, tmp_path):
    rows = ["1;igår;klotter;est;674000;6580000", "2;2024-01-01;okänt;est;674000;6580000"]
    with pytest.raises(FileProblem) as exc:
        load_csv(write, *rows, quarantine_dir=tmp_path / "q")
    e = exc.value
    assert e.rule == "NO_VALID_ROWS"
    assert e.report.quarantined == 2 and e.report.quarantine_file
    assert "inga giltiga rader av 2 lästa" in e.message


def test_header_only_is_no_valid_rows(write):
    with pytest.raises(FileProblem) as exc:
        load_csv(write)
    assert exc.value.rule == "NO_VALID_ROWS"
    assert "inga datarader" in exc.value.message


def test_english_messages(write):
    with language("en"), pytest.raises(FileProblem) as exc:
        load_csv(write, "1;2024-01-20;est;674000;6580000", header="id;tid;kalla;x;y")
    assert exc.value.message.startswith("required column missing: category")


def test_quarantine_file_contents(write, tmp_path):
    res = load_csv(
        write,
        *GOOD,
        "9;2024-03-31 02:30;=HYPERLINK(1);est;674000;6580000",
        quarantine_dir=tmp_path / "karantan",
    )
    q = pd.read_csv(res.report.quarantine_file, dtype=str)
    assert q["row"].tolist() == ["5"]
    assert q["rules"].iloc[0] == "TIME_NONEXISTENT_DST;CATEGORY_UNKNOWN"
    assert q["kategori"].iloc[0] == "'=HYPERLINK(1)"  # formula escaped
    assert q["geometry_wkt"].iloc[0] == "POINT (674000 6580000)"


def test_quarantine_refuses_public_folder(write, tmp_path):
    from tryggaplatser.errors import ArgumentError

    with pytest.raises(ArgumentError):
        load_csv(
            write,
            *GOOD,
            "9;x;brand;est;674000;6580000",
            quarantine_dir=tmp_path / "outputs" / "publik" / "k",
        )


def test_pseudonymised_ids(write, tmp_path, monkeypatch):
    from tryggaplatser.layers.config import ProjectConfig

    monkeypatch.setenv("TRYGGAPLATSER_PSEUDO_KEY", "hemlig")
    cfg = ProjectConfig(
        path=tmp_path / "tryggaplatser.toml",
        name="T",
        municipality_code="0000",
        pseudonymise_ids=True,
    )
    res = load_csv(write, *GOOD, config=cfg)
    ids = res.data["incident_id"].tolist()
    assert all(i.startswith("p") and len(i) == 21 for i in ids) and "1" not in ids
    again = load_csv(write, *GOOD, config=cfg)
    assert again.data["incident_id"].tolist() == ids


def test_mixed_date_formats_in_one_column(write):
    rows = [
        "1;2024-01-20 21:43;klotter;est;674000;6580000",
        "2;20/01/2024 21:43;klotter;est;674100;6580000",
        "3;20.01.2024 21:43;klotter;est;674200;6580000",
    ]
    res = load_csv(write, *rows)
    assert res.report.accepted == 3
    assert set(res.data["occurred_at"]) == {pd.Timestamp("2024-01-20 20:43", tz="UTC")}


def test_dialogue_multi_codes_and_bool(write):
    header = "svar_id;kampanj;upplevelse;orsaker;bor_i_omradet;kommentar;x;y"
    rows = [
        "1;k1;Otrygg;Belysning, vegetation;ja;Mörkt;674000;6580000",
        "2;k1;trygg;belysning;hmm;;674100;6580000",
    ]
    res = load_csv(write, *rows, layer="dialogue", header=header)
    assert res.data["reasons"].tolist() == ["belysning;vegetation", "belysning"]
    assert res.data["perception"].tolist() == ["otrygg", "trygg"]
    assert res.data["lives_in_area"].tolist()[0] is True
    assert problems_for(res, "VALUE_INVALID")["field"].tolist() == ["lives_in_area"]


def test_implausible_dates(write):
    res = load_csv(
        write,
        *GOOD,
        "8;1900-01-01 00:00;brand;est;674000;6580000",
        "9;2204-01-01 12:00;brand;est;674000;6580000",
    )
    p = problems_for(res, "DATE_INVALID")
    assert p["row"].tolist() == [5, 6] and res.report.quarantined == 2


def test_end_before_start_emptied(write):
    header = "id;tid;tid_slut;kategori;kalla;x;y"
    res = load_csv(
        write, "1;2024-01-20 21:43;2024-01-20 08:00;klotter;est;674000;6580000", header=header
    )
    assert problems_for(res, "VALUE_INVALID")["field"].tolist() == ["occurred_end"]
    assert res.data["occurred_end"].isna().all() and res.report.accepted == 1


def test_planned_dates_may_lie_ahead_but_occurrences_may_not(write):
    """A due date next year is a plan, not a typing error; an incident next year is."""
    header = "observation;vandring_id;upplevelse;problem;status;klart_senast;beslutad;x;y"
    ahead = (pd.Timestamp.now() + pd.Timedelta(days=200)).strftime("%Y-%m-%d")
    path = write(
        "obs.csv",
        csv_text(
            f"o1;w1;otrygg;belysning;planerad;{ahead};{ahead};674000;6580000",
            header=header,
        ),
    )
    res = load_layer(path, "walk_observations", crs="EPSG:3006")
    p = problems_for(res, "DATE_INVALID")
    assert p["field"].tolist() == ["decided_on"]
    assert res.data["due_on"].notna().all()
