"""The publishing gate: every output the toolkit writes passes here (REFERENCE.md §5).

One object, :class:`Gate`, knows whether an output set is **public** (leaves the office:
residents, council, press) or **internal** (EST meetings, analysts). Exporters call it in two
places:

1. :meth:`Gate.release` on the *data* before writing (tables, grid cells, area layers, map
   layers, point layers, rasters). It returns a transformed copy — counts suppressed, rates and
   shares withheld, KDE values classed, points snapped, columns restricted to an allowlist — or
   raises :class:`~tryggaplatser.errors.GateRefusal` with a Swedish message naming the rule,
   the column or value, and what to do.
2. :meth:`Gate.seal` on the *file* after writing (or :meth:`Gate.export` / :meth:`Gate.write_html`
   which do release → write → seal in one call). Sealing scans the file with the audit rules of
   the mode, refuses (and removes) a file that breaks one, and records the file with its
   SHA-256 and mode in the folder's manifest ``utgivning.json``. An internal file must carry the
   marking "INTERNT – ej för spridning"; ``tryggaplatser audit --mode public`` flags any file
   that carries it, any file missing from the manifest, recorded as internal, or changed after
   sealing — so an internal output cannot be relabelled public without re-running the gate.

:meth:`Gate.finish` writes the disclosure report of a public set (``offentliggorande.html``).

How each exporter calls the gate
--------------------------------
* CSV/XLSX: ``tables.write_csv(df, path, gate=gate, kind="area_category_table", margins=True)``
  and ``tables.write_xlsx({...}, path, gate=gate, kind=...)`` (release + write + seal).
* Grid cells to GeoPackage: ``gate.export(cells, "grid_cells", path, write_cells_gpkg)``
  (the gate stamps the mode into ``gpkg_metadata`` and seals the file).
* COG rasters: ``rel = gate.release(cells, "grid_cells")`` then
  ``write_cog(rel, path, column="kde_class" if gate.public else "kde", tags=gate.metadata())``
  and ``gate.seal(path)`` (public ``kde_class`` is nullable — blanked cells are missing —
  so write it as a ``uint8`` array with nodata 0, as ``tryggaplatser hotspots`` does); or an
  array: ``gate.export(arr, "raster", path, writer, support=..., cell_size=...)``.
* Analysis parameters are read from ``attrs["tryggaplatser"]["params"]`` in either form,
  plain values or the hotspot verbs' ``{"value", "auto", "rule"}`` records (:func:`_param`);
  callers pass results unchanged.
* Maps: every layer's frame through ``gate.release(..., "map_layer" | "grid_cells" |
  "area_layer" | "points")``, all text through :func:`.safe_text.html`, then
  ``gate.write_html(m.get_root().render(), path, kind="map")``.
* HTML reports: tables through ``gate.release``, then ``gate.write_html(page, path)``.
* Anything else written into an output folder: ``gate.seal(path)``. At the end of a public
  set: ``gate.finish(out_dir)``.

Examples
--------
A public area × category table: the 3 is shown as "<5", and enough other cells are hidden
("..") that it cannot be recovered from the totals.

>>> import pandas as pd
>>> counts = pd.DataFrame({"area_id": ["A", "A", "B", "B"],
...                        "category": ["klotter", "brand", "klotter", "brand"],
...                        "n": [12, 3, 20, 7]})
>>> gate = Gate("public", quiet=True)
>>> print(gate.release(counts, "area_category_table", margins=True).to_string(index=False))
area_id category  n
      A  klotter ..
      A    brand <5
      A   totalt 15
      B  klotter ..
      B    brand ..
      B   totalt 27
 totalt  klotter 32
 totalt    brand 10
 totalt   totalt 42
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import json
import math
import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._announce import announce
from ..errors import GateRefusal
from ..i18n import tr
from ..policy import (
    DENSITY_CLASS_BOUNDS,
    HIDDEN,
    INTERNAL_FLAG_MAX,
    INTERNAL_MARKING,
    MANIFEST,
    MIN_COUNT,
    MIN_GRID_M,
    MIN_POPULATION,
    MIN_SURVEY_N,
    MODES,
    RASTER_CLASSES,
    RASTER_MIN_SUPPORT,
    SMALL,
    is_pii_column,
)
from ..policy import name_tokens as _tokens
from ..provenance import freeze
from .audit import metadata_problems, redact, scan_file
from .disclosure import (
    PRIMARY,
    PUBLISHED,
    SECONDARY,
    DisclosurePlan,
    DisclosureSummary,
    LinearTable,
    plan_conflicts,
    suppress,
    write_disclosure_report,
)
from .safe_text import text_of

if TYPE_CHECKING:
    from ..layers.config import ProjectConfig

__all__ = [
    "HIDDEN",
    "INTERNAL_MARKING",
    "KINDS",
    "MANIFEST",
    "MIN_COUNT",
    "MIN_GRID_M",
    "MIN_POPULATION",
    "MIN_SURVEY_N",
    "MODES",
    "SMALL",
    "TOTAL",
    "Gate",
    "ReleasedRaster",
    "is_pii_column",
]

SNAP_M = 50  # internal point snapping lattice
TOTAL = "totalt"  # label of margin rows and columns
FLAG_TEXT = "1–2: tolka försiktigt"

# ---------------------------------------------------------------------------------------------
# column policy (personal-data column names: tryggaplatser.policy.is_pii_column)


@functools.lru_cache(maxsize=1 << 12)
def _pii_name(name: str) -> bool:
    """:func:`is_pii_column`, judged once per column name (a pure function of the name, asked
    of every column of every release)."""
    return is_pii_column(name)


@functools.lru_cache(maxsize=1 << 12)
def _name_tokens(name: str) -> frozenset[str]:
    """The words of a column name (:func:`~tryggaplatser.policy.name_tokens`), once per name."""
    return frozenset(_tokens(name))


@functools.cache
def _free_text_names() -> frozenset[str]:
    """Free-text column names (lower case): the layer schemas' and common ones, looked up once."""
    from ..layers.schema import LAYERS

    names = set()
    for layer in LAYERS.values():
        for col in layer.columns:
            if col.kind == "free_text":
                names.add(col.name.lower())
                names.update(a.lower() for a in col.aliases)
    return frozenset(names) | {
        "fritext",
        "kommentar",
        "comment",
        "comments",
        "beskrivning",
        "description",
        "notes",
        "anteckning",
        "anteckningar",
        "text",
        "summary",
        "message",
        "meddelande",
    }


_TIME_TOKENS = {
    "date",
    "datum",
    "day",
    "dag",
    "dagar",
    "hour",
    "timme",
    "timmar",
    "time",
    "tid",
    "tidpunkt",
    "klockslag",
    "weekday",
    "veckodag",
    "week",
    "vecka",
    "datetime",
    "timestamp",
    "at",
    "on",
    "minute",
    "minut",
}
_TIME_OK_TOKENS = {
    "month",
    "manad",
    "year",
    "ar",
    "period",
    "quarter",
    "kvartal",
    "tertial",
    "population",
}
_ALLOWED_PERIOD = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]|T[1-3]))?$")

_KEYS = [
    "area_id",
    "name",
    "area_type",
    "code",
    "municipality_code",
    "parent_id",
    "population",
    "population_year",
    "category",
    "month",
    "period",
    "year",
]

# allowlists per output kind: (public, extra columns allowed internally)
KINDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "grid_cells": (
        frozenset(
            {
                "cell_id",
                "place_name",
                "row",
                "col",
                "n",
                "n_visning",
                "gi_bin",
                "hotspot_category",
                "kde_class",
                "category",
                "month",
                "period",
                "year",
                "area_id",
            }
        ),
        frozenset(
            {
                "kde",
                "gistar",
                "pvalue",
                "support",
                "n_flagga",
                "hot_periods",
                "cold_periods",
                "trend_z",
                "trend_pvalue",
            }
        ),
    ),
    "area_layer": (
        frozenset([*_KEYS, "n", "n_visning", "indicator", "value", "scale"]),
        frozenset({"n_flagga"}),
    ),
    "area_table": (frozenset([*_KEYS, "n"]), frozenset()),
    "area_category_table": (frozenset([*_KEYS, "n"]), frozenset()),
    "survey_table": (
        frozenset(
            {
                "source",
                "year",
                "area_id",
                "name",
                "indicator",
                "value",
                "scale",
                "n",
                "period",
                "category",
            }
        ),
        frozenset(),
    ),
    "map_layer": (
        frozenset(
            [
                *_KEYS,
                "cell_id",
                "place_name",
                "n",
                "n_visning",
                "gi_bin",
                "hotspot_category",
                "kde_class",
                "indicator",
                "value",
                "scale",
                "label",
                "problem_category",
                "status",
                "perception",
            ]
        ),
        frozenset({"kde", "gistar", "pvalue", "n_flagga"}),
    ),
    # the folder's background map (bakgrund.gpkg): public geography, street names only
    "background": (frozenset({"name"}), frozenset()),
    "points": (frozenset(), frozenset()),  # internal only; allowlist from the layer's schema
    "raster": (frozenset(), frozenset()),
    # forecast scores (tryggaplatser prognos): municipality-wide hit rates and indices per
    # month and method; public rows resting on 1–4 events in the picks are withheld
    "score_table": (
        frozenset(
            {
                "month",
                "period",
                "method",
                "selection",
                "target",
                "cells",
                "area_share",
                "hit_rate",
                "pai",
                "pei",
                "rri",
                "n",
                "N",
                "n_visning",
                "hot_set",
                "variant",
                "jaccard",
                "agreement",
            }
        ),
        frozenset({"origin", "end", "n_star", "n0", "N0"}),
    ),
    # the risk-terrain surface (tryggaplatser riskfaktorer): the model's relative risk per cell
    # of the run's grid (public: at least 250 m); the counts stay internal
    "risk_surface": (
        frozenset({"cell_id", "row", "col", "relative_risk", "risk_class"}),
        frozenset({"n", "expected"}),
    ),
    # street stretches: counts per stretch are counts (public: 1–4 as "<5", stretches of at
    # least 250 m); the Gi* z and p stay internal like on the grid
    "street_stretches": (
        frozenset(
            {
                "stretch_id",
                "name",
                "from_m",
                "to_m",
                "length",
                "n",
                "n_visning",
                "n_observations",
                "n_observations_visning",
                "n_dialogue",
                "n_dialogue_visning",
                "gi_bin",
                "rank",
            }
        ),
        frozenset({"gistar", "pvalue"}),
    ),
    # the risk-terrain model's municipality-wide tables: factors with relative risks, the
    # selection path, the snapping report (public: snapping counts 1–4 as "<5")
    "risk_table": (
        frozenset(
            {
                "factor",
                "context_type",
                "n_features",
                "selected",
                "kind",
                "distance",
                "rr",
                "rr_lo",
                "rr_hi",
                "rr_text",
                "pvalue",
                "significant",
                "delta_bic",
                "verdict",
                "step",
                "variable",
                "bic",
                "entered",
                "layer",
                "input",
                "snapped",
                "unsnapped",
                "stretch",
                "n",
                "gi_bin",
            }
        ),
        frozenset(),
    ),
}
#: count columns of the risk tables (suppressed 1–4 in public mode)
_RISK_TABLE_COUNTS = ("input", "snapped", "unsnapped", "n")
_COUNT_KINDS = {"grid_cells", "area_layer", "area_table", "area_category_table", "map_layer"}
_TABLE_KINDS = {"area_table", "area_category_table"}
_CATEGORY_COLUMNS = ("category", "problem_category")


