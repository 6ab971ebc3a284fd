"""The analysis behind the area reports, the lägesbild and their indicator tables.

:func:`prepare_area_analysis` computes, for one period, everything those products show: the
profiles of every area, the Gi* hotspot cells, the perception gap per cell and per area and the
data-quality tables. It is computation only: nothing here is released, drawn or written (the
products in :mod:`tryggaplatser.publish.reports.area_report` render it). A :class:`~.run.Run`
keeps one per period, so every product of a run shows the same figures.
"""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ArgumentError
from ..i18n import tr
from ..policy import LOCAL_TZ, PUBLIC_MIN_CELL_SIZE
from ..provenance import cell_size_of as _cell_size_of
from ..provenance import set_param
from ._common import new_record, record_public_cell_size
from .periods import within
from .run import placed

#: Gi* bins counted as hotspot cells of an area (95 % and 99 % confidence after FDR).
HOT_BINS = (2, 3)
#: Cell size of the hotspot and perception-gap grid (SCB's 250 m lattice, the finest public grid).
DEFAULT_CELL_SIZE = PUBLIC_MIN_CELL_SIZE


@dataclass
class AreaAnalysis:
    """Every finished result the area reports and the lägesbild of one period draw on.

    Built by :func:`prepare_area_analysis`; computation only (nothing is released yet).

    Attributes
    ----------
    config : ProjectConfig or None
        The project configuration (municipality name, sensitive categories).
    areas : GeoDataFrame
        The areas layer.
    incidents : GeoDataFrame
        The incidents inside the period (all of them, also those never placed in an area).
    incidents_all : GeoDataFrame
        All incidents of the project (for trends over the years).
    profiles : dict of str to AreaProfile
        :func:`tryggaplatser.analysis.areas.area_profiles_all` for the period.
    cells : GeoDataFrame
        :func:`tryggaplatser.analysis.hotspots.hotspot_gistar` on the period's placed incidents.
    gap_cells, gap_areas : GeoDataFrame
        :func:`tryggaplatser.analysis.perception.perception_gap` per cell and per area.
    weekly, silent, precision, quarantine : DataFrame
        Data-quality tables (:mod:`tryggaplatser.analysis.quality`).
    monthly : DataFrame
        Reports per source and calendar month (:func:`~.quality.reports_per_source_month`),
        what public reports chart instead of weeks.
    walk_observations, dialogue, survey_indicators, police_classification : frames or None
        The secondary layers (dialogue and walks restricted to nothing: campaigns are shown
        as they are, labelled by campaign).
    start, end : datetime.date
        The period, inclusive local dates.
    years : float
        Length of the period in years (days / 365.25), the denominator of yearly rates.
    sensitive : set of str
        Sensitive category codes (never below municipality level in public outputs).
    basemap : Basemap or None
        The project's ``[basemap]`` (streets, water, buildings) the maps draw under the data.
    place_names : dict of str to str
        ``cell_id`` → street description of the cell's centre ("Storgatan vid Parkvägen",
        :func:`tryggaplatser.analysis.places.describe_places`) for the hotspot cells; empty
        without a basemap.
    """

    config: Any
    areas: Any
    incidents: Any
    incidents_all: Any
    profiles: dict
    cells: Any
    gap_cells: Any
    gap_areas: Any
    weekly: pd.DataFrame
    silent: pd.DataFrame
    precision: pd.DataFrame
    quarantine: pd.DataFrame
    walk_observations: Any = None
    dialogue: Any = None
    survey_indicators: Any = None
    police_classification: Any = None
    measures: Any = None
    start: dt.date = dt.date(1970, 1, 1)
    end: dt.date = dt.date(1970, 1, 1)
    years: float = 1.0
    sensitive: set = field(default_factory=set)
    basemap: Any = None
    place_names: dict = field(default_factory=dict)
    monthly: Any = None
    _released: Any = field(default_factory=weakref.WeakKeyDictionary, repr=False)

    @property
    def municipality(self) -> str:
        """Municipality name for report headers."""
        return str(getattr(self.config, "name", "") or tr("Kommunen", "The municipality"))

    @property
    def period_text(self) -> str:
        """The period as shown in headers: months for whole months (``2026-01 – 2026-10``,
        always so in public mode), else dates (:func:`~.periods.period_label`)."""
        from .periods import period_label

        return period_label(self.start, self.end)

    @cached_property
    def month_counts(self) -> dict[tuple[int, int], int]:
        """Every incident of the project per calendar month, ``{(year, month): n}``
        (:func:`~.periods.month_counts` of :attr:`incidents_all`): grouped once, read by
        every month a set's disclosure plan ties its periods together with."""
        from .periods import month_counts

        return month_counts(self.incidents_all["occurred_at"])

    @cached_property
    def municipality_walks(self) -> pd.DataFrame | None:
        """The municipality's walk table (every observation; one row per problem category
        and the total row, as an area's :attr:`~.areas.AreaProfile.walks`), or None without
        observations. Computed once (labels in the language of that moment, as the
        profiles')."""
        from .areas import _walk_table

        obs = self.walk_observations
        return _walk_table(obs) if obs is not None and len(obs) else None

    @cached_property
    def municipality_dialogue(self) -> tuple | None:
        """The municipality's dialogue tables (per campaign; the reasons and times of day of
        the unsafe pins), as an area's, or None without pins. Computed once."""
        from .areas import _dialogue_tables

        pins = self.dialogue
        return _dialogue_tables(pins) if pins is not None and len(pins) else None

    def area_name(self, area_id: str) -> str:
        """The name of an area (its id when the layer has no names)."""
        prof = self.profiles.get(str(area_id))
        return prof.name if prof is not None else str(area_id)


