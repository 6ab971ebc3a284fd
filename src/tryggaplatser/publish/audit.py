"""Audit of an output folder: does anything in it reveal more than the mode allows?

:func:`scan_dir` reads every file (HTML, JS, GeoJSON, JSON, GeoPackage with all its tables,
CSV, XLSX, GeoTIFF tags, PNG text chunks, PDF metadata, any other file as text or as the
printable strings of its bytes) and returns :class:`Finding` objects. The CLI command
``tryggaplatser audit DIR --mode public`` prints them and exits 1 when there are any.

Rules (``Finding.rule``, defined in :mod:`tryggaplatser.rules`)
---------------------------------------------------------------
``PERSONAL_DATA``        personnummer/samordningsnummer, phone numbers, e-mail addresses,
                         registration plates, police case numbers (all modes)
``MARKUP_EXECUTABLE``    executable markup in data: ``on…=`` handlers, ``javascript:`` URLs,
                         ``<script>/<img>/<svg>/<iframe>`` inside map data or strings, script
                         payload calls (``alert(``, ``document.cookie``…) (all modes; in
                         CSV and XLSX cells, which are plain text, public mode only)
``METADATA_PRIVATE``     absolute paths, the user name or the host name in metadata; in public
                         mode also bandwidth/seed parameters (all modes)
``SPREADSHEET_FORMULA``  spreadsheet formulas / CSV and XLSX text cells starting with
                         ``= + - @``, tab or CR (all modes)
``INTERNAL_IN_PUBLIC``   a file carrying "INTERNT – ej för spridning" or an internal mode tag in
                         a public folder, or sealed by the gate as internal
``MARKING_MISSING``      an internal file without the marking (internal mode)
``POINTS_PUBLIC``        point geometries (individual events) in a public file
``PUBLIC_CELL_SIZE``     grid cells or raster cells finer than 250 m
``COORDINATE_OFF_GRID``  latitude/longitude pairs in HTML/JS not on the 125 m lattice of the
                         public 250 m grid (cell corners and centres) in SWEREF 99 TM
``SMALL_COUNT``          count columns (``n``, ``count``, ``antal``…) with values 1–4
``FREE_TEXT``            free-text columns, or text values of eight words or more
``TIME_TOO_FINE``        dates or times finer than month in tables
``RASTER_UNCLASSED``     an unclassed (floating-point) density raster in public mode
``NOT_GATED`` / ``MODIFIED_AFTER_SEAL``  the file is not in the gate's manifest, or changed
                         after the gate sealed it
``SET_INCOMPLETE``       the manifest says the set is not finished (``"complete": false``), or
                         a ``.staging-*``/``.previous-*`` folder left by an interrupted run
``FILE_MISSING``         a file the manifest lists is not in the folder
``FILE_UNREADABLE``      a file that could not be read as its type
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import functools
import getpass
import io
import itertools
import json
import re
import socket
import sqlite3
import struct
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np

from ..i18n import get_language, tr
from ..policy import (
    INTERNAL_MARKING,
    INTERNAL_MARKING_COLUMN,
    MANIFEST,
    MIN_COUNT,
    MIN_GRID_M,
    PUBLIC_MIN_CELL_SIZE,
    is_pii_column,
)
from ..rules import check_rule
from . import _content_rules as _rules
from .xlsx_layout import CODES_SHEET, EXPLANATION_SHEET

__all__ = [
    "PII_PATTERNS",
    "Finding",
    "metadata_problems",
    "redact",
    "scan_dir",
    "scan_file",
    "set_findings",
]

_EXEMPT = {MANIFEST}
LATTICE_M = PUBLIC_MIN_CELL_SIZE / 2  # corners and centres of the public grid's cells
LATTICE_TOL_M = 2.0

# --------------------------------------------------------------------------------------------
# personal-data patterns (shared with the gate's fallback redaction)

_DATE6 = r"\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])"
_PNR_SEP = re.compile(rf"(?<![\w.,])(?:19|20)?{_DATE6}[-+]\d{{4}}(?![\w.,])")
_PNR_12 = re.compile(rf"(?<![\w.,])(?:19|20){_DATE6}\d{{4}}(?![\w.,])")
_PNR_10 = re.compile(rf"(?<![\w.,]){_DATE6}\d{{4}}(?![\w.,])")
_MOBILE = re.compile(r"(?<![\w.+])(?:\+46\s?|0046\s?|0)7[02369](?:[\s-]?\d){7}(?![\w.])")
_LANDLINE = re.compile(
    r"(?<![\w.+])(?:\+46\s?|0046\s?|0)(?:8|[1-69]\d{1,2})[\s-]\d(?:\s?\d){4,7}(?![\w.])"
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
_PLATE = re.compile(r"(?<![\w-])([A-HJ-PR-UW-Z]{3})\s?\d{2}[A-HJ-PR-UW-Z0-9](?![\w-])")
_PLATE_STOP = {
    "SHA",
    "UTF",
    "ISO",
    "RGB",
    "WGS",
    "GMT",
    "UTC",
    "CET",
    "CRS",
    "DPI",
    "KDE",
    "PDF",
    "PNG",
    "SVG",
    "CSS",
    "TLS",
    "SSL",
    "RFC",
    "EPS",
    "XYZ",
    "API",
    "NTU",
    "MAC",
    "EST",
    "MDN",
    "CEST",
    "ECMA",
    "HSL",
    "LAB",
    "AES",
    "MD5",
    "DOS",
    "WIN",
}
_CASE = re.compile(r"(?<![\w-])(?:\d{4}-)?K\d{3,7}-\d{2}(?![\w-])")

PII_PATTERNS: dict[str, re.Pattern[str]] = {
    "personnummer": _PNR_SEP,
    "personnummer12": _PNR_12,
    "personnummer10": _PNR_10,
    "mobil": _MOBILE,
    "telefon": _LANDLINE,
    "epost": _EMAIL,
    "regnr": _PLATE,
    "diarienummer_polis": _CASE,
}
_PII_LABEL = {
    "personnummer": ("personnummer/samordningsnummer", "personal identity number"),
    "personnummer12": ("personnummer/samordningsnummer", "personal identity number"),
    "personnummer10": ("personnummer/samordningsnummer", "personal identity number"),
    "mobil": ("telefonnummer", "phone number"),
    "telefon": ("telefonnummer", "phone number"),
    "epost": ("e-postadress", "e-mail address"),
    "regnr": ("registreringsnummer", "registration plate"),
    "diarienummer_polis": ("polisens ärendenummer", "police case number"),
}


# every personal-data pattern but the e-mail address holds two digits in a row (a date, "07",
# "46", "K123"…), and an e-mail address holds "@": a text with neither holds none of them
_TWO_DIGITS = re.compile(r"\d\d")


def _may_hold_pii(text: str) -> bool:
    """Whether :data:`PII_PATTERNS` can match anywhere in ``text`` (a necessary condition,
    asked first because most texts have no two digits in a row and no "@")."""
    return "@" in text or _TWO_DIGITS.search(text) is not None


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits[-10:]):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _pii_spans(text: str, *, plates: bool = True) -> Iterator[tuple[str, re.Match[str]]]:
    if not _may_hold_pii(text):
        return
    for key, pattern in PII_PATTERNS.items():
        if key == "regnr" and not plates:
            continue
        for m in pattern.finditer(text):
            value = m.group(0)
            if key == "personnummer10" and not _luhn_ok(value):
                continue  # bare ten digits: only when the check digit fits (few false hits)
            if key == "regnr" and m.group(1) in _PLATE_STOP:
                continue
            yield key, m


def _pii_matches(text: str, *, plates: bool = True) -> Iterator[tuple[str, str]]:
    for key, m in _pii_spans(text, plates=plates):
        yield key, m.group(0)


def redact(text: str) -> str:
    """Replace personal-data patterns in free text with ``[borttaget]``.

    Personnummer and samordningsnummer are removed whatever their check digit; also phone
    numbers, e-mail addresses, registration plates and police case numbers. Used by the gate
    for internal free text when ``tryggaplatser.layers.redact`` is not available.
    """
    out = str(text)
    if not _may_hold_pii(out):
        return out  # (the replacement "[borttaget]" brings no digit and no "@" either)
    for key, pattern in PII_PATTERNS.items():
        if key == "regnr":
            out = pattern.sub(
                lambda m: m.group(0) if m.group(1) in _PLATE_STOP else "[borttaget]", out
            )
        else:
            out = pattern.sub("[borttaget]", out)
    return out


def _mask(value: str) -> str:
    value = str(value)
    if len(value) <= 3:
        return "•" * len(value)
    return value[:2] + re.sub(r"[\w@]", "•", value[2:])


# --------------------------------------------------------------------------------------------
# metadata

_ABS_PATH = re.compile(
    r"(?<![\w.:/%-])(?:/(?:home|Users|root|tmp|var|work|mnt|srv|opt|private|media|data|scratch)"
    r"/[^\s\"'<>)]*|[A-Za-z]:\\[^\s\"'<>]+|file:/{2,3}[^\s\"'<>]+|\\\\[\w.-]+\\[^\s\"'<>]+)"
)
_GENERIC_USERS = {
    "root",
    "user",
    "admin",
    "runner",
    "nobody",
    "ubuntu",
    "debian",
    "jovyan",
    "localhost",
}


def _identity() -> set[str]:
    names = set()
    with contextlib.suppress(Exception):
        names.add(getpass.getuser())
    try:
        host = socket.gethostname()
        names.update({host, host.split(".")[0]})
    except OSError:
        pass
    return {n for n in names if n and len(n) >= 3 and n.lower() not in _GENERIC_USERS}


def metadata_problems(text: str) -> list[str]:
    """Reasons a metadata text must not be published: absolute paths, user or host names."""
    # the names are asked each time: the user may change
    return _metadata_problems(text, _identity_pattern(frozenset(_identity())))


def _metadata_problems(text: str, names: re.Pattern[str] | None) -> list[str]:
    """:func:`metadata_problems` with the pattern of the user and host names asked already
    (the audit asks it once per file)."""
    problems = []
    if _ABS_PATH.search(text):
        problems.append(tr("absolut sökväg", "absolute path"))
    if names is not None and names.search(text):
        problems.append(tr("användar- eller datornamn", "user or host name"))
    return problems


@functools.lru_cache(maxsize=8)
def _identity_pattern(names: frozenset[str]) -> re.Pattern[str] | None:
    """One pattern for any of the user and host names as a whole word (compiled once)."""
    if not names:
        return None
    words = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{words})(?![\w-])")


# --------------------------------------------------------------------------------------------
# findings


@dataclass(frozen=True)
class Finding:
    """One problem in one file: where it is (``place``: row and column, line, metadata key or
    JSON path) and what kind it is. ``excerpt`` is masked or names only the kind of value
    found, so the report itself leaks nothing (never the small count, the date, the
    coordinate or the name)."""

    file: str
    rule: str
    message: str
    excerpt: str = ""
    place: str = ""

    def __post_init__(self) -> None:
        check_rule(self.rule)

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@functools.lru_cache(maxsize=1 << 16)
def _text_findings(
    text: str, plates: bool, markup: bool, language: str
) -> tuple[tuple[str, str, str], ...]:
    """The findings of :meth:`_Collector.text` for one string (personal data, absolute paths,
    executable markup), cached: reports and tables repeat the same strings many times."""
    found = []
    for key, value in _pii_matches(text, plates=plates):
        sv, en = _PII_LABEL[key]
        found.append(
            (
                "PERSONAL_DATA",
                tr("möjlig personuppgift: {k}", "possible personal data: {k}", k=tr(sv, en)),
                _mask(value),
            )
        )
    m = _ABS_PATH.search(text) if "/" in text or "\\" in text else None
    if m:
        found.append(("METADATA_PRIVATE", tr("absolut sökväg", "absolute path"), _mask(m.group(0))))
    if markup:
        found += _markup_findings(text, language)
    return tuple(found)


#: where a finding is: its text, or a callable that makes the text when a finding is added
Place = str | Callable[[], str]
_DIGIT = re.compile(r"\d")


@functools.lru_cache(maxsize=1 << 16)
def _text_checks(
    text: str, plates: bool, markup: bool, language: str
) -> tuple[tuple[tuple[str, str, str], ...], bool, bool]:
    """One look at a string, cached: its :func:`_text_findings`, whether it carries the
    internal marking, and whether it holds a digit (a coordinate or a date finer than a month
    is written with digits: without one, neither check can find anything)."""
    return (
        _text_findings(text, plates, markup, language),
        _is_marked(text),
        _DIGIT.search(text) is not None,
    )


@functools.lru_cache(maxsize=1 << 16)
def _fine_dates(text: str, context: str, metadata: bool, language: str) -> tuple[str, ...]:
    """:func:`~._content_rules.fine_dates`, cached (tables and pages repeat their strings).
    The context changes from place to place, so a text holding no date at all is told first,
    cached by the text alone: the context only allows dates, it never makes one."""
    if not _may_hold_date(text):
        return ()
    return tuple(_rules.fine_dates(text, context, metadata=metadata))


@functools.lru_cache(maxsize=1 << 16)
def _may_hold_date(text: str) -> bool:
    return bool(_rules.fine_dates(text, ""))


@functools.lru_cache(maxsize=1 << 14)
def _markup_findings(text: str, language: str) -> tuple[tuple[str, str, str], ...]:
    """Executable markup in a string (after undoing JavaScript escapes), cached.

    Every pattern of ``_DANGEROUS`` holds "<" or "=", and only a backslash escape can make
    either: a text with none of the three has no finding."""
    if "<" not in text and "=" not in text and "\\" not in text:
        return ()
    decoded = _unescape_js(text) if "\\" in text else text
    found = []
    for pattern, what in _DANGEROUS:
        m = pattern.search(decoded)
        if m:
            found.append(
                (
                    "MARKUP_EXECUTABLE",
                    tr("körbar kod i data: {w}", "executable markup in data: {w}", w=what),
                    m.group(0),
                )
            )
    return tuple(found)


_MARKED = re.compile(
    r"INTERNT\s*[–—-]\s*ej\s+för\s+spridning"
    r"|INTERNAL\s*[–—-]\s*not\s+for\s+distribution"
    r"|tryggaplatser[_-]mode\W{1,12}internal",
    re.I,
)


def _is_marked(text: str) -> bool:
    """Whether ``text`` carries the internal marking, Swedish or English (or the internal mode
    tag). One compiled pattern: it is asked of every text of every file the audit reads."""
    return _MARKED.search(text) is not None


def _add_coordinates(col: Any, text: str, place: Place) -> None:
    """A finding for every coordinate written in ``text`` finer than the public grid."""
    for kind in _coordinate_hits(text):
        col.add(
            "COORDINATE_OFF_GRID",
            tr(
                "koordinat i text, finare än rutnätet (250 m)",
                "coordinate in text, finer than the grid (250 m)",
            ),
            kind,
            place,
        )


class _Collector:
    def __init__(self, file: str, mode: str):
        self.file = file
        self.mode = mode
        self.public = mode == "public"
        self.items: list[Finding] = []
        self._seen: set[tuple[str, str]] = set()
        self.marked = False  # the internal marking was seen
        self._names: tuple[re.Pattern[str] | None] | None = None

    def add(self, rule: str, message: str, excerpt: str = "", place: Place = "") -> None:
        """Record a finding (once per rule, excerpt and place; at most 20 per rule).

        ``place`` may be a callable that makes the text: most checked values have no finding,
        so the place of a table cell or an HTML line is only written out when one is added.
        """
        if callable(place):
            place = place()
        excerpt = re.sub(r"\s+", " ", str(excerpt))[:80]
        key = (rule, excerpt, place)
        if key in self._seen or len([f for f in self.items if f.rule == rule]) >= 20:
            return
        self._seen.add(key)
        self.items.append(Finding(self.file, rule, message, excerpt, place[:120]))

    # -- content checks -------------------------------------------------------------------------
    def text(
        self,
        text: str,
        *,
        plates: bool = True,
        markup: bool = True,
        place: Place = "",
        context: str = "",
        metadata: bool = False,
    ) -> None:
        """Checks for any user-visible or data text; in public mode also coordinates written
        as text and dates finer than a month (``context``: the text just before, for the
        issue-date allowlist of :func:`~._content_rules.fine_dates`)."""
        if not text:
            return
        language = get_language()
        found, marked, digits = _text_checks(text, plates, markup, language)
        for rule, message, excerpt in found:
            self.add(rule, message, excerpt, place)
        if marked:
            self._marked()
        if not self.public or not digits:
            return  # coordinates and dates are written with digits
        _add_coordinates(self, text, place)
        for kind in _fine_dates(text, context, metadata, language):
            self.add(
                "TIME_TOO_FINE",
                tr("datum finare än månad", "date finer than a month"),
                kind,
                place,
            )

    def marking(self, text: str) -> None:
        if _is_marked(text):
            self._marked()

    def _marked(self) -> None:
        self.marked = True
        if self.public:
            self.add(
                "INTERNAL_IN_PUBLIC",
                tr(
                    "filen är märkt som intern men ligger i en publik mapp",
                    "the file is marked internal but is in a public folder",
                ),
                INTERNAL_MARKING,
            )

    def markup(self, text: str) -> None:
        for rule, message, excerpt in _markup_findings(text, get_language()):
            self.add(rule, message, excerpt)

    def metadata(self, text: str, place: Place = "") -> None:
        """Checks for a metadata text, ``key=value`` where the reader knows the key."""
        if not text:
            return
        key, sep, value = text.partition("=")
        key = key.strip() if sep and re.fullmatch(r"[\w:.-]{1,40}", key.strip()) else ""
        place = place or key
        if self._names is None:  # the user and host names, asked once per file
            self._names = (_identity_pattern(frozenset(_identity())),)
        for problem in _metadata_problems(text, self._names[0]):
            self.add(
                "METADATA_PRIVATE",
                tr("metadata innehåller {p}", "metadata contains {p}", p=problem),
                _mask(text[:60]),
                place,
            )
        problem = _rules.author_problem(key, value if key else text)
        if problem:
            self.add(
                "METADATA_PRIVATE",
                tr("metadata innehåller {p}", "metadata contains {p}", p=problem),
                key or tr("metadata", "metadata"),
                place,
            )
        if self.public and re.search(r"bandwidth|bandbredd|\bseed\b|\bfrö\b", text, re.I):
            self.add(
                "METADATA_PRIVATE",
                tr(
                    "metadata avslöjar parametrar som kan häva skyddet (bandbredd/frö)",
                    "metadata reveals parameters that could undo the protection (bandwidth/seed)",
                ),
                tr("bandbredd/frö", "bandwidth/seed"),
                place,
            )
        self.text(text, markup=False, place=place, metadata=True)

    def table(
        self,
        header: list[str],
        rows: Iterable[list[Any]],
        *,
        csv_cells: bool = False,
        markup: bool = True,
        where: str = "",
        row_numbers: list[int] | None = None,
    ) -> None:
        """Checks for tabular data (CSV, XLSX, GPKG attributes, GeoJSON properties, HTML).

        long because every cell check names its place; the checks themselves are one call each.

        Parameters
        ----------
        header : list of str
            Column names.
        rows : iterable of list
            Cell values.
        csv_cells : bool
            Also flag cells a spreadsheet would run as a formula.
        markup : bool
            Look for executable markup in the cell text. ``False`` for HTML tables: their
            cells arrive with character references decoded, so an escaped payload
            (``&lt;img onerror=…&gt;``, harmless text) would look like markup; raw markup in
            an HTML cell is found by the HTML parser instead (:class:`_HTMLCollector`).
            ``False`` for internal CSV and XLSX (:func:`_plain_text_markup`).
        where : str
            The table's place in the file (sheet, layer, "tabell 3"), prefixed to each place.
        row_numbers : list of int, optional
            The file's row number of each row (default: 2, 3, … after a header row).
        """
        rows = list(rows)
        free_cols = _free_text_columns()
        names = [str(h or "").strip() for h in header]
        count_idx = {i for i, h in enumerate(names) if _rules.is_count_header(h)}
        free_idx = [i for i, h in enumerate(names) if h.lower() in free_cols]
        prefix = f"{where}: " if where else ""
        numbers = row_numbers or list(range(2, len(rows) + 2))

        def place(r: int, i: int) -> str:
            col = names[i] if i < len(names) and names[i] else f"#{i + 1}"
            return prefix + tr("rad {r}, kolumn {c}", "row {r}, column {c}", r=numbers[r], c=col)

        for h in names:
            if h and is_pii_column(h):
                self.add(
                    "PERSONAL_DATA",
                    tr("kolumn med personuppgifter: {c}", "column holding personal data: {c}", c=h),
                    h,
                    prefix + tr("rubrik", "header"),
                )
        if self.public:
            self._header_checks(names, rows, prefix, numbers)
        for r in self._rows_to_walk(rows, count_idx, free_idx, csv_cells, markup):
            row = rows[r]
            label_counts = (
                self.public
                and bool(row)
                and isinstance(row[0], str)
                and _rules.is_count_header(row[0])
            )
            for i, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    cell = functools.partial(place, r, i)  # written out only for a finding
                    if csv_cells or self.public:  # (its only checks)
                        self._cell_text(value, i, names, cell, csv_cells, markup, free_idx)
                    # the cell before is the context of a date (public checks only)
                    context = str(row[i - 1]) if i and self.public else ""
                    self.text(value, markup=markup, place=cell, context=context)
                if self.public and (i in count_idx or (label_counts and i > 0)):
                    number = _number(value)
                    if number is not None and 1 <= number < MIN_COUNT:
                        self.add(
                            "SMALL_COUNT",
                            tr(
                                "antal under {m} i kolumnen {c}",
                                "count below {m} in column {c}",
                                m=MIN_COUNT,
                                c=names[i] if i in count_idx else row[0],
                            ),
                            tr("antal 1–4", "count 1–4"),
                            place(r, i),
                        )

    def _rows_to_walk(
        self,
        rows: list[list[Any]],
        count_idx: set[int],
        free_idx: list[int],
        csv_cells: bool,
        markup: bool,
    ) -> Iterable[int]:
        """The rows of a table, in order, of which a cell may add a finding or mark the file;
        the others are not walked cell by cell (their cells' checks would add nothing).

        A cell's checks depend on its value and its column only, not on its row: the text of
        the cell before it is a date's context, and a context only allows dates, it never
        makes one (:func:`_fine_dates`); a row whose first cell is a count label ("Antal")
        has its other cells checked as counts, so such a row is always walked. Each distinct
        value of a column is therefore judged once (:meth:`_may_find`), column by column.
        Values of other than the plain types the readers give (text, numbers, dates, bytes)
        are not judged: a table holding one is walked row by row, as before."""
        everything = range(len(rows))
        language = get_language()
        walk: set[int] = set()
        for i, column in enumerate(itertools.zip_longest(*rows)):
            types = set(map(type, column))
            if not types <= _PLAIN_TYPES:
                return everything
            counted = self.public and i in count_idx
            if counted:  # numbers too, each type apart (1 and True are not the same count)
                values = [v for _, v in set(zip(map(type, column), column))]
            elif str in types:  # only a text can have a finding outside a count column
                values = [v for v in set(column) if isinstance(v, str)]
            else:
                continue
            telling = {
                v
                for v in values
                if self._may_find(v, counted, i in free_idx, csv_cells, markup, language)
                or (self.public and i == 0 and isinstance(v, str) and _rules.is_count_header(v))
            }
            if telling:
                # (a value equal to a telling one but of another type, 1 and True, is walked
                # too: more than needed, never less)
                walk.update(r for r, v in enumerate(column) if v in telling)
        return sorted(walk)

    def _may_find(
        self, value: Any, count: bool, free: bool, csv_cells: bool, markup: bool, language: str
    ) -> bool:
        """Whether a cell holding ``value`` may add a finding or mark the file, wherever it is
        (a necessary condition of each check of :meth:`table`, :meth:`_cell_text` and
        :meth:`text`, asked in the same order)."""
        if value is None:
            return False
        if count:
            number = _number(value)
            if number is not None and 1 <= number < MIN_COUNT:
                return True
        if not isinstance(value, str):
            return False
        if csv_cells and value[:1] in _FORMULA_START:
            return True
        if self.public and (
            (free and value.strip())
            or (len(value) >= 40 and len(value.split()) >= 8)
            or _FINE_TIME.match(value.strip())
        ):
            return True
        if not value:
            return False
        found, marked, digits = _text_checks(value, True, markup, language)
        if found or marked:
            return True
        return self.public and digits and (bool(_coordinate_hits(value)) or _may_hold_date(value))

    def _header_checks(
        self, names: list[str], rows: list[list[Any]], prefix: str, numbers: list[int]
    ) -> None:
        """Public header checks: a count 1–4 written into a header, coordinate columns."""
        for h in names:
            if _rules.header_counts(h):
                self.add(
                    "SMALL_COUNT",
                    tr("antal under {m} i en rubrik", "count below {m} in a header", m=MIN_COUNT),
                    tr("(n=1–4)", "(n=1–4)"),
                    prefix + tr("rubrik", "header"),
                )
            self.text(h, markup=False, place=prefix + tr("rubrik", "header"))
        for name, r in _rules.coordinate_columns(names, rows):
            self.add(
                "POINTS_PUBLIC",
                tr(
                    "koordinatkolumn {c} (enskilda platser) i publik tabell",
                    "coordinate column {c} (individual places) in a public table",
                    c=name,
                ),
                tr("koordinater", "coordinates"),
                prefix + tr("rad {r}, kolumn {c}", "row {r}, column {c}", r=numbers[r - 1], c=name),
            )

    def _cell_text(
        self,
        value: str,
        i: int,
        names: list[str],
        place: Place,
        csv_cells: bool,
        markup: bool,
        free_idx: list[int],
    ) -> None:
        """Formula-like, free-text and day-level checks of one text cell."""
        column = names[i] if i < len(names) else "?"
        if (
            csv_cells
            and value[:1] in _FORMULA_START
            and not re.fullmatch(r"[-+]?\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?", value)
        ):
            self.add(
                "SPREADSHEET_FORMULA",
                tr(
                    "cell som kalkylprogram tolkar som formel",
                    "cell a spreadsheet would run as a formula",
                ),
                _formula_kind(value),
                place,
            )
        if not self.public:
            return
        if i in free_idx and value.strip():
            self.add(
                "FREE_TEXT",
                tr("fritextkolumn {c}", "free-text column {c}", c=column),
                _mask(value[:30]),
                place,
            )
        elif len(value) >= 40 and len(value.split()) >= 8:
            self.add(
                "FREE_TEXT",
                tr("lång fritext i {c}", "long free text in {c}", c=column),
                _mask(value[:30]),
                place,
            )
        if _FINE_TIME.match(value.strip()):
            self.add(
                "TIME_TOO_FINE",
                tr("tid finare än månad i {c}", "time finer than month in {c}", c=column),
                tr("tidpunkt", "time"),
                place,
            )

    def geometry_types(self, types: Iterable[str], where: str) -> None:
        if self.public and set(types) & {"Point", "MultiPoint"}:
            self.add(
                "POINTS_PUBLIC",
                tr(
                    "punktgeometrier (enskilda platser) i {w}",
                    "point geometries (individual places) in {w}",
                    w=where,
                ),
                where,
            )

    def rectangles(self, rings: Iterable[list[tuple[float, float]]], crs: Any, where: str) -> None:
        """Axis-aligned rectangles (grid cells) smaller than 250 m, measured in EPSG:3006.

        ``rings``: lists of ``(x, y)`` points, or float arrays (a GeoPackage's rings,
        :func:`_exterior_rings`), which are measured all at once."""
        if not self.public:
            return
        rings = list(rings)
        transform = _to_3006(crs)
        if rings and all(isinstance(r, np.ndarray) for r in rings):
            size = _first_small_cell(rings, transform)
        else:
            size = next(_small_cells(rings, transform), None)
        if size is not None:
            self.add(
                "PUBLIC_CELL_SIZE",
                tr(
                    "rutor mindre än {m} m i {w}",
                    "cells smaller than {m} m in {w}",
                    m=MIN_GRID_M,
                    w=where,
                ),
                f"{size:.0f} m",
            )


def _small_cells(rings: Iterable[Any], transform: Callable) -> Iterator[float]:
    """The shorter side of each axis-aligned rectangle (4 or 5 points; two distinct x and
    two distinct y, ±1 m) smaller than the public grid, ring by ring."""
    for ring in rings:
        if len(ring) not in (4, 5):
            continue
        xs, ys = transform([p[0] for p in ring], [p[1] for p in ring])
        xs, ys = sorted(set(round(x, 0) for x in xs)), sorted(set(round(y, 0) for y in ys))
        w = max(xs) - min(xs)
        h = max(ys) - min(ys)
        if not w or not h:
            continue
        # an axis-aligned rectangle has two distinct x and two distinct y (±1 m)
        if _clusters(xs) == 2 and _clusters(ys) == 2 and min(w, h) < MIN_GRID_M - 1:
            yield min(w, h)


def _first_small_cell(rings: list[np.ndarray], transform: Callable) -> float | None:
    """:func:`_small_cells`' first value, measured on arrays: the rings of 4 and of 5 points
    each transformed in one call and judged together (the same rounding, clusters and sizes;
    rings with a coordinate that is not finite are judged ring by ring)."""
    lengths = np.array([len(r) for r in rings])
    found: list[tuple[int, float]] = []
    for length in (4, 5):
        which = np.flatnonzero(lengths == length)
        if not len(which):
            continue
        points = np.stack([rings[k][:, :2] for k in which]).astype(float)
        xs, ys = transform(points[:, :, 0].ravel(), points[:, :, 1].ravel())
        xs = np.sort(np.round(np.asarray(xs, float), 0).reshape(-1, length), axis=1)
        ys = np.sort(np.round(np.asarray(ys, float), 0).reshape(-1, length), axis=1)
        if not (np.isfinite(xs).all() and np.isfinite(ys).all()):
            return next(_small_cells(rings, transform), None)
        w, h = xs[:, -1] - xs[:, 0], ys[:, -1] - ys[:, 0]
        two_x = (np.diff(xs, axis=1) > _CLUSTER_TOL).sum(axis=1) == 1
        two_y = (np.diff(ys, axis=1) > _CLUSTER_TOL).sum(axis=1) == 1
        side = np.minimum(w, h)
        small = np.flatnonzero((w != 0) & (h != 0) & two_x & two_y & (side < MIN_GRID_M - 1))
        if len(small):
            found.append((int(which[small[0]]), float(side[small[0]])))
    return min(found)[1] if found else None


@functools.cache
def _free_text_columns() -> frozenset[str]:
    """The free-text columns of the layer schemas (``comment``…), looked up once."""
    from ..layers.schema import LAYERS

    return frozenset(c.name for s in LAYERS.values() for c in s.columns if c.kind == "free_text")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: the types of the values the readers give a table: judged value by value (:meth:`table`)
_PLAIN_TYPES = frozenset(
    {
        str,
        int,
        float,
        bool,
        type(None),
        bytes,
        datetime.datetime,
        datetime.date,
        datetime.time,
        datetime.timedelta,
    }
)
_FINE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}(?::\d{2})?.*)?$|^\d{4}-W\d{2}$")
_DANGEROUS = [
    (re.compile(r"<\s*script\b[^>]*>[^<]{0,200}", re.I), "<script>"),
    (
        re.compile(
            r"<\s*(?:img|svg|iframe|object|embed|body|video|audio|details|math)\b[^>]*"
            r"\son\w+\s*=",
            re.I,
        ),
        "on…= handler",
    ),
    (
        re.compile(
            r"<[^>]*\son(?:error|load|click|mouseover|focus|toggle|begin|animationstart)"
            r"\s*=",
            re.I,
        ),
        "on…= handler",
    ),
    (
        re.compile(
            r"(?:href|src|action|formaction)\s*=\s*[\"']?\s*(?:javascript|vbscript)\s*:", re.I
        ),
        "javascript:",
    ),
    (re.compile(r"<\s*iframe\b", re.I), "<iframe>"),
]
_PAYLOAD_CALLS = re.compile(
    r"\b(?:alert|prompt|confirm)\s*\(|document\.cookie|"
    r"document\.write\s*\(|\beval\s*\(|String\.fromCharCode|\batob\s*\("
)


_TEMPLATE_PAYLOAD = re.compile(
    r"\$\{[^}]*(?:alert|prompt|confirm|eval|fetch|document|window|import|location|constructor|"
    r"Function|atob|XMLHttpRequest|\\u|\\x)[^}]*\}"
)


@functools.lru_cache(maxsize=1 << 14)
def _coordinate_hits(text: str) -> tuple[str, ...]:
    """:func:`~._content_rules.coordinate_hits`, cached (reports repeat their strings)."""
    return tuple(_rules.coordinate_hits(text))


def _formula_kind(value: str) -> str:
    """What a formula-like cell starts with (``=…``, ``@…``), not its text: a crafted
    formula may carry a command or personal data."""
    head = {"\t": "TAB", "\r": "CR"}.get(value[:1], value[:1])
    return f"{head}… ({len(value)} " + tr("tecken", "characters") + ")"


def _unescape_js(text: str) -> str:
    text = re.sub(r"\\u00([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), text)
    return re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), text)


_CLUSTER_TOL = 1.5


def _clusters(values: list[float], tol: float = _CLUSTER_TOL) -> int:
    groups, last = 0, None
    for v in sorted(values):
        if last is None or v - last > tol:
            groups += 1
        last = v
    return groups


#: an integer grouped by thousands with commas, as English outputs print counts (``2,000``)
_GROUPED_BY_COMMAS = re.compile(r"\s*\d{1,3}(?:,\d{3})+\s*")


def _number(value: Any) -> float | None:
    """A cell's number, when it is a whole number: ``3``, ``3.0``, ``3,0`` (decimal comma) or
    ``2,000`` (thousands, as the English reports print 2000; no writer prints a count with
    three decimals, in either language)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str):
        return None
    if _GROUPED_BY_COMMAS.fullmatch(value):
        return float(value.replace(",", ""))
    if re.fullmatch(r"\s*\d+(?:[.,]0+)?\s*", value):
        return float(value.replace(",", "."))
    return None