#: what a manifest entry may say about its file for the folder's start page (Gate.seal ``about``)
ABOUT_KEYS = ("title", "period", "area", "municipality")
#: the folder's start page, rewritten by every command that writes into the folder
INDEX_PAGE = "index.html"
# files of a set that describe the set rather than being one of its outputs
_NOT_OUTPUTS = frozenset({"offentliggorande.html", "offentliggorande.json", INDEX_PAGE})

_KIND_TEXT = {
    "grid_cells": ("rutnätsceller", "grid cells"),
    "area_layer": ("områdeslager", "area layer"),
    "map_layer": ("kartlager", "map layer"),
    "area_table": ("områdestabell", "area table"),
    "area_category_table": ("tabell per område och kategori", "table by area and category"),
    "survey_table": ("enkättabell", "survey table"),
    "points": ("punktlager", "point layer"),
    "raster": ("raster", "raster"),
    "score_table": ("tabell över prognosträffar", "forecast score table"),
    "risk_surface": ("riskyta", "risk surface"),
    "street_stretches": ("gatusträckor", "street stretches"),
    "background": ("bakgrundskarta", "background map"),
    "risk_table": ("tabell över riskfaktorer", "risk-factor table"),
}


def mode_text(mode: str) -> str:
    """The gate's mode in words for messages: "publik"/"intern" ("public"/"internal" in en)."""
    if mode == "public":
        return tr("publik", "public")
    if mode == "internal":
        return tr("intern", "internal")
    return str(mode)


def kind_text(kind: str) -> str:
    """An output kind in words for messages, e.g. ``"grid_cells"`` → "rutnätsceller"."""
    sv_en = _KIND_TEXT.get(kind)
    return tr(*sv_en) if sv_en else str(kind)


@dataclass
class ReleasedRaster:
    """A raster released by the gate.

    Attributes
    ----------
    values : numpy.ndarray
        Public: ``uint8`` classes 1–5 with ``nodata`` where blanked. Internal: raw values.
    nodata : float or int
        The nodata value to write.
    tags : dict of str to str
        Metadata tags to write (mode, marking, what the values mean; never bandwidth or seed).
    blanked : int
        Cells blanked for low support.
    """

    values: np.ndarray
    nodata: float | int
    tags: dict[str, str]
    blanked: int = 0


@dataclass
class _Record:
    kind: str
    primary: int = 0
    secondary: int = 0


def _refuse(message: str, fix: str, rule: str) -> GateRefusal:
    return GateRefusal(message, rule=rule, fix=fix)