def prepare_area_analysis(
    project: Any,
    *,
    period: Any = None,
    cell_size: float | None = None,
    cells: Any = None,
    profiles: dict | None = None,
    area_incidents: Any = None,
    quiet: bool = True,
) -> AreaAnalysis:
    """Compute everything the area reports and the lägesbild need, once.

    Parameters
    ----------
    project : Project
        From :func:`tryggaplatser.load_project`.
    period : None, int or (start, end)
        As in :func:`~tryggaplatser.analysis.areas.area_profile`: ``None`` = first to last
        incident (announced unless ``quiet``), a year, or inclusive local dates.
    cell_size : float, optional
        Grid of the hotspot and perception-gap analyses in metres; ``None`` chooses 250 m,
        SCB's grid and the finest public cell size (announced unless ``quiet`` and recorded as
        automatic; public reports refuse finer grids).
    cells : GeoDataFrame, optional
        Gi* cells already computed for the period (a :class:`~.run.Run` passes its own, so
        the reports show the run's hotspots); ``None`` = compute them here on ``cell_size``.
    profiles : dict, optional
        Area profiles of every area for the period, already computed (a run shares them with
        the action plans); ``None`` = compute them here.
    area_incidents : GeoDataFrame, optional
        The incidents the per-area and per-cell tables count; ``None`` = every incident of the
        project. A public run passes them without its sensitive categories, which are never
        shown below municipality level: an area's total or year table counting them would give
        them away beside its category table. The municipality's own tables count every
        incident either way.
    quiet : bool
        Silence announcements of automatic choices (they are recorded and shown in the
        methods box either way).

    Notes
    -----
    Profiles are computed for **every** area: the area × category table is released once for
    all of them with margins, which is what makes complementary suppression hold across the
    reports of a set (choose the areas to write in :func:`write_area_reports`).

    Returns
    -------
    AreaAnalysis
    """
    from .areas import area_profiles_all
    from .quality import (
        location_precision_share,
        quarantine_share,
        reports_per_source_month,
        reports_per_source_week,
        silent_periods,
    )

    layers = getattr(project, "layers", {})
    areas, incidents = _areas_and_incidents(layers)
    if area_incidents is None:
        area_incidents = incidents

    walks, dialogue, surveys, police = _secondary_layers(layers)
    profiles = (
        profiles
        if profiles is not None
        else area_profiles_all(
            areas=areas,
            incidents=area_incidents,
            walk_observations=walks,
            dialogue=dialogue,
            survey_indicators=surveys,
            police_classification=police,
            period=period,
            quiet=quiet,
        )
    )
    start, end, years = _profile_period(profiles)
    inc = _in_period(incidents, start, end)
    area_inc = inc if area_incidents is incidents else _in_period(area_incidents, start, end)
    if cells is None:
        cells = _gistar_cells(area_inc, cell_size, quiet)
    # hotspot cells per area: attach them to the profiles (centroid rule of area_profiles_all)
    hot = cells[cells["gi_bin"].isin(HOT_BINS)]
    _attach_hot_cells(profiles, hot, areas)
    gap_cells, gap_areas = _perception_gaps(
        area_inc, dialogue, walks, areas, cell_size=cell_size, quiet=quiet
    )
    sensitive = set(getattr(getattr(project, "config", None), "sensitive_categories", ()) or ())
    weekly = reports_per_source_week(inc)
    return AreaAnalysis(
        config=getattr(project, "config", None),
        areas=areas,
        incidents=inc,
        incidents_all=incidents,
        profiles=profiles,
        cells=cells,
        gap_cells=gap_cells,
        gap_areas=gap_areas,
        weekly=weekly,
        monthly=reports_per_source_month(inc),
        silent=silent_periods(inc, weekly=weekly),
        precision=location_precision_share(inc),
        quarantine=quarantine_share(getattr(project, "reports", []) or []),
        walk_observations=walks,
        dialogue=dialogue,
        survey_indicators=surveys,
        police_classification=police,
        measures=_layer(project, "measures"),
        start=start,
        end=end,
        years=years,
        sensitive=sensitive,
        basemap=getattr(project, "basemap", None),
    )


