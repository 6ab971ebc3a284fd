"""The street-level map's content (``gatustrackor.html``): street stretches by Gi* class and by
count class, over the municipality's background.

The stretches come from :meth:`tryggaplatser.Run.streets` and are released here by the gate as
``street_stretches`` — the same rules as ``gatustrackor.gpkg``: public stretches of at least
250 m, counts 1–4 shown as "<5", a stretch too short for the public rule withheld (".."), no
z-scores. Only the display columns reach the map (:class:`~._layers.MapLayer`).

Two layers: **Gi\\* class** along the network (internal only: significant stretches drawn thick
in the Gi* colours, the others thin grey) and **count class** (0, 1–4 or "<5", 5–9, 10–19,
20–49, 50 or more; :data:`~._layers.STRETCH_COUNT_CLASSES`). Every stretch's popup names the
street and its metres ("Storgatan 120–220 m: 14 händelser").
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...i18n import tr
from ...layers import vocab
from ...policy import SMALL
from . import _layers as ml

__all__ = ["count_class_labels", "street_content", "stretch_count_classes"]


def stretch_count_classes(released: Any) -> tuple[np.ndarray, list[str]]:
    """Count class per released stretch (0 = none, 1…5 = the rows of
    :data:`~._layers.STRETCH_COUNT_CLASSES`, −1 = withheld) and the count as shown."""
    n, text = ml.shown_counts(released, "n")
    lows = np.array([low for low, _ in ml.STRETCH_COUNT_CLASSES], dtype=float)
    finite = np.isfinite(n)
    classes = np.full(len(n), -1, dtype=np.int64)
    classes[finite] = np.searchsorted(lows, n[finite], side="right")
    small = np.array([t == SMALL for t in text], dtype=bool)
    classes[small & ~finite] = 1
    return classes, text


def count_class_labels(public: bool) -> list[str]:
    """Legend labels of count classes 1…5 ("1–4" internal, "<5" public, …, "50 eller fler")."""
    lows = [low for low, _ in ml.STRETCH_COUNT_CLASSES]
    labels = []
    for i, low in enumerate(lows):
        if i + 1 < len(lows):
            labels.append(f"{low}–{lows[i + 1] - 1}")
        else:
            labels.append(tr("{n} eller fler", "{n} or more", n=low))
    if public:
        labels[0] = SMALL
    return labels


def _stretch_name(name: Any, from_m: Any, to_m: Any) -> str:
    name = str(name or "") or tr("namnlös väg", "unnamed road")
    return f"{name} {float(from_m):.0f}–{float(to_m):.0f} m"


def _row_values(released: Any, column: str) -> list:
    """The values of ``column`` as ``DataFrame.iterrows`` gives them (``None`` when the
    frame has no such column)."""
    if column not in released.columns:
        return [None] * len(released)
    return released[column].astype(object).tolist()


def _popups(released: Any, counts: list[str], public: bool) -> tuple[list, list]:
    """Tooltip ("Storgatan 120–220 m") and popup rows of every stretch (plain text)."""
    extra = {
        "n_observations": tr("Observationer från vandringar", "Safety-walk observations"),
        "n_dialogue": tr("Dialogpunkter", "Dialogue pins"),
    }
    shown = {c: ml.shown_counts(released, c)[1] for c in extra if c in released.columns}
    names, starts, ends = (_row_values(released, c) for c in ("name", "from_m", "to_m"))
    with_gi = not public and "gi_bin" in released.columns
    bins = _row_values(released, "gi_bin")
    stretch = tr("Gatusträcka", "Street stretch")
    tips, pops = [], []
    for i in range(len(released)):
        count = counts[i]
        where = _stretch_name(names[i], starts[i], ends[i])
        first = (
            tr("{s}: uppgift undanhållen", "{s}: withheld", s=where)
            if count == ".."
            else tr("{s}: {n} händelser", "{s}: {n} incidents", s=where, n=count)
        )
        pairs = [(stretch, first)]
        pairs += [(extra[c], texts[i]) for c, texts in shown.items()]
        if with_gi and not _missing(bins[i]):
            pairs.append(("Gi*", vocab.label("gi_bin", str(int(bins[i])))))
        tips.append(where)
        pops.append(tuple(pairs))
    return tips, pops


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and not np.isfinite(value))


def _gi_layer(released: Any, tips: list, pops: list) -> ml.MapLayer:
    bins = np.nan_to_num(released["gi_bin"].to_numpy(dtype=float)).astype(int)
    strokes = [ml.GI_COLOURS[b] if b else ml.STRETCH_NONE_COLOUR for b in bins]
    frame = ml._frame(released.geometry.to_numpy(), stroke=strokes, tooltip=tips, popup=pops)
    frame["selected"] = bins != 0  # significant stretches are drawn thick
    legend = [
        ml.LegendEntry(ml.GI_COLOURS[b], vocab.label("gi_bin", str(b)), "line")
        for b in (3, 2, 1, -1, -2, -3)
    ]
    legend.append(ml.LegendEntry(ml.STRETCH_NONE_COLOUR, vocab.label("gi_bin", "0"), "line"))
    return ml.MapLayer(
        "stretches_gi",
        tr("Gatusträckor: Gi*-klass", "Street stretches: Gi* class"),
        "line",
        frame,
        tr("Gi* längs vägnätet", "Gi* along the network"),
        legend,
        fill_opacity=0.0,
        weight=1.5,
    )


def _count_layer(released: Any, classes: np.ndarray, tips, pops, public: bool, show: bool):
    colours = [ml.STRETCH_NONE_COLOUR] + [c for _, c in ml.STRETCH_COUNT_CLASSES]
    strokes = [colours[k] if k >= 0 else ml.STRETCH_NONE_COLOUR for k in classes]
    frame = ml._frame(released.geometry.to_numpy(), stroke=strokes, tooltip=tips, popup=pops)
    frame["selected"] = classes >= 4  # twenty or more incidents: thick
    labels = count_class_labels(public)
    legend = [
        ml.LegendEntry(colour, label, "line")
        for (_, colour), label in reversed(list(zip(ml.STRETCH_COUNT_CLASSES, labels)))
    ]
    none = tr("0 eller undanhållen", "0 or withheld") if public else "0"
    legend.append(ml.LegendEntry(ml.STRETCH_NONE_COLOUR, none, "line"))
    return ml.MapLayer(
        "stretches_n",
        tr("Gatusträckor: antal händelser", "Street stretches: number of incidents"),
        "line",
        frame,
        tr("Händelser per sträcka", "Incidents per stretch"),
        legend,
        show=show,
        fill_opacity=0.0,
        weight=1.5,
    )


def street_content(
    stretches: Any,
    *,
    gate: Any,
    areas: Any = None,
    basemap: Any = None,
    period: str = "",
    params: dict | None = None,
) -> ml.MapContent:
    """The layers and title block of the street map.

    Parameters
    ----------
    stretches : GeoDataFrame
        :attr:`~tryggaplatser.analysis.streets.StreetResult.stretches` (EPSG:3006) with
        ``attrs["tryggaplatser"]["params"]["stretch_length"]`` (metres) for the gate.
    gate : Gate
        The map's gate: it releases the stretches (``street_stretches``) and its mode decides
        the layers (Gi* internal only).
    areas, basemap : optional
        Area outlines and the ``[basemap]`` background.
    period : str
        The period shown in the title block.
    params : dict, optional
        Provenance of the stretches (``stretch_length``, ``snap_distance``) for the title block.
    """
    from ..reports.area_plan import layer_plan_key

    released = gate.release(
        stretches, "street_stretches", published_total=True, plan_key=layer_plan_key(stretches)
    )
    classes, counts = stretch_count_classes(released)
    tips, pops = _popups(released, counts, gate.public)
    layers = []
    if not gate.public and "gi_bin" in released.columns:
        layers.append(_gi_layer(released, tips, pops))
    layers.append(_count_layer(released, classes, tips, pops, gate.public, show=not layers))
    if areas is not None and len(areas):
        layers.append(ml.areas_layer(gate.release(areas, "area_layer"), None))
    bounds = ml._expand(tuple(stretches.total_bounds), margin=0.02)
    names = {
        "stretch_length": tr("Sträcklängd", "Stretch length"),
        "snap_distance": tr("Knytavstånd", "Snap distance"),
    }
    facts = ml.merge_facts(
        [(tr("Period", "Period"), period)],
        [(tr("Läge", "Mode"), ml.mode_label(gate.mode))],
        [(names[k], str(v["value"])) for k, v in (params or {}).items() if k in names],
    )
    title = tr("Gatusträckor: händelser per sträcka", "Street stretches: incidents per stretch")
    content = ml.MapContent(
        title, gate.mode, ml.basemap_layers(basemap, bounds, gate) + layers, bounds, facts
    )
    content.background_image = getattr(basemap, "image", None)
    return content