class Gate:
    """The publishing gate for one output set.

    Parameters
    ----------
    mode : {"public", "internal"}, optional
        ``None`` takes the project's ``privacy_mode`` (or ``"internal"`` without a config).
    config : ProjectConfig, optional
        Supplies the default mode and ``sensitive_categories``.
    sensitive_categories : iterable of str, optional
        Extra category codes to treat as sensitive.
    quiet : bool
        Silence announcements (dropped columns...).

    Attributes
    ----------
    summary : DisclosureSummary
        What was suppressed, for the disclosure report (public only).
    """

    def __init__(
        self,
        mode: str | None = None,
        config: ProjectConfig | None = None,
        *,
        sensitive_categories: Iterable[str] = (),
        quiet: bool = False,
    ):
        if mode is None:
            mode = config.privacy_mode if config is not None else "internal"
        if mode not in MODES:
            raise GateRefusal(
                tr("okänt läge {m!r}", "unknown mode {m!r}", m=mode),
                rule="ARGUMENT_INVALID",
                fix=tr("välj public eller internal", "choose public or internal"),
            )
        self.mode = mode
        self.config = config
        self.sensitive = set(sensitive_categories) | set(
            getattr(config, "sensitive_categories", ()) or ()
        )
        self.quiet = quiet
        self._announced: set[str] = set()
        self.summary = DisclosureSummary(
            min_count=MIN_COUNT,
            min_population=MIN_POPULATION,
            min_survey_n=MIN_SURVEY_N,
            raster_classes=RASTER_CLASSES,
        )
        self.summary.rules.update({"allowlist", "metadata", "free_text"} if self.public else ())
        #: The set's release-wide suppression decision (:meth:`use_plan`), or None.
        self.plan: DisclosurePlan | None = None

    def use_plan(
        self, plan: DisclosurePlan, *, count: Iterable[str] | None = None, scope: str = ""
    ) -> None:
        """Release the counts of this set by one solved :class:`DisclosurePlan`.

        Tables released with a ``plan_key`` then show each planned cell as the plan decided
        (the same cell the same way in every file); the plan's suppressed cells are counted
        once here for the disclosure report, not once per table that shows them. Solve the
        plan before any product renders (forked workers inherit the gate and its plan).

        ``count`` names the kinds of cells (the first element of their keys: ``"walks"``,
        ``"cells"``, ``"stretch"``...) this gate's products print, when several commands share
        one plan (:func:`~.products.areas.plan_public_set`): each part of the folder's
        disclosure report then counts its own cells once. ``None`` counts the whole plan.

        ``scope`` names the periods the plan covers; the disclosure report records it, and a
        folder holding files of another plan refuses this set (:meth:`finish`).
        """
        if not self.public:
            return
        self.plan = plan
        self.summary.plan_scope = scope
        self.summary.rules.update({"small_counts", "complementary"})
        kinds = None if count is None else set(count)
        unpublished = plan.unpublished
        # the cells of this gate's kinds that a product shows (a key's kind is its first element)
        mine = [
            k
            for k in plan.status
            if k not in unpublished
            and (kinds is None or (k[0] if isinstance(k, tuple) else k) in kinds)
        ]
        self.summary.primary += sum(plan.status[k] == PRIMARY for k in mine)
        self.summary.secondary += sum(plan.status[k] == SECONDARY for k in mine)
        self.summary.plan_cells += len(mine)
        # the relations once per folder: with the area products (or the whole plan)
        self.summary.plan_relations += (
            len(plan.relations) if kinds is None or "walks" in kinds else 0
        )

    def planned(self, key: Hashable) -> int | None:
        """The plan's status of a cell (``PUBLISHED``/``PRIMARY``/``SECONDARY``), or None."""
        return None if self.plan is None else self.plan.status_of(key)

    # -----------------------------------------------------------------------------------------
    @property
    def public(self) -> bool:
        return self.mode == "public"

    def __repr__(self) -> str:
        return f"Gate(mode={self.mode!r})"

    def _announce(self, message: str) -> None:
        """Announce ``message`` once per gate (unless quiet).

        A gate serves one output set, and one result is often released more than once into
        it (a GeoPackage and rasters, or the KDE and Gi* layers of one map, from the same
        grid): the same sentence is said once, the counts in :attr:`summary` still add up.
        """
        if message in self._announced:
            return
        self._announced.add(message)
        announce(message, quiet=self.quiet)

    # -----------------------------------------------------------------------------------------
    # data

    def release(self, data: Any, kind: str, **options: Any) -> Any:
        """Check and transform data for the gate's mode; the single data entry point.

        Parameters
        ----------
        data : DataFrame, GeoDataFrame or numpy.ndarray
            The finished result to publish. Never modified.
        kind : str
            One of ``KINDS``:

            ``"grid_cells"``
                Grid GeoDataFrame from the hotspot analysis (``n, kde, gistar, pvalue, gi_bin,
                hotspot_category``). Public: cell size ≥ 250 m (from
                ``attrs["tryggaplatser"]["params"]["cell_size"]`` or the geometry), ``n`` 1–4
                set to missing with ``n_visning = "<5"``, ``kde`` replaced by ``kde_class``
                1–5 and blanked where fewer than 5 events support it, ``gistar`` and ``pvalue``
                dropped (a published z-score field lets neighbourhood sums, and so hidden cell
                counts, be solved for). Options: ``published_total=True`` when a total of
                ``n`` is published in the same set (adds complementary suppression).
            ``"area_layer"``, ``"map_layer"``
                Areas or other polygons for maps/GPKG: like grid cells without the grid rule.
            ``"area_table"``, ``"area_category_table"``
                Long tables of counts by ``by`` columns (default: the key columns present).
                Options: ``counts=("n",)``, ``margins=True`` adds row/column/grand totals
                (rows labelled ``"totalt"``) and complementary suppression over them,
                ``parents={child_area_id: parent_area_id}`` declares nested geographies
                whose rows are in the table, ``rates={"rate_per_1000": ("n", "population")}``,
                ``per=1000``. Public counts become text: numbers, ``"<5"`` or ``".."``.
            ``"survey_table"``
                Shares with respondent counts: ``shares=("value",)``, ``n="n"``; shares with
                ``n < 10`` withheld.
            ``"points"``
                Internal only: point layers (``layer="incidents"`` etc. selects the schema
                allowlist), snapped to a 50 m lattice, free text redacted.
            ``"raster"``
                ``numpy`` array of a density surface; returns :class:`ReleasedRaster`.
                Options: ``cell_size``, and ``support`` (events supporting each cell) or
                ``counts`` + ``bandwidth`` to compute it. The bandwidth is never written.

        Returns
        -------
        DataFrame, GeoDataFrame or ReleasedRaster
            A transformed copy with ``attrs["tryggaplatser"]["gate"]`` recording the mode.

        Raises
        ------
        GateRefusal
            When the data breaks a rule the gate cannot fix by transforming it (points, a grid
            finer than 250 m, daily time, sensitive categories below municipality level, free
            text in public; unknown ``kind``).
        """
        if kind not in KINDS:
            raise _refuse(
                tr("okänd utdatatyp {k!r}", "unknown output kind {k!r}", k=kind),
                tr("välj en av: {v}", "choose one of: {v}", v=", ".join(KINDS)),
                "ARGUMENT_INVALID",
            )
        if kind == "raster":
            return self._release_raster(np.asarray(data), **options)
        if not isinstance(data, pd.DataFrame):
            raise _refuse(
                tr(
                    "{k}: väntade en tabell (DataFrame), fick {t}",
                    "{k}: expected a DataFrame, got {t}",
                    k=kind_text(kind),
                    t=type(data).__name__,
                ),
                "",
                "ARGUMENT_TYPE",
            )
        df = data.copy()
        df.attrs = {}
        if kind == "points":
            out = self._release_points(df, **options)
        else:
            df = self._restrict_columns(df, kind, extra=self._option_columns(options))
            self._check_geometry(df, kind, data)
            self._check_time(df, kind)
            self._check_sensitive(df, kind)
            if kind in _TABLE_KINDS:
                out = self._release_table(df, kind, **options)
            elif kind == "score_table":
                out = self._release_scores(df)
            elif kind == "risk_table":
                out = self._release_risk_table(df)
            elif kind == "street_stretches":
                out = self._release_layer(
                    df,
                    kind,
                    data,
                    counts=("n", "n_observations", "n_dialogue"),
                    published_total=bool(options.get("published_total")),
                )
                out = self._withhold_short_stretches(out)
            elif kind == "survey_table":
                out = self._release_survey(df, **options)
            else:
                out = self._release_layer(df, kind, data, **options)
        out.attrs = {"tryggaplatser": {"gate": {"mode": self.mode, "kind": kind}}}
        # the grid description (origin, cell size, shape, CRS) is public knowledge and lets
        # raster writers place the cells; parameters (bandwidth...), notes and totals are not
        # carried over
        grid_spec = (data.attrs.get("tryggaplatser", {}) or {}).get("grid")
        if grid_spec is not None:
            out.attrs["tryggaplatser"]["grid"] = grid_spec
        if self.mode == "internal":
            out.attrs["tryggaplatser"]["marking"] = INTERNAL_MARKING
        # read-only from here, so the frames made from it share it (no copy per operation)
        out.attrs["tryggaplatser"] = freeze(out.attrs["tryggaplatser"])
        return out

    # -- column policy --------------------------------------------------------------------------
    @staticmethod
    def _option_columns(options: Mapping[str, Any]) -> set[str]:
        cols = set(options.get("rates", {}) or {})
        for num, pop in (options.get("rates", {}) or {}).values():
            cols.update({num, pop})
        cols.update(options.get("counts", ()) or ())
        cols.update(options.get("shares", ()) or ())
        cols.update(options.get("by", ()) or ())
        return cols

    def _restrict_columns(
        self, df: pd.DataFrame, kind: str, extra: set[str] = frozenset()
    ) -> pd.DataFrame:
        """Keep only allowlisted columns; redact the free text an internal release may keep.

        Parameters
        ----------
        df : DataFrame
            The gate's private copy of the data.
        kind : str
            Output kind (its allowlist in :data:`KINDS`).
        extra : set of str
            Columns the caller asked for explicitly (``by=``, ``counts=``, a point layer's
            schema columns).

        Returns
        -------
        DataFrame
            The allowed columns. Personal-data columns are always dropped (refused when asked
            for). Free-text columns: public mode drops them (refuses when asked for); internal
            mode keeps an allowlisted one with personal data redacted
            (:func:`tryggaplatser.layers.redact.redact_text` and then the audit's pattern pass),
            REFERENCE.md §5 "free text only after redaction".
        """
        public_cols, internal_extra = KINDS[kind]
        allowed = set(public_cols) | {c for c in extra if c}
        if not self.public:
            allowed |= internal_extra
        geometry = getattr(df, "_geometry_column_name", None) if hasattr(df, "geometry") else None
        free = _free_text_names()
        keep, dropped, redact = [], [], []
        for col in df.columns:
            if col == geometry:
                keep.append(col)
                continue
            if _pii_name(col):
                if col in extra and kind != "points":
                    raise _refuse(
                        tr(
                            "kolumnen {c!r} ser ut att innehålla personuppgifter och publiceras "
                            "aldrig",
                            "column {c!r} looks like personal data and is never published",
                            c=col,
                        ),
                        tr("ta bort den ur by=/counts=", "remove it from by=/counts="),
                        "PERSONAL_DATA",
                    )
                dropped.append(col)
                continue
            if str(col).lower() in free:
                if not self.public and col in allowed:
                    keep.append(col)  # internal: allowlisted free text, redacted below
                    redact.append(col)
                    continue
                if self.public and col in extra:
                    raise _refuse(
                        tr(
                            "kolumnen {c!r} är fritext och får aldrig publiceras",
                            "column {c!r} is free text and is never published",
                            c=col,
                        ),
                        tr(
                            "ta bort den eller använd läget internal",
                            "drop it or use internal mode",
                        ),
                        "FREE_TEXT",
                    )
                dropped.append(col)
                continue
            (keep if col in allowed else dropped).append(col)
        if dropped:
            self.summary.columns_dropped += len(dropped)
            self._announce(
                tr(
                    "Publiceringsgrinden ({m}, {k}): kolumner utanför "
                    "tillåtelselistan togs bort: {c}",
                    "Publishing gate ({m}, {k}): columns outside the allowlist were dropped: {c}",
                    m=mode_text(self.mode),
                    k=kind_text(kind),
                    c=", ".join(map(str, dropped)),
                )
            )
        # the gate's own copy already: select (and copy) only when a column goes or is redacted
        out = df if keep == list(df.columns) and not redact else df[keep]
        if redact:
            out = out.copy()
        for col in redact:  # REFERENCE.md §5: internal free text only after redaction
            out[col] = _redact_series(out[col])
        return out

    def _check_geometry(self, df: pd.DataFrame, kind: str, original: pd.DataFrame) -> None:
        if not hasattr(df, "geometry") or getattr(df, "_geometry_column_name", None) not in df:
            if kind in {"grid_cells"}:
                raise _refuse(
                    tr("{k}: geometri saknas", "{k}: geometry missing", k=kind_text(kind)),
                    "",
                    "GEOM_MISSING",
                )
            return
        if self.public and _has_points(df.geometry):
            raise _refuse(
                tr(
                    "{k}: punktgeometrier (enskilda händelser) får inte publiceras publikt",
                    "{k}: point geometries (individual events) are not allowed in public outputs",
                    k=kind_text(kind),
                ),
                tr(
                    "aggregera till områden eller ett rutnät om minst 250 m",
                    "aggregate to areas or a grid of at least 250 m",
                ),
                "POINTS_PUBLIC",
            )
        if kind == "street_stretches":
            self._check_stretch_length(original)
            return
        if kind not in ("grid_cells", "risk_surface"):
            return
        crs = df.crs
        if crs is None or not crs.is_projected:
            raise _refuse(
                tr(
                    "rutnätsceller: rutnätet måste ha ett metriskt koordinatsystem, fick {c}",
                    "grid cells: the grid needs a metric CRS, got {c}",
                    c=crs,
                ),
                tr("använd t.ex. EPSG:3006", "use e.g. EPSG:3006"),
                "CRS_NOT_METRIC",
            )
        size = _cell_size(original)
        if self.public:
            self._require_public_length(
                size,
                tr(
                    "rutnätsceller: rutstorleken {s} m är mindre än {m} m",
                    "grid cells: cell size {s} m is below {m} m",
                ),
                tr(
                    "gör om analysen med cell_size ≥ {m} för publik utdata",
                    "re-run the analysis with cell_size ≥ {m} for public output",
                ),
                rule="PUBLIC_CELL_SIZE",
            )

    def _check_stretch_length(self, original: pd.DataFrame) -> None:
        """Public street stretches are at least 250 m long (the public grid's rule on a
        network), read from the recorded ``stretch_length`` parameter."""
        if not self.public:
            return
        self._require_public_length(
            _param(original, "stretch_length"),
            tr(
                "gatusträckor: sträcklängden {s} m är kortare än {m} m",
                "street stretches: the stretch length {s} m is below {m} m",
            ),
            tr(
                "dela vägnätet i sträckor om minst {m} m för publik utdata",
                "cut the network into stretches of at least {m} m for public output",
            ),
            rule="PUBLIC_STRETCH_LENGTH",
        )

    def _require_public_length(
        self, length: float | None, message: str, fix: str, *, rule: str
    ) -> None:
        """Refuse a public grid cell or street stretch shorter than the public minimum
        (``message`` and ``fix`` take ``{s}``, the length, and ``{m}``, the minimum)."""
        self.summary.rules.add("grid")
        if length is None or length < MIN_GRID_M - 1e-6:
            shown = "?" if length is None else f"{length:g}"
            raise _refuse(message.format(s=shown, m=MIN_GRID_M), fix.format(m=MIN_GRID_M), rule)
        self.summary.grid_sizes.add(round(length))

    def _withhold_short_stretches(self, out: pd.DataFrame) -> pd.DataFrame:
        """Public: a stretch shorter than half the public minimum (a short road is one
        stretch) is too small a place; its counts are withheld (``".."``) and its Gi* bin
        set to 0. Withholding more cells never undoes the complementary suppression."""
        if not self.public or "length" not in out.columns:
            return out
        short = pd.to_numeric(out["length"], errors="coerce").to_numpy(float) < MIN_GRID_M / 2
        if not short.any():
            return out
        for col in ("n", "n_observations", "n_dialogue"):
            if col in out.columns:
                shown = ~np.isin(np.asarray(out[f"{col}_visning"], dtype=object), [SMALL, HIDDEN])
                self.summary.secondary += int((short & shown).sum())
                values = out[col].copy()
                values[short] = pd.NA
                out[col] = values
                out[f"{col}_visning"] = np.where(short, HIDDEN, out[f"{col}_visning"])
        if "gi_bin" in out.columns:
            out["gi_bin"] = np.where(short, 0, out["gi_bin"])
        return out

    def _release_risk_table(self, df: pd.DataFrame) -> pd.DataFrame:
        """Risk-model tables: public snapping counts 1–4 become ``"<5"``."""
        if not self.public:
            return df
        self.summary.rules.add("small_counts")
        out = df.copy()
        for col in _RISK_TABLE_COUNTS:
            if col in out.columns:
                values = pd.to_numeric(out[col], errors="coerce").to_numpy(float)
                small = (values >= 1) & (values < MIN_COUNT)
                self._count(np.where(small, PRIMARY, PUBLISHED))
                out[col] = [
                    SMALL if s else (str(o) if not np.isfinite(v) else str(int(v)))
                    for v, s, o in zip(values, small, out[col].fillna(""))
                ]
        return out

    def _check_time(self, df: pd.DataFrame, kind: str) -> None:
        if not self.public:
            return
        self.summary.rules.add("time")
        # a column's values are read only for a text period column (its dtype says the rest)
        dtypes = df.dtypes if df.columns.is_unique else None
        for k, col in enumerate(df.columns):
            if col == getattr(df, "_geometry_column_name", None):
                continue
            dtype = df[col].dtype if dtypes is None else dtypes.iloc[k]
            toks = _name_tokens(col)
            fine = False
            if isinstance(dtype, pd.PeriodDtype):
                fine = not dtype.freq.freqstr.startswith(("M", "Q", "Y", "A"))
            elif pd.api.types.is_datetime64_any_dtype(dtype) or (
                toks & _TIME_TOKENS and not toks & _TIME_OK_TOKENS
            ):
                fine = True
            elif col in {"period", "month"} and (
                dtype == np.dtype(object) or pd.api.types.is_string_dtype(df[col])
            ):
                sample = df[col].dropna().astype(str).head(50)
                if len(sample) and not all(_ALLOWED_PERIOD.match(v) for v in sample):
                    fine = True
            if fine:
                raise _refuse(
                    tr(
                        "kolumnen {c!r} har finare tidsupplösning än månad",
                        "column {c!r} has a finer time resolution than month",
                        c=col,
                    ),
                    tr(
                        "aggregera till månad (t.ex. '2026-03') eller grövre för publik utdata; "
                        "dag, vecka, veckodag och timme bara i läget internal",
                        "aggregate to month (e.g. '2026-03') or coarser for public output; "
                        "day, week, weekday and hour only in internal mode",
                    ),
                    "TIME_TOO_FINE",
                )

    def _check_sensitive(self, df: pd.DataFrame, kind: str) -> None:
        if not self.public or not self.sensitive:
            return
        self.summary.rules.add("sensitive")
        below = kind in {"grid_cells", "map_layer"} or "area_id" in df.columns
        if not below:
            return
        for col in _CATEGORY_COLUMNS:
            if col in df.columns:
                hits = sorted(set(df[col].dropna().astype(str)) & self.sensitive)
                if hits:
                    raise _refuse(
                        tr(
                            "känslig kategori {h} redovisas under kommunnivå ({k})",
                            "sensitive category {h} shown below municipality level ({k})",
                            h=", ".join(hits),
                            k=kind_text(kind),
                        ),
                        tr(
                            "ta bort kategorin ur tabellen och redovisa den bara för hela kommunen",
                            "drop the category here and report it for the whole municipality only",
                        ),
                        "SENSITIVE_CATEGORY",
                    )

    # -- counts ---------------------------------------------------------------------------------
    def _flag_internal(self, out: pd.DataFrame, col: str) -> None:
        values = pd.to_numeric(out[col], errors="coerce")
        out[f"{col}_flagga"] = np.where(
            (values >= 1) & (values <= INTERNAL_FLAG_MAX), FLAG_TEXT, ""
        )

    def _release_scores(self, df: pd.DataFrame) -> pd.DataFrame:
        """Forecast scores: public rows whose picks hold 1–4 events (``n``, or ``n0`` behind
        the RRI) have every measure withheld and ``n`` shown as ``"<5"``."""
        if not self.public:
            return df
        self.summary.rules.add("small_counts")
        out = df.copy()
        if "n" not in out.columns:
            return out
        values = pd.to_numeric(out["n"], errors="coerce").to_numpy(float)
        small = (values >= 1) & (values < MIN_COUNT)
        self._count(np.where(small, PRIMARY, PUBLISHED))
        for col in ("hit_rate", "pai", "pei", "rri"):
            if col in out.columns:
                out[col] = np.where(small, np.nan, pd.to_numeric(out[col], errors="coerce"))
        shown = ["" if not np.isfinite(v) else str(int(v)) for v in values]
        out["n_visning"] = np.where(small, SMALL, shown)
        out["n"] = pd.array(np.where(small, np.nan, values), dtype="Float64").astype("Int64")
        return out

    def _release_planned_survey(
        self,
        df: pd.DataFrame,
        shares: Sequence[str],
        n: str,
        by: Sequence[str],
        plan_key: Callable[[Mapping[str, Any], str], Hashable],
    ) -> pd.DataFrame:
        """Shares and their counts by the set's plan: the count ``n`` is shown as the plan
        decided, and a share only when its denominator ``n`` (≥ :data:`MIN_SURVEY_N`) and its
        numerator (``plan_key(row, share column)``) are both published — a share of two
        published counts discloses nothing new, of a hidden one it would disclose it."""
        self.summary.rules.update({"survey", "small_counts"})
        out = df.copy()
        rows = out[list(by)].to_dict("records")
        counts = pd.to_numeric(out[n], errors="coerce").fillna(0).to_numpy()
        n_status = [self._plan_status(plan_key(r, n), v) for r, v in zip(rows, counts)]
        for col in shares:
            if col not in out.columns:
                continue
            shown = []
            for r, v, count, st in zip(rows, out[col].astype(object), counts, n_status):
                numerator = self._plan_status(plan_key(r, col), None)
                ok = st == PUBLISHED and numerator == PUBLISHED and count >= MIN_SURVEY_N
                if not ok and pd.notna(v):
                    self.summary.shares_suppressed += 1
                shown.append(v if ok else HIDDEN if pd.notna(v) else v)
            out[col] = shown
        out[n] = [
            SMALL if st == PRIMARY else HIDDEN if st == SECONDARY else v
            for v, st in zip(out[n].astype(object), n_status)
        ]
        return out

    def _plan_status(self, key: Hashable, value: Any) -> int:
        """A planned cell's status; an unplanned one is withheld when small (1–4), and a
        numerator the plan does not know (``value`` None) is withheld."""
        status = self.planned(key)
        if status is not None:
            return status
        if value is None:
            return SECONDARY
        return PRIMARY if 1 <= value < MIN_COUNT else PUBLISHED

    def _release_layer(
        self,
        df: pd.DataFrame,
        kind: str,
        original: pd.DataFrame,
        *,
        counts: Sequence[str] = ("n",),
        published_total: bool = False,
        rates: Mapping[str, tuple[str, str]] | None = None,
        per: float = 1000,
        plan_key: Callable[[Mapping[str, Any], str], Hashable] | None = None,
        **options: Any,
    ) -> pd.DataFrame:
        out = df
        counts = [c for c in counts if c in out.columns]
        raw_counts = {c: _as_counts(out[c], c) for c in counts}
        if not self.public:
            for col in counts:
                self._flag_internal(out, col)
            for rate_col, (num, pop) in (rates or {}).items():
                numer = _as_counts(original[num], num)
                popv = pd.to_numeric(original[pop], errors="coerce").to_numpy(float)
                out[rate_col] = np.round(
                    np.where(popv > 0, numer / np.where(popv > 0, popv, 1) * per, np.nan), 1
                )
            return out
        self.summary.rules.add("small_counts")
        for col in counts:
            values = _as_counts(out[col], col)
            if published_total:
                self.summary.rules.add("complementary")
                n = len(values)
                table = LinearTable(
                    np.append(values, values.sum()),
                    ((n, tuple(range(n))),),
                    np.append(np.zeros(n, bool), True),
                )
                status = suppress(table, MIN_COUNT)[:n]
            else:
                status = np.where((values >= 1) & (values < MIN_COUNT), PRIMARY, PUBLISHED)
            status = self._layer_plan(out, col, values, status, plan_key)
            shown = pd.array(values, dtype="Int64")
            shown[status != PUBLISHED] = pd.NA
            out[col] = shown
            out[f"{col}_visning"] = _display(values, status)
        for rate_col, (num, pop) in (rates or {}).items():
            # numeric layers: a withheld rate is missing (NaN), never a text marker
            self.summary.rules.add("rates")
            numer = raw_counts.get(num, _as_counts(original[num], num))
            popv = pd.to_numeric(original[pop], errors="coerce").to_numpy(float)
            rate = np.where(popv > 0, numer / np.where(popv > 0, popv, 1) * per, np.nan)
            ok = np.isfinite(rate) & (numer >= MIN_COUNT) & (popv >= MIN_POPULATION)
            if num in out.columns:
                ok &= pd.notna(out[num]).to_numpy()
            self.summary.rates_suppressed += int((np.isfinite(rate) & ~ok).sum())
            out[rate_col] = np.where(ok, np.round(rate, 1), np.nan)
        if "kde" in original.columns:
            out = self._class_kde(out, original, counts[0] if counts else None)
        return out

    def _layer_plan(
        self,
        out: pd.DataFrame,
        col: str,
        values: np.ndarray,
        status: np.ndarray,
        plan_key: Callable[[Mapping[str, Any], str], Hashable] | None,
    ) -> np.ndarray:
        """A layer's count statuses with the set's plan (``plan_key(row, col)``, e.g. a grid
        cell by period, size and id): planned cells take the plan's status and are counted
        by the plan, the others keep ``status`` and are counted here."""
        rows: Sequence[Mapping[str, Any]] = []
        if plan_key is not None and self.plan is not None:
            geometry = getattr(out, "_geometry_column_name", None)
            rows = _records(out, without=geometry)
        planned = self._planned_statuses(rows, col, values, plan_key)
        if planned is None:
            self._count(status)
            return status
        self._count(np.where(planned >= 0, PUBLISHED, status))
        return np.where(planned >= 0, planned, status).astype(np.int8)

    def _class_kde(
        self, out: pd.DataFrame, original: pd.DataFrame, count_col: str | None
    ) -> pd.DataFrame:
        self.summary.rules.add("raster")
        kde = pd.to_numeric(original["kde"], errors="coerce").to_numpy(float)
        if "support" in original.columns:
            support = pd.to_numeric(original["support"], errors="coerce").fillna(0).to_numpy()
        else:
            bandwidth = _param(original, "bandwidth")
            n = _as_counts(original[count_col], count_col) if count_col else None
            support = (
                _support_from_cells(original, n, float(bandwidth))
                if n is not None and bandwidth
                else (n if n is not None else np.zeros(len(kde)))
            )
        blank = (support < RASTER_MIN_SUPPORT) | ~np.isfinite(kde)
        self.summary.raster_cells_blanked += int((blank & (kde > 0)).sum())
        mean = float(np.nanmean(np.where(np.isfinite(kde), kde, np.nan))) if len(kde) else 0.0
        classes = density_classes(np.where(blank, np.nan, kde), mean)
        out = out.drop(
            columns=[c for c in ("kde", "gistar", "pvalue", "support") if c in out.columns]
        )
        out["kde_class"] = pd.array(classes, dtype="Int64")
        return out

    def _release_table(
        self,
        df: pd.DataFrame,
        kind: str,
        *,
        counts: Sequence[str] = ("n",),
        by: Sequence[str] | None = None,
        margins: bool = False,
        parents: Mapping[Any, Any] | None = None,
        rates: Mapping[str, tuple[str, str]] | None = None,
        per: float = 1000,
        plan_key: Callable[[Mapping[str, Any], str], Hashable] | None = None,
        **options: Any,
    ) -> pd.DataFrame:
        counts = _table_counts(df, kind, counts)
        rates = dict(rates or {})
        if by is None:
            by = [c for c in ("area_id", "category", "month", "period", "year") if c in df.columns]
        by = list(by)
        pop_cols = {p for _, p in rates.values()} | {"population"}
        attrs_cols = [
            c
            for c in df.columns
            if c not in by and c not in counts and c not in rates and c not in pop_cols
        ]
        if df.duplicated(by).any():
            raise _refuse(
                tr(
                    "{k}: flera rader för samma {b}",
                    "{k}: several rows for the same {b}",
                    k=kind_text(kind),
                    b=", ".join(map(str, by)),
                ),
                tr("summera först", "aggregate first"),
                "ID_DUPLICATE",
            )
        frame, equations, is_total = _build_cells(df, by, counts, margins, parents or {})
        _carry_area_attributes(frame, df, by, pop_cols, attrs_cols, parents)
        statuses = self._count_statuses(frame, counts, equations, is_total, by, plan_key)
        self._release_rates(frame, rates, statuses, per)
        for col in counts:
            values = _as_counts(frame[col], col)
            if self.public:
                frame[col] = _display(values, statuses[col])
            else:
                self._flag_internal(frame, col)
        if "population" in frame.columns:
            pops = pd.to_numeric(frame["population"], errors="coerce")
            frame["population"] = pops.round().astype("Int64")
        front = [c for c in (*by, *attrs_cols) if c in frame.columns]
        frame = frame[front + [c for c in frame.columns if c not in front]]
        return frame.reset_index(drop=True)

    def _count_statuses(
        self,
        frame: pd.DataFrame,
        counts: Sequence[str],
        equations: list,
        is_total: np.ndarray,
        by: Sequence[str] = (),
        plan_key: Callable[[Mapping[str, Any], str], Hashable] | None = None,
    ) -> dict[str, np.ndarray]:
        """Suppression status per count column (public: primary and complementary).

        With the set's plan and a ``plan_key`` (row of ``by`` values, count column → the
        plan's key), planned cells take the plan's status; a column with unplanned cells is
        solved as its own table around the planned ones (counted here)."""
        statuses = {}
        rows = frame[list(by)].to_dict("records") if plan_key is not None else []
        for col in counts:
            values = _as_counts(frame[col], col)
            if self.public:
                self.summary.rules.add("small_counts")
                if equations:
                    self.summary.rules.add("complementary")
                planned = self._planned_statuses(rows, col, values, plan_key)
                if planned is not None and (planned >= 0).all():
                    statuses[col] = planned.astype(np.int8)
                    continue
                initial = None if planned is None else np.where(planned == SECONDARY, SECONDARY, 0)
                table = LinearTable(values, tuple(equations), is_total)
                status = suppress(table, MIN_COUNT, initial=initial)
                if planned is not None:  # planned cells keep the plan's decision
                    status = np.where(planned >= 0, planned, status).astype(np.int8)
                self._count(np.where(planned is None or planned < 0, status, PUBLISHED))
            else:
                status = np.zeros(len(values), np.int8)
            statuses[col] = status
        return statuses

    def _planned_statuses(
        self,
        rows: list[dict],
        col: str,
        values: np.ndarray,
        plan_key: Callable[[Mapping[str, Any], str], Hashable] | None,
    ) -> np.ndarray | None:
        """The plan's status of every cell of a column (−1 = not planned); None without a plan.

        A planned cell must carry the plan's value: anything else is a product counting
        something other than what the plan protected, refused rather than published."""
        if plan_key is None or self.plan is None:
            return None
        out = np.full(len(values), -1, dtype=np.int8)
        for i, row in enumerate(rows):
            key = plan_key(row, col)
            status = self.plan.status_of(key)
            if status is None:
                continue
            if self.plan.values[key] != int(values[i]):
                raise _refuse(
                    tr(
                        "räknad cell {k} avviker från röjandeplanen ({a} ≠ {b})",
                        "counted cell {k} differs from the disclosure plan ({a} ≠ {b})",
                        k=key,
                        a=int(values[i]),
                        b=self.plan.values[key],
                    ),
                    "",
                    "TOTALS_INCONSISTENT",
                )
            out[i] = status
        return out

    def _release_rates(
        self,
        frame: pd.DataFrame,
        rates: Mapping[str, tuple[str, str]],
        statuses: Mapping[str, np.ndarray],
        per: float,
    ) -> None:
        """Compute each rate column in place; public: hide rates of small or hidden counts."""
        for rate_col, (num, pop) in rates.items():
            numer = _as_counts(frame[num], num)
            popv = pd.to_numeric(frame[pop], errors="coerce").to_numpy(float)
            computed = np.where(popv > 0, numer / np.where(popv > 0, popv, 1) * per, np.nan)
            ok = np.isfinite(computed)
            if self.public:
                self.summary.rules.add("rates")
                ok &= (numer >= MIN_COUNT) & (popv >= MIN_POPULATION)
                ok &= statuses.get(num, np.zeros(len(numer))) == PUBLISHED
                self.summary.rates_suppressed += int((~ok & np.isfinite(computed)).sum())
                # a rate without a recorded population is missing, not withheld: "uppgift
                # saknas" in reports, never the suppression marker
                frame[rate_col] = [
                    round(float(r), 1) if k else (np.nan if np.isnan(p) else HIDDEN)
                    for r, k, p in zip(computed, ok, popv)
                ]
            else:
                frame[rate_col] = np.round(computed, 1)

    def _release_survey(
        self,
        df: pd.DataFrame,
        *,
        shares: Sequence[str] = ("value",),
        n: str = "n",
        by: Sequence[str] = (),
        plan_key: Callable[[Mapping[str, Any], str], Hashable] | None = None,
        **options: Any,
    ) -> pd.DataFrame:
        out = df
        if not self.public:
            return out
        if plan_key is not None and self.plan is not None:
            return self._release_planned_survey(out, shares, n, by, plan_key)
        self.summary.rules.add("survey")
        if n not in out.columns:
            raise _refuse(
                tr(
                    "andelar utan antal svar ({n!r}) kan inte publiceras",
                    "shares without a response count ({n!r}) cannot be published",
                    n=n,
                ),
                tr("lägg till antalet svar per rad", "add the response count per row"),
                "SURVEY_N_MISSING",
            )
        counts = pd.to_numeric(out[n], errors="coerce").fillna(0).to_numpy()
        low = counts < MIN_SURVEY_N
        out = out.copy()
        for col in shares:
            if col in out.columns:
                values = out[col].astype(object)
                self.summary.shares_suppressed += int((low & values.notna().to_numpy()).sum())
                out[col] = [HIDDEN if w else v for v, w in zip(values, low)]
        # the response count is a count too: 1–4 is shown as "<5" (REFERENCE.md §5)
        small = (counts >= 1) & (counts < MIN_COUNT)
        if small.any():
            self.summary.rules.add("small_counts")
            out[n] = [SMALL if w else v for v, w in zip(out[n].astype(object), small)]
        return out

    def _release_points(
        self, df: pd.DataFrame, *, layer: str | None = None, snap: float = SNAP_M, **options: Any
    ) -> pd.DataFrame:
        if self.public:
            raise _refuse(
                tr(
                    "punktlager (enskilda händelser, pins, observationer) får inte publiceras "
                    "publikt",
                    "point layers (individual events, pins, observations) are not "
                    "allowed in public outputs",
                ),
                tr(
                    "aggregera till områden eller ett rutnät om minst 250 m, eller använd läget "
                    "internal",
                    "aggregate to areas or a ≥ 250 m grid, or use internal mode",
                ),
                "POINTS_PUBLIC",
            )
        if snap < SNAP_M:
            raise _refuse(
                tr(
                    "snäppning {s} m är mindre än {m} m",
                    "snapping {s} m is below {m} m",
                    s=snap,
                    m=SNAP_M,
                ),
                "",
                "SNAP_TOO_FINE",
            )
        from ..layers.schema import LAYERS

        allowed = set(LAYERS[layer].column_names) if layer in LAYERS else set(df.columns)
        allowed |= set(KINDS["map_layer"][0]) | set(options.get("columns", ()))
        geometry = getattr(df, "_geometry_column_name", None)
        if geometry is None:
            raise _refuse(
                tr("points: geometri saknas", "points: geometry missing"), "", "GEOM_MISSING"
            )
        if df.crs is None or not df.crs.is_projected:
            raise _refuse(
                tr(
                    "points: metriskt koordinatsystem krävs för snäppning, fick {c}",
                    "points: a metric CRS is needed for snapping, got {c}",
                    c=df.crs,
                ),
                tr("projicera till t.ex. EPSG:3006", "project to e.g. EPSG:3006"),
                "CRS_NOT_METRIC",
            )
        df = self._restrict_columns(df, "points", extra=allowed)  # free text redacted there
        import shapely

        geoms = df.geometry.to_numpy()
        coords = shapely.get_coordinates(geoms)
        snapped = np.floor(coords / snap) * snap + snap / 2
        df[geometry] = shapely.set_coordinates(shapely.from_wkb(shapely.to_wkb(geoms)), snapped)
        return df

    def _release_raster(
        self,
        values: np.ndarray,
        *,
        cell_size: float | None = None,
        support: np.ndarray | None = None,
        counts: np.ndarray | None = None,
        bandwidth: float | None = None,
        nodata: float = -9999.0,
        **options: Any,
    ) -> ReleasedRaster:
        values = np.array(values, dtype=float)
        tags = {"TRYGGAPLATSER_MODE": self.mode}
        if not self.public:
            tags["TRYGGAPLATSER_MARKING"] = INTERNAL_MARKING
            tags["TRYGGAPLATSER_VALUES"] = "tathet (ra)"
            values = np.where(np.isfinite(values), values, nodata)
            return ReleasedRaster(values, nodata, tags)
        self.summary.rules.add("raster")
        if cell_size is None or cell_size < MIN_GRID_M - 1e-6:
            raise _refuse(
                tr(
                    "raster: cellstorleken {s} m är mindre än {m} m",
                    "raster: cell size {s} m is below {m} m",
                    s=cell_size,
                    m=MIN_GRID_M,
                ),
                tr(
                    "beräkna ytan med cell_size ≥ {m} för publik utdata",
                    "compute the surface with cell_size ≥ {m} for public output",
                    m=MIN_GRID_M,
                ),
                "PUBLIC_CELL_SIZE",
            )
        self.summary.grid_sizes.add(round(cell_size))
        if support is None:
            if counts is None or bandwidth is None:
                raise _refuse(
                    tr("raster: stödet per cell saknas", "raster: support missing"),
                    tr(
                        "ange support= (antal händelser som bär varje cell) eller "
                        "counts= och bandwidth=",
                        "pass support= (events supporting each cell) or counts= and bandwidth=",
                    ),
                    "ARGUMENT_MISSING",
                )
            support = _disk_sum(np.asarray(counts, float), float(bandwidth) / float(cell_size))
        support = np.asarray(support, dtype=float)
        if support.shape != values.shape:
            raise _refuse(
                tr(
                    "raster: support har formen {a}, värdena {b}",
                    "raster: support has shape {a}, values {b}",
                    a=support.shape,
                    b=values.shape,
                ),
                "",
                "RASTER_SHAPE",
            )
        blank = (support < RASTER_MIN_SUPPORT) | ~np.isfinite(values)
        blanked = int((blank & (np.nan_to_num(values) > 0)).sum())
        self.summary.raster_cells_blanked += blanked
        mean = float(np.nanmean(values)) if np.isfinite(values).any() else 0.0
        classes = density_classes(np.where(blank, np.nan, values).ravel(), mean)
        out = np.where(np.isnan(classes), 0, classes).reshape(values.shape).astype(np.uint8)
        tags["TRYGGAPLATSER_VALUES"] = tr(
            "klass 1–{k} (täthet jämfört med medel: <1, 1–2, 2–4, 4–8, ≥8 ×), 0 = ingen uppgift",
            "class 1–{k} (density against the mean: <1, 1–2, 2–4, 4–8, ≥8 ×), 0 = no data",
            k=RASTER_CLASSES,
        )
        return ReleasedRaster(out, 0, tags, blanked)

    def _count(self, status: np.ndarray) -> None:
        self.summary.primary += int((status == PRIMARY).sum())
        self.summary.secondary += int((status == SECONDARY).sum())

    # -----------------------------------------------------------------------------------------
    # metadata, HTML, files

    def metadata(self, extra: Mapping[str, Any] | None = None) -> dict[str, str]:
        """Metadata tags for any file (GeoTIFF tags, GPKG/PDF/PNG metadata, HTML meta).

        Always ``tryggaplatser_mode``; internal adds ``tryggaplatser_marking`` with
        "INTERNT – ej för spridning". ``extra`` values are checked: no absolute paths, user or
        host names; in public mode keys about bandwidth, seeds or raw parameters are refused.
        """
        tags = {"tryggaplatser_mode": self.mode}
        if not self.public:
            tags["tryggaplatser_marking"] = INTERNAL_MARKING
        for key, value in (extra or {}).items():
            text = f"{key}={value}"
            problems = metadata_problems(text)
            if self.public and re.search(
                r"bandwidth|bandbredd|seed|fro|frö|breaks|brytpunkt", str(key), re.I
            ):
                problems.append(
                    tr(
                        "parameter som kan användas för att återskapa skyddade värden",
                        "parameter that could help undo the protection",
                    )
                )
            if problems:
                raise _refuse(
                    tr("metadata {k!r}: {p}", "metadata {k!r}: {p}", k=key, p="; ".join(problems)),
                    tr("ta bort fältet", "remove the field"),
                    "METADATA_PRIVATE",
                )
            tags[str(key)] = str(value)
        return tags

    def banner_html(self) -> str:
        """The visible marking for internal HTML (empty string in public mode)."""
        if self.public:
            return ""
        return (
            '<div class="tryggaplatser-internt" style="position:fixed;top:0;left:50%;'
            "transform:translateX(-50%);z-index:100000;background:#b00020;color:#fff;"
            'font:bold 14px sans-serif;padding:4px 12px;border-radius:0 0 4px 4px">'
            f"{INTERNAL_MARKING}</div>"
        )

    def finalise_html(self, page: str) -> str:
        """Add the mode ``<meta>`` tag, and for internal pages a visible marking and title prefix.

        Parameters
        ----------
        page : str
            A complete HTML document (e.g. ``folium.Map.get_root().render()``).
        """
        meta = f'<meta name="tryggaplatser-mode" content="{self.mode}">'
        if re.search(r"<head[^>]*>", page, re.I):
            page = re.sub(r"(<head[^>]*>)", lambda m: m.group(1) + meta, page, count=1, flags=re.I)
        else:
            page = meta + page
        if not self.public:
            banner = self.banner_html()
            if re.search(r"<body[^>]*>", page, re.I):
                page = re.sub(
                    r"(<body[^>]*>)", lambda m: m.group(1) + banner, page, count=1, flags=re.I
                )
            else:
                page += banner
            page = re.sub(r"<title>", f"<title>{INTERNAL_MARKING} – ", page, count=1)
        return page

    def write_html(
        self,
        page: str,
        path: str | Path,
        *,
        kind: str = "html",
        about: Mapping[str, Any] | None = None,
    ) -> Path:
        """Finalise an HTML page (:meth:`finalise_html`), write it as UTF-8 and :meth:`seal` it
        (``about`` as there)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.finalise_html(page), encoding="utf-8")
        self.seal(path, kind=kind, about=about)
        return path

    def export(
        self,
        data: Any,
        kind: str,
        path: str | Path,
        writer: Callable[..., Any],
        *,
        writer_kwargs: Mapping[str, Any] | None = None,
        **release_options: Any,
    ) -> Path:
        """Release data, write it with ``writer(released, path, **writer_kwargs)``, seal the file.

        ``writer`` receives ``metadata=self.metadata()`` unless ``writer_kwargs`` sets it, so a
        writer should accept a ``metadata`` keyword and write it into the file (GPKG metadata,
        GeoTIFF tags...).
        """
        import inspect

        released = self.release(data, kind, **release_options)
        kwargs = dict(writer_kwargs or {})
        try:
            params = inspect.signature(writer).parameters
        except (TypeError, ValueError):
            params = {}
        if isinstance(released, ReleasedRaster):
            if "nodata" in params:
                kwargs.setdefault("nodata", released.nodata)
            tags = {**self.metadata(), **released.tags}
        else:
            tags = self.metadata()
        for name in ("metadata", "tags"):
            if name in params:
                kwargs.setdefault(name, tags)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = released.values if isinstance(released, ReleasedRaster) else released
        try:
            writer(payload, path, **kwargs)
            self.stamp(path)
        except BaseException:
            path.unlink(missing_ok=True)  # never a half-written file
            raise
        self.seal(path, kind=kind)
        return path

    def stamp(self, path: str | Path) -> None:
        """Write the mode (and the internal marking) into a file's own metadata.

        GeoPackage: a row in the standard ``gpkg_metadata`` tables (metadata extension),
        visible in QGIS' layer properties. GeoTIFF: dataset tags (only if the writer did not
        already set them; prefer passing :meth:`metadata` as the writer's tags). Other file
        types carry the marking in their content (HTML banner, the CSV column ``markning``,
        XLSX sheet titles and page headers).
        """
        path = Path(path)
        tags = self.metadata()
        if path.suffix.lower() == ".gpkg":
            _stamp_gpkg(path, tags)
        elif path.suffix.lower() in (".tif", ".tiff"):
            import rasterio

            with rasterio.open(path) as src:
                present = src.tags()
            if any(present.get(k) != v for k, v in tags.items()):
                with rasterio.open(path, "r+") as dst:
                    dst.update_tags(**tags)

    def seal(
        self,
        path: str | Path,
        *,
        kind: str = "file",
        about: Mapping[str, Any] | None = None,
        extra: Mapping[str, str] | None = None,
    ) -> dict[str, str]:
        """Scan a written file with the mode's audit rules and record it in the manifest.

        A file with findings is refused and deleted, in either mode, and its name leaves the
        manifest (an earlier run's entry included): a refused file never stays on disk looking
        complete. Internal files must carry the marking "INTERNT – ej för spridning" (in text,
        or in metadata tags).

        Parameters
        ----------
        path : str or Path
            The written file.
        kind : str
            What the file is (``"report"``, ``"map"``, ``"figure"``, ``"csv:table"`` …).
        about : mapping, optional
            What the folder's start page (``index.html``) shows about the file, recorded in
            its manifest entry: ``title``, ``period``, ``area`` (area name) and
            ``municipality``, each a short text; other keys and empty values are left out.
        extra : mapping, optional
            More fields of the manifest entry, as they are (a printed PDF records the
            ``source_sha256`` of the HTML it was printed from, :mod:`.pdf`).

        Returns
        -------
        dict
            The manifest entry (``mode``, ``kind``, ``sha256``, and the ``about`` texts).
        """
        from .._clock import pin_file_times

        path = Path(path)
        pin_file_times(path)  # same inputs -> byte-identical files
        findings = [f for f in scan_file(path, self.mode, manifest=False)]
        if findings:
            path.unlink(missing_ok=True)
            _forget_in_manifest(path)
            lines = "; ".join(
                f"{f.rule}: {f.message} ({', '.join(x for x in (f.place, f.excerpt) if x)})"
                for f in findings[:5]
            )
            raise _refuse(
                tr(
                    "{f}: {n} fynd vid granskning: {l}",
                    "{f}: {n} audit findings: {l}",
                    f=path.name,
                    n=len(findings),
                    l=lines,
                ),
                tr(
                    "rätta exporten; filen har inte släppts",
                    "fix the exporter; the file was not released",
                ),
                "AUDIT_FINDINGS",
            )
        entry = {"mode": self.mode, "kind": kind, "sha256": _sha256(path)}
        for key in ABOUT_KEYS:
            text = " ".join(text_of((about or {}).get(key) or "").split())  # no bidi controls
            if text:
                entry[key] = text
        entry.update(extra or {})
        _record_in_manifest(path, entry)
        if self.public and path.name not in _NOT_OUTPUTS:
            self.summary.outputs[path.name] = kind
        return entry

    def take_summary(self) -> DisclosureSummary:
        """What the gate has recorded so far, leaving it empty: a forked worker hands its part
        of the set back this way, and the parent's gate adds it with :meth:`add_summary`."""
        part = self.summary
        self.summary = DisclosureSummary(
            min_count=part.min_count,
            min_population=part.min_population,
            min_survey_n=part.min_survey_n,
            raster_classes=part.raster_classes,
        )
        return part

    def add_summary(self, part: DisclosureSummary) -> None:
        """Add what a worker's copy of this gate recorded (see :meth:`take_summary`)."""
        self.summary = self.summary.merged(part)

    def finish(self, out_dir: str | Path) -> list[Path]:
        """Close an output set: in public mode write and seal the disclosure report.

        A public folder holds one disclosure plan: when its files were released by another
        plan (:func:`~.disclosure.plan_conflicts`), the set is refused (``PLAN_SCOPE_MISMATCH``)
        and, written through a staging folder, never replaces the previous set."""
        if not self.public:
            return []
        others = plan_conflicts(out_dir, self.summary)
        if others:
            raise _refuse(
                tr(
                    "den publika mappen har redan filer från en annan röjandeplan ({o}); "
                    "de här filerna har planen {p}, och ett värde som den ena döljer kunde "
                    "räknas fram ur den andra",
                    "the public folder already holds files of another disclosure plan ({o}); "
                    "these files have the plan {p}, and a value one hides could be derived "
                    "from the other",
                    o="; ".join(others),
                    p=self.summary.plan_scope,
                ),
                tr(
                    "skriv den till en egen mapp (--out), eller skriv om mappens alla "
                    "publika filer med samma val",
                    "write it into a folder of its own (--out), or rewrite every public "
                    "file of the folder with the same choices",
                ),
                "PLAN_SCOPE_MISMATCH",
            )
        paths = write_disclosure_report(out_dir, self.summary)
        for p in paths:
            self.seal(p, kind="disclosure_report")
        return paths


# ---------------------------------------------------------------------------------------------
# helpers


def _stamp_gpkg(path: Path, tags: Mapping[str, str]) -> None:
    import sqlite3

    text = json.dumps(dict(tags), ensure_ascii=False)
    con = sqlite3.connect(path)
    try:
        con.execute("""CREATE TABLE IF NOT EXISTS gpkg_metadata (
            id INTEGER CONSTRAINT m_pk PRIMARY KEY ASC NOT NULL,
            md_scope TEXT NOT NULL DEFAULT 'dataset', md_standard_uri TEXT NOT NULL,
            mime_type TEXT NOT NULL DEFAULT 'text/xml', metadata TEXT NOT NULL DEFAULT '')""")
        con.execute("""CREATE TABLE IF NOT EXISTS gpkg_metadata_reference (
            reference_scope TEXT NOT NULL, table_name TEXT, column_name TEXT, row_id_value INTEGER,
            timestamp DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
            md_file_id INTEGER NOT NULL, md_parent_id INTEGER,
            CONSTRAINT crmr_mfi_fk FOREIGN KEY (md_file_id) REFERENCES gpkg_metadata(id),
            CONSTRAINT crmr_mpi_fk FOREIGN KEY (md_parent_id) REFERENCES gpkg_metadata(id))""")
        con.execute("""CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT,
            column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
            scope TEXT NOT NULL)""")
        uri = "https://tryggaplatser/gate"
        old = [
            r[0]
            for r in con.execute("SELECT id FROM gpkg_metadata WHERE md_standard_uri=?", (uri,))
        ]
        for i in old:
            con.execute("DELETE FROM gpkg_metadata_reference WHERE md_file_id=?", (i,))
            con.execute("DELETE FROM gpkg_metadata WHERE id=?", (i,))
        cur = con.execute(
            "INSERT INTO gpkg_metadata (md_scope, md_standard_uri, mime_type, "
            "metadata) VALUES ('dataset', ?, 'application/json', ?)",
            (uri, text),
        )
        con.execute(
            "INSERT INTO gpkg_metadata_reference (reference_scope, md_file_id) "
            "VALUES ('geopackage', ?)",
            (cur.lastrowid,),
        )
        for table in ("gpkg_metadata", "gpkg_metadata_reference"):
            exists = con.execute(
                "SELECT 1 FROM gpkg_extensions WHERE table_name=? AND "
                "extension_name='gpkg_metadata'",
                (table,),
            ).fetchone()
            if not exists:
                con.execute(
                    "INSERT INTO gpkg_extensions VALUES (?, NULL, 'gpkg_metadata', "
                    "'http://www.geopackage.org/spec120/#extension_metadata', "
                    "'read-write')",
                    (table,),
                )
        con.commit()
    finally:
        con.close()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _record_in_manifest(path: Path, entry: dict) -> None:
    """Add a sealed file to its folder's manifest. The update is locked, so several processes
    may seal files into one folder at once (the demo writes its sets in parallel), and the
    files are listed in name order, so the manifest is the same whichever process came first."""
    manifest_path = path.parent / MANIFEST
    with _locked(manifest_path):
        manifest = _read_manifest(manifest_path)
        manifest["files"][path.name] = entry
        manifest["files"] = dict(sorted(manifest["files"].items()))
        manifest_path.write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )


