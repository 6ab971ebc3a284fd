"""The map set of a run: neighbourhood maps and the EST hot-spot map as self-contained HTML.

What ``tryggaplatser map`` writes into ``<out>/publik`` or ``<out>/internt`` (by mode):
``karta_omrade_<slug>.html`` for each chosen area and ``karta_hotspots_<week>.html`` for the EST
map, optionally with PNG figures of the same maps. Every file passes the publishing gate. Heavy
libraries are imported inside the functions so ``tryggaplatser --help`` stays fast.
"""

from __future__ import annotations

from typing import Any

from ...analysis.periods import period_label
from ...policy import LOCAL_TZ
from ..staging import staged_writer
from ._common import finish_set, mode_folder
from ._heap import frozen_heap


def indicator_series(survey_indicators, name: str | None = None):
    """The latest year of one survey indicator as a Series by ``area_id`` (or None).

    ``attrs["n"]`` carries the numbers of responses (the gate withholds shares with n < 10 in
    public mode) and ``attrs["label"]`` a legend title such as "Otrygg ute sent på kvällen (%) 2025
    (NTU (Brå))".
    """
    from ...errors import ArgumentError
    from ...i18n import tr
    from ...layers import vocab

    if survey_indicators is None or len(survey_indicators) == 0:
        if name is not None:
            raise ArgumentError(
                tr("projektet har inga enkätindikatorer", "the project has no survey indicators"),
                rule="MAP_INDICATOR",
            )
        return None
    data = survey_indicators
    names = sorted(data["indicator"].astype(str).unique())
    if name is None:
        name = names[0]
    elif name not in names:
        raise ArgumentError(
            tr("indikatorn {i!r} finns inte", "indicator {i!r} does not exist", i=name),
            rule="MAP_INDICATOR",
            fix=tr("välj bland: {n}", "choose from: {n}", n=", ".join(names)),
        )
    rows = data[data["indicator"].astype(str) == name]
    year = int(rows["year"].max())
    rows = rows[rows["year"] == year]
    source = str(rows["source"].iloc[0])
    rows = rows[rows["source"].astype(str) == source].drop_duplicates("area_id", keep="last")
    series = rows.set_index(rows["area_id"].astype(str))["value"].astype(float)
    series.name = name
    from ..reports.area_report import _indicator_label

    scale = str(rows["scale"].iloc[0]) if "scale" in rows else ""
    unit = {"andel_procent": " (%)"}.get(scale, "")
    label = f"{_indicator_label(name)}{unit} {year} ({vocab.label('survey_source', source)})"
    n = rows.set_index(rows["area_id"].astype(str))["n"] if "n" in rows else None
    series.attrs = {
        "label": label,
        "n": None if n is None else {k: (None if v != v else float(v)) for k, v in n.items()},
    }
    return series