def _areas_and_incidents(layers: dict) -> tuple[Any, Any]:
    """The areas and incidents layers; an empty or missing one is an ArgumentError."""
    areas = layers["areas"]
    incidents = layers["incidents"]
    if areas is None or len(areas) == 0:
        raise ArgumentError(
            tr("Projektet saknar områden.", "The project has no areas."),
            rule="AREAS_EMPTY",
            fix=tr(
                "lägg till [[layers.areas]] i tryggaplatser.toml",
                "add [[layers.areas]] to tryggaplatser.toml",
            ),
        )
    if incidents is None or len(incidents) == 0:
        raise ArgumentError(
            tr("Projektet saknar händelser.", "The project has no incidents."),
            rule="INCIDENTS_EMPTY",
            fix=tr(
                "lägg till [[layers.incidents]] i tryggaplatser.toml",
                "add [[layers.incidents]] to tryggaplatser.toml",
            ),
        )
    return areas, incidents


def _secondary_layers(layers: dict) -> tuple[Any, Any, Any, Any]:
    """Walk observations, dialogue, survey indicators and police classification (None if empty)."""

    def layer(name: str) -> Any:
        frame = layers.get(name)
        return frame if frame is not None and len(frame) else None

    walks, dialogue = layer("walk_observations"), layer("dialogue")
    surveys, police = layer("survey_indicators"), layer("police_classification")
    return walks, dialogue, surveys, police


def _profile_period(profiles: dict) -> tuple[dt.date, dt.date, float]:
    """The period (inclusive local dates) and its length in years, as the profiles record it."""
    first = next(iter(profiles.values()))
    start, end = (dt.date.fromisoformat(d) for d in first.params["period"])
    years = float(first.params["years"])
    return start, end, years


def _in_period(incidents: Any, start: Any, end: Any) -> Any:
    """The incidents whose local date lies in ``start`` … ``end`` (inclusive)."""
    return incidents.loc[within(incidents["occurred_at"], start, end)]