def _forget_in_manifest(path: Path) -> None:
    """Remove a refused file's entry (left by an earlier run) from its folder's manifest."""
    manifest_path = path.parent / MANIFEST
    if not manifest_path.exists():
        return
    with _locked(manifest_path):
        manifest = _read_manifest(manifest_path)
        if manifest["files"].pop(path.name, None) is not None:
            manifest_path.write_text(
                json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )


@contextlib.contextmanager
def _locked(path: Path):
    """An exclusive advisory lock on ``path`` (created if missing) where the OS has one."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - no fcntl (Windows): the demo runs its sets in turn
        yield
        return
    with open(path, "a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_manifest(folder: str | Path) -> dict[str, dict]:
    """The files of a folder's manifest (``{name: entry}``), read under the manifest's lock so
    a process sealing into the folder at the same time is never seen half-written; ``{}``
    without a manifest."""
    path = Path(folder) / MANIFEST
    if not path.exists():
        return {}
    with _locked(path):
        return dict(_read_manifest(path)["files"])


@contextlib.contextmanager
def folder_lock(folder: str | Path):
    """An exclusive advisory lock on a folder itself (no lock file is created), for work that
    reads the whole folder and writes one file from it, such as its start page: two processes
    finishing into one folder then write it one after the other, the last from the complete
    manifest. Never take it while holding the manifest's lock (the order is folder, manifest).
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - no fcntl (Windows): the demo runs its sets in turn
        yield
        return
    import os

    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _read_manifest(path: Path) -> dict:
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and isinstance(data.get("files"), dict):
                return data
        except (OSError, json.JSONDecodeError):
            pass
    return {"tryggaplatser_manifest": 1, "files": {}}


