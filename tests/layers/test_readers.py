"""Readers: every format, encodings, separators, unsafe archives and broken files."""

from __future__ import annotations

import contextlib
import json
import stat
import warnings
import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from tryggaplatser.errors import FileProblem
from tryggaplatser.layers.config import SourceSpec
from tryggaplatser.layers.load import load_layer

from .conftest import GOOD, csv_text, rules


def _points(n=3, crs=3006):
    return gpd.GeoDataFrame(
        {
            "incident_id": [str(i) for i in range(n)],
            "occurred_at": ["2024-01-20 21:43"] * n,
            "category": ["klotter"] * n,
            "source": ["est"] * n,
        },
        geometry=[shapely.Point(674000 + 100 * i, 6580000 + 100 * i) for i in range(n)],
        crs=crs,
    )


def test_csv_semicolon_decimal_comma(write):
    path = write("h.csv", csv_text("1;2024-01-20 21:43;klotter;est;674000,5;6580000,25"))
    res = load_layer(path, "incidents", crs="EPSG:3006")
    assert res.report.accepted == 1
    pt = res.data.geometry.iloc[0]
    assert (pt.x, pt.y) == (674000.5, 6580000.25)
    assert str(res.data["occurred_at"].dtype) == "datetime64[ns, UTC]"
    assert res.data["occurred_at"].iloc[0] == pd.Timestamp("2024-01-20 20:43", tz="UTC")
    assert res.data.crs.to_epsg() == 3006
    assert list(res.data.columns[:4]) == ["incident_id", "occurred_at", "occurred_end", "category"]
    assert res.data.index.tolist() == [2]  # CSV line number


def test_csv_comma_separated_lat_lon(write):
    text = "id,tid,kategori,kalla,lat,lon\n1,2024-01-20 21:43,klotter,est,59.2,17.62\n"
    res = load_layer(write("h.csv", text), "incidents")
    assert res.report.source_crs == "EPSG:4326"
    x, y = res.data.geometry.iloc[0].x, res.data.geometry.iloc[0].y
    assert 600_000 < x < 700_000 and 6_500_000 < y < 6_600_000
    assert any("WGS84" in c for c in res.report.choices)


def test_csv_wkt_column(write):
    text = (
        "omrade_id;namn;wkt\nA;Norr;POLYGON((674000 6580000,675000 6580000,675000 6581000,"
        "674000 6581000,674000 6580000))\n"
    )
    res = load_layer(write("a.csv", text), "areas", crs="EPSG:3006")
    assert res.report.accepted == 1
    assert res.data.geometry.iloc[0].area == pytest.approx(1e6)


def test_csv_utf8_bom(write):
    path = write("h.csv", b"\xef\xbb\xbf" + csv_text(*GOOD).encode("utf-8"))
    res = load_layer(path, "incidents", crs="EPSG:3006")
    assert res.report.accepted == 3
    assert "ENCODING_FALLBACK" not in rules(res)


def test_csv_cp1252_fallback(write):
    text = csv_text("1;2024-01-20 21:43;Skadegörelse;bostadsbolaget;674000;6580000")
    res = load_layer(write("h.csv", text, encoding="cp1252"), "incidents", crs="EPSG:3006")
    assert "ENCODING_FALLBACK" in rules(res)
    assert res.data["category"].iloc[0] == "skadegorelse"  # label matched after decoding


def test_csv_mojibake_warned(write):
    text = csv_text(*GOOD, "4;2024-01-20 21:43;SkadegÃ¶relse;est;674000;6580000")
    res = load_layer(write("h.csv", text), "incidents", crs="EPSG:3006", quarantine_dir=False)
    assert "ENCODING_MOJIBAKE" in rules(res)


def test_xlsx(tmp_path):
    frame = pd.DataFrame(
        {
            "id": [1, 2],
            "tid": ["2024-01-20 21:43", "2024-01-21 10:00"],
            "kategori": ["klotter", "brand"],
            "kalla": ["est", "est"],
            "x": [674000.0, 674100.0],
            "y": [6580000.0, 6580100.0],
        }
    )
    path = tmp_path / "h.xlsx"
    frame.to_excel(path, index=False)
    res = load_layer(path, "incidents", crs="EPSG:3006")
    assert res.report.accepted == 2
    assert res.data["incident_id"].tolist() == ["1", "2"]
    assert res.data.index.tolist() == [2, 3]  # Excel row numbers


