"""A measure of the measures layer, ready to evaluate: its row, target, categories and the
before/after change around it.

The rules that turn a row of the measures layer into an evaluation live here (computation
only; :func:`tryggaplatser.write_evaluation` renders the result): the target is the measure's
polygon, or :data:`DEFAULT_TARGET_RADIUS` metres around its point or line, or its ``area_id``
when it has no geometry; the categories are its ``linked_categories`` (all when empty); the
installation date is its ``start``; municipality-centroid records are never counted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import ArgumentError
from ..i18n import tr
from ..policy import LOCAL_TZ, MIN_GRID_M

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: Radius (m) of the target around a measure given as a point or line.
DEFAULT_TARGET_RADIUS = 200.0
#: Half-width (m) of the window around the measure used for the change map.
CHANGE_MAP_REACH = 2000.0


def measure_row(layers: dict, measure_id: str) -> pd.Series:
    """The measure's row of the measures layer; a clear error when it cannot be evaluated."""
    import pandas as pd

    measures = layers.get("measures")
    if measures is None or len(measures) == 0:
        raise ArgumentError(
            tr(
                "projektet har inga åtgärder (lagret measures är tomt)",
                "the project has no measures (the measures layer is empty)",
            ),
            rule="MEASURES_EMPTY",
            fix=tr("lägg till [[layers.measures]]", "add [[layers.measures]]"),
        )
    hit = measures[measures["measure_id"].astype(str) == str(measure_id)]
    if hit.empty:
        raise ArgumentError(
            tr("åtgärden {m!r} finns inte", "measure {m!r} does not exist", m=measure_id),
            rule="MEASURE_UNKNOWN",
            fix=tr(
                "välj bland: {v}",
                "choose from: {v}",
                v=", ".join(measures["measure_id"].astype(str).head(20)),
            ),
        )
    row = hit.iloc[0]
    if pd.isna(row.get("start")):
        raise ArgumentError(
            tr(
                "åtgärden {m} saknar startdatum (när den infördes)",
                "measure {m} has no start date (when it was put in place)",
                m=measure_id,
            ),
            rule="MEASURE_START_MISSING",
            fix=tr(
                "fyll i startdatum i åtgärdslagret", "fill in the start date in the measures layer"
            ),
        )
    return row


def measure_target(row, radius: float, choices: list[str], quiet: bool):
    """The measure's polygon, or ``radius`` metres around its point or line (announced)."""
    from .._announce import announce

    geom = row.geometry if "geometry" in row.index else None
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    msg = tr(
        "Målområde: {r} m runt åtgärdens {g} (ange --radius för en annan räckvidd).",
        "Target: {r} m around the measure's {g} (give --radius for another reach).",
        r=int(radius),
        g=tr("punkt", "point") if geom.geom_type == "Point" else tr("linje", "line"),
    )
    choices.append(msg)
    announce(msg, quiet=quiet)
    return geom.buffer(radius)


def evaluate_from_layer(
    layers: dict,
    measure_id: str,
    *,
    radius: float = DEFAULT_TARGET_RADIUS,
    control: str | None = None,
    buffer_width: float | None = None,
    quiet: bool = True,
) -> tuple[Any, pd.Series, list[str] | None, Any]:
    """Evaluate one measure of the measures layer (:func:`.evaluation.evaluate_measure`).

    Returns
    -------
    (MeasureEvaluation, row, categories, incidents)
        The evaluation, the measure's row, its categories (``None`` = all) and the placed
        incidents the evaluation counted.
    """
    import pandas as pd

    from .evaluation import evaluate_measure
    from .run import placed

    row = measure_row(layers, measure_id)
    choices: list[str] = []
    target = measure_target(row, radius, choices, quiet)
    if target is None:
        if pd.isna(row.get("area_id")):
            raise ArgumentError(
                tr(
                    "åtgärden {m} saknar både geometri och område",
                    "measure {m} has neither a geometry nor an area",
                    m=measure_id,
                ),
                rule="GEOM_MISSING",
            )
        target = str(row["area_id"])
    cats = row.get("linked_categories")
    categories = [c for c in str(cats).split(";") if c] if isinstance(cats, str) else None
    incidents = placed(layers["incidents"])
    evaluation = evaluate_measure(
        incidents,
        target,
        installed_on=row["start"],
        buffer_width=buffer_width,
        control=control,
        areas=layers["areas"],
        categories=categories,
        quiet=quiet,
    )
    evaluation.choices[:0] = choices
    return evaluation, row, categories, incidents


def change_around(evaluation: Any, incidents: Any, categories: list[str] | None) -> Any:
    """Before/after change of the surroundings (:func:`.hotspots.hotspot_change` on 250 m cells
    within :data:`CHANGE_MAP_REACH` of the target): the same categories and periods as the
    evaluation; ``None`` when either period has no incidents there."""
    import pandas as pd

    from .hotspots import hotspot_change

    p = evaluation.periods
    local = incidents["occurred_at"].dt.tz_convert(LOCAL_TZ).dt.tz_localize(None)
    in_before = (local >= pd.Timestamp(p.before_start)) & (local < pd.Timestamp(p.before_end))
    in_after = (local >= pd.Timestamp(p.after_start)) & (local < pd.Timestamp(p.after_end))
    sel = (in_before | in_after).to_numpy().copy()
    if categories:
        sel = sel & incidents["category"].isin(categories).to_numpy()
    target_zone = evaluation.zones[evaluation.zones["zone"] == "target"].union_all()
    cx, cy = target_zone.centroid.coords[0]
    near = incidents.geometry.x.between(
        cx - CHANGE_MAP_REACH, cx + CHANGE_MAP_REACH
    ) & incidents.geometry.y.between(cy - CHANGE_MAP_REACH, cy + CHANGE_MAP_REACH)
    sel = sel & near.to_numpy()
    sub = incidents[sel]
    if not (len(sub) > 1 and in_after[sel].any() and in_before[sel].any()):
        return None
    boundary = pd.Timestamp(p.after_start).tz_localize(LOCAL_TZ)
    return hotspot_change(sub, cell_size=MIN_GRID_M, boundary=boundary, quiet=True)
