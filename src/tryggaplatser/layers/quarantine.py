"""The quarantine: rows that could not be loaded, kept with the reason, never lost.

A quarantine file is **internal data** (it holds the raw rows, personal data included) and is
written only into a quarantine folder: by default ``<folder of tryggaplatser.toml>/karantan/``
(or ``./karantan/`` when validating a single file without a configuration). A folder inside a
public output folder (any path part named ``publik``/``public``) is refused.

Format: CSV in UTF-8 with BOM (opens correctly in Excel), one line per quarantined row, columns
``row`` (row number as the user sees it), ``rules``, ``fields``, ``messages``, then the row's
original columns, then ``geometry_wkt`` (as read, in the file's own CRS). Cells starting with
``= + - @`` (or tab/CR) are prefixed with ``'`` so a spreadsheet never runs them as formulas.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ArgumentError
from ..i18n import tr

DEFAULT_DIRNAME = "karantan"
_PUBLIC_PARTS = {"publik", "public"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def quarantine_dir_for(quarantine_dir: str | Path | None, config=None) -> Path:
    """The folder quarantine files go to (see the module docstring); checked, not created."""
    if quarantine_dir is not None:
        path = Path(quarantine_dir)
    elif config is not None and getattr(config, "quarantine_dir", None):
        path = Path(config.quarantine_dir)
    elif config is not None:
        path = Path(config.root) / DEFAULT_DIRNAME
    else:
        path = Path.cwd() / DEFAULT_DIRNAME
    if any(part.lower() in _PUBLIC_PARTS for part in path.resolve().parts):
        raise ArgumentError(
            tr(
                "karantänmappen {p} ligger i en publik mapp",
                "the quarantine folder {p} is inside a public folder",
                p=str(path),
            ),
            rule="QUARANTINE_PUBLIC",
            fix=tr(
                "karantänfiler innehåller rådata; välj en intern mapp med --quarantine-dir",
                "quarantine files hold raw data; choose an internal folder with --quarantine-dir",
            ),
        )
    return path


def escape_formula(values: pd.Series) -> pd.Series:
    """Prefix spreadsheet formula starters with ``'``."""
    text = values.astype("str")
    risky = text.str.startswith(_FORMULA_START, na=False)
    if risky.any():
        text = text.copy()
        text[risky] = "'" + text[risky]
    return text


def build_quarantine(
    raw: pd.DataFrame,
    geometry_wkt: pd.Series | None,
    rows: np.ndarray,
    problems: pd.DataFrame,
    positions: np.ndarray,
) -> pd.DataFrame:
    """The quarantine table for the rows at ``positions`` (positions in the file as read)."""
    if len(positions) == 0:  # the usual case: the same empty columns without a groupby
        rules = fields = messages = np.empty(0, dtype=object)
    else:
        q = problems[problems["severity"].eq("quarantine") & problems["_pos"].isin(positions)]
        grouped = q.groupby("_pos", sort=True).agg(
            rules=("rule", lambda s: ";".join(dict.fromkeys(s))),
            fields=("field", lambda s: ";".join(dict.fromkeys(str(v) for v in s if v))),
            messages=("message", lambda s: " | ".join(s)),
        )
        grouped = grouped.reindex(positions)
        rules = grouped["rules"].to_numpy()
        fields = grouped["fields"].to_numpy()
        messages = grouped["messages"].to_numpy()
    body = raw.iloc[positions].reset_index(drop=True).astype(object)
    out = pd.DataFrame(
        {"row": rows[positions], "rules": rules, "fields": fields, "messages": messages}
    )
    out = pd.concat([out, body], axis=1)
    if geometry_wkt is not None:
        out["geometry_wkt"] = geometry_wkt.iloc[positions].to_numpy()
    return out


def write_quarantine(table: pd.DataFrame, directory: Path, file: Path, layer: str) -> Path:
    """Write ``table`` as ``<directory>/<file stem>.<layer>.karantan.csv`` and return the path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{Path(file).stem}.{layer}.karantan.csv"
    safe = table.copy()
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = escape_formula(safe[col])
    safe.to_csv(path, index=False, encoding="utf-8-sig")
    return path