def _to_3006(crs: Any):
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        src = CRS.from_user_input(crs) if crs is not None else CRS.from_epsg(4326)
    except CRSError:  # unknown label: audit the numbers as WGS84, the common web case
        src = CRS.from_epsg(4326)
    if src.equals(CRS.from_epsg(3006)) or (
        src.is_projected and src.axis_info[0].unit_name in ("metre", "meter")
    ):
        return lambda xs, ys: (list(xs), list(ys))
    tf = Transformer.from_crs(src, 3006, always_xy=True)
    return lambda xs, ys: tf.transform(list(xs), list(ys))


# --------------------------------------------------------------------------------------------
# readers per file type


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _scan_geojson(obj: Any, col: _Collector, where: str, crs: Any = None) -> None:
    features = []
    if isinstance(obj, dict):
        if obj.get("type") == "FeatureCollection":
            features = obj.get("features") or []
            crs = ((obj.get("crs") or {}).get("properties") or {}).get("name", crs)
        elif obj.get("type") == "Feature":
            features = [obj]
    types, rings, props = set(), [], []
    for feat in features:
        if not isinstance(feat, dict):
            continue
        geom = feat.get("geometry") or {}
        gtype = geom.get("type")
        types.add(gtype)
        coords = geom.get("coordinates")
        if gtype == "Polygon" and coords:
            rings.append([tuple(p[:2]) for p in coords[0]])
        elif gtype == "MultiPolygon" and coords:
            rings.extend([tuple(p[:2]) for p in poly[0]] for poly in coords if poly)
        if isinstance(feat.get("properties"), dict):
            props.append(feat["properties"])
    col.geometry_types(types, where)
    col.rectangles(rings, crs, where)
    if props:
        header = list(dict.fromkeys(k for p in props for k in p))
        col.table(
            header,
            ([p.get(h) for h in header] for p in props),
            where=f"{where} features",
            row_numbers=list(range(1, len(props) + 1)),
        )