@contextlib.contextmanager
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def test_gpkg_geojson_shapefile_and_zip(tmp_path):
    gdf = _points()
    for name in ("p.gpkg", "p.geojson", "p.shp"):
        with _quiet():
            gdf.to_file(tmp_path / name)
        res = load_layer(tmp_path / name, "incidents")
        assert res.report.accepted == 3, name
    z = tmp_path / "p.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        for ext in ("shp", "shx", "dbf", "prj", "cpg"):
            if (tmp_path / f"p.{ext}").exists():
                zf.write(tmp_path / f"p.{ext}", f"p.{ext}")
    res = load_layer(z, "incidents")
    assert res.report.accepted == 3 and res.report.format == "zip"


def test_gpkg_rows_are_fids(tmp_path):
    _points().to_file(tmp_path / "p.gpkg")
    res = load_layer(tmp_path / "p.gpkg", "incidents")
    assert res.data.index.tolist() == [1, 2, 3]


def test_polisen_events(write):
    events = [
        {
            "id": 1,
            "datetime": "2024-01-20 21:43:37 +01:00",
            "name": "20 januari 21.43, Misshandel",
            "summary": "Man misshandlad, ring 070-123 45 67",
            "url": "/x",
            "type": "Misshandel",
            "location": {"name": "Södertälje", "gps": "59.195363,17.625689"},
        },
        {
            "id": 2,
            "datetime": "2024-01-21 01:00:00 +01:00",
            "name": "x",
            "summary": "",
            "url": "/y",
            "type": "Brand",
            "location": {"name": "Södertälje", "gps": "59.19,17.62"},
        },
    ]
    res = load_layer(write("ev.json", json.dumps(events)), "incidents")
    d = res.data
    assert d["location_precision"].tolist() == ["kommun_centroid"] * 2
    assert d["category"].tolist() == ["hot_vald", "brand"]
    assert d["source"].tolist() == ["polisen", "polisen"]
    assert d["occurred_at"].iloc[0] == pd.Timestamp("2024-01-20 20:43:37", tz="UTC")
    assert "[TELEFON]" in d["description"].iloc[0]
    assert "PII_REDACTED" in rules(res)


def test_polisen_unknown_type_quarantined(write):
    events = [
        {
            "id": 1,
            "datetime": "2024-01-20 21:43:37 +01:00",
            "type": "Helt ny typ",
            "summary": "",
            "location": {"gps": "59.19,17.62"},
        },
        {
            "id": 2,
            "datetime": "2024-01-20 21:43:37 +01:00",
            "type": "Brand",
            "summary": "",
            "location": {"gps": "59.19,17.62"},
        },
    ]
    res = load_layer(write("ev.json", json.dumps(events)), "incidents", quarantine_dir=False)
    assert res.report.quarantined == 1
    assert "CATEGORY_UNKNOWN" in rules(res)


# ---------------------------------------------------------------- file-level problems


def test_file_unreadable_missing(tmp_path):
    with pytest.raises(FileProblem) as exc:
        load_layer(tmp_path / "finns_inte.csv", "incidents")
    assert exc.value.rule == "FILE_UNREADABLE"
    assert "filen finns inte" in str(exc.value)


def test_file_unreadable_unknown_extension(write):
    with pytest.raises(FileProblem) as exc:
        load_layer(write("h.docx", "x"), "incidents")
    assert exc.value.rule == "FILE_UNREADABLE"


@pytest.mark.parametrize("name", ["tom.csv", "tom.gpkg", "tom.geojson", "tom.xlsx"])
def test_file_corrupt_empty(write, name):
    with pytest.raises(FileProblem) as exc:
        load_layer(write(name, b""), "incidents")
    assert exc.value.rule == "FILE_CORRUPT"
    assert "tom" in exc.value.message


