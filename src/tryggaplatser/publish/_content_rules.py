"""Content checks of the audit that read values, not the manifest (REFERENCE.md §5).

Pure functions on strings and tables, used by :mod:`.audit`'s collector:

* :func:`coordinate_hits`: coordinate pairs written as text — WGS84 decimal degrees (either
  order, point or comma decimals), degrees-minutes-seconds, SWEREF 99 TM northing/easting —
  that are not on the public grid's lattice;
* :func:`fine_dates`: dates finer than a month (ISO dates and weeks, "22 november 2026",
  "22.11.2026"), except the document's own issue date ("Framställd 2026-11-23") and, in
  metadata, file timestamps (a date with a time of day);
* :func:`is_count_header`, :func:`header_counts`: count columns by their label ("Antal",
  "Otrygga signaler", "Antal svar (n)", ``n_…``) and counts written into a header ("(n=3)");
* :func:`coordinate_columns`: x/y, lat/lon, easting/northing columns holding coordinates;
* :func:`author_problem`: an author field (XLSX creator/lastModifiedBy, PDF Author, PNG
  Author, TIFF Artist, HTML ``meta name=author``) naming a person or an account.

Each returns the *kind* of what it found, never the value: findings name the place and kind so
the audit report leaks nothing itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from ..i18n import tr
from ..policy import MIN_COUNT, PUBLIC_MIN_CELL_SIZE

__all__ = [
    "author_problem",
    "coordinate_columns",
    "coordinate_hits",
    "fine_dates",
    "header_counts",
    "is_count_header",
    "on_lattice",
]

LATTICE_M = PUBLIC_MIN_CELL_SIZE / 2  # corners and centres of the public grid's cells
LATTICE_TOL_M = 2.0

# --------------------------------------------------------------------------------------------
# coordinates written as text

_DEC = r"(\d{1,2})[.,](\d{3,})"
_WGS_PAIR = re.compile(
    rf"(?<![\d.,]){_DEC}\s*°?\s*[NSEÖWV]?\s*(?:[,;/]\s*|\s+){_DEC}\s*°?\s*[NSEÖWV]?(?![\d])"
)
_DMS = re.compile(
    r"(\d{1,3})\s*°\s*(?:\d{1,2}\s*['′]\s*\d{1,2}(?:[.,]\d+)?\s*(?:\"|″|''|”)"
    r"|\d{1,2}[.,]\d+\s*['′])"
)
_SWEREF_PAIR = re.compile(
    r"(?<![\d.,])(\d{6,7})(?:[.,]\d+)?[^\d\n]{1,14}?(\d{6,7})(?:[.,]\d+)?(?![\d])"
)


def _lat_lon(a: float, b: float) -> tuple[float, float] | None:
    if 54.0 <= a <= 70.0 and 9.0 <= b <= 25.0:
        return a, b
    if 54.0 <= b <= 70.0 and 9.0 <= a <= 25.0:
        return b, a
    return None


def _north_east(a: float, b: float) -> tuple[float, float] | None:
    if 6_100_000 <= a <= 7_700_000 and 180_000 <= b <= 1_000_000:
        return a, b
    if 6_100_000 <= b <= 7_700_000 and 180_000 <= a <= 1_000_000:
        return b, a
    return None


def on_lattice(x: float, y: float) -> bool:
    """Whether a SWEREF 99 TM point is a corner or centre of the public 250 m grid (±2 m)."""
    off_x = abs(x - round(x / LATTICE_M) * LATTICE_M)
    off_y = abs(y - round(y / LATTICE_M) * LATTICE_M)
    return off_x <= LATTICE_TOL_M and off_y <= LATTICE_TOL_M


def _wgs_on_lattice(lat: float, lon: float) -> bool:
    x, y = _TO_3006()(lon, lat)
    return on_lattice(x, y)


_TF: list[Any] = []


def _TO_3006():
    if not _TF:
        from pyproj import Transformer

        _TF.append(Transformer.from_crs(4326, 3006, always_xy=True).transform)
    return _TF[0]


def coordinate_hits(text: str) -> list[str]:
    """The kinds of coordinate pairs in ``text`` that are finer than the public grid.

    >>> coordinate_hits("Platsen 59.1953, 17.6253 vid torget")
    ['WGS84']
    >>> coordinate_hits("59°11'43\\"N")
    ['WGS84 (grader, minuter, sekunder)']
    >>> coordinate_hits("N 6563187 E 650061")
    ['SWEREF 99 TM']
    >>> coordinate_hits("Kvot 0,47 och 55,1 per 1 000")
    []
    """
    if not any(ch.isdigit() for ch in text):
        return []
    kinds = []
    for m in _WGS_PAIR.finditer(text):
        a = float(f"{m.group(1)}.{m.group(2)}")
        b = float(f"{m.group(3)}.{m.group(4)}")
        pair = _lat_lon(a, b)
        if pair and not _wgs_on_lattice(*pair):
            kinds.append("WGS84")
            break
    for m in _DMS.finditer(text):
        if 9 <= int(m.group(1)) <= 70:
            kinds.append(
                tr("WGS84 (grader, minuter, sekunder)", "WGS84 (degrees, minutes, seconds)")
            )
            break
    for m in _SWEREF_PAIR.finditer(text):
        pair = _north_east(float(m.group(1)), float(m.group(2)))
        if pair and not on_lattice(pair[1], pair[0]):
            kinds.append("SWEREF 99 TM")
            break
    return kinds


# --------------------------------------------------------------------------------------------
# dates finer than a month

_MONTHS = (
    r"jan(?:uari|uary)?|feb(?:ruari|ruary)?|mar(?:s|ch)?|apr(?:il)?|maj|may|jun(?:i|e)?|"
    r"jul(?:i|y)?|aug(?:usti|ust)?|sep(?:t|tember)?|okt(?:ober)?|oct(?:ober)?|nov(?:ember)?|"
    r"dec(?:ember)?"
)
_FINE_DATE = re.compile(
    r"(?<![\d-])(?P<iso>\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))(?![\d])"
    r"|(?<![\w-])(?P<week>\d{4}-?W\d{2})(?![\w])"
    rf"|(?<![\w.])(?P<text>(?:0?[1-9]|[12]\d|3[01])\.?\s+(?:{_MONTHS})\.?\s+\d{{4}})(?![\w])"
    r"|(?<![\d.,/])(?P<num>(?:0?[1-9]|[12]\d|3[01])[./](?:0?[1-9]|1[0-2])[./]\d{4})(?![\d.,/])",
    re.I,
)
# the document's own issue date: when it was made, not when anything in the data happened
_ISSUED = re.compile(
    r"(?:Framställd|Utgiven|Uppdaterad|Publicerad|Issued|Updated|Published)\W{0,6}$", re.I
)
_TIME_AFTER = re.compile(r"^[T ]\d{2}:\d{2}")


def fine_dates(text: str, context: str = "", *, metadata: bool = False) -> list[str]:
    """The kinds of dates finer than a month in ``text``.

    ``context`` is the text just before (the previous cell or element): a date right after
    an issue label ("Framställd", "Utgiven", "Uppdaterad", "Issued"…) is the document's own
    date and allowed. In ``metadata``, a date with a time of day is a file timestamp (the
    gate pins it to the issue date) and allowed.

    >>> fine_dates("ofullständigt år (till 2026-11-22)")
    ['ÅÅÅÅ-MM-DD']
    >>> fine_dates("2026-11-23", context="Framställd")
    []
    >>> fine_dates("Perioden 2026-01 – 2026-10")
    []
    """
    if not any(ch.isdigit() for ch in text):
        return []
    kinds = []
    for m in _FINE_DATE.finditer(text):
        before = (context + " " + text[: m.start()]).rstrip()
        if _ISSUED.search(before[-40:]):
            continue
        if metadata and m.group("iso") and _TIME_AFTER.match(text[m.end() :]):
            continue
        kind = (
            "ÅÅÅÅ-MM-DD"
            if m.group("iso")
            else tr("ISO-vecka", "ISO week")
            if m.group("week")
            else tr("dag och månad", "day and month")
        )
        if kind not in kinds:
            kinds.append(kind)
    return kinds


# --------------------------------------------------------------------------------------------
# count columns and counts in headers

_COUNT_SNAKE = re.compile(
    r"^(n|count|counts|antal|antal_.+|n_(?!visning|flagga).+|.+_antal|.+_count|.+_n)$"
)
_COUNT_WORDS = re.compile(
    r"\bantal\b|\(n\)|^n$|\bcount\b|\bsignaler\b|\bsignals\b|\bhändelser\b|\bincidents\b|"
    r"\bsvar\b|\bresponses\b|\banmälningar\b|\bbrott\b|^otrygga$|^trygga$|\bskickade\b|"
    r"\bkartnålar\b|\bpins\b",
    re.I,
)
_NOT_COUNT = re.compile(
    r"andel|share|%|procent|per\b|\bper\s|takt|rate|kvot|ratio|medel|mean|median|utjämnad|"
    r"index|\bki\b|\bci\b|klass|class|p-värde|förändring|change|omräknat|dagar|days|\bår\b|"
    r"years|minsta|smallest|vanligaste|most common|typ|type|kategori|category",
    re.I,
)
_HEADER_N = re.compile(r"\(\s*n\s*=\s*(\d+)\s*\)|\bn\s*=\s*(\d+)\b", re.I)


def is_count_header(name: str) -> bool:
    """Whether a column (or a row label) holds counts: ``n``, ``antal_…``, "Antal",
    "Antal svar (n)", "Otrygga signaler", "Händelser"… but not shares, rates or classes.

    >>> [is_count_header(h) for h in ("n", "Otrygga signaler", "Andel otrygga", "Antal år")]
    [True, True, False, False]
    """
    h = str(name or "").strip()
    if not h:
        return False
    if _COUNT_SNAKE.match(h.lower()):
        return True
    return bool(_COUNT_WORDS.search(h)) and not _NOT_COUNT.search(h)


def header_counts(name: str) -> bool:
    """Whether a header writes a count of 1–4 into itself, as in ``"dialog-2024 (n=3)"``."""
    for m in _HEADER_N.finditer(str(name or "")):
        value = int(m.group(1) or m.group(2))
        if 1 <= value < MIN_COUNT:
            return True
    return False


# --------------------------------------------------------------------------------------------
# coordinate columns

_COORD_COL = re.compile(
    r"^(?:x|y|lat|lon|lng|long|latitude|longitude|easting|northing|east|north|"
    r"(?:x|y|e|n)_(?:coord|koord|sweref|3006|4326|wgs84?)|(?:koord|coord|sweref|wgs84?)_(?:x|y|e|n)|"
    r"nordkoordinat|ostkoordinat|östkoordinat|nordlig|ostlig|östlig|breddgrad|längdgrad|"
    r"x_?koordinat|y_?koordinat|lat_?wgs84|lon_?wgs84)$",
    re.I,
)


def _as_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+(?:[.,]\d+)?\s*", value):
        return float(value.replace(",", "."))
    return None


def coordinate_columns(header: list[str], rows: Iterable[list[Any]]) -> Iterator[tuple[str, int]]:
    """Columns named like coordinates (x/y, lat/lon, easting/northing…) whose values are
    coordinates in Sweden (WGS84 degrees or SWEREF 99 TM metres): ``(name, row)`` of the
    first such value, row counted from 1 among ``rows``."""
    idx = [i for i, h in enumerate(header) if _COORD_COL.match(str(h or "").strip())]
    if not idx:
        return
    found: dict[int, int] = {}
    for r, row in enumerate(rows, start=1):
        for i in idx:
            if i in found or i >= len(row):
                continue
            v = _as_float(row[i])
            if v is None:
                continue
            if (9.0 <= abs(v) <= 70.0 and v != round(v)) or 180_000 <= v <= 7_700_000:
                found[i] = r
        if len(found) == len(idx):
            break
    for i, r in sorted(found.items()):
        yield str(header[i]), r


# --------------------------------------------------------------------------------------------
# author fields

AUTHOR_KEYS = frozenset(
    {"creator", "lastmodifiedby", "author", "artist", "dc:creator", "copyright", "owner"}
)
_TOOLS = re.compile(
    r"^(?:tryggaplatser|openpyxl|matplotlib|gdal|qgis|python|microsoft excel|libreoffice|"
    r"pandas|geopandas|pyogrio|rasterio|folium|leaflet)\b[\w .,-]*$",
    re.I,
)
_ORGANISATION = re.compile(
    r"\b(?:kommun|kommunen|region|regionen|län|länsstyrelsen|förvaltning|förvaltningen|stad|"
    r"staden|municipality|council|polisen|police)\b",
    re.I,
)
_ACCOUNT = re.compile(r"(?<![\w\\])[A-Za-z][\w-]{1,30}\\[A-Za-z][\w.$-]{1,40}(?![\w\\])")


def author_problem(key: str, value: str) -> str | None:
    """Why an author field must not be published, or ``None``.

    An author field may be empty, name the software (``tryggaplatser``, ``openpyxl``…) or an
    organisation (a municipality, region or authority); anything else names a person or an
    account. A ``DOMAIN\\user`` account is refused in any metadata field.

    >>> author_problem("creator", "KOMMUN\\\\anna.s") is not None
    True
    >>> author_problem("creator", "tryggaplatser") is None
    True
    """
    text = str(value or "").strip()
    if _ACCOUNT.search(text) and not re.search(r"[A-Za-z]:\\", text):
        return tr("konto (DOMÄN\\användare)", "account (DOMAIN\\user)")
    bare = re.sub(r"^(?:tifftag_|exif_|dc:|cp:|xmp:|pdf:)", "", key.lower())
    if bare not in AUTHOR_KEYS or not text:
        return None
    if _TOOLS.match(text) or _ORGANISATION.search(text):
        return None
    return tr("person- eller kontonamn i fältet {k}", "person or account name in field {k}", k=key)