def _json_strings(obj: Any) -> Iterator[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield str(k)
            yield from _json_strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _json_strings(v)


def _json_items(obj: Any, path: str = "$") -> Iterator[tuple[str, str, Any]]:
    """Every leaf of a JSON document with its path (``$.a[2].n``) and key, and every key."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            sub = f"{path}.{k}"
            yield sub, "", str(k)  # keys are text too
            if isinstance(v, (dict, list)):
                yield from _json_items(v, sub)
            else:
                yield sub, str(k), v
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            sub = f"{path}[{i}]"
            if isinstance(v, (dict, list)):
                yield from _json_items(v, sub)
            else:
                yield sub, "", v


def _scan_json_values(obj: Any, col: _Collector) -> None:
    """Strings (with their JSON path as place) and, in public mode, counts 1–4 under a
    count key (``"n": 3``, ``"antal_svar": 2``)."""
    previous = ""
    for path, key, value in _json_items(obj):
        if isinstance(value, str):
            col.text(value, place=path, context=previous)
            previous = value
            continue
        if col.public and key and _rules.is_count_header(key):
            number = _number(value)
            if number is not None and 1 <= number < MIN_COUNT:
                col.add(
                    "SMALL_COUNT",
                    tr(
                        "antal under {m} under {k}", "count below {m} under {k}", m=MIN_COUNT, k=key
                    ),
                    tr("antal 1–4", "count 1–4"),
                    path,
                )


def _scan_json(path: Path, col: _Collector) -> None:
    try:
        obj = json.loads(_read_text(path))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        col.add("FILE_UNREADABLE", tr("ogiltig JSON", "invalid JSON"), str(exc)[:60])
        return
    if isinstance(obj, dict) and obj.get("type") in ("FeatureCollection", "Feature"):
        _scan_geojson(obj, col, path.name)
        _scan_json_values({k: v for k, v in obj.items() if k != "features"}, col)
        return
    if isinstance(obj, list) and obj and all(isinstance(r, dict) for r in obj):
        header = list(dict.fromkeys(k for r in obj for k in r))
        col.table(header, ([r.get(h) for h in header] for r in obj), where="$")
    else:
        _scan_json_values(obj, col)


class _HTMLCollector(HTMLParser):
    """Collects an HTML page's text, metadata, scripts and tables, and its *raw* markup problems.

    Executable markup is judged on the raw tags the parser sees (``attrs_bad``): event-handler
    attributes, ``javascript:``/``vbscript:``/``data:text/html`` URLs, ``srcdoc`` and
    elements that have no business inside a table cell (``<script>``, ``<iframe>``…). Text is
    collected with character references decoded, so escaped user text (``&lt;img …&gt;``) is
    text, checked for personal data but not mistaken for markup.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.lines: list[int] = []  # the line of each text
        self.comments: list[tuple[int, str]] = []
        self.table_lines: list[int] = []
        self.meta: list[str] = []
        self.scripts: list[str] = []
        self.attrs_bad: list[str] = []
        self.tables: list[list[list[str]]] = []
        self._stack: list[str] = []
        self._script: list[str] | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._title = False

    def handle_starttag(self, tag, attrs):
        tag = tag.lower()
        for name, value in attrs:
            name = (name or "").lower()
            value = value or ""
            if name.startswith("on"):
                self.attrs_bad.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction", "xlink:href", "data") and re.match(
                r"\s*(?:javascript|vbscript|data:text/html)", value, re.I
            ):
                self.attrs_bad.append(f"<{tag} {name}={value[:30]}>")
            if name == "srcdoc":
                self.attrs_bad.append(f"<{tag} srcdoc=…>")
            if name in ("title", "alt", "aria-label", "placeholder"):
                self._text(value)
        if tag == "meta":
            named = {(k or "").lower(): v or "" for k, v in attrs}
            key = named.get("name") or named.get("property") or named.get("http-equiv")
            if key and named.get("content"):
                self.meta.append(f"{key}={named['content']}")
            elif named.get("content") or key:
                self.meta.append(named.get("content") or key or "")
        if self._cell is not None and tag in _NOT_IN_CELLS:
            self.attrs_bad.append(f"<{tag}> " + tr("i tabellcell", "in a table cell"))
        if tag == "script":
            self._script = []
        elif tag == "title":
            self._title = True
        elif tag == "table":
            self.tables.append([])
            self.table_lines.append(self.getpos()[0])
        elif tag == "tr" and self.tables:
            self._row = []
            self.tables[-1].append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        tag = tag.lower()
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None
        elif tag == "title":
            self._title = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr":
            self._row = None

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)
            return
        if self._title:
            self.meta.append(f"title={data}")
        if self._cell is not None:
            self._cell.append(data)
        self._text(data)

    def _text(self, data: str) -> None:
        self.texts.append(data)
        self.lines.append(self.getpos()[0])

    def handle_comment(self, data):
        self.comments.append((self.getpos()[0], data))