@pytest.mark.parametrize(
    "name",
    [
        "slump.csv",
        "slump.gpkg",
        "slump.geojson",
        "slump.xlsx",
        "slump.shp",
        "slump.zip",
        "slump.json",
    ],
)
def test_file_corrupt_random_bytes(write, name):
    data = np.random.default_rng(1).integers(0, 256, 5000, dtype=np.uint8).tobytes()
    with pytest.raises(FileProblem) as exc:
        load_layer(write(name, data), "incidents")
    assert exc.value.rule == "FILE_CORRUPT"


def test_file_corrupt_truncated_gpkg(tmp_path):
    _points(200).to_file(tmp_path / "p.gpkg")
    data = (tmp_path / "p.gpkg").read_bytes()
    (tmp_path / "t.gpkg").write_bytes(data[: len(data) // 3])
    with pytest.raises(FileProblem) as exc:
        load_layer(tmp_path / "t.gpkg", "incidents")
    assert exc.value.rule == "FILE_CORRUPT"


def test_truncated_csv_last_row_quarantined(write):
    text = csv_text(*GOOD) + "4;2024-02-03 1"  # cut in the middle of a line
    res = load_layer(write("h.csv", text), "incidents", crs="EPSG:3006", quarantine_dir=False)
    assert res.report.accepted == 3 and res.report.quarantined == 1
    assert res.quarantine["row"].tolist() == [5]


def _zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in members:
            zf.writestr(info, data)
    return path


def test_archive_unsafe_dotdot(tmp_path):
    z = _zip(tmp_path / "a.zip", [("../evil.shp", b"x"), ("p.shp", b"x")])
    with pytest.raises(FileProblem) as exc:
        load_layer(z, "incidents")
    assert exc.value.rule == "ARCHIVE_UNSAFE"
    assert "../evil.shp" in exc.value.message
    assert not (tmp_path.parent / "evil.shp").exists()


def test_archive_unsafe_absolute(tmp_path):
    z = _zip(tmp_path / "a.zip", [("/tmp/evil.shp", b"x")])
    with pytest.raises(FileProblem) as exc:
        load_layer(z, "incidents")
    assert exc.value.rule == "ARCHIVE_UNSAFE"


def test_archive_unsafe_symlink(tmp_path):
    info = zipfile.ZipInfo("p.shp")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    z = _zip(tmp_path / "a.zip", [(info, "/etc/passwd")])
    with pytest.raises(FileProblem) as exc:
        load_layer(z, "incidents")
    assert exc.value.rule == "ARCHIVE_UNSAFE"
    assert "länk" in exc.value.message


def test_archive_limit_zip_bomb(tmp_path):
    z = _zip(tmp_path / "a.zip", [("p.dbf", b"\0" * 5_000_000)])
    with pytest.raises(FileProblem) as exc:
        load_layer(z, "incidents")
    assert exc.value.rule == "ARCHIVE_LIMIT"
    assert "zip-bomb" in exc.value.message


def test_archive_limit_member_count(tmp_path, monkeypatch):
    from tryggaplatser.layers import readers

    monkeypatch.setattr(readers, "ZIP_MAX_MEMBERS", 5)
    z = _zip(tmp_path / "a.zip", [(f"f{i}.txt", b"x") for i in range(6)])
    with pytest.raises(FileProblem) as exc:
        load_layer(z, "incidents")
    assert exc.value.rule == "ARCHIVE_LIMIT"


def test_source_spec_with_mapping(write):
    text = "Nr;När;Typ;Vem;E;N;Anmälare\n1;20/01/2024 21:43;Tags;est;674000;6580000;Kalle\n"
    spec = SourceSpec(
        layer="incidents",
        file=write("h.csv", text),
        crs="EPSG:3006",
        columns={"Nr": "incident_id", "När": "occurred_at", "Typ": "category", "Vem": "source"},
        categories={"Tags": "klotter"},
        x="E",
        y="N",
    )
    res = load_layer(spec, quarantine_dir=False)
    assert res.data["category"].tolist() == ["klotter"]
    assert res.data["occurred_at"].iloc[0] == pd.Timestamp("2024-01-20 20:43", tz="UTC")
    dropped = res.report.problems_frame.query("rule == 'COLUMN_DROPPED'")
    assert dropped["field"].tolist() == ["Anmälare"]