@staged_writer
@frozen_heap
def write_maps(
    *,
    config_path: str,
    area: str | None = None,
    all_areas: bool = False,
    hotspots: bool = False,
    week: str | None = None,
    mode: str | None = None,
    tiles: str = "none",
    indicator: str | None = None,
    png: bool = False,
    out_dir: str = "outputs",
    quiet: bool = False,
    project=None,
    run=None,
) -> list[Any]:
    """Write the maps of ``tryggaplatser map`` (also used by ``tryggaplatser demo``); return the
    written paths.

    ``project`` is an already loaded project (``config_path`` is then not read again); ``run``
    the :class:`~tryggaplatser.analysis.run.Run` whose results the maps show (``None`` = a new
    run in the gate's mode). The maps draw the run's grid: Gi* on counts (public: ≥ 250 m, whole
    months) with the KDE as a density layer; each map goes through one publishing gate into
    ``<out>/publik`` or ``<out>/internt``.

    With ``all_areas``, an area whose map fails is announced and the other maps are written;
    then :class:`~tryggaplatser.errors.AreasFailed` (exit code 4) is raised with the written
    paths (``exc.written``) and the failed areas (``exc.failures``).
    """

    from ...analysis.run import Run
    from ...errors import ArgumentError
    from ...i18n import tr
    from ...layers.load import load_project
    from .._per_area import raise_if_failed
    from ..gate import Gate

    _check_what(area, all_areas, hotspots, week)
    if project is None:
        project = load_project(config_path, quiet=True)
    config = project.config
    gate = Gate(mode, config=config, quiet=quiet)
    if run is None or run.mode != gate.mode:
        run = Run(project, gate.mode, quiet=quiet)
    folder = mode_folder(out_dir, gate)
    if gate.public:  # the folder's one disclosure plan (cells counted by the hotspot layers)
        from .areas import MAP_CELLS, plan_public_set

        # the area maps' walk and dialogue cells are counted here; the hotspot map has none
        plan_public_set(gate, run, count=() if hotspots else MAP_CELLS)
    if project.areas is None or len(project.areas) == 0:
        raise ArgumentError(
            tr("projektet har inga områden", "the project has no areas"), rule="AREAS_EMPTY"
        )
    common = {
        "tiles": tiles,
        "municipality": config.name,
        "gate": gate,
        "quiet": quiet,
        "basemap": getattr(project, "basemap", None),
    }
    failures, targets = [], [area]
    if hotspots:
        written = _hotspot_map(project, run, folder, week, png, common)
    else:
        targets = list(project.areas["area_id"].astype(str)) if all_areas else [area]
        written, failures = _area_maps(project, run, folder, targets, indicator, png, common)
    written += finish_set(gate, folder)
    raise_if_failed(failures, len(targets), written)
    return written


def _check_what(area, all_areas: bool, hotspots: bool, week) -> None:
    """Exactly one of one area, every area and the hot-spot map; a week only for the latter."""
    from ...errors import ArgumentError
    from ...i18n import tr

    if sum([area is not None, all_areas, hotspots]) != 1:
        raise ArgumentError(
            tr(
                "välj precis ett av --area NAMN, --all och --hotspots",
                "choose exactly one of --area NAME, --all and --hotspots",
            ),
            rule="ARGUMENTS_CONFLICT",
        )
    if week is not None and not hotspots:
        raise ArgumentError(
            tr("--week gäller bara --hotspots", "--week only applies to --hotspots"),
            rule="ARGUMENTS_CONFLICT",
        )


def _hotspot_map(project, run, folder, week, png: bool, common: dict) -> list:
    """The hot-spot map of one ISO week (public: the last whole month) on the run's grid."""
    import datetime as dt

    import pandas as pd

    from ...analysis.periods import iso_week, public_month, week_bounds
    from ...errors import ArgumentError
    from ...i18n import tr
    from ..maps.figures import save_figure, static_map
    from ..maps.interactive import hotspot_map, save_map

    incidents, gate = project.incidents, common["gate"]
    if incidents is None or len(incidents) == 0:
        raise ArgumentError(
            tr("projektet har inga händelser", "the project has no incidents"),
            rule="INCIDENTS_EMPTY",
        )
    times = pd.to_datetime(incidents["occurred_at"], utc=True)
    week = week or iso_week(times.max())
    start, end = week_bounds(week)
    if gate.public:  # month is the finest public time unit: the last whole month
        week, start, end = public_month(end)
    first = start.tz_convert(LOCAL_TZ).date()
    last = end.tz_convert(LOCAL_TZ).date() - dt.timedelta(days=1)
    result = run.hotspots((first, last))
    if len(result.incidents) < 3:
        raise ArgumentError(
            tr(
                "vecka {w} har {n} händelser; för få för en hotspotkarta",
                "week {w} has {n} incidents; too few for a hot-spot map",
                w=week,
                n=len(result.incidents),
            ),
            rule="TOO_FEW_INCIDENTS",
            fix=tr("välj en annan vecka med --week", "choose another week with --week"),
        )
    cells = join_categories(result.cells, run.classification(end=end))
    m = hotspot_map(areas=project.areas, cells=cells, week=week, **common)
    written = [save_map(m, folder / f"karta_hotspots_{week}.html")]
    if png:
        written.append(save_figure(static_map(m), folder / f"karta_hotspots_{week}.png", gate=gate))
    return written