# elements our writers never put inside a table cell; raw in a cell they are injected markup
_NOT_IN_CELLS = frozenset(
    {
        "script",
        "iframe",
        "object",
        "embed",
        "frame",
        "frameset",
        "base",
        "link",
        "meta",
        "form",
        "applet",
        "portal",
    }
)
_VENDOR = re.compile(
    r"@license|@preserve|/\*!|Leaflet|jQuery|Bootstrap|Font Awesome|"
    r"Copyright|\(c\) 20\d\d",
    re.I,
)
_LATLNG = re.compile(r"\[\s*(-?\d{1,2}\.\d{3,})\s*,\s*(-?\d{1,3}\.\d{3,})\s*\]")


def _is_vendor(script: str) -> bool:
    head = script[:600]
    return len(script) > 60_000 or bool(_VENDOR.search(head))


def _scan_script(script: str, col: _Collector) -> None:
    """Our own (non-library) script: embedded GeoJSON, coordinates, payloads, text."""
    spans = []
    decoder = json.JSONDecoder()
    for m in re.finditer(r"\{\s*\"(?:bbox|features|type)\"", script):
        if any(a <= m.start() < b for a, b in spans):
            continue
        try:
            obj, end = decoder.raw_decode(script, m.start())
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict) and obj.get("type") in ("FeatureCollection", "Feature"):
            _scan_geojson(obj, col, tr("kartdata", "map data"))
            for s in _json_strings({k: v for k, v in obj.items() if k != "features"}):
                col.text(s)
            for feat in (
                obj.get("features", []) if obj.get("type") == "FeatureCollection" else [obj]
            ):
                for s in _json_strings((feat or {}).get("properties") or {}):
                    col.text(s)
            spans.append((m.start(), end))
    rest = script
    for a, b in sorted(spans, reverse=True):
        rest = rest[:a] + " " + rest[b:]
    if col.public:
        _check_latlng(rest, col)
    literals = re.compile(r"`([^`]*)`|\"((?:[^\"\\\n]|\\.)*)\"|'((?:[^'\\\n]|\\.)*)'")
    code = literals.sub('""', rest)
    m = _PAYLOAD_CALLS.search(code)
    if m:
        col.add(
            "MARKUP_EXECUTABLE",
            tr("misstänkt skriptkod", "suspicious script code"),
            code[max(0, m.start() - 10) : m.end() + 20],
        )
    for lit in literals.findall(rest):
        text = next((x for x in lit if x), "")
        if text:
            col.text(text, plates=False)
    for template in re.findall(r"`([^`]*)`", rest):
        m = _TEMPLATE_PAYLOAD.search(template)
        if m:
            col.add(
                "MARKUP_EXECUTABLE",
                tr("kod i mallsträng (${…})", "code in a template literal (${…})"),
                m.group(0),
            )


