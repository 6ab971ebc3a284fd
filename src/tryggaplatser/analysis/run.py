"""One run: the analysis of a project for one mode, computed once and shared by every product.

A :class:`Run` is what a command (or a notebook) asks for its statistics. Every result is
computed the first time a product asks for it and then kept, so the interactive maps, the PNG
figures, the area reports, the lägesbild, the GeoPackage, the rasters and the action plans of a
run all render **the same** objects: the same grid, the same Gi* cells in the same classes, the
same area profiles. The mode's rules are applied here, once:

* the incidents of a run are the *placed* ones (records at the municipality centroid are never
  a place) and, in public mode, without the sensitive categories;
* the grid is chosen once, on all the run's placed incidents (sfhotspot's cell-size rule,
  announced; public runs at least :data:`~tryggaplatser.policy.PUBLIC_MIN_CELL_SIZE`), so a
  week, a month and a year of the same project are analysed on the same grid;
* a public run's period is whole months (:data:`~tryggaplatser.policy.PUBLIC_FINEST_TIME`).

Gi* is computed on counts everywhere; the KDE is a density surface to look at and is never
tested.

Examples
--------
>>> import geopandas as gpd, numpy as np, pandas as pd
>>> from types import SimpleNamespace
>>> rng = np.random.default_rng(3)
>>> xy = np.r_[rng.uniform(0, 3000, (300, 2)), rng.normal(1400, 120, (150, 2))]
>>> times = pd.Timestamp("2025-01-03", tz="Europe/Stockholm") + pd.to_timedelta(
...     rng.uniform(0, 700, len(xy)), unit="D")
>>> incidents = gpd.GeoDataFrame({"occurred_at": times.tz_convert("UTC"),
...     "category": "skadegorelse"}, geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=3006)
>>> project = SimpleNamespace(layers={"incidents": incidents}, config=None)
>>> run = Run(project, "public")
>>> run.period
(datetime.date(2025, 2, 1), datetime.date(2026, 11, 30))
>>> cells = run.hotspots().cells
>>> run.hotspots() is run.hotspots(), run.provenance.cell_size
(True, 250.0)
>>> int(cells["gi_bin"].eq(3).sum()) > 0
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd

from .._announce import announce
from ..errors import ArgumentError, GateRefusal
from ..i18n import tr
from ..policy import MIN_GRID_M, PUBLIC_MIN_CELL_SIZE
from ..provenance import Choice, Provenance, amend, cell_size_of, set_param
from . import periods as _periods
from ._common import check_mode

__all__ = ["Choice", "HotspotResult", "Provenance", "Run", "placed"]


@dataclass
class HotspotResult:
    """The hotspot analysis of a run for one period: one grid, counts, KDE, Gi* (on counts).

    Attributes
    ----------
    cells : GeoDataFrame
        ``cell_id, row, col, n, kde, gistar, pvalue, gi_bin, geometry`` (square grids; hexagon
        grids have no ``row``/``col``).
    kde : GeoDataFrame
        :func:`~tryggaplatser.analysis.hotspots.hotspot_kde` on the same grid (with its own
        parameter record, e.g. the bandwidth).
    gistar : GeoDataFrame
        :func:`~tryggaplatser.analysis.hotspots.hotspot_gistar` on the counts of the same grid.
    incidents : GeoDataFrame
        The incidents the grid was computed from.
    provenance : Provenance
    """

    cells: Any
    kde: Any
    gistar: Any
    incidents: Any
    provenance: Provenance


def placed(incidents: Any) -> Any:
    """The incidents that have a place: records at the municipality centroid
    (``location_precision = kommun_centroid``, e.g. Polisen's open events) are never a place."""
    if incidents is None or "location_precision" not in incidents.columns:
        return incidents
    keep = (incidents["location_precision"].astype("string") != "kommun_centroid").fillna(True)
    return incidents[keep.to_numpy(dtype=bool)]


def in_period(incidents: Any, period: tuple[dt.date, dt.date]) -> Any:
    """The incidents whose local calendar date lies in ``period`` (inclusive)."""
    return incidents[_periods.within(incidents["occurred_at"], *period)]


# ---------------------------------------------------------------------------------------------
# the run


class Run:
    """The analysis of one project for one mode; every statistic computed once, on demand.

    Parameters
    ----------
    project : Project
        From :func:`tryggaplatser.load_project` (anything with ``layers`` and ``config``).
    mode : {"public", "internal"}, optional
        ``None`` = the configuration's ``privacy_mode`` (``"internal"`` without one).
    cell_size : float, optional
        Grid cell size in metres; ``None`` = choose (sfhotspot's rule; public runs at least
        250 m). Announced.
    bandwidth : float, optional
        KDE bandwidth in metres; ``None`` = choose (announced).
    categories : sequence of str, optional
        Keep only these incident categories.
    period : None, int or (start, end)
        The run's period (inclusive local dates; either end may be ``None`` = the data's);
        ``None`` = all data. Public runs keep whole months only.
    shape : {"square", "hexagon"}
    quiet : bool
        Silence announcements of automatic choices (they are recorded either way).
    """

    def __init__(
        self,
        project: Any,
        mode: str | None = None,
        *,
        cell_size: float | None = None,
        bandwidth: float | None = None,
        categories: tuple[str, ...] | list[str] = (),
        period: Any = None,
        shape: str = "square",
        quiet: bool = True,
    ) -> None:
        config = getattr(project, "config", None)
        mode = mode or getattr(config, "privacy_mode", None) or "internal"
        check_mode(mode)
        self.project = project
        self.config = config
        self.mode = mode
        self.public = mode == "public"
        self.quiet = quiet
        self.shape = shape
        self.categories = tuple(sorted(categories or ()))
        self._cell_size_asked = cell_size
        self.bandwidth = bandwidth
        self._period_asked = period
        self._memo: dict[Hashable, Any] = {}
        if self.public and cell_size is not None and cell_size < PUBLIC_MIN_CELL_SIZE:
            raise ArgumentError(
                tr(
                    "--cell-size {s} m är mindre än {m} m, den minsta rutstorleken i publik "
                    "utdata.",
                    "--cell-size {s} m is below {m} m, the smallest cell size in public output.",
                    s=_fmt_m(cell_size),
                    m=MIN_GRID_M,
                ),
                rule="PUBLIC_CELL_SIZE",
                fix=tr(
                    "ange --cell-size {m} eller större, utelämna den, eller använd --mode internal",
                    "give --cell-size {m} or more, leave it out, or use --mode internal",
                    m=MIN_GRID_M,
                ),
            )

    # -- layers ---------------------------------------------------------------------------------
    def layer(self, name: str) -> Any:
        """A layer of the project, ``None`` when missing or empty."""
        layers = getattr(self.project, "layers", None) or {}
        frame = layers.get(name) if isinstance(layers, dict) else getattr(self.project, name, None)
        return frame if frame is not None and len(frame) else None

    @property
    def basemap(self) -> Any:
        """The project's background layers (``[basemap]``: named streets, buildings, water), or
        ``None``: :class:`~tryggaplatser.layers.basemap.Basemap`."""
        return getattr(self.project, "basemap", None)

    def place_names(self, cell_ids: Any) -> list[str]:
        """Street descriptions ("Storgatan vid Parkvägen") of grid cells by id, each cell
        described by its centre (:func:`~tryggaplatser.analysis.places.describe_places`);
        ``""`` without a ``[basemap]`` or without a named street near the cell. Each cell is
        described once per run, however many products ask."""
        from .places import cell_centres, describe_places

        ids = [str(c) for c in cell_ids]
        roads = getattr(self.basemap, "roads", None)
        if roads is None or len(roads) == 0:
            return [""] * len(ids)
        cache = self._memo.setdefault("place_names", {})
        todo = [c for c in dict.fromkeys(ids) if c not in cache]
        if todo:
            centres = cell_centres(todo)
            unparsed = [i for i, c in enumerate(centres) if c is None]
            if unparsed and "_grid" in self.__dict__:  # hexagon ids: the grid's centroids
                grid = self._grid.set_index("cell_id").geometry.centroid
                for i in unparsed:
                    centres[i] = grid.get(todo[i])
            cache.update(zip(todo, describe_places(centres, roads)))
        return [cache[c] for c in ids]

    @property
    def sensitive(self) -> set[str]:
        """Sensitive category codes of the configuration."""
        return set(getattr(self.config, "sensitive_categories", ()) or ())

    @cached_property
    def incidents(self) -> Any:
        """All incidents of the run: the category filter applied, and in public mode the
        sensitive categories left out (announced)."""
        data = self.layer("incidents")
        if data is None:
            raise ArgumentError(
                tr("Projektet saknar händelser.", "The project has no incidents."),
                rule="INCIDENTS_EMPTY",
                fix=tr(
                    "lägg till [[layers.incidents]] i tryggaplatser.toml",
                    "add [[layers.incidents]] to tryggaplatser.toml",
                ),
            )
        if self.categories:
            data = filter_categories(data, self.categories)
        if self.public and self.sensitive and "category" in data.columns:
            asked = sorted(set(self.categories) & self.sensitive)
            if asked:
                raise GateRefusal(
                    tr(
                        "känslig kategori {c} kan inte visas i ett publikt rutnät",
                        "sensitive category {c} cannot be shown on a public grid",
                        c=", ".join(asked),
                    ),
                    rule="SENSITIVE_CATEGORY",
                    fix=tr(
                        "redovisa den bara för hela kommunen, eller använd --mode internal",
                        "report it for the whole municipality only, or use --mode internal",
                    ),
                )
            keep = self._not_sensitive(data)
            if not keep.all():
                announce(
                    tr(
                        "Publikt läge: {n} händelser i känsliga kategorier ({c}) ingår inte i "
                        "rutnätet.",
                        "Public mode: {n} incidents in sensitive categories ({c}) are left out "
                        "of the grid.",
                        n=int((~keep).sum()),
                        c=", ".join(sorted(self.sensitive)),
                    ),
                    quiet=self.quiet,
                )
                data = data[keep.to_numpy()]
        return data

    def _not_sensitive(self, data: Any) -> Any:
        """Boolean mask of the rows of ``data`` outside the sensitive categories."""
        return ~data["category"].astype(str).isin(sorted(self.sensitive))

    @cached_property
    def area_incidents(self) -> Any:
        """The incidents the area profiles and per-area tables count: every category, but in
        public mode without the sensitive ones (policy: never below municipality level; an
        area's total counting them would give them away beside its category table). The
        municipality's own tables count every incident."""
        data = self.layer("incidents")
        if self.public and self.sensitive and data is not None and "category" in data.columns:
            data = data[self._not_sensitive(data).to_numpy()]
        return data

    @cached_property
    def study_area(self) -> Any:
        """The configured study area (municipality boundary) in the incidents' CRS, or None."""
        from pathlib import Path

        path = getattr(self.config, "study_area", None)
        if path is None or not Path(path).exists():
            return None
        import geopandas as gpd

        return gpd.read_file(path, engine="pyogrio").to_crs(self.incidents.crs)

    # -- periods --------------------------------------------------------------------------------
    @cached_property
    def period(self) -> tuple[dt.date, dt.date]:
        """The run's period as inclusive local dates: the asked one, else the data's span; a
        public run keeps whole months only (announced)."""
        asked = self._period_asked
        span = _periods.data_span(self.layer("incidents")["occurred_at"])
        start, end = _periods.as_date_pair(asked) if asked is not None else span
        start, end = start or span[0], end or span[1]
        if self.public:
            whole = _periods.whole_months(start, end)
            if whole != (start, end):
                announce(
                    tr(
                        "Publikt läge: perioden avgränsas till hela månader, {a} – {b}.",
                        "Public mode: the period is limited to whole months, {a} – {b}.",
                        a=whole[0].isoformat(),
                        b=whole[1].isoformat(),
                    ),
                    quiet=self.quiet,
                )
            start, end = whole
        return start, end

    def resolve(self, period: Any = None) -> tuple[dt.date, dt.date]:
        """A period as inclusive dates; ``None`` = the run's period."""
        return self.period if period is None else _periods.as_date_pair(period)

    # -- memo -----------------------------------------------------------------------------------
    def once(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()`` the first time ``key`` is asked for, its result ever after (what the
        products derive from the run's results once, e.g. a public set's disclosure plan)."""
        return self._once(key, compute)

    def _once(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    # -- the grid and the hotspots --------------------------------------------------------------
    def _placed(self, period: tuple[dt.date, dt.date] | None = None) -> Any:
        """:func:`placed` of the run's incidents (of ``period``, inclusive local dates), once
        per period: the grid, the hotspots, the risk terrain and the street stretches of a
        period count the same frame (:attr:`HotspotResult.incidents`)."""
        if period is None:
            return self._once(("placed", None), lambda: placed(self.incidents))
        return self._once(("placed", period), lambda: placed(in_period(self.incidents, period)))

    @property
    def cell_size(self) -> float:
        """The run's cell size in metres (chosen once, announced)."""
        return cell_size_of(self._grid)

    @cached_property
    def _grid(self) -> Any:
        from .grid import make_grid

        if len(self._placed(self.period)) == 0:
            raise ArgumentError(
                tr(
                    "Inga händelser med plats i perioden {a} – {b}.",
                    "No placed incidents in the period {a} – {b}.",
                    a=self.period[0].isoformat(),
                    b=self.period[1].isoformat(),
                ),
                rule="FILTER_EMPTY",
            )
        # the grid is chosen on all of the run's placed incidents, not the period's, so every
        # window of a project (a week, a month, a year) is analysed on the same grid
        data = self._placed()
        grid = make_grid(
            data, self._cell_size_asked, shape=self.shape, area=self.study_area, quiet=self.quiet
        )
        chosen = float(grid.attrs["tryggaplatser"]["grid"]["cell_size"])
        if self.public and chosen < PUBLIC_MIN_CELL_SIZE:
            announce(
                tr(
                    "Publikt läge: cellstorleken {a} m (automatisk) är mindre än {m} m; {m} m "
                    "används i stället.",
                    "Public mode: the automatic cell size {a} m is below {m} m; {m} m is used "
                    "instead.",
                    a=_fmt_m(chosen),
                    m=MIN_GRID_M,
                ),
                quiet=self.quiet,
            )
            grid = make_grid(
                data, PUBLIC_MIN_CELL_SIZE, shape=self.shape, area=self.study_area, quiet=True
            )
            set_param(
                grid,
                "cell_size",
                {
                    "value": PUBLIC_MIN_CELL_SIZE,
                    "auto": True,
                    "rule": tr(
                        "automatisk storlek under {m} m ersatt med {m} m (publik utdata)",
                        "automatic size below {m} m replaced by {m} m (public output)",
                        m=MIN_GRID_M,
                    ),
                },
            )
        return grid

    @property
    def grid(self) -> Any:
        """The run's grid (every hotspot product of the run uses it)."""
        return self._grid

    @property
    def provenance(self) -> Provenance:
        """The run's provenance: mode, period, cell size, bandwidth and every choice."""
        return self.hotspots().provenance

    def hotspots(self, period: Any = None) -> HotspotResult:
        """Counts, KDE and Gi* (on counts) of the placed incidents of ``period`` on the run's
        grid (``None`` = the run's period). Computed once per period."""
        key = ("hotspots", self.resolve(period))
        return self._once(key, lambda: self._hotspots(key[1]))

    def _hotspots(self, period: tuple[dt.date, dt.date]) -> HotspotResult:
        from .hotspots import hotspot_gistar, hotspot_kde

        grid = self._grid
        data = self._placed(period)
        kde = hotspot_kde(data, grid, bandwidth=self.bandwidth, quiet=self.quiet)
        gistar = hotspot_gistar(data, grid, quiet=self.quiet)
        cells = gistar.copy()
        cells.insert(cells.columns.get_loc("n") + 1, "kde", kde["kde"].to_numpy())
        record = {**gistar.attrs["tryggaplatser"]}
        record["params"] = {**kde.attrs["tryggaplatser"]["params"], **record["params"]}
        for key in ("units", "kde_method"):
            if key in kde.attrs["tryggaplatser"]:
                record[key] = kde.attrs["tryggaplatser"][key]
        if getattr(self.basemap, "roads", None) is not None and len(self.basemap.roads):
            from .places import MAX_STREET_M, NEAR_M, place_rule

            record["params"]["place_names"] = {
                "value": f"{MAX_STREET_M:g} m / {NEAR_M:g} m",
                "auto": True,
                "rule": place_rule(),
            }
        cells.attrs = {"tryggaplatser": record}
        for frame in (cells, kde, gistar):  # the release-wide disclosure plan keys by period
            amend(frame, period=period)
        prov = Provenance.of(cells, mode=self.mode, period=period)
        return HotspotResult(cells, kde, gistar, data, prov)

    def classification(self, end: Any = None, *, start: Any = None) -> Any:
        """Emerging-hotspot classification on the run's grid over the run's period, or over
        ``start``–``end`` (aware timestamps; either ``None`` = the run period's end). Computed
        once per window: the EST brief's 52 weeks up to its week are the same object as
        ``hotspots --classify --from <Monday 52 weeks before> --to <the week's Sunday>``."""
        from .hotspots import hotspot_classify

        end_ts = (
            pd.Timestamp(self.period[1] + dt.timedelta(days=1)).tz_localize(_periods.LOCAL_TZ)
            if end is None
            else pd.Timestamp(end)
        ).tz_convert("UTC")
        start_ts = (
            pd.Timestamp(self.period[0]).tz_localize(_periods.LOCAL_TZ)
            if start is None
            else pd.Timestamp(start)
        ).tz_convert("UTC")

        def compute() -> Any:
            data = self._placed()
            t = pd.to_datetime(data["occurred_at"], utc=True)
            data = data[((t >= start_ts) & (t < end_ts)).to_numpy()]
            return hotspot_classify(data, self._grid, start=start_ts, end=end_ts, quiet=self.quiet)

        return self._once(("classification", start_ts, end_ts), compute)

    # -- forecast accountability ----------------------------------------------------------------
    def forecast(self, step: str | None = None, methods: tuple[str, ...] | None = None) -> Any:
        """:func:`~tryggaplatser.analysis.forecast.forecast_accuracy` of the run's placed
        incidents on the run's grid: every origin whose test window lies in the run's period
        (the history before it is used). ``step`` ``None`` = ``"month"`` in public mode (whole
        months) and ``"week"`` internally; a public run refuses weeks. Computed once per step
        and set of methods."""
        from .forecast import METHODS, forecast_accuracy

        step = step or ("month" if self.public else "week")
        if self.public and step != "month":
            raise GateRefusal(
                tr(
                    "publik prognosutvärdering görs per hel månad, inte per {s}",
                    "a public forecast evaluation is made per whole month, not per {s}",
                    s=step,
                ),
                rule="TIME_TOO_FINE",
                fix=tr(
                    "använd --step month eller --mode internal",
                    "use --step month or --mode internal",
                ),
            )
        methods = tuple(methods or METHODS)
        return self._once(
            ("forecast", step, methods),
            lambda: forecast_accuracy(
                self._placed(),
                self._grid,
                bandwidth=self.bandwidth,
                period=self.period,
                step=step,
                methods=methods,
                quiet=self.quiet,
            ),
        )

    def stability(self, period: Any = None) -> Any:
        """:func:`~tryggaplatser.analysis.forecast.hotspot_stability` of the placed incidents
        of ``period`` (``None`` = the run's) around the run's grid; computed once per period."""
        key = ("stability", self.resolve(period))

        def compute() -> Any:
            from .forecast import hotspot_stability

            data = self._placed(key[1])
            return hotspot_stability(
                data, self._grid, bandwidth=self.bandwidth, area=self.study_area, quiet=True
            )

        return self._once(key, compute)

    # -- areas ----------------------------------------------------------------------------------
    def area_analysis(self, period: Any = None) -> Any:
        """Everything the area reports, the lägesbild and the indicator tables of ``period``
        show (:class:`~tryggaplatser.analysis.area_analysis.AreaAnalysis`); computed once per
        period. The run's own period uses the run's hotspot cells."""
        key = ("areas", self.resolve(period))

        def compute() -> Any:
            from .area_analysis import prepare_area_analysis

            analysis = prepare_area_analysis(
                self.project,
                period=(key[1][0].isoformat(), key[1][1].isoformat()),
                cells=self.hotspots(key[1]).cells,
                profiles=self.profiles(key[1]),
                area_incidents=self.area_incidents,
                quiet=self.quiet,
            )
            hot = analysis.cells[analysis.cells["gi_bin"].isin((2, 3))]["cell_id"]
            analysis.place_names = dict(zip(hot.astype(str), self.place_names(hot)))
            return analysis

        return self._once(key, compute)

    @cached_property
    def _secondary_tables(self) -> dict:
        """Per-area tables of walks, dialogue, surveys and police classification (the same
        for every period of the run)."""
        from .areas import secondary_tables

        return secondary_tables(
            self.layer("areas"),
            self.layer("walk_observations"),
            self.layer("dialogue"),
            self.layer("survey_indicators"),
            self.layer("police_classification"),
        )

    def profiles(self, period: Any = None) -> dict:
        """Area profiles of every area for ``period`` (shared with :meth:`area_analysis`);
        computed once per period."""
        key = ("profiles", self.resolve(period))

        def compute() -> dict:
            from .areas import area_profiles_all

            start, end = key[1]
            return area_profiles_all(
                areas=self.layer("areas"),
                incidents=self.area_incidents,
                walk_observations=self.layer("walk_observations"),
                dialogue=self.layer("dialogue"),
                survey_indicators=self.layer("survey_indicators"),
                police_classification=self.layer("police_classification"),
                period=(start.isoformat(), end.isoformat()),
                secondary=self._secondary_tables,
                quiet=self.quiet,
            )

        return self._once(key, compute)

    # -- risk factors and street stretches ------------------------------------------------------
    @property
    def risk_settings(self) -> Any:
        """The configuration's ``[risk]`` settings (defaults without a configuration)."""
        from ..layers.config import RiskSettings

        return getattr(self.config, "risk", None) or RiskSettings()

    @cached_property
    def context(self) -> Any:
        """The context features of the risk-terrain model: the ``context`` layer and (unless
        ``[risk] lighting_from_walks = false``) the lighting problems found on safety walks as
        the derived factor "Belysningsbrist (trygghetsvandringar)"; ``None`` without any."""
        from .risk_terrain import lighting_context

        parts = [self.layer("context")]
        if self.risk_settings.lighting_from_walks:
            parts.append(lighting_context(self.layer("walk_observations")))
        parts = [p[["factor", "context_type", "geometry"]] for p in parts if p is not None]
        if not parts:
            return None
        return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]

    def risk_terrain(self, period: Any = None) -> Any:
        """:func:`~tryggaplatser.analysis.risk_terrain.risk_terrain` of the placed incidents of
        ``period`` on the run's grid with :attr:`context`; computed once per period."""
        key = ("risk_terrain", self.resolve(period))

        def compute() -> Any:
            from .risk_terrain import risk_terrain

            data = self._placed(key[1])
            return risk_terrain(
                data, self._grid, self.context, distances=self.risk_settings.distances
            )

        return self._once(key, compute)

    @property
    def roads(self) -> Any:
        """The ``[basemap]`` roads (:attr:`basemap`), or ``None`` when the project has none."""
        roads = getattr(self.basemap, "roads", None)
        return roads if roads is not None and len(roads) else None

    def streets(self, period: Any = None) -> Any:
        """:func:`~tryggaplatser.analysis.streets.street_stretches` of the placed incidents,
        walk observations and dialogue pins of ``period`` on the :attr:`roads` (``None``
        without roads). Public runs use stretches of at least 250 m (the public grid's
        minimum, announced). Computed once per period."""
        key = ("streets", self.resolve(period))
        return self._once(key, lambda: self._streets(key[1]))

    def _streets(self, period: tuple[dt.date, dt.date]) -> Any:
        from .streets import DEFAULT_STRETCH_LENGTH, street_stretches

        if self.roads is None:
            return None
        settings = self.risk_settings
        length = settings.stretch_length
        if self.public and (length or DEFAULT_STRETCH_LENGTH) < PUBLIC_MIN_CELL_SIZE:
            announce(
                tr(
                    "Publikt läge: gatusträckor om {m} m i stället för {a} m.",
                    "Public mode: street stretches of {m} m instead of {a} m.",
                    m=MIN_GRID_M,
                    a=_fmt_m(length or DEFAULT_STRETCH_LENGTH),
                ),
                quiet=self.quiet,
            )
            length = PUBLIC_MIN_CELL_SIZE
        result = street_stretches(
            self.roads.to_crs(self.incidents.crs),
            self._placed(period),
            walk_observations=self.layer("walk_observations"),
            dialogue=self.layer("dialogue"),
            stretch_length=length,
            snap_distance=settings.snap_distance,
        )
        amend(result.stretches, period=period)
        if self.public and length != settings.stretch_length:
            result.params["stretch_length"]["rule"] = tr(
                "publik utdata: minst {m} m", "public output: at least {m} m", m=MIN_GRID_M
            )
        return result

    def hot_stretches(self, cell_ids: Any) -> list[str]:
        """The significant hot street stretch crossing each grid cell ("Storgatan 120–220 m",
        :meth:`~tryggaplatser.analysis.streets.StreetResult.hot_stretches` of the run's
        stretches), for the EST brief's focus places; ``""`` for every cell without roads or
        in a public run (focus places are an internal working list)."""
        ids = list(cell_ids)
        streets = None if self.public else self.streets()
        if streets is None:
            return [""] * len(ids)
        return streets.hot_stretches(ids)

    def place_reasons(self) -> Any:
        """:class:`~tryggaplatser.analysis.streets.PlaceReasons` of the run (its stretches and
        the features of the significant raising risk factors), for the action plans' reasons;
        ``None`` without roads. Made once: every area's plan cites the same."""
        return self._once("place_reasons", self._place_reasons)

    def _place_reasons(self) -> Any:
        from .streets import PlaceReasons

        streets = self.streets()
        if streets is None:
            return None
        layer = self.layer("context")  # the municipality's own layers (the walks' lighting
        if layer is None:  # factor would only cite the walk findings themselves)
            return PlaceReasons(streets)
        sig = self.risk_terrain().significant()
        sig = sig[sig["rr_lo"] > 1].set_index("factor")["distance"]
        near = layer.loc[layer["factor"].isin(sig.index), ["factor", "geometry"]].copy()
        near["distance"] = near["factor"].map(sig).to_numpy(float)
        return PlaceReasons(streets, near)


def filter_categories(data: Any, categories: tuple[str, ...]) -> Any:
    """Keep the incidents of ``categories``; an unknown category is an error listing the
    categories present."""
    if "category" not in data.columns:
        raise ArgumentError(
            tr("Händelserna saknar kolumnen category.", "The incidents have no column category."),
            rule="COLUMNS_MISSING",
        )
    present = set(data["category"].dropna().astype(str))
    unknown = sorted(set(categories) - present)
    if unknown:
        raise ArgumentError(
            tr(
                "Kategorin {u} finns inte bland händelserna; finns: {p}.",
                "Category {u} does not occur among the incidents; present: {p}.",
                u=", ".join(unknown),
                p=", ".join(sorted(present)),
            ),
            rule="CATEGORY_UNKNOWN",
        )
    return data[data["category"].astype(str).isin(categories).to_numpy()]


def _fmt_m(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"
