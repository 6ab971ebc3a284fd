"""Today's date for outputs, fixable so the same inputs give identical outputs.

Reports print the date they were issued. ``SOURCE_DATE_EPOCH`` (the reproducible-builds
convention, seconds since 1970) or :func:`fixed_today` pins it; otherwise it is the real date.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import UTC, date, datetime

_fixed: date | None = None


def today() -> date:
    """The issue date of outputs."""
    if _fixed is not None:
        return _fixed
    epoch = source_date_epoch()
    if epoch is not None:
        return datetime.fromtimestamp(epoch, tz=UTC).date()
    return date.today()


def source_date_epoch() -> int | None:
    """``SOURCE_DATE_EPOCH`` in whole seconds since 1970, or ``None`` when it is not set.

    A value that is not whole seconds (empty, a date, a fraction) is refused with the rule
    ``ENVIRONMENT_INVALID``: the reproducible-builds convention allows only the digits that
    ``date +%s`` prints, numpy reads the variable as it is imported and stops on anything else
    with a traceback, and ignoring it would silently give the real date the user meant to pin.
    The CLI checks it before a command starts.
    """
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return None
    digits = value.strip()
    if digits.isascii() and digits.isdigit():
        return int(digits)
    from .errors import ArgumentError
    from .i18n import tr
    from .limits import cut

    raise ArgumentError(
        tr(
            "miljövariabeln SOURCE_DATE_EPOCH är {v!r}, men ska vara ett heltal: sekunder sedan "
            "1970-01-01 (som `date +%s` skriver)",
            "the environment variable SOURCE_DATE_EPOCH is {v!r}, but must be a whole number: "
            "seconds since 1970-01-01 (as `date +%s` prints)",
            v=cut(value, 30),
        ),
        rule="ENVIRONMENT_INVALID",
        fix=tr(
            "ta bort variabeln (`unset SOURCE_DATE_EPOCH`) eller ge den ett heltal",
            "remove the variable (`unset SOURCE_DATE_EPOCH`) or give it a whole number",
        ),
    )


@contextmanager
def fixed_today(day: date):
    """Pin :func:`today` to ``day`` inside the block (used by ``tryggaplatser demo``)."""
    global _fixed
    previous, _fixed = _fixed, day
    try:
        yield
    finally:
        _fixed = previous


def pin_file_times(path) -> None:
    """Replace the write-time stamps inside a GeoPackage or XLSX file by :func:`today`.

    GDAL/SQLite stamp ``last_change`` and metadata timestamps, openpyxl stamps the document
    properties and every zip member; with the stamps pinned the same inputs give byte-identical
    files. Other files are left alone.
    """
    from pathlib import Path

    path = Path(path)
    stamp = today().isoformat()
    if path.suffix.lower() == ".gpkg":
        _pin_gpkg(path, stamp + "T00:00:00.000Z")
    elif path.suffix.lower() == ".xlsx":
        _pin_zip(path, stamp)


def _pin_gpkg(path, stamp: str) -> None:
    import sqlite3

    con = sqlite3.connect(path)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        updates = [
            ("gpkg_contents", "last_change"),
            ("gpkg_metadata_reference", "timestamp"),
        ]
        for table, column in updates:
            if table in tables:
                cols = {r[1] for r in con.execute(f"PRAGMA table_info({table})")}
                if column in cols:
                    con.execute(f"UPDATE {table} SET {column} = ?", (stamp,))  # noqa: S608
        if "layer_styles" in tables:  # one time per style, or QGIS lists a style twice
            con.execute(
                "UPDATE layer_styles SET update_time = "
                "strftime('%Y-%m-%dT%H:%M:%fZ', ?, '+' || id || ' seconds')",
                (stamp[:10],),
            )
        con.commit()
        con.execute("VACUUM")
    finally:
        con.close()


def _pin_zip(path, stamp: str) -> None:
    import re
    import zipfile

    year, month, day = (int(p) for p in stamp.split("-"))
    with zipfile.ZipFile(path) as zin:
        members = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for name, data in members:
            if name == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(<)",
                    rb"\g<1>" + stamp.encode() + rb"T00:00:00Z\g<3>",
                    data,
                )
            info = zipfile.ZipInfo(name, date_time=(year, month, day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zout.writestr(info, data)