def _check_latlng(script: str, col: _Collector) -> None:
    points = []
    for m in _LATLNG.finditer(script):
        before = script[max(0, m.start() - 40) : m.start()]
        if re.search(r"center|[Bb]ounds|setView|flyTo|panTo", before):
            continue
        lat, lng = float(m.group(1)), float(m.group(2))
        if 54.0 <= lat <= 70.0 and 9.0 <= lng <= 25.0:
            points.append((lat, lng, m.group(0)))
    if not points:
        return
    transform = _to_3006(4326)
    xs, ys = transform([p[1] for p in points], [p[0] for p in points])
    for (_, _, raw), x, y in zip(points, xs, ys):
        off_x = abs(x - round(x / LATTICE_M) * LATTICE_M)
        off_y = abs(y - round(y / LATTICE_M) * LATTICE_M)
        if off_x > LATTICE_TOL_M or off_y > LATTICE_TOL_M:
            col.add(
                "COORDINATE_OFF_GRID",
                tr(
                    "koordinat finare än rutnätet (250 m)", "coordinate finer than the grid (250 m)"
                ),
                _mask(raw),
            )
            return


def _scan_html(path: Path, col: _Collector) -> None:
    text = _read_text(path)
    parser = _HTMLCollector()
    try:
        parser.feed(text)
        parser.close()
    except Exception as exc:
        col.add(
            "FILE_UNREADABLE", tr("kunde inte tolka HTML", "could not parse HTML"), str(exc)[:60]
        )
    for bad in parser.attrs_bad:
        col.add(
            "MARKUP_EXECUTABLE",
            tr(
                "händelsehanterare eller javascript:-länk i HTML",
                "event handler or javascript: link in HTML",
            ),
            bad,
        )
    for meta in parser.meta:
        col.metadata(meta)
    _html_comments(parser.comments, col)
    context = ""
    for t, line in zip(parser.texts, parser.lines, strict=True):
        if t.isspace():
            continue  # no pattern finds anything in white space (nor is it a date's context)
        where = functools.partial(_line, line)  # written out only for a finding
        col.text(t, plates=True, markup=False, place=where, context=context)
        if t.strip():
            context = t.strip()[-40:]
    own_scripts = [s for s in parser.scripts if not _is_vendor(s)]
    for script in own_scripts:
        _scan_script(script, col)
    for k, table in enumerate(parser.tables):
        if len(table) >= 2:
            # cells are decoded text: markup in them was judged on the raw tags above
            col.table(
                table[0],
                table[1:],
                markup=False,
                where=tr(
                    "tabell {k} (rad {l})", "table {k} (line {l})", k=k + 1, l=parser.table_lines[k]
                ),
            )


def _line(line: int) -> str:
    return tr("rad {n}", "line {n}", n=line)


def _html_comments(comments: list[tuple[int, str]], col: _Collector) -> None:
    """Public HTML carries no comments at all (our writers write none): a comment is text no
    reader sees and no check of the visible page covers, so a name or a note left in one
    would travel unseen. Internal pages: a comment is checked as metadata."""
    for line, data in comments:
        if col.public:
            col.add(
                "HTML_COMMENT",
                tr("kommentar i publik HTML", "comment in public HTML"),
                tr("kommentar, {n} tecken", "comment, {n} characters", n=len(data)),
                _line(line),
            )
        else:
            col.metadata(data, place=_line(line))


def _scan_csv(path: Path, col: _Collector) -> None:
    text = _read_text(path)
    sample = text[:4096]
    delimiter = max((";", ",", "\t"), key=sample.count)
    numbered = [
        (n, r)
        for n, r in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1)
        if any(c.strip() for c in r)
    ]
    rows = [r for _, r in numbered]
    for r in rows[:2]:
        col.marking(" ".join(r))
    start = next((i for i, r in enumerate(rows) if sum(1 for c in r if c.strip()) >= 2), 0)
    if rows:
        header, body = rows[start], rows[start + 1 :]
        # the internal CSV's marking column: every row must carry the marking (a table with
        # no rows is marked by its header)
        if (
            header
            and header[-1].strip() == INTERNAL_MARKING_COLUMN
            and all(len(r) == len(header) and _is_marking(r[-1]) for r in body)
        ):
            col.marked = True
        col.table(
            header,
            body,
            csv_cells=True,
            markup=_plain_text_markup(col),
            row_numbers=[n for n, _ in numbered[start + 1 :]],
        )


def _plain_text_markup(col: _Collector) -> bool:
    """Whether markup-like text in a CSV or XLSX cell is a finding: in public files only.

    A cell of a CSV or a workbook is plain text: no spreadsheet program runs ``<script>`` or
    ``onerror=`` in it, so in an internal table (read by analysts in Excel) a walk comment or
    an area name holding such text is just that text — the writers store it as they store any
    text (:func:`~.safe_text.cell_text`), and the HTML of the same set shows it escaped. A
    public file travels further (open-data portals, web pages that may insert its cells raw),
    so there the text is still refused, as is free text (REFERENCE.md §5).
    """
    return col.public


def _is_marking(text: str) -> bool:
    return bool(re.fullmatch(r"\s*INTERNT\s*[–—-]\s*ej\s+för\s+spridning\s*", text, re.I))