def _as_counts(series: pd.Series, name: str) -> np.ndarray:
    values = pd.to_numeric(series, errors="coerce")
    if values.isna().any():
        values = values.fillna(0)
    arr = values.to_numpy(float)
    whole = np.round(arr)
    if (arr < 0).any() or not ((arr == whole).all() or np.allclose(arr, whole)):
        raise _refuse(
            tr(
                "kolumnen {c!r} innehåller värden som inte är antal (heltal ≥ 0)",
                "column {c!r} holds values that are not counts (integers ≥ 0)",
                c=name,
            ),
            tr("ange räknekolumnen via counts=", "name the count column via counts="),
            "COUNT_INVALID",
        )
    return whole.astype(np.int64)


def _has_points(geometry: Any) -> bool:
    """Whether a geometry column holds points or multipoints (individual events)."""
    import shapely

    kinds = shapely.get_type_id(np.asarray(geometry.array))
    return bool(np.isin(kinds, (shapely.GeometryType.POINT, shapely.GeometryType.MULTIPOINT)).any())


class _Records(Sequence):
    """``frame.to_dict("records")``, read column by column as rows are asked for their values:
    a plan key reads a cell's id, not every column of every row. ``columns``: the columns the
    rows show (all of the frame's but its geometry, :func:`_records`)."""

    def __init__(self, frame: pd.DataFrame, columns: list[Any]):
        self.frame = frame
        self.columns = columns
        self._shown = set(columns)
        self._columns: dict[Any, list[Any]] = {}

    def __len__(self) -> int:
        return len(self.frame)

    def __getitem__(self, i: int) -> Mapping[str, Any]:  # type: ignore[override]
        if not 0 <= i < len(self.frame):
            raise IndexError(i)
        return _LazyRow(self, i)

    def __iter__(self):
        return (_LazyRow(self, i) for i in range(len(self.frame)))

    def column(self, name: Any) -> list[Any]:
        if name not in self._columns:  # the values as to_dict boxes them (native scalars)
            self._columns[name] = self.frame[[name]].to_dict("list")[name]
        return self._columns[name]