def _area_maps(project, run, folder, targets, indicator, png: bool, common: dict) -> tuple:
    """One neighbourhood map per area (and its PNG), all drawing the run's cells and period.

    With several areas, one that fails is announced and collected (:mod:`.._per_area`) and
    the others are written; the caller raises :class:`~tryggaplatser.errors.AreasFailed`.
    """
    from ..._progress import progress
    from ...analysis.run import in_period
    from ...i18n import tr
    from .._per_area import announce_failure, attempt, collecting
    from ..maps._layers import shared_parts

    cells = run.hotspots().cells
    series = indicator_series(getattr(project, "survey_indicators", None), indicator)
    incidents = in_period(project.incidents, run.period)
    period = period_label(*run.period)
    shared = (project, cells, series, incidents, folder, png, common, period)
    written, failures = [], []
    with shared_parts():  # what every area's map shares is prepared once
        for target in progress(targets, tr("Kartor", "Maps")):
            if not collecting(targets):
                written += _area_map(target, *shared)
                continue
            paths, failure = attempt(target, _area_map, target, *shared)
            if failure is None:
                written += paths
            else:
                announce_failure(failure)
                failures.append(failure)
    return written, failures


def _area_map(
    target, project, cells, series, incidents, folder, png: bool, common: dict, period: str
) -> list:
    """The neighbourhood map of one area (and its PNG figure): the written paths."""
    from ...i18n import tr
    from ..maps._layers import resolve_area
    from ..maps.figures import save_figure, static_map
    from ..maps.interactive import neighbourhood_map, save_map, slugify

    target, name = resolve_area(project.areas, target)
    m = neighbourhood_map(
        target,
        areas=project.areas,
        cells=cells,
        kde=cells,
        incidents=incidents,
        walk_observations=_nonempty(project, "walk_observations"),
        dialogue=_nonempty(project, "dialogue"),
        indicator=series,
        mode=common["gate"].mode,
        **common,
    )
    slug = slugify(name)
    about = {
        "title": tr("Karta: {a}", "Map: {a}", a=name),
        "area": name,
        "period": period,
        "municipality": common["municipality"],
    }
    written = [save_map(m, folder / f"karta_omrade_{slug}.html", about=about)]
    if png:
        figure = static_map(m)
        written.append(
            save_figure(figure, folder / f"karta_omrade_{slug}.png", **_gate(common), about=about)
        )
    return written


def _gate(common: dict) -> dict:
    return {"gate": common["gate"]}


def _nonempty(project, name: str):
    layer = getattr(project, name, None)
    return layer if layer is not None and len(layer) else None


def join_categories(cells, classified):
    """Add ``hotspot_category`` of the classification to the week's Gi* cells.

    Both grids are on the SWEREF 99 TM lattice with the same cell size, so cells are matched by
    their lower-left corner (robust even when the two grids cover different extents).
    """
    if classified is None or "hotspot_category" not in classified.columns:
        return cells
    import pandas as pd

    def corners(frame) -> pd.Index:
        b = frame.geometry.bounds
        return pd.MultiIndex.from_arrays([b["minx"].round(1), b["miny"].round(1)])

    lookup = pd.Series(classified["hotspot_category"].to_numpy(), index=corners(classified))
    lookup = lookup[~lookup.index.duplicated()]
    out = cells.copy()
    out["hotspot_category"] = lookup.reindex(corners(cells)).fillna("inget_monster").to_numpy()
    out.attrs = cells.attrs
    return out