def _scan_xlsx(path: Path, col: _Collector) -> None:
    """Every place of a workbook that holds text: cell values (as tables, or as prose in the
    explanation and code sheets), and — with the same content checks as a cell's text
    (:meth:`_Collector.text`) — comments, hyperlinks, headers and footers, sheet names, defined
    names, data validations and the document properties (core, app and custom, checked as
    metadata). The file is read once; the extra places are a few strings per workbook."""
    from openpyxl import load_workbook

    data = path.read_bytes()
    wb = load_workbook(io.BytesIO(data), read_only=False, data_only=False)
    _workbook_properties(wb, data, col)
    codes = _column_codes(wb)
    prose = {t.lower() for t in (*EXPLANATION_SHEET, *CODES_SHEET)}
    for index, ws in enumerate([*wb.worksheets, *wb.chartsheets], start=1):
        sheet = _sheet_label(ws.title, index, col)
        where = sheet if sheet == ws.title else tr("blad {s}", "sheet {s}", s=sheet)
        _sheet_texts(ws, sheet, col)
        if not hasattr(ws, "iter_rows"):
            continue  # a chart sheet: its name, headers and footers only
        if _bare_title(ws.title) in prose:
            # the explanation and code sheets are prose (definitions, rules, headers), checked
            # as text like a report's paragraphs, not as a data table
            for n, row in enumerate(ws.iter_rows(), start=1):
                for cell in row:
                    if isinstance(cell.value, str):  # plain text, markup a finding in public
                        col.text(
                            cell.value, markup=_plain_text_markup(col), place=f"{where} rad {n}"
                        )
                    if cell.comment is not None or cell.hyperlink is not None:
                        _cell_notes(cell, sheet, col)
            continue
        rows, numbers = [], []
        for n, row in enumerate(ws.iter_rows(), start=1):
            values = []
            for cell in row:
                if cell.data_type == "f":
                    col.add(
                        "SPREADSHEET_FORMULA",
                        tr("formel i kalkylblad", "formula in spreadsheet"),
                        _formula_kind(str(cell.value)),
                        f"{where}!{cell.coordinate}",
                    )
                if cell.comment is not None or cell.hyperlink is not None:
                    _cell_notes(cell, sheet, col)
                values.append(cell.value)
            if any(v not in (None, "") for v in values):
                rows.append(values)
                numbers.append(n)
        for r in rows[:2]:
            col.marking(" ".join(str(v) for v in r if v is not None))
        start = next(
            (i for i, r in enumerate(rows) if sum(1 for v in r if v not in (None, "")) >= 2), 0
        )
        if rows:
            # Swedish headers are read as their machine codes (sheet Kolumnkoder), so the
            # count-column checks see "n", not "Antal"
            names = codes.get(ws.title, {}) if start == 0 else {}
            header = [names.get(str(v), str(v)) if v is not None else "" for v in rows[start]]
            col.table(
                header,
                rows[start + 1 :],
                csv_cells=True,  # a text cell starting with "=" runs once someone edits it
                markup=_plain_text_markup(col),
                where=where,
                row_numbers=numbers[start + 1 :],
            )


def _checked_name(col: _Collector, text: str, place: Place) -> bool:
    """Check a name (a sheet's, a defined name's, a custom property's) like a cell's text;
    whether it had no finding, so that the places of what it names may show it (a name
    holding a personal number is not repeated in every place of the report)."""
    before = len(col.items)
    col.text(text, markup=_plain_text_markup(col), place=place)
    return len(col.items) == before


def _sheet_label(title: str, index: int, col: _Collector) -> str:
    """The sheet's name as the places of its findings show it ("blad {s}, …"): its title, or
    its number ("nr 2") when the title itself has a finding."""
    place = tr("bladnamn (blad nr {i})", "sheet name (sheet no. {i})", i=index)
    return title if _checked_name(col, title, place) else tr("nr {i}", "no. {i}", i=index)


def _xlsx_text(col: _Collector, text: Any, place: Place) -> None:
    """A text of a workbook outside its cells, checked as a cell's text is."""
    if isinstance(text, str) and text:
        col.text(text, markup=_plain_text_markup(col), place=place)


#: header and footer codes: fields (&P page, &N pages, &D date, &A sheet…) and formats (&B
#: bold…); "&&" is an ampersand. Removed before the check, so that a code cannot split a value.
_HF_CODE = re.compile(r"&[A-Za-z&]")


def _hf_plain(text: str) -> str:
    return _HF_CODE.sub(lambda m: "&" if m.group(0) == "&&" else "", text)


_HF_ITEMS = (
    ("oddHeader", ("sidhuvud", "header"), ("udda sidor", "odd pages")),
    ("oddFooter", ("sidfot", "footer"), ("udda sidor", "odd pages")),
    ("evenHeader", ("sidhuvud", "header"), ("jämna sidor", "even pages")),
    ("evenFooter", ("sidfot", "footer"), ("jämna sidor", "even pages")),
    ("firstHeader", ("sidhuvud", "header"), ("första sidan", "first page")),
    ("firstFooter", ("sidfot", "footer"), ("första sidan", "first page")),
)
_HF_PARTS = (
    ("left", ("vänster", "left")),
    ("center", ("mitten", "centre")),
    ("right", ("höger", "right")),
)
_VALIDATION_TEXTS = (
    ("formula1", ("formel", "formula")),
    ("formula2", ("formel 2", "formula 2")),
    ("promptTitle", ("rubrik för indatameddelande", "input message title")),
    ("prompt", ("indatameddelande", "input message")),
    ("errorTitle", ("felrubrik", "error title")),
    ("error", ("felmeddelande", "error message")),
)
_LINK_TEXTS = (
    ("target", ("mål", "target")),
    ("location", ("plats i dokumentet", "location")),
    ("tooltip", ("skärmtips", "tooltip")),
    ("display", ("visad text", "display text")),
)


def _sheet_texts(ws: Any, sheet: str, col: _Collector) -> None:
    """A sheet's headers and footers (all six, every part, whether shown or not), its data
    validations and its defined names."""
    hf = ws.HeaderFooter
    for attr, what, pages in _HF_ITEMS:
        item = getattr(hf, attr, None)
        for part_attr, part in _HF_PARTS if item is not None else ():
            part_item = getattr(item, part_attr)
            place = functools.partial(
                tr,
                "blad {s}, {w} ({p}, {q})",
                "sheet {s}, {w} ({p}, {q})",
                s=sheet,
                w=tr(*what),
                p=tr(*pages),
                q=tr(*part),
            )
            for text in (part_item.text, part_item.font):  # a font name can hide text too
                if text:
                    _xlsx_text(col, _hf_plain(text), place)
    validations = getattr(getattr(ws, "data_validations", None), "dataValidation", None) or []
    for dv in validations:
        ref = str(dv.sqref).split(" ")[0]
        for attr, what in _VALIDATION_TEXTS:
            place = tr(
                "blad {s}, dataverifiering i {r}, {w}",
                "sheet {s}, data validation in {r}, {w}",
                s=sheet,
                r=ref,
                w=tr(*what),
            )
            for text in _validation_texts(dv, attr):
                _xlsx_text(col, text, place)
    _defined_names(getattr(ws, "defined_names", {}), sheet, col)


def _validation_texts(dv: Any, attr: str) -> list[str]:
    """A data validation's text ``attr``; a drop-down's list (``"a,b,c"``) as its items, as
    the drop-down shows them (a value after a comma is a value of its own)."""
    text = getattr(dv, attr, None)
    if not isinstance(text, str) or not text:
        return []
    if attr == "formula1" and dv.type == "list" and len(text) > 1 and text[0] == text[-1] == '"':
        return [text, *text[1:-1].split(",")]
    return [text]


def _defined_names(names: Any, sheet: str, col: _Collector) -> None:
    """Defined names (the workbook's, ``sheet`` "", or a sheet's): each name and its value."""
    for i, (name, defined) in enumerate(dict(names).items(), start=1):
        scope = tr("blad {s}, ", "sheet {s}, ", s=sheet) if sheet else ""
        numbered = tr("{o}definierat namn nr {i}", "{o}defined name no. {i}", o=scope, i=i)
        label = (
            tr("{o}definierat namn {n}", "{o}defined name {n}", o=scope, n=name)
            if _checked_name(col, str(name), numbered)
            else numbered
        )
        _xlsx_text(col, defined.attr_text, tr("{l}, värde", "{l}, value", l=label))
        _xlsx_text(col, defined.comment, tr("{l}, kommentar", "{l}, comment", l=label))


def _cell_notes(cell: Any, sheet: str, col: _Collector) -> None:
    """A cell's comment (text and author) and hyperlink (target, location, tooltip, text)."""
    comment = cell.comment
    if comment is not None:
        place = tr(
            "blad {s}, kommentar i {c}", "sheet {s}, comment in {c}", s=sheet, c=cell.coordinate
        )
        _xlsx_text(col, comment.text, place)
        if comment.author:
            col.metadata(f"author={comment.author}", place=place)
    link = cell.hyperlink
    if link is not None:
        for attr, what in _LINK_TEXTS:
            _xlsx_text(
                col,
                getattr(link, attr, None),
                tr(
                    "blad {s}, länk i {c}, {w}",
                    "sheet {s}, link in {c}, {w}",
                    s=sheet,
                    c=cell.coordinate,
                    w=tr(*what),
                ),
            )


_APP_PROPERTIES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
)


def _workbook_properties(wb: Any, data: bytes, col: _Collector) -> None:
    """The workbook's texts outside its sheets, as metadata: every text core property
    (creator, title, contentStatus…), every app property (Company, Manager…, read from the
    same bytes: openpyxl does not load them), every custom property; then its defined names."""
    props = wb.properties
    for name in props.__elements__:
        value = getattr(props, name, None)
        if isinstance(value, str) and value:
            col.metadata(
                f"{name}={value}", place=tr("dokumentegenskap {n}", "document property {n}", n=name)
            )
    for name, value in _app_properties(data):
        col.metadata(
            f"{name}={value}", place=tr("dokumentegenskap {n}", "document property {n}", n=name)
        )
    for i, prop in enumerate(getattr(wb.custom_doc_props, "props", []), start=1):
        numbered = tr("anpassad dokumentegenskap nr {i}", "custom document property no. {i}", i=i)
        label = (
            tr("anpassad dokumentegenskap {n}", "custom document property {n}", n=prop.name)
            if _checked_name(col, str(prop.name), numbered)
            else numbered
        )
        value = "" if prop.value is None else str(prop.value)
        if value:  # under its name when that is clean: an "Author" property is an author field
            col.metadata(f"{prop.name}={value}" if label != numbered else value, place=label)
    _defined_names(wb.defined_names, "", col)


def _app_properties(data: bytes) -> Iterator[tuple[str, str]]:
    """``(property, text)`` of every text in the workbook's app properties (docProps/app.xml,
    or wherever the package's relationships put them), nested texts under their property."""
    import zipfile

    from openpyxl.xml.functions import fromstring

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = set(z.namelist())
        targets = ["docProps/app.xml"]
        if "_rels/.rels" in names:
            rels = fromstring(z.read("_rels/.rels"))
            targets += [
                r.get("Target", "").lstrip("/") for r in rels if r.get("Type") == _APP_PROPERTIES
            ]
        for target in dict.fromkeys(t for t in targets if t in names):
            for prop in fromstring(z.read(target)):
                name = prop.tag.rpartition("}")[2]
                for e in prop.iter():
                    if e.text and e.text.strip():
                        yield name, e.text