class _LazyRow(Mapping):
    """One row of :class:`_Records`."""

    def __init__(self, records: _Records, i: int):
        self._records, self._i = records, i

    def __getitem__(self, key: Any) -> Any:
        columns = self._records._columns
        if key in columns:  # a column read already (and so known to be one)
            return columns[key][self._i]
        if key not in self._records._shown:
            raise KeyError(key)
        return self._records.column(key)[self._i]

    def __iter__(self):
        return iter(self._records.columns)

    def __len__(self) -> int:
        return len(self._records.columns)


def _records(frame: pd.DataFrame, without: Any = None) -> Sequence[Mapping[str, Any]]:
    """The rows of ``frame`` as mappings (:class:`_Records`), without the column ``without``
    (a layer's geometry: read from the frame as it is, not from a copy without it); a frame
    with repeated column names as ``to_dict("records")`` itself."""
    if not frame.columns.is_unique:
        return frame.drop(columns=[c for c in (without,) if c in frame.columns]).to_dict("records")
    return _Records(frame, [c for c in frame.columns if c != without or without is None])


def _display(values: np.ndarray, status: np.ndarray) -> list[Any]:
    return [
        SMALL if s == PRIMARY else HIDDEN if s == SECONDARY else int(v)
        for v, s in zip(values, status)
    ]