def _gistar_cells(inc: Any, cell_size: float | None, quiet: bool) -> Any:
    """Gi* on the period's placed incidents; ``cell_size=None`` is SCB's 250 m grid, recorded
    on the cells as an automatic choice (announced by the perception gap)."""
    from .hotspots import hotspot_gistar

    record = new_record()
    size = record_public_cell_size(record, cell_size, quiet=True)
    cells = hotspot_gistar(placed(inc), cell_size=size, quiet=quiet)
    if cell_size is None:
        set_param(cells, "cell_size", record["params"]["cell_size"])
    return cells


def _perception_gaps(
    inc: Any, dialogue: Any, walks: Any, areas: Any, *, cell_size: float | None, quiet: bool
) -> tuple[Any, Any]:
    """The perception gap of the period per cell and per area."""
    from .perception import perception_gap

    common = {
        "incidents": inc,
        "dialogue": dialogue,
        "walk_observations": walks,
        "areas": areas,
        "cell_size": cell_size,
        "quiet": quiet,
    }
    gap_cells = perception_gap(**common, by="cell")
    gap_areas = perception_gap(**common, by="area")
    return gap_cells, gap_areas


def _attach_hot_cells(profiles: dict, hot: Any, areas: Any) -> None:
    from .areas import assign_points

    if hot is None or len(hot) == 0:
        for prof in profiles.values():
            prof.hotspot_cells = hot.iloc[0:0] if hot is not None else None
        return
    import geopandas as gpd

    cent = gpd.GeoDataFrame(geometry=hot.geometry.centroid.to_numpy(), crs=hot.crs)
    assignment = assign_points(cent, areas)
    for aid, prof in profiles.items():
        pos = np.sort(assignment.loc[assignment["area_id"] == aid, "pos"].to_numpy())
        prof.hotspot_cells = hot.iloc[pos]


def recurring_hotspots(analysis: AreaAnalysis) -> pd.DataFrame | None:
    """Cells that are Gi* hotspots (bins 2–3) in every complete calendar year of all data."""
    from .areas import assign_points
    from .hotspots import hotspot_gistar

    inc = placed(analysis.incidents_all)
    local = pd.to_datetime(inc["occurred_at"]).dt.tz_convert(LOCAL_TZ)
    counts = local.dt.year.value_counts()
    years = sorted(int(y) for y, n in counts.items() if n >= 100)
    if len(years) < 2:
        return None
    size = cell_size_of(analysis.cells)
    hot_sets = []
    cells_by_id = None
    for y in years:
        sel = (local.dt.year == y).to_numpy()
        cells = hotspot_gistar(inc[sel], cell_size=size, quiet=True)
        hot = cells[cells["gi_bin"].isin(HOT_BINS)]
        hot_sets.append(set(hot["cell_id"]))
        cells_by_id = hot.set_index("cell_id")
    common = sorted(set.intersection(*hot_sets))
    if not common or cells_by_id is None:
        return None
    import geopandas as gpd

    last = cells_by_id.loc[common]
    cent = gpd.GeoDataFrame(geometry=last.geometry.centroid.to_numpy(), crs=analysis.cells.crs)
    where = assign_points(cent, analysis.areas).drop_duplicates("pos").set_index("pos")["area_id"]
    frame = pd.DataFrame(
        {
            "cell_id": common,
            "name": [
                analysis.area_name(where[i]) if i in where.index else "–"
                for i in range(len(common))
            ],
        }
    )
    frame.attrs["years"] = f"{years[0]}–{years[-1]}"
    return frame


def _layer(project: Any, name: str):
    layers = getattr(project, "layers", None) or {}
    layer = layers.get(name) if isinstance(layers, dict) else getattr(project, name, None)
    return layer if layer is not None and len(layer) else None


def cell_size_of(cells: Any) -> float:
    """The cell size a grid result was computed with (its provenance record; default 250 m)."""
    return _cell_size_of(cells, DEFAULT_CELL_SIZE)