def _bare_title(title: str) -> str:
    return re.sub(r"^INTERNT\s+", "", title).strip().lower()


def _column_codes(wb: Any) -> dict[str, dict[str, str]]:
    """``{sheet: {header: code}}`` from a workbook's sheet Kolumnkoder (sheet, header, code)."""
    codes_titles = {t.lower() for t in CODES_SHEET}
    out: dict[str, dict[str, str]] = {}
    for ws in wb.worksheets:
        if _bare_title(ws.title) not in codes_titles or ws.max_column != 3:
            continue
        for sheet, header, code in ws.iter_rows(min_row=2, max_col=3, values_only=True):
            if sheet and header and code:
                out.setdefault(str(sheet), {})[str(header)] = str(code)
    return out


def _scan_gpkg(path: Path, col: _Collector) -> None:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE 'rtree_%'"
            )
        ]
        features: dict[str, str] = {}
        try:
            for name, dtype in con.execute("SELECT table_name, data_type FROM gpkg_contents"):
                features[name] = dtype
        except sqlite3.Error:
            pass
        geom_cols: dict[str, str] = {}
        try:
            for t, c in con.execute("SELECT table_name, column_name FROM gpkg_geometry_columns"):
                geom_cols[t] = c
        except sqlite3.Error:
            pass
        for table in tables:
            cur = con.execute(f'SELECT * FROM "{table.replace(chr(34), "")}"')  # noqa: S608
            header = [d[0] for d in cur.description]
            rows = cur.fetchall()
            if table not in features or table in ("layer_styles", "qgis_projects"):
                # gpkg_* system tables, QGIS styles and projects: metadata
                for r in rows:
                    for v in r:
                        if isinstance(v, str):
                            col.metadata(v, place=table)
                continue
            gcol = geom_cols.get(table)
            keep = [i for i, h in enumerate(header) if h != gcol]
            col.table(
                [header[i] for i in keep],
                _kept_cells(rows, keep),
                where=table,
                row_numbers=list(range(1, len(rows) + 1)),
            )
    finally:
        con.close()
    for table, dtype in features.items():
        if dtype != "features":
            continue
        import pyogrio

        try:
            # the geometries and the CRS only: the attributes were read above
            gdf = pyogrio.read_dataframe(path, layer=table, columns=[])
        except Exception as exc:
            col.add(
                "FILE_UNREADABLE",
                tr("lagret kunde inte läsas", "layer could not be read"),
                f"{table}: {str(exc)[:40]}",
            )
            continue
        if not col.public:
            continue  # point geometries and cell sizes are public rules
        col.geometry_types(set(gdf.geom_type.dropna()), table)
        col.rectangles(_exterior_rings(gdf.geometry), gdf.crs, table)


def _kept_cells(rows: list[tuple], keep: list[int]) -> list[tuple]:
    """The cells of the columns ``keep`` of each row, a blob (binary data, a geometry of
    another column) as no value. Built column by column: a column holds a blob rarely."""
    if not rows or not keep:
        return [()] * len(rows)
    columns = list(zip(*rows))
    kept = []
    for i in keep:
        cells = columns[i]
        if any(issubclass(t, bytes) for t in set(map(type, cells))):
            cells = tuple(None if isinstance(v, bytes) else v for v in cells)
        kept.append(cells)
    return list(zip(*kept))


def _exterior_rings(geometry: Any) -> list[np.ndarray]:
    """The exterior ring (``(n, 2)`` coordinates) of every polygon of a geometry column, in
    order: a polygon, or each polygon part of a multi-part geometry; missing and empty
    geometries and parts that are no polygons have none."""
    import shapely

    geoms = np.asarray(geometry.array, dtype=object)
    geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    parts = shapely.get_parts(geoms)  # a single-part geometry is its own part
    polys = parts[shapely.get_type_id(parts) == shapely.GeometryType.POLYGON]
    coords, which = shapely.get_coordinates(shapely.get_exterior_ring(polys), return_index=True)
    ends = np.cumsum(np.bincount(which, minlength=len(polys)))
    return np.split(coords, ends[:-1]) if len(polys) else []