def _param(frame: pd.DataFrame, name: str) -> float | None:
    """A numeric parameter recorded by the analysis in ``attrs["tryggaplatser"]["params"]``.

    The single place the gate reads analysis parameters. Accepts both plain values
    (``{"cell_size": 250.0}``) and the records the hotspot verbs write
    (``{"cell_size": {"value": 250.0, "auto": True, "rule": "…"}}``, see
    :func:`tryggaplatser.analysis._common.record_param`); falls back to
    ``attrs["tryggaplatser"]["grid"]["cell_size"]`` for ``cell_size``.

    Parameters
    ----------
    frame : DataFrame
        An analysis result (its ``attrs`` are read, never changed).
    name : str
        Parameter name, e.g. ``"cell_size"`` or ``"bandwidth"``.

    Returns
    -------
    float or None
        The value, or ``None`` when it is missing, not a finite number, or a boolean.
    """
    record = getattr(frame, "attrs", {}).get("tryggaplatser", {}) or {}
    params = record.get("params", {}) or {}
    value = params.get(name) if isinstance(params, Mapping) else None
    if isinstance(value, Mapping):
        value = value.get("value")
    if value is None and name == "cell_size":
        value = (record.get("grid", {}) or {}).get("cell_size")
    if value is None or isinstance(value, (bool, np.bool_)):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _cell_size(frame: pd.DataFrame) -> float | None:
    import shapely

    geom_size = None
    if hasattr(frame, "geometry") and len(frame):
        bounds = shapely.bounds(np.asarray(frame.geometry.array))  # minx, miny, maxx, maxy
        side = np.minimum(bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1])
        geom_size = float(np.nanmin(side)) if len(side) else None
    size = _param(frame, "cell_size")
    if size is None:
        return geom_size
    if geom_size is not None:
        return min(float(size), geom_size)
    return float(size)


