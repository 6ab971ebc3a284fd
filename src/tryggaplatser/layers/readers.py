"""Readers: turn one input file into a raw table (source columns as read) plus geometries.

Supported: GeoPackage, GeoJSON, Shapefile, zipped Shapefile (extracted safely), CSV (x/y, lat/lon
or WKT columns; ``,``/``;``/tab separators detected; UTF-8, UTF-8 with BOM or cp1252), XLSX and
Polisen's open events JSON. Readers never validate values; they record what they could not read
(file-level problems raise :class:`~tryggaplatser.errors.FileProblem`, row-level geometry
problems are flagged for quarantine) and leave the rest to :mod:`tryggaplatser.layers.load`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import stat
import tempfile
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from ..i18n import tr
from ..limits import current as current_limits
from ..limits import excerpt
from .config import SourceSpec
from .validate import Problems, file_problem

# Limits for zipped input (a zipped Shapefile of a whole municipality is a few hundred MB at most).
ZIP_MAX_MEMBERS = 1_000
ZIP_MAX_TOTAL_BYTES = 2 * 1024**3
ZIP_MAX_RATIO = 200  # uncompressed / compressed size of any member

WKT_NAMES = ("wkt", "geometry", "geom", "geometri", "the_geom")
LON_NAMES = ("lon", "lng", "long", "longitude", "longitud")
LAT_NAMES = ("lat", "latitude", "latitud")
X_NAMES = ("x", "e", "easting", "east", "ost", "öst", "x_koord", "x_koordinat", "koord_x")
Y_NAMES = ("y", "n", "northing", "north", "nord", "y_koord", "y_koordinat", "koord_y")

FORMATS = ("gpkg", "geojson", "shp", "zip", "csv", "xlsx", "polisen")
_EXTENSIONS = {
    ".gpkg": "gpkg",
    ".geojson": "geojson",
    ".shp": "shp",
    ".zip": "zip",
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
}
_MOJIBAKE = ("Ã¤", "Ã¶", "Ã¥", "Ã„", "Ã–", "Ã…", "Ã©", "Ã¼")


@dataclass
class RawTable:
    """One file as read: source columns (unchanged names), geometries and where they came from."""

    frame: pd.DataFrame
    geometry: np.ndarray | None  # object array of shapely geometries (None = missing)
    crs: str | None
    format: str
    rows: np.ndarray
    coord_columns: tuple[str, ...] = ()
    choices: list[str] = field(default_factory=list)
    fixed: dict[str, str] = field(default_factory=dict)  # canonical column -> constant (Polisen)
    category_map: dict[str, str] = field(default_factory=dict)  # built-in category mapping
    geom_flagged: np.ndarray | None = None  # rows whose geometry problem is already recorded


def detect_format(spec: SourceSpec) -> str:
    """The reader to use: ``spec.format`` or the file extension (``.json`` is inspected)."""
    path = Path(spec.file)
    if spec.format:
        fmt = spec.format.lower().lstrip(".")
        fmt = {"json": "geojson", "xls": "xlsx", "shapefile": "shp"}.get(fmt, fmt)
        if fmt not in FORMATS:
            raise file_problem(
                path,
                "FILE_UNREADABLE",
                tr("okänt format {fmt!r}", "unknown format {fmt!r}", fmt=spec.format),
                tr("ange ett av: {f}", "use one of: {f}", f=", ".join(FORMATS)),
            )
        return fmt
    suffix = path.suffix.lower()
    if suffix == ".json":
        with open(path, "rb") as fh:
            head = fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
        return "polisen" if head.startswith(b"[") else "geojson"
    if suffix == ".xls":
        raise file_problem(
            path,
            "FILE_UNREADABLE",
            tr(
                "det gamla Excel-formatet .xls stöds inte",
                "the old Excel format .xls is not supported",
            ),
            tr("spara filen som .xlsx i Excel", "save the file as .xlsx in Excel"),
        )
    if suffix not in _EXTENSIONS:
        raise file_problem(
            path,
            "FILE_UNREADABLE",
            tr("okänd filändelse {s!r}", "unknown file extension {s!r}", s=suffix or "(ingen)"),
            tr(
                "använd GeoPackage, GeoJSON, Shapefile (.shp/.zip), CSV, XLSX eller Polisens JSON, "
                "eller ange format i konfigurationen",
                "use GeoPackage, GeoJSON, Shapefile (.shp/.zip), CSV, XLSX or Polisen JSON, or set "
                "format in the configuration",
            ),
        )
    return _EXTENSIONS[suffix]


def _check_file(path: Path) -> None:
    if not path.exists():
        raise file_problem(
            path,
            "FILE_UNREADABLE",
            tr("filen finns inte", "the file does not exist"),
            tr("kontrollera sökvägen", "check the path"),
        )
    if path.is_dir():
        raise file_problem(
            path,
            "FILE_UNREADABLE",
            tr("sökvägen är en katalog", "the path is a directory"),
            tr("ange en fil", "give a file"),
        )
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise file_problem(
            path,
            "FILE_UNREADABLE",
            tr("filen kan inte öppnas ({e})", "the file cannot be opened ({e})", e=exc.strerror),
            tr("kontrollera behörigheterna", "check the permissions"),
        ) from None
    if path.stat().st_size == 0:
        raise file_problem(
            path,
            "FILE_CORRUPT",
            tr("filen är tom (0 byte)", "the file is empty (0 bytes)"),
            tr("exportera filen på nytt", "export the file again"),
        )


def read_source(spec: SourceSpec, problems: Problems, *, has_geometry: bool = True) -> RawTable:
    """Read the file of ``spec`` into a :class:`RawTable`.

    Parameters
    ----------
    spec
        The source description (file, format, coordinate columns, encoding...).
    problems
        Collector for problems; row numbers are set here.
    has_geometry
        Whether the layer has geometries (tables without geometry skip coordinate detection).

    Raises
    ------
    FileProblem
        ``FILE_UNREADABLE``, ``FILE_CORRUPT``, ``ARCHIVE_UNSAFE``, ``ARCHIVE_LIMIT``,
        ``TOO_MANY_COLUMNS``, ``TEXT_TOO_LONG`` (a CSV's header line; see
        :mod:`tryggaplatser.limits`).
    """
    path = Path(spec.file)
    _check_file(path)
    fmt = detect_format(spec)
    raw = _read_format(spec, fmt, problems, has_geometry)
    check_column_count(len(raw.frame.columns), path)
    return raw


def _read_format(spec: SourceSpec, fmt: str, problems: Problems, has_geometry: bool) -> RawTable:
    """Read the file of ``spec`` with the reader of ``fmt``."""
    path = Path(spec.file)
    if fmt == "zip":
        with tempfile.TemporaryDirectory(prefix="tryggaplatser-zip-") as tmp:
            inner = extract_zip_safely(path, Path(tmp), table=spec.table)
            inner_spec = SourceSpec(
                layer=spec.layer, file=inner, table=None, crs=spec.crs, encoding=spec.encoding
            )
            raw = _read_vector(inner_spec, problems, display=path)
            raw.format = "zip"
            return raw
    if fmt in ("gpkg", "geojson", "shp"):
        return _read_vector(spec, problems, display=path)
    if fmt == "csv":
        return _read_csv(spec, problems, has_geometry)
    if fmt == "xlsx":
        return _read_xlsx(spec, problems, has_geometry)
    return _read_polisen(spec, problems)


# --------------------------------------------------------------------------- zip


def extract_zip_safely(path: Path, dest: Path, *, table: str | None = None) -> Path:
    """Extract a zip archive into ``dest`` after checking every member; return the data file.

    Refuses (``ARCHIVE_UNSAFE``) members with absolute paths, ``..`` components or symbolic
    links; refuses (``ARCHIVE_LIMIT``) more than ``ZIP_MAX_MEMBERS`` members, more than
    ``ZIP_MAX_TOTAL_BYTES`` uncompressed or a compression ratio above ``ZIP_MAX_RATIO`` (zip
    bombs). Sizes are enforced while extracting too, so a lying header does not help.
    The data file is the single ``.shp`` (or ``.gpkg``/``.geojson``) inside, or ``table``.
    """
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise file_problem(
            path,
            "FILE_CORRUPT",
            tr("zip-filen kan inte läsas ({e})", "the zip file cannot be read ({e})", e=exc),
            tr("packa filerna på nytt", "zip the files again"),
        ) from None
    fix_unsafe = tr(
        "packa upp filen manuellt, kontrollera innehållet och packa om bara datafilerna",
        "unpack manually, check the contents and re-zip only the data files",
    )
    with zf:
        members = zf.infolist()
        _check_zip_members(members, path, fix_unsafe)
        _extract_members(zf, members, dest, path, fix_unsafe)
    return _zip_data_file(path, dest, table)


def _check_zip_members(members: list[zipfile.ZipInfo], path: Path, fix_unsafe: str) -> None:
    """Refuse unsafe paths, symbolic links, too many members, too large or too compressed."""
    if len(members) > ZIP_MAX_MEMBERS:
        raise file_problem(
            path,
            "ARCHIVE_LIMIT",
            tr(
                "zip-filen har {n} filer (gräns {m})",
                "the zip has {n} members (limit {m})",
                n=len(members),
                m=ZIP_MAX_MEMBERS,
            ),
            fix_unsafe,
        )
    total = 0
    for m in members:
        name = m.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
            raise file_problem(
                path,
                "ARCHIVE_UNSAFE",
                tr(
                    "zip-filen innehåller en farlig sökväg: {n!r}",
                    "the zip contains a dangerous path: {n!r}",
                    n=name,
                ),
                fix_unsafe,
            )
        mode = m.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise file_problem(
                path,
                "ARCHIVE_UNSAFE",
                tr(
                    "zip-filen innehåller en symbolisk länk: {n!r}",
                    "the zip contains a symbolic link: {n!r}",
                    n=name,
                ),
                fix_unsafe,
            )
        total += m.file_size
        if m.compress_size > 0 and m.file_size / m.compress_size > ZIP_MAX_RATIO:
            raise file_problem(
                path,
                "ARCHIVE_LIMIT",
                tr(
                    "{n!r} packas upp {r:.0f} gånger större (gräns {m}); möjlig zip-bomb",
                    "{n!r} expands {r:.0f} times (limit {m}); possible zip bomb",
                    n=name,
                    r=m.file_size / m.compress_size,
                    m=ZIP_MAX_RATIO,
                ),
                fix_unsafe,
            )
    if total > ZIP_MAX_TOTAL_BYTES:
        raise file_problem(
            path,
            "ARCHIVE_LIMIT",
            tr(
                "uppackat innehåll {s} MB (gräns {m} MB)",
                "unpacked size {s} MB (limit {m} MB)",
                s=total // 2**20,
                m=ZIP_MAX_TOTAL_BYTES // 2**20,
            ),
            fix_unsafe,
        )


def _extract_members(
    zf: zipfile.ZipFile, members: list[zipfile.ZipInfo], dest: Path, path: Path, fix_unsafe: str
) -> None:
    """Extract the checked members into ``dest``, enforcing the sizes while writing."""
    written = 0
    for m in members:
        if m.is_dir():
            continue
        target = dest.joinpath(*PurePosixPath(m.filename.replace("\\", "/")).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with zf.open(m) as src, open(target, "wb") as out:
                remaining = m.file_size
                while chunk := src.read(1 << 20):
                    written += len(chunk)
                    remaining -= len(chunk)
                    if remaining < 0 or written > ZIP_MAX_TOTAL_BYTES:
                        raise file_problem(
                            path,
                            "ARCHIVE_LIMIT",
                            tr(
                                "{n!r} är större än zip-huvudet anger",
                                "{n!r} is larger than its header says",
                                n=m.filename,
                            ),
                            fix_unsafe,
                        )
                    out.write(chunk)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise file_problem(
                path,
                "FILE_CORRUPT",
                tr(
                    "{n!r} i zip-filen är trasig ({e})",
                    "{n!r} in the zip is corrupt ({e})",
                    n=m.filename,
                    e=exc,
                ),
                tr("packa filerna på nytt", "zip the files again"),
            ) from None


def _zip_data_file(path: Path, dest: Path, table: str | None) -> Path:
    """The one data file (``.shp``/``.gpkg``/``.geojson``, or ``table``) extracted to ``dest``."""
    candidates = [
        p
        for p in dest.rglob("*")
        if p.is_file()
        and p.suffix.lower() in (".shp", ".gpkg", ".geojson")
        and not p.name.startswith(".")
        and "__MACOSX" not in p.parts
    ]
    if table:
        candidates = [p for p in candidates if p.stem == table or p.name == table]
    if len(candidates) != 1:
        found = ", ".join(sorted(p.name for p in candidates)) or tr("ingen", "none")
        raise file_problem(
            path,
            "FILE_UNREADABLE",
            tr(
                "zip-filen ska innehålla exakt en .shp/.gpkg/.geojson, hittade: {f}",
                "the zip must hold exactly one .shp/.gpkg/.geojson, found: {f}",
                f=found,
            ),
            tr('ange table = "namn" i konfigurationen', 'set table = "name" in the config'),
        )
    return candidates[0]


# --------------------------------------------------------------------------- vector


def _read_vector(spec: SourceSpec, problems: Problems, *, display: Path) -> RawTable:
    """Read a GeoPackage, shapefile or GeoJSON into a :class:`RawTable`."""
    path = Path(spec.file)
    meta, fids, wkb, frame = _open_vector(path, spec, display)
    n = len(fids)
    frame.index = pd.RangeIndex(n)
    fmt = {".gpkg": "gpkg", ".shp": "shp"}.get(path.suffix.lower(), "geojson")
    rows = np.asarray(fids, dtype="int64") if fmt == "gpkg" else np.arange(1, n + 1)
    problems.set_rows(rows)
    geometry, flagged = _decode_wkb(wkb, n, problems)
    crs = meta.get("crs")
    return RawTable(frame, geometry, crs, fmt, rows, geom_flagged=flagged)


def _gpkg_layer(path: Path, spec: SourceSpec, display: Path) -> str | None:
    """The GeoPackage layer to read: the only one, or the one named like the schema layer."""
    import pyogrio

    layer = None
    layers = pyogrio.list_layers(path)
    names = [str(n) for n, _ in layers]
    if len(names) > 1:
        wanted = [n for n in names if n == spec.layer]
        if not wanted:
            raise file_problem(
                display,
                "FILE_UNREADABLE",
                tr(
                    "GeoPackage har flera lager ({n}) och inget valt",
                    "the GeoPackage has several layers ({n}) and none was chosen",
                    n=", ".join(names),
                ),
                tr(
                    'ange table = "lagernamn" i konfigurationen',
                    'set table = "layer name" in the config',
                ),
            )
        layer = wanted[0]
    return layer


def _open_vector(path: Path, spec: SourceSpec, display: Path):
    """Read the file's columns with pyogrio; read errors become file problems."""
    from pyogrio.errors import DataLayerError, DataSourceError

    layer = spec.table
    try:
        if layer is None and path.suffix.lower() == ".gpkg":
            layer = _gpkg_layer(path, spec, display)
        kwargs = {"encoding": spec.encoding} if spec.encoding else {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            meta, fids, wkb, frame = _read_columns(path, layer, kwargs)
    except DataLayerError as exc:
        raise file_problem(
            display,
            "FILE_UNREADABLE",
            tr(
                "lagret kan inte läsas ({e})",
                "the layer cannot be read ({e})",
                e=_short(str(exc).replace(str(path), path.name)),
            ),
            tr('kontrollera table = "..." i konfigurationen', 'check table = "..." in the config'),
        ) from None
    except DataSourceError as exc:
        text = str(exc).replace(str(path), path.name)
        raise file_problem(
            display,
            "FILE_CORRUPT",
            tr(
                "filen kan inte läsas som geodata ({e})",
                "the file cannot be read as geodata ({e})",
                e=_short(text),
            ),
            tr("exportera filen på nytt från GIS-programmet", "export the file again from the GIS"),
        ) from None
    except Exception as exc:  # GDAL raises plain errors on some truncated files
        raise file_problem(
            display,
            "FILE_CORRUPT",
            tr(
                "filen är trasig ({e})",
                "the file is corrupt ({e})",
                e=_short(str(exc).replace(str(path), path.name)),
            ),
            tr("exportera filen på nytt", "export the file again"),
        ) from None
    return meta, fids, wkb, frame


def _decode_wkb(wkb, n: int, problems: Problems) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Geometries from WKB; unreadable ones are flagged ``GEOM_UNREADABLE`` with GEOS's reason."""
    import shapely

    geometry = None
    if wkb is not None:
        wkb = np.asarray(wkb, dtype=object)
        geometry = shapely.from_wkb(wkb, on_invalid="ignore")
        unreadable = pd.isna(geometry) & ~pd.isna(wkb)
        if unreadable.any():
            reasons = []
            for blob in wkb[unreadable]:
                try:
                    shapely.from_wkb(blob, on_invalid="raise")
                    reasons.append(tr("okänt fel", "unknown error"))
                except Exception as exc:  # GEOS says why (e.g. unclosed ring)
                    reasons.append(_geos_reason(str(exc)))
            msg = pd.Series(np.full(n, "", dtype=object))
            msg[unreadable] = reasons
            problems.flag(
                unreadable,
                "GEOM_UNREADABLE",
                "geometry",
                msg,
                pd.Series(np.where(unreadable, "WKB", None)),
            )
        flagged = unreadable
    else:
        flagged = None
    return geometry, flagged


def _read_columns(path: Path, layer, kwargs: dict):
    """Read a vector file's attributes, fids and WKB with pyogrio: through Arrow when pyarrow is
    installed (about 5× faster on a million features, strings stay Arrow-backed), else numpy."""
    import pyogrio

    try:
        import pyarrow  # noqa: F401
    except ImportError:
        meta, fids, wkb, values = pyogrio.raw.read(
            path, layer=layer, return_fids=True, datetime_as_string=True, **kwargs
        )
        frame = pd.DataFrame({str(name): col for name, col in zip(meta["fields"], values)})
        return meta, fids, wkb, frame
    meta, table = pyogrio.raw.read_arrow(
        path, layer=layer, return_fids=True, datetime_as_string=True, **kwargs
    )
    names = table.column_names
    fid_name = meta.get("fid_column") if meta.get("fid_column") in names else names[0]
    geom_name = meta.get("geometry_name") or "wkb_geometry"
    fids = table.column(fid_name).to_numpy()
    wkb = None
    if geom_name in names and meta.get("geometry_type"):
        wkb = table.column(geom_name).to_numpy(zero_copy_only=False)
    fields = [str(f) for f in meta["fields"]]
    frame = table.select(fields).to_pandas() if fields else pd.DataFrame(index=range(len(fids)))
    return meta, fids, wkb, frame


def _geos_reason(text: str) -> str:
    if "closed" in text.lower():
        return tr(
            "ringen är inte sluten (första och sista punkten skiljer sig)",
            "the ring is not closed (first and last point differ)",
        )
    return _short(text)


def _short(text: str) -> str:
    """A parser's or GDAL's error text as a message quotes it (they may quote the file)."""
    return excerpt(text)


# --------------------------------------------------------------------------- text tables


def decode_text(
    path: Path, data: bytes, encoding: str | None, problems: Problems
) -> tuple[str, str]:
    """Decode file bytes: the configured encoding, else UTF-8 (with or without BOM), else cp1252
    (reported as ``ENCODING_FALLBACK``). Mojibake such as ``Ã¤`` is reported as
    ``ENCODING_MOJIBAKE``. Returns ``(text, encoding)``."""
    if b"\x00" in data[:8192]:
        raise file_problem(
            path,
            "FILE_CORRUPT",
            tr(
                "filen innehåller binära data och är ingen textfil",
                "the file contains binary data and is not a text file",
            ),
            tr("exportera som CSV (UTF-8) på nytt", "export as CSV (UTF-8) again"),
        )
    if encoding:
        try:
            text, used = data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise file_problem(
                path,
                "FILE_CORRUPT",
                tr(
                    "filen kan inte avkodas som {enc} ({e})",
                    "the file cannot be decoded as {enc} ({e})",
                    enc=encoding,
                    e=exc,
                ),
                tr("ändra encoding i konfigurationen", "change encoding in the config"),
            ) from None
    elif data.startswith(b"\xef\xbb\xbf"):
        text, used = data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    else:
        try:
            text, used = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, used = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                raise file_problem(
                    path,
                    "FILE_CORRUPT",
                    tr(
                        "filen är varken UTF-8 eller cp1252", "the file is neither UTF-8 nor cp1252"
                    ),
                    tr("spara som CSV UTF-8", "save as CSV UTF-8"),
                ) from None
            problems.file(
                "ENCODING_FALLBACK",
                tr(
                    "filen är inte UTF-8; läst som Windows-1252 (cp1252)",
                    "the file is not UTF-8; read as Windows-1252 (cp1252)",
                ),
                value="cp1252",
                severity="warning",
            )
    found = [m for m in _MOJIBAKE if m in text] if "Ã" in text else []
    if found:
        problems.file(
            "ENCODING_MOJIBAKE",
            tr(
                "texten innehåller felkodade tecken ({m}); filen har troligen konverterats "
                "två gånger",
                "the text contains garbled characters ({m}); the file was probably converted twice",
                m=", ".join(found),
            ),
            value=found[0],
            severity="warning",
        )
    return text, used


def detect_separator(header: str) -> str:
    """The most frequent of ``;``, ``,``, tab and ``|`` in the header line (``,`` if none)."""
    counts = {sep: header.count(sep) for sep in (";", ",", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def _line_numbers(text: str, n: int) -> np.ndarray:
    """Line numbers (header = 1) of the ``n`` data rows, skipping blank lines."""
    if "\n\n" not in text and "\r\n\r\n" not in text:
        return np.arange(2, n + 2)
    lines = text.splitlines()
    nonblank = [i + 1 for i, line in enumerate(lines) if line.strip()]
    out = np.asarray(nonblank[1 : n + 1], dtype="int64")
    if len(out) < n:  # quoted line breaks: fall back to positions
        return np.arange(2, n + 2)
    return out


def _read_csv(spec: SourceSpec, problems: Problems, has_geometry: bool) -> RawTable:
    """Read a CSV file (any encoding, detected separator and decimal mark) into a RawTable."""
    path = Path(spec.file)
    data = path.read_bytes()
    text, encoding = decode_text(path, data, spec.encoding, problems)
    end = re.search(r"[\r\n]", text)
    header = text[: end.start() if end else len(text)]
    choices = []
    sep = _csv_separator(spec, header, path, choices)
    _check_header(header, sep, path)  # before parsing: a huge header is refused at once
    long_lines = _long_lines(data, text)
    options = {
        "sep": sep,
        "keep_default_na": False,
        "na_values": [""],
        "engine": "c",
        "skipinitialspace": True,
        "encoding": "utf-8",
    }
    # fast path: coordinate columns parsed as numbers by the C parser
    names = [c.strip().strip('"') for c in header.strip().split(sep)]
    coords = _coord_names(names, spec) if has_geometry else None
    decimal = spec.decimal or ("," if sep != "," and re.search(r"\d,\d", text[:65536]) else ".")
    payload = (
        data[3:]
        if encoding == "utf-8-sig"
        else data
        if encoding == "utf-8"
        else text.encode("utf-8")
    )
    frame = None
    if coords and coords[0] != "wkt" and len(set(names)) == len(names):
        frame = _read_csv_numeric_coords(payload, names, coords, decimal, options)
    if frame is None:
        frame = _read_csv_as_text(text, options, path)
    frame.columns = [str(c).strip() for c in frame.columns]
    rows = _line_numbers(text, len(frame))
    problems.set_rows(rows)
    _flag_long_lines(frame, rows, long_lines, problems)
    raw = RawTable(frame, None, spec.crs, "csv", rows, choices=choices)
    if has_geometry:
        _table_geometry(raw, spec, problems, path)
    return raw


def check_column_count(n: int, path: Path) -> None:
    """Refuse a file with more than ``max_columns`` columns (``TOO_MANY_COLUMNS``)."""
    limit = current_limits().max_columns
    if n > limit:
        raise file_problem(
            path,
            "TOO_MANY_COLUMNS",
            tr(
                "filen har {n} kolumner; gränsen är {m}",
                "the file has {n} columns; the limit is {m}",
                n=_thousands(n),
                m=_thousands(limit),
            ),
            _limit_fix("max_columns"),
        )


def _thousands(n: int) -> str:
    return f"{n:_}".replace("_", " ")


def _limit_fix(key: str) -> str:
    """How to get under the limit ``key`` (``max_columns`` or ``max_line_chars``)."""
    if key == "max_columns":
        return tr(
            "ta bort kolumner som inte behövs och exportera igen, eller höj [limits] max_columns "
            "i tryggaplatser.toml",
            "remove the columns that are not needed and export again, or raise [limits] "
            "max_columns in tryggaplatser.toml",
        )
    return tr(
        "kontrollera att filen är en CSV-fil med en post per rad, eller höj [limits] "
        "max_line_chars i tryggaplatser.toml",
        "check that the file is a CSV file with one record per line, or raise [limits] "
        "max_line_chars in tryggaplatser.toml",
    )


def _check_header(header: str, sep: str, path: Path) -> None:
    """The CSV header line within the limits: column count first, then length.

    Counting separators is an upper bound; only a header over the limit is split exactly
    (quoted names may hold the separator).
    """
    limits = current_limits()
    if header.count(sep) + 1 > limits.max_columns:
        check_column_count(len(next(csv.reader([header], delimiter=sep))), path)
    if len(header) > limits.max_line_chars:
        raise file_problem(
            path,
            "TEXT_TOO_LONG",
            tr(
                "rubrikraden är {n} tecken lång; gränsen är {m} (början: {e})",
                "the header line is {n} characters long; the limit is {m} (start: {e})",
                n=_thousands(len(header)),
                m=_thousands(limits.max_line_chars),
                e=excerpt(header, min(60, limits.max_excerpt_chars)),
            ),
            _limit_fix("max_line_chars"),
        )


def _long_lines(data: bytes, text: str) -> dict[int, int]:
    """Data lines longer than ``max_line_chars``: line number (header = 1) → length in
    characters. Byte lengths pick the candidates (a line has at least as many bytes as
    characters), so a file with short lines costs one pass over its bytes."""
    limit = current_limits().max_line_chars
    if len(data) <= limit:
        return {}
    breaks = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
    starts = np.concatenate([[0], breaks + 1])
    ends = np.concatenate([breaks, [len(data)]])
    candidates = np.flatnonzero(ends - starts > limit)
    if candidates.size == 0:
        return {}
    lines = text.split("\n")
    return {int(i) + 1: len(lines[i]) for i in candidates if len(lines[i].rstrip("\r")) > limit}


def _flag_long_lines(
    frame: pd.DataFrame, rows: np.ndarray, long_lines: dict[int, int], problems: Problems
) -> None:
    """Quarantine the rows on lines longer than ``max_line_chars`` (``TEXT_TOO_LONG``), naming
    the row's longest field."""
    limit = current_limits().max_line_chars
    for line, length in long_lines.items():
        pos = np.flatnonzero(rows == line)
        if pos.size == 0:
            continue
        cells = frame.iloc[pos[0]].astype("str")
        longest = str(cells.str.len().idxmax())
        mask = np.zeros(len(rows), dtype=bool)
        mask[pos[0]] = True
        problems.flag(
            mask,
            "TEXT_TOO_LONG",
            longest,
            tr(
                "raden är {n} tecken lång; gränsen är {m} ([limits] max_line_chars)",
                "the line is {n} characters long; the limit is {m} ([limits] max_line_chars)",
                n=_thousands(length),
                m=_thousands(limit),
            ),
        )  # no value: the longest field is often free text, which is never quoted


def _csv_separator(spec: SourceSpec, header: str, path: Path, choices: list[str]) -> str:
    """The configured separator, else the one detected from the header (announced)."""
    sep = spec.separator
    if not sep:
        sep = detect_separator(header)
        choices.append(
            tr(
                "{f}: avgränsare {s!r} upptäckt",
                "{f}: separator {s!r} detected",
                f=path.name,
                s=sep,
            )
        )
    return sep


def _read_csv_numeric_coords(
    payload: bytes, names: list[str], coords: tuple, decimal: str, options: dict
) -> pd.DataFrame | None:
    """Read with the coordinate columns as numbers (C parser); ``None`` if that fails.

    Cells that are not numbers (NaN/inf text) are put back as the text written in the file.
    """
    dtypes: dict = dict.fromkeys(names, "str")
    try:
        frame = pd.read_csv(
            io.BytesIO(payload),
            dtype={**dtypes, coords[1]: "float64", coords[2]: "float64"},
            decimal=decimal,
            **options,
        )
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    nan = (frame[coords[1]].isna() | frame[coords[2]].isna()).to_numpy()
    if nan.any():  # tell empty cells from NaN/inf text: re-read only these columns as text
        as_text = pd.read_csv(
            io.BytesIO(payload), usecols=[coords[1], coords[2]], dtype=str, **options
        )
        for c in coords[1:]:
            col = frame[c].astype(object)
            col[nan] = as_text[c][nan].to_numpy()
            frame[c] = col
    return frame


def _read_csv_as_text(text: str, options: dict, path: Path) -> pd.DataFrame:
    """Read every column as text; an empty or unparsable file is ``FILE_CORRUPT``."""
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, **options)
    except pd.errors.EmptyDataError:
        raise file_problem(
            path,
            "FILE_CORRUPT",
            tr("filen saknar innehåll", "the file has no content"),
            tr("exportera filen på nytt", "export the file again"),
        ) from None
    except (pd.errors.ParserError, ValueError) as exc:
        raise file_problem(
            path,
            "FILE_CORRUPT",
            tr(
                "CSV-filen kan inte tolkas ({e})",
                "the CSV file cannot be parsed ({e})",
                e=_short(str(exc)),
            ),
            tr(
                "kontrollera att alla rader har lika många fält (filen kan vara avkortad)",
                "check that every line has the same number of fields (the file may be truncated)",
            ),
        ) from None


def _read_xlsx(spec: SourceSpec, problems: Problems, has_geometry: bool) -> RawTable:
    path = Path(spec.file)
    try:
        # calamine (Rust) reads the same cells as openpyxl, about 12 times faster
        frame = pd.read_excel(path, sheet_name=spec.table or 0, dtype=str, engine="calamine")
    except ValueError as exc:
        raise file_problem(
            path,
            "FILE_UNREADABLE",
            tr("bladet kan inte läsas ({e})", "the sheet cannot be read ({e})", e=_short(str(exc))),
            tr(
                'ange table = "bladnamn" i konfigurationen',
                'set table = "sheet name" in the config',
            ),
        ) from None
    except Exception as exc:  # the reader raises its own errors on broken files
        raise file_problem(
            path,
            "FILE_CORRUPT",
            tr(
                "Excel-filen är trasig ({e})",
                "the Excel file is corrupt ({e})",
                e=_short(f"{type(exc).__name__}: {exc}"),
            ),
            tr("öppna och spara filen i Excel på nytt", "open and save it in Excel again"),
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.reset_index(drop=True)
    rows = np.arange(2, len(frame) + 2)
    problems.set_rows(rows)
    raw = RawTable(frame, None, spec.crs, "xlsx", rows)
    if has_geometry:
        _table_geometry(raw, spec, problems, path)
    return raw


def to_number(values: pd.Series) -> pd.Series:
    """Parse numbers written as text: decimal comma or point, spaces as thousands separators.

    Empty values give NaN; text that is not a number also gives NaN (the caller tells them apart).
    """
    if values.dtype.kind in "fiu":
        return values.astype("float64")
    sample = values.dropna().head(200).astype(str)
    if (
        sample.str.contains(",", regex=False).any()
        and not sample.str.contains(".", regex=False).any()
    ):
        values = values.str.replace(",", ".", regex=False)  # decimal comma
    try:
        return values.astype("float64")
    except (ValueError, TypeError):
        pass
    out = pd.to_numeric(values, errors="coerce")
    retry = out.isna() & values.notna()
    if retry.any():
        cleaned = (
            values[retry]
            .astype(str)
            .str.replace(r"[\s\u00a0]", "", regex=True)
            .str.replace(",", ".", regex=False)
            .str.replace("−", "-", regex=False)
        )
        out[retry] = pd.to_numeric(cleaned, errors="coerce")
    return out.astype("float64")


def _find(columns: list[str], names: tuple[str, ...]) -> str | None:
    lower = {c.lower(): c for c in columns}
    for n in names:
        if n in lower:
            return lower[n]
    return None


def _coord_names(cols: list[str], spec: SourceSpec) -> tuple[str, str | None, str | None] | None:
    """``("wkt", col, None)``, ``("lonlat", x, y)``, ``("xy", x, y)`` or ``None``."""
    wkt_col = spec.wkt or (None if (spec.x or spec.y) else _find(cols, WKT_NAMES))
    if wkt_col:
        return ("wkt", wkt_col, None)
    if spec.x and spec.y:
        return ("xy", spec.x, spec.y)
    lon, lat = _find(cols, LON_NAMES), _find(cols, LAT_NAMES)
    if lon and lat:
        return ("lonlat", lon, lat)
    x, y = _find(cols, X_NAMES), _find(cols, Y_NAMES)
    return ("xy", x, y) if x and y else None


def _table_geometry(raw: RawTable, spec: SourceSpec, problems: Problems, path: Path) -> None:
    """Build point (or WKT) geometries of a CSV/XLSX table from its coordinate columns."""
    import shapely

    cols = list(raw.frame.columns)
    n = len(raw.frame)
    wkt_col = spec.wkt or (None if (spec.x or spec.y) else _find(cols, WKT_NAMES))
    if wkt_col:
        if wkt_col not in raw.frame:
            raise _missing_coords(path, cols)
        text = raw.frame[wkt_col]
        with warnings.catch_warnings():  # NaN coordinates are flagged later (COORD_NONFINITE)
            warnings.simplefilter("ignore", RuntimeWarning)
            geoms = shapely.from_wkt(
                text.to_numpy(dtype=object, na_value=None), on_invalid="ignore"
            )
        bad = pd.isna(geoms) & text.notna().to_numpy()
        if bad.any():
            reasons = []
            for t in text[bad]:
                try:
                    shapely.from_wkt(t, on_invalid="raise")
                    reasons.append(tr("okänt fel", "unknown error"))
                except Exception as exc:
                    reasons.append(_geos_reason(str(exc)))
            msg = pd.Series(np.full(n, "", dtype=object))
            msg[bad] = reasons
            problems.flag(bad, "GEOM_UNREADABLE", wkt_col, msg, text.str.slice(0, 80))
        raw.geom_flagged = bad
        raw.geometry = geoms
        raw.coord_columns = (wkt_col,)
        return
    kind = "xy"
    xcol, ycol = spec.x, spec.y
    if not (xcol and ycol):
        lon, lat = _find(cols, LON_NAMES), _find(cols, LAT_NAMES)
        if lon and lat:
            xcol, ycol, kind = lon, lat, "lonlat"
        else:
            xcol, ycol = _find(cols, X_NAMES), _find(cols, Y_NAMES)
    if not (xcol and ycol and xcol in raw.frame and ycol in raw.frame):
        raise _missing_coords(path, cols)
    if kind == "lonlat" and not raw.crs:
        raw.crs = "EPSG:4326"
        raw.choices.append(
            tr(
                "{f}: kolumnerna {x}/{y} tolkade som WGS84 (EPSG:4326)",
                "{f}: columns {x}/{y} read as WGS84 (EPSG:4326)",
                f=path.name,
                x=xcol,
                y=ycol,
            )
        )
    xs, ys = raw.frame[xcol], raw.frame[ycol]
    x, y = to_number(xs), to_number(ys)
    missing = (xs.isna() | ys.isna()).to_numpy()
    problems.flag(
        missing, "GEOM_MISSING", f"{xcol},{ycol}", tr("koordinat saknas", "coordinate missing")
    )
    nonfinite = ~missing & ~(np.isfinite(x.to_numpy()) & np.isfinite(y.to_numpy()))
    if nonfinite.any():
        problems.flag(
            nonfinite,
            "COORD_NONFINITE",
            f"{xcol},{ycol}",
            tr(
                "koordinaten är inte ett ändligt tal (NaN, inf eller text)",
                "the coordinate is not a finite number (NaN, inf or text)",
            ),
            xs.fillna("").astype(str) + " " + ys.fillna("").astype(str),
        )
    ok = ~(missing | nonfinite)
    geoms = np.full(n, None, dtype=object)
    geoms[ok] = shapely.points(x.to_numpy()[ok], y.to_numpy()[ok])
    raw.geometry = geoms
    raw.geom_flagged = ~ok
    raw.coord_columns = (xcol, ycol)


def _missing_coords(path: Path, cols: list[str]):
    return file_problem(
        path,
        "SCHEMA_MISSING_COLUMN",
        tr(
            "hittar inga koordinatkolumner (x/y, lon/lat eller wkt) bland: {c}",
            "no coordinate columns (x/y, lon/lat or wkt) among: {c}",
            c=", ".join(cols),
        ),
        tr(
            'döp om kolumnerna eller ange x = "...", y = "..." (eller wkt) i konfigurationen',
            'rename the columns or set x = "...", y = "..." (or wkt) in the config',
        ),
    )


# --------------------------------------------------------------------------- Polisen


def _read_polisen(spec: SourceSpec, problems: Problems) -> RawTable:
    """Polisen's open events JSON: a list of events with ``location.gps = "lat,lng"``.

    The coordinate is the centroid of the municipality or county, so every record gets
    ``location_precision = kommun_centroid``; ``type`` is mapped with the vocabulary's
    ``polisen_event_type`` table (the config's ``categories`` add to it); ``summary`` becomes
    ``description`` (free text, redacted later); ``source`` is ``polisen``.
    """
    from .vocab import polisen_event_types

    path = Path(spec.file)
    data = path.read_bytes()
    text, _ = decode_text(path, data, spec.encoding, problems)
    events = _polisen_events(text, path)
    n = len(events)
    _drop_unused_polisen_fields(events, problems)
    location = [e.get("location") if isinstance(e.get("location"), dict) else {} for e in events]
    frame = _polisen_frame(events)
    rows, geoms, ok = _polisen_points(location, n, problems)
    frame["id"] = "polisen-" + frame["id"]
    raw = RawTable(
        frame,
        geoms,
        "EPSG:4326",
        "polisen",
        rows,
        geom_flagged=~ok,
        fixed={
            "source": "polisen",
            "location_precision": "kommun_centroid",
            "time_precision": "exakt",
        },
        category_map=polisen_event_types(),
    )
    raw.choices.append(
        tr(
            "{f}: Polisens händelser – koordinaten är kommunens/länets mittpunkt "
            "(location_precision = kommun_centroid)",
            "{f}: Polisen events – the coordinate is the municipality/county centroid "
            "(location_precision = kommun_centroid)",
            f=path.name,
        )
    )
    return raw


def _polisen_events(text: str, path: Path) -> list[dict]:
    """Parse the JSON text as Polisen's list of events, else ``FILE_CORRUPT``."""
    try:
        events = json.loads(text)
    except json.JSONDecodeError as exc:
        raise file_problem(
            path,
            "FILE_CORRUPT",
            tr("ogiltig JSON ({e})", "invalid JSON ({e})", e=exc),
            tr("hämta filen från polisen.se igen", "download the file from polisen.se again"),
        ) from None
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        raise file_problem(
            path,
            "FILE_CORRUPT",
            tr(
                "väntade en lista med händelser (Polisens format)",
                "expected a list of events (Polisen format)",
            ),
            tr(
                "använd svaret från polisen.se/api/events oförändrat",
                "use the response of polisen.se/api/events unchanged",
            ),
        )
    return events


def _drop_unused_polisen_fields(events: list[dict], problems: Problems) -> None:
    """Report every field the loader does not use as dropped (``COLUMN_DROPPED``)."""
    used = {"id", "datetime", "type", "summary", "location"}
    seen = dict.fromkeys(k for e in events[:1000] for k in e)
    seen_loc = dict.fromkeys(
        k for e in events[:1000] if isinstance(e.get("location"), dict) for k in e["location"]
    )
    for key in [k for k in seen if k not in used] + [
        f"location.{k}" for k in seen_loc if k != "gps"
    ]:
        problems.file(
            "COLUMN_DROPPED",
            tr(
                "fältet {c!r} används inte och togs bort",
                "field {c!r} is not used and was dropped",
                c=key,
            ),
            field=key,
        )


def _polisen_frame(events: list[dict]) -> pd.DataFrame:
    """The used fields of the events (id, datetime, type, summary) as text columns."""
    return pd.DataFrame(
        {
            "id": pd.array(
                [None if e.get("id") is None else str(e.get("id")) for e in events], dtype="str"
            ),
            "datetime": pd.array([e.get("datetime") for e in events], dtype="str"),
            "type": pd.array([e.get("type") for e in events], dtype="str"),
            "summary": pd.array([e.get("summary") for e in events], dtype="str"),
        }
    )


def _polisen_points(
    location: list[dict], n: int, problems: Problems
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points from ``location.gps`` ("lat,lng"); missing/unreadable ones flagged. Sets the rows."""
    import shapely

    gps = pd.Series([loc.get("gps") for loc in location], dtype="str")
    parts = gps.str.split(",", n=1, expand=True) if n else pd.DataFrame({0: [], 1: []})
    if parts.shape[1] < 2:
        parts[1] = None
    lat, lon = to_number(parts[0]), to_number(parts[1])
    rows = np.arange(1, n + 1)
    problems.set_rows(rows)
    missing = gps.isna().to_numpy()
    problems.flag(
        missing, "GEOM_MISSING", "location.gps", tr("koordinat saknas", "coordinate missing")
    )
    bad = ~missing & ~(np.isfinite(lat.to_numpy()) & np.isfinite(lon.to_numpy()))
    problems.flag(
        bad,
        "COORD_NONFINITE",
        "location.gps",
        tr('koordinaten kan inte tolkas som "lat,lng"', 'the coordinate is not "lat,lng"'),
        gps,
    )
    ok = ~(missing | bad)
    geoms = np.full(n, None, dtype=object)
    geoms[ok] = shapely.points(lon.to_numpy()[ok], lat.to_numpy()[ok])
    return rows, geoms, ok