def _scan_qgz(path: Path, col: _Collector) -> None:
    """A zipped QGIS project: the text of every member (the ``.qgs`` XML) as text."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            if info.file_size > 50_000_000:
                col.add("FILE_UNREADABLE", tr("för stor", "too large"), info.filename)
                continue
            col.text(z.read(info).decode("utf-8", "replace"), markup=False, place=info.filename)


def _scan_tiff(path: Path, col: _Collector) -> None:
    import rasterio

    with rasterio.open(path) as src:
        texts = [f"{k}={v}" for k, v in src.tags().items()]
        for ns in src.tag_namespaces():
            if ns == "DERIVED_SUBDATASETS":  # made up by GDAL at read time from the path
                continue
            texts += [f"{k}={v}" for k, v in src.tags(ns=ns).items()]
        for b in range(1, src.count + 1):
            texts += [f"{k}={v}" for k, v in src.tags(b).items()]
        texts += [d for d in src.descriptions if d]
        for t in texts:
            col.metadata(t)
        if col.public:
            if (
                src.crs is not None
                and src.crs.is_projected
                and min(abs(src.res[0]), abs(src.res[1])) < MIN_GRID_M - 1
            ):
                col.add(
                    "PUBLIC_CELL_SIZE",
                    tr(
                        "rasterceller mindre än {m} m",
                        "raster cells smaller than {m} m",
                        m=MIN_GRID_M,
                    ),
                    f"{min(src.res):.0f} m",
                )
            if any(str(dt).startswith("float") for dt in src.dtypes):
                import numpy as np

                band = src.read(1, masked=True).compressed()
                band = band[np.isfinite(band)]
                if band.size and (
                    np.any(band != np.round(band)) or band.max() > 10 or band.min() < 0
                ):
                    col.add(
                        "RASTER_UNCLASSED",
                        tr(
                            "oklassade täthetsvärden i publik raster",
                            "unclassed density values in a public raster",
                        ),
                        str(src.dtypes[0]),
                    )


def _png_texts(data: bytes) -> list[str]:
    out, pos = [], 8
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        try:
            if ctype == b"tEXt":
                k, _, v = chunk.partition(b"\0")
                out.append(f"{k.decode('latin-1')}={v.decode('latin-1')}")
            elif ctype == b"zTXt":
                k, _, v = chunk.partition(b"\0")
                out.append(f"{k.decode('latin-1')}={zlib.decompress(v[1:]).decode('latin-1')}")
            elif ctype == b"iTXt":
                k, _, rest = chunk.partition(b"\0")
                flag, _method, rest = rest[0], rest[1], rest[2:]
                _lang, _, rest = rest.partition(b"\0")
                _tkey, _, text = rest.partition(b"\0")
                text = zlib.decompress(text) if flag else text
                out.append(f"{k.decode('latin-1')}={text.decode('utf-8', 'replace')}")
        except (zlib.error, IndexError, UnicodeDecodeError):
            out.append(chunk.decode("latin-1", "replace"))
        if ctype == b"IEND":
            break
    return out


def _pdf_texts(data: bytes) -> list[str]:
    text = data.decode("latin-1")
    out = [
        f"{m.group(1)}={m.group(2)}"
        for m in re.finditer(
            r"/(Author|Creator|Producer|Title|Subject|Keywords|URI)\s*\(((?:[^()\\]|\\.)*)\)",
            text,
        )
    ]
    out += [m.group(0) for m in re.finditer(r"<x:xmpmeta.*?</x:xmpmeta>", text, re.S)]
    for m in re.finditer(r"<dc:creator>(.*?)</dc:creator>", text, re.S):
        out += [f"dc:creator={v}" for v in re.findall(r"<rdf:li[^>]*>([^<]*)<", m.group(1))]
    return out


def _pdf_pages(path: Path) -> Iterator[tuple[str, Any]]:
    """``(text, textpage)`` of every page of a PDF (PDFium through pypdfium2, fast on the
    reports' vector figures); each text page is closed when the next is read."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        for page in doc:
            textpage = page.get_textpage()
            try:
                yield textpage.get_text_range(), textpage
            finally:
                textpage.close()
                page.close()
    finally:
        doc.close()


def pdf_page_texts(path: str | Path) -> list[str]:
    """The text of each page of a PDF."""
    return [text for text, _ in _pdf_pages(Path(path))]


def _one_run(textpage: Any, start: int, end: int) -> bool:
    """Whether characters ``start:end`` of a PDF page are one run of text: on one line, with
    no gap wider than most of a character between them. Text extraction puts one space between
    table cells; a pattern that spans two cells ("12 054 | 0") is not one value."""
    import pypdfium2.raw as pdfium_c

    previous = None
    for i in range(start, end):
        left, bottom, right, _top = textpage.get_charbox(i)
        if right <= left:  # a space or a generated character
            continue
        if previous is not None:
            p_right, p_bottom, size = previous
            if abs(bottom - p_bottom) > size or left - p_right > 0.8 * size:
                return False
        previous = (right, bottom, max(pdfium_c.FPDFText_GetFontSize(textpage.raw, i), 1.0))
    return True


def _public_page_checks(text: str, col: _Collector, place: str) -> None:
    """A printed page's public content checks: dates finer than a month (the page margins'
    "Framställd …" is the issue date) and coordinates written as text, line by line."""
    previous = ""
    for line in text.splitlines():
        _add_coordinates(col, line, place)
        for kind in _rules.fine_dates(line, previous):
            col.add(
                "TIME_TOO_FINE", tr("datum finare än månad", "date finer than a month"), kind, place
            )
        previous = line[-40:]


def _scan_pdf(path: Path, col: _Collector) -> None:
    """A PDF: its document information like metadata, the text of every page like the text of
    an HTML page (personal data, paths, the marking; a pattern counts only inside one run of
    text, not across table cells); in internal mode every page must carry the marking (printed
    reports carry it in the page margins)."""
    import pypdfium2 as pdfium

    for t in _pdf_texts(path.read_bytes()):  # also XMP packets, which PDFium does not read
        col.metadata(t)
    doc = pdfium.PdfDocument(str(path))
    try:
        info = doc.get_metadata_dict(skip_empty=True)
    finally:
        doc.close()
    for key, value in info.items():
        col.metadata(f"{key}={value}")
    unmarked = []
    for number, (text, textpage) in enumerate(_pdf_pages(path), 1):
        for key, m in _pii_spans(text):
            if _one_run(textpage, m.start(), m.end()):
                sv, en = _PII_LABEL[key]
                col.add(
                    "PERSONAL_DATA",
                    tr("möjlig personuppgift: {k}", "possible personal data: {k}", k=tr(sv, en)),
                    _mask(m.group(0)),
                )
        path_match = _ABS_PATH.search(text)
        if path_match:
            col.add("METADATA_PRIVATE", tr("absolut sökväg", "absolute path"), _mask(path_match[0]))
        col.marking(text)
        if not _is_marked(text):
            unmarked.append(number)
        if col.public:
            _public_page_checks(text, col, tr("sida {n}", "page {n}", n=number))
    if col.mode == "internal" and col.marked and unmarked:
        col.add(
            "MARKING_MISSING",
            tr(
                "sidor utan märkningen ”{m}”: {p}",
                "pages without the marking “{m}”: {p}",
                m=INTERNAL_MARKING,
                p=", ".join(map(str, unmarked[:10])),
            ),
            path.name,
        )


def _binary_strings(data: bytes, min_len: int = 6) -> Iterator[str]:
    for m in re.finditer(rb"[\x20-\x7e\xc0-\xff]{%d,}" % min_len, data):
        yield m.group(0).decode("utf-8", "replace")


_TEXT_EXT = {
    ".txt",
    ".md",
    ".js",
    ".css",
    ".qml",
    ".xml",
    ".svg",
    ".log",
    ".toml",
    ".yaml",
    ".yml",
    ".sld",
}


def scan_file(
    path: str | Path, mode: str = "public", *, root: str | Path | None = None, manifest: bool = True
) -> list[Finding]:
    """Audit one file.

    Parameters
    ----------
    path : str or Path
        The file.
    mode : {"public", "internal"}
        Rules of which mode to apply.
    root : str or Path, optional
        Folder the reported file name is relative to (default: the file's folder).
    manifest : bool
        Also check the folder's gate manifest (``utgivning.json``) for this file.

    Returns
    -------
    list of Finding
    """
    path = Path(path)
    name = str(path.relative_to(root)) if root else path.name
    col = _Collector(name, mode)
    ext = path.suffix.lower()
    try:
        if ext in (".html", ".htm"):
            _scan_html(path, col)
        elif ext in (".json", ".geojson"):
            _scan_json(path, col)
        elif ext in (".csv", ".tsv"):
            _scan_csv(path, col)
        elif ext in (".xlsx", ".xlsm"):
            _scan_xlsx(path, col)
        elif ext == ".gpkg":
            _scan_gpkg(path, col)
        elif ext in (".tif", ".tiff"):
            _scan_tiff(path, col)
        elif ext == ".qgz":
            _scan_qgz(path, col)
        elif ext == ".png":
            for t in _png_texts(path.read_bytes()):
                col.metadata(t)
        elif ext == ".pdf":
            _scan_pdf(path, col)
        elif ext in _TEXT_EXT:
            text = _read_text(path)
            if ext == ".js" and not _is_vendor(text):
                _scan_script(text, col)
            elif ext != ".js":
                col.text(text)
        else:
            for s in _binary_strings(path.read_bytes()):
                col.text(s, plates=False, markup=False)
    except Exception as exc:
        col.add(
            "FILE_UNREADABLE",
            tr("filen kunde inte läsas som {t}", "file could not be read as {t}", t=ext or "?"),
            f"{type(exc).__name__}: {str(exc)[:50]}",
        )
    if mode == "internal" and not col.marked and path.name not in _EXEMPT:
        col.add(
            "MARKING_MISSING",
            tr(
                "intern fil saknar märkningen ”{m}”",
                "internal file lacks the marking “{m}”",
                m=INTERNAL_MARKING,
            ),
            path.name,
        )
    findings = col.items
    if manifest and mode == "public":
        findings += _manifest_findings(path, name)
    return findings


def _manifest_findings(path: Path, name: str) -> list[Finding]:
    import hashlib

    manifest = path.parent / MANIFEST
    try:
        files = json.loads(manifest.read_text(encoding="utf-8")).get("files", {})
    except (OSError, json.JSONDecodeError, AttributeError):
        files = None
    if files is None:
        return [
            Finding(
                name,
                "NOT_GATED",
                tr(
                    "mappen saknar grindens manifest ({m})",
                    "the folder lacks the gate's manifest ({m})",
                    m=MANIFEST,
                ),
                path.name,
            )
        ]
    entry = files.get(path.name)
    if not isinstance(entry, dict):
        return [
            Finding(
                name,
                "NOT_GATED",
                tr(
                    "filen har inte gått genom publiceringsgrinden",
                    "the file did not pass the publishing gate",
                ),
                path.name,
            )
        ]
    out = []
    if entry.get("mode") != "public":
        out.append(
            Finding(
                name,
                "INTERNAL_IN_PUBLIC",
                tr(
                    "filen släpptes i läget {m}, inte public",
                    "the file was released in mode {m}, not public",
                    m=entry.get("mode"),
                ),
                path.name,
            )
        )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if entry.get("sha256") != digest:
        out.append(
            Finding(
                name,
                "MODIFIED_AFTER_SEAL",
                tr("filen har ändrats efter grinden", "the file changed after the gate"),
                path.name,
            )
        )
    return out


def set_findings(directory: str | Path, mode: str = "public") -> list[Finding]:
    """Findings about the output *sets* under a folder, not about one file's content.

    ``SET_INCOMPLETE``: a folder whose manifest says ``"complete": false`` (the run that wrote
    it failed, was interrupted or is still running: :mod:`.staging`), or a staging or backup
    folder an interrupted run left behind (``.staging-*``, ``.previous-*``). ``FILE_MISSING``:
    a file the manifest lists is not in the folder. ``NOT_GATED`` (internal mode; public mode
    checks it file by file): a file beside a manifest that does not list it. A manifest
    without the ``complete`` key (written by the gate outside a command, e.g. in a notebook
    cell that seals files itself) says nothing about completeness and is not flagged.
    """
    from .staging import COMPLETE, LEFTOVER_PREFIXES

    root = Path(directory)
    findings: list[Finding] = []
    folders = [root, *sorted(p for p in root.rglob("*") if p.is_dir() and not p.is_symlink())]
    for folder in folders:
        rel = folder.relative_to(root)
        if folder.name.startswith(LEFTOVER_PREFIXES):
            findings.append(
                Finding(
                    str(rel) if str(rel) != "." else folder.name,
                    "SET_INCOMPLETE",
                    tr(
                        "mappen är kvar efter en avbruten körning och är ingen färdig mängd",
                        "the folder was left by an interrupted run and is not a finished set",
                    ),
                    folder.name,
                )
            )
            continue
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = None
        files = manifest.get("files") if isinstance(manifest, dict) else None
        if not isinstance(files, dict):
            continue  # no manifest: public mode finds every file NOT_GATED
        where = str(rel / MANIFEST)
        if manifest.get(COMPLETE) is False:
            findings.append(
                Finding(
                    where,
                    "SET_INCOMPLETE",
                    tr(
                        "manifestet säger att mängden inte är färdig: körningen misslyckades, "
                        "avbröts eller pågår",
                        "the manifest says the set is not finished: the run failed, was "
                        "interrupted or is still running",
                    ),
                    MANIFEST,
                )
            )
        for name in sorted(files):
            if not (folder / name).is_file():
                findings.append(
                    Finding(
                        str(rel / name),
                        "FILE_MISSING",
                        tr(
                            "filen står i manifestet men finns inte i mappen",
                            "the file is listed in the manifest but not in the folder",
                        ),
                        Path(name).name,
                    )
                )
        if mode == "internal":
            for path in sorted(p for p in folder.iterdir() if p.is_file()):
                if path.name not in files and path.name not in _EXEMPT:
                    findings.append(
                        Finding(
                            str(rel / path.name),
                            "NOT_GATED",
                            tr(
                                "filen har inte gått genom publiceringsgrinden",
                                "the file did not pass the publishing gate",
                            ),
                            path.name,
                        )
                    )
    return findings


def scan_dir(directory: str | Path, mode: str = "public") -> list[Finding]:
    """Audit every file under a folder (recursively), and the output sets in it
    (:func:`set_findings`); see the module docstring for the rules."""
    from ._parallel import fork_map

    root = Path(directory)
    findings: list[Finding] = set_findings(root, mode)
    paths = sorted(p for p in root.rglob("*") if p.is_file() or p.is_symlink())
    files = [p for p in paths if not p.is_symlink() and p.name not in _EXEMPT]
    # a whole set's files are read on the machine's cores (forked workers; a few files are not
    # worth the workers' start); the findings keep the files' order
    if len(files) >= _FILES_PER_WORKER:
        found = fork_map(_scan_one, [(p, mode, root) for p in files])
    else:
        found = [scan_file(p, mode, root=root) for p in files]
    scanned = dict(zip(files, found))
    for path in paths:
        if path.is_symlink():
            findings.append(
                Finding(
                    str(path.relative_to(root)),
                    "FILE_UNREADABLE",
                    tr("symbolisk länk i utdatamappen", "symbolic link in the output folder"),
                    path.name,
                )
            )
        elif path in scanned:
            findings += scanned[path]
    return findings


_FILES_PER_WORKER = 24


def _scan_one(_state: Any, path: Path, mode: str, root: Path) -> list[Finding]:
    return scan_file(path, mode, root=root)