def density_classes(values: np.ndarray, mean: float) -> np.ndarray:
    """Density classes 1–5 relative to the mean density ``mean`` of the whole grid: 1 below the
    mean, 2 at 1–2 ×, 3 at 2–4 ×, 4 at 4–8 ×, 5 at 8 × or more
    (:data:`~tryggaplatser.policy.DENSITY_CLASS_BOUNDS`). Zero, missing or blanked values stay
    NaN (no class).

    >>> density_classes(np.array([0.0, 0.5, 1.0, 3.0, 7.9, 8.0, np.nan]), 1.0).tolist()
    [nan, 1.0, 2.0, 3.0, 4.0, 5.0, nan]
    """
    values = np.asarray(values, dtype=float)
    out = np.full(values.shape, np.nan)
    valid = np.isfinite(values) & (values > 0)
    if not valid.any() or not mean > 0:
        return out
    ratio = values[valid] / mean
    out[valid] = 1 + np.searchsorted(np.asarray(DENSITY_CLASS_BOUNDS), ratio, side="right")
    return out


def density_class_labels() -> list[str]:
    """Legend texts of the density classes, in Swedish or English."""
    b = [f"{v:g}" for v in DENSITY_CLASS_BOUNDS]
    return [
        tr("under medel (< {a} ×)", "below the mean (< {a} ×)", a=b[0]),
        *(
            tr("{a}–{c} × medel", "{a}–{c} × the mean", a=lo, c=hi)
            for lo, hi in itertools.pairwise(b)
        ),
        tr("minst {a} × medel", "at least {a} × the mean", a=b[-1]),
    ]


def _disk_sum(counts: np.ndarray, radius_cells: float) -> np.ndarray:
    from scipy.signal import fftconvolve

    r = max(0, math.ceil(radius_cells))
    yy, xx = np.mgrid[-r : r + 1, -r : r + 1]
    kernel = (np.hypot(yy, xx) <= max(radius_cells, 0.5)).astype(float)
    return np.round(fftconvolve(np.nan_to_num(counts), kernel, mode="same"), 6)


def _support_from_cells(cells: pd.DataFrame, n: np.ndarray, bandwidth: float) -> np.ndarray:
    from scipy.spatial import cKDTree

    centroids = cells.geometry.centroid
    centres = np.column_stack([centroids.x, centroids.y])
    tree = cKDTree(centres)
    neighbours = tree.query_ball_point(centres, r=bandwidth)
    return np.array([n[idx].sum() for idx in neighbours], dtype=float)


def _redact_series(values: pd.Series) -> pd.Series:
    """Free text with personal data replaced (the importers' redaction, run again here)."""
    missing = values.isna()
    try:
        from ..layers.redact import redact_text

        redacted, _ = redact_text(values.where(~missing, ""))
    except ImportError:  # pragma: no cover - layers.redact ships with the package
        redacted = values.where(~missing, "").astype(str).map(redact)
    redacted = redacted.astype(object).map(redact)  # the audit's pass: stricter on format
    return redacted.where(~missing, None)


def _table_counts(df: pd.DataFrame, kind: str, counts: Sequence[str]) -> list[str]:
    """The count columns present in ``df``; refuses a table without one."""
    counts = [c for c in counts if c in df.columns]
    if not counts:
        raise _refuse(
            tr(
                "{k}: ingen antalskolumn (counts) finns i tabellen",
                "{k}: no count column (counts) in the table",
                k=kind_text(kind),
            ),
            tr("ange counts=(...)", "pass counts=(...)"),
            "COUNT_INVALID",
        )
    return counts


def _carry_area_attributes(
    frame: pd.DataFrame,
    df: pd.DataFrame,
    by: Sequence[str],
    pop_cols: set[str],
    attrs_cols: Sequence[str],
    parents: Mapping[Any, Any] | None,
) -> None:
    """Copy population and area attributes (name…) from ``df`` onto the cells, in place."""
    for pop in sorted(pop_cols & set(df.columns)):  # attribute of the area, not additive
        if "area_id" not in by:
            frame[pop] = df[pop].iloc[0] if df[pop].nunique() == 1 else np.nan
            continue
        lookup = df.drop_duplicates("area_id").set_index("area_id")[pop]
        frame[pop] = pd.to_numeric(frame["area_id"].map(lookup), errors="coerce").astype(float)
        roots = [
            a
            for a in lookup.index
            if a not in set((parents or {}).keys())
            or (parents or {}).get(a) not in set(lookup.index)
        ]
        known = pd.to_numeric(lookup.loc[roots], errors="coerce")
        # the total is unknown (not 0) when any area's population was not recorded
        frame.loc[frame["area_id"] == TOTAL, pop] = (
            float(known.sum()) if len(known) and known.notna().all() else np.nan
        )
    for col in attrs_cols:  # attributes of the area (name...) carried to the cells
        if "area_id" in by and col in df.columns:
            lookup = df.drop_duplicates("area_id").set_index("area_id")[col]
            frame[col] = frame["area_id"].map(lookup)
            if "area_id" in frame:
                frame.loc[frame["area_id"] == TOTAL, col] = (
                    tr("Totalt", "Total") if col == "name" else None
                )


def _build_cells(
    df: pd.DataFrame, by: list[str], counts: list[str], margins: bool, parents: Mapping[Any, Any]
) -> tuple[pd.DataFrame, list[tuple[int, tuple[int, ...]]], np.ndarray]:
    """The full table (inner cells, margins, parent areas) and its additive equations."""
    levels: dict[str, list[Any]] = {d: list(pd.unique(df[d])) for d in by}
    if TOTAL in {str(v) for d in by for v in levels[d]}:
        raise _refuse(
            tr(
                "värdet {t!r} är reserverat för summor",
                "the value {t!r} is reserved for totals",
                t=TOTAL,
            ),
            tr("ta bort summarader; grinden räknar dem", "drop total rows; the gate computes them"),
            "TOTAL_RESERVED",
        )
    value_cols = list(counts)
    base = pd.DataFrame(
        df[value_cols].to_numpy(float), columns=value_cols, index=pd.MultiIndex.from_frame(df[by])
    )
    children = _children_of(parents, by, levels)
    roots = (
        [
            a
            for a in levels.get("area_id", [])
            if a not in {c for cs in children.values() for c in cs}
        ]
        if parents
        else None
    )
    dims_levels = [levels[d] + ([TOTAL] if margins else []) for d in by]
    index = pd.MultiIndex.from_product(dims_levels, names=by)
    # the cells' values as one array (inner cells from df, other inner cells 0, totals
    # unknown until the margins are summed), written into the frame once at the end
    cells = np.full((len(index), len(value_cols)), np.nan)
    is_total = _has_total(index, by)
    where = index.get_indexer(base.index)
    if (where < 0).any():  # cannot happen: the index is the product of df's own values
        raise KeyError("a row of the table is not in its index")
    cells[~np.isin(np.arange(len(index)), where) & ~is_total] = 0.0
    cells[where] = base.to_numpy(float)
    pos = {key: i for i, key in enumerate(index)}
    equations: list[tuple[int, tuple[int, ...]]] = []
    if margins:
        equations += _margin_equations(cells, index, by, levels, roots, pos)
    if children:
        equations += _nested_equations(cells, index, by, children, pos)
    full = pd.DataFrame(cells, index=index, columns=value_cols)
    frame = full.reset_index()
    frame[by] = frame[by].astype(object)
    return frame, equations, is_total


def _children_of(
    parents: Mapping[Any, Any], by: list[str], levels: dict[str, list[Any]]
) -> dict[Any, list[Any]]:
    """Parent area → its child areas, both present in the table."""
    children: dict[Any, list[Any]] = {}
    if parents:
        if "area_id" not in by:
            raise _refuse("parents kräver area_id i by", "", "ARGUMENTS_CONFLICT")
        present = set(levels["area_id"])
        for child, parent in parents.items():
            if child in present and parent in present:
                children.setdefault(parent, []).append(child)
    return children


def _margin_equations(
    cells: np.ndarray,
    index: pd.MultiIndex,
    by: list[str],
    levels: dict[str, list[Any]],
    roots: list[Any] | None,
    pos: dict[tuple, int],
) -> list[tuple[int, tuple[int, ...]]]:
    """Fill the margins of ``cells`` (the values of the rows of ``index``) in place and
    return every margin equation.

    Margins: total over dimension d of every line (other dims fixed, totals included).
    Values first (passes until every total is known), then EVERY equation, including the
    ones implied by others (e.g. grand total = sum of row totals = sum of column totals):
    the suppression needs each cell's full list of equations to find complements.
    """

    def parts_of(key: tuple, d: int) -> list[int]:
        dim = by[d]
        members_levels = roots if dim == "area_id" and roots is not None else levels[dim]
        out = []
        for lv in members_levels:
            k = list(key)
            k[d] = lv
            out.append(pos[tuple(k)])
        return out

    total_keys = [key for key in index if TOTAL in key]
    # each total's parts along each of its total dimensions, looked up once
    parts = {
        key: [(d, parts_of(key, d)) for d in range(len(by)) if key[d] == TOTAL]
        for key in total_keys
    }
    for _ in range(len(by) + 1):
        for key in total_keys:
            for _d, members in parts[key]:
                vals = cells[members]
                if not np.isnan(vals).any():
                    cells[pos[key]] = vals.sum(axis=0)
                    break
    return [(pos[key], tuple(members)) for key in total_keys for _d, members in parts[key]]


def _nested_equations(
    cells: np.ndarray,
    index: pd.MultiIndex,
    by: list[str],
    children: dict[Any, list[Any]],
    pos: dict[tuple, int],
) -> list[tuple[int, tuple[int, ...]]]:
    """Nested areas: parent = sum(children), for every combination of the other dims
    (``cells``: the count values of the rows of ``index``)."""
    equations = []
    d = by.index("area_id")
    for parent, kids in children.items():
        for key in index:
            if key[d] != parent:
                continue
            parts = []
            for kid in kids:
                k = list(key)
                k[d] = kid
                parts.append(pos[tuple(k)])
            total = cells[pos[key]]
            summed = cells[parts].sum(axis=0)
            if not np.allclose(total, summed):
                raise _refuse(
                    tr(
                        "området {p!r} är inte summan av sina delområden ({a} ≠ {b})",
                        "area {p!r} is not the sum of its parts ({a} ≠ {b})",
                        p=parent,
                        a=total.tolist(),
                        b=summed.tolist(),
                    ),
                    tr(
                        "kontrollera parents= eller publicera inte båda nivåerna",
                        "check parents= or do not publish both levels",
                    ),
                    "TOTALS_INCONSISTENT",
                )
            equations.append((pos[key], tuple(parts)))
    return equations


def _has_total(index: pd.MultiIndex, by: list[str]) -> np.ndarray:
    mask = np.zeros(len(index), bool)
    for i, key in enumerate(index):
        mask[i] = any(k == TOTAL for k in (key if isinstance(key, tuple) else (key,)))
    return mask
