"""Perceived insecurity versus recorded incidents: :func:`perception_gap`.

Answers the plan's "kartlägga upplevd otrygghet och varför": per grid cell (or per area),
where do people say they feel unsafe (dialogue pins, safety-walk observations marked
``otrygg``) compared with where incidents are recorded, and why. A unit has a gap when its
share of unsafe signals among signals + incidents differs from the municipality's share by an
exact conditional binomial test with Benjamini–Hochberg FDR across units
(:func:`ratio_pvalues`).

Computation only: nothing is printed, drawn or written.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import ArgumentError
from ..i18n import tr
from ..layers import vocab
from ._common import (
    attach,
    cell_labels,
    check_positive,
    check_projected,
    check_same_crs,
    new_record,
    record_param,
    record_public_cell_size,
    split_code_lists,
)

#: Incident categories left out by default: planned events are not problems and
#: ``otrygg_plats`` is itself a perception report, not an incident.
DEFAULT_EXCLUDED_CATEGORIES = ("arrangemang", "otrygg_plats")
GAP_CLASSES = ("otrygg_fa_handelser", "handelser_ej_upplevt", "inget", "ej_testad")
#: The classes that report a significant gap (the ones products list and name).
GAP_SIGNIFICANT = ("otrygg_fa_handelser", "handelser_ej_upplevt")
#: Default FDR level of the gap test.
DEFAULT_ALPHA = 0.05
#: Default minimum of signals + incidents in a unit for the gap test (the public count limit).
DEFAULT_MIN_N = 5
#: a gap also needs the unsafe signals to be at least twice (or at most half) the expected
#: number: with thousands of signals per area a small, unimportant difference is significant
DEFAULT_MIN_RATIO = 2.0

GAP_COLUMNS = [
    "n_incidents",
    "n_dialogue_otrygg",
    "n_walk_otrygg",
    "n_otrygg",
    "n_trygg",
    "expected_otrygg",
    "excess_otrygg",
    "p_value",
    "q_value",
    "gap_class",
    "gap_label",
    "top_reasons",
    "top_reason_labels",
]
CELL_COLUMNS = ["cell_id", "x", "y", "area_id", *GAP_COLUMNS, "geometry"]
AREA_COLUMNS = ["area_id", "name", *GAP_COLUMNS, "geometry"]
_KEY = 2**32  # cell key = column * 2**32 + (row + 2**31)


def _xy(layer) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, y and a validity mask (non-empty point, finite coordinates)."""
    import shapely

    geom = layer.geometry.to_numpy()
    ok = ~(shapely.is_missing(geom) | shapely.is_empty(geom))
    x = np.full(len(geom), np.nan)
    y = np.full(len(geom), np.nan)
    if ok.any():
        x[ok] = shapely.get_x(geom[ok])
        y[ok] = shapely.get_y(geom[ok])
    ok &= np.isfinite(x) & np.isfinite(y)
    return x, y, ok


def _is(series: pd.Series, code: str) -> np.ndarray:
    return (series.astype("string") == code).fillna(False).to_numpy(dtype=bool)


def _reason_frame(dialogue, walk_observations, d_key, w_key) -> pd.DataFrame:
    """Long table (key, code) of reasons given for feeling unsafe."""
    parts = []
    if dialogue is not None and len(d_key) and "reasons" in dialogue.columns:
        s = split_code_lists(dialogue["reasons"])
        t = pd.DataFrame({"key": d_key.to_numpy(), "pin": np.arange(len(d_key)), "code": s})
        t = t.explode("code")
        t["code"] = t["code"].astype("string").str.strip()
        t = t[t["code"].notna() & (t["code"] != "")].drop_duplicates(["pin", "code"])
        parts.append(t[["key", "code"]])
    if (
        walk_observations is not None
        and len(w_key)
        and "problem_category" in walk_observations.columns
    ):
        t = pd.DataFrame(
            {
                "key": w_key.to_numpy(),
                "code": walk_observations["problem_category"].astype("string").to_numpy(),
            }
        )
        parts.append(t[t["code"].notna()])
    if not parts:
        return pd.DataFrame({"key": [], "code": []})
    return pd.concat(parts, ignore_index=True)


def _reason_label(code: str) -> str:
    if code in vocab.vocabulary("reason"):
        return vocab.label("reason", code)
    return vocab.label("problem_category", code)


def _top_reasons(reasons: pd.DataFrame, keys: pd.Index, top: int) -> tuple[list, list]:
    codes = pd.Series("", index=keys, dtype=object)
    labels = pd.Series("", index=keys, dtype=object)
    if len(reasons):
        cnt = reasons.groupby(["key", "code"]).size().rename("n").reset_index()
        cnt = cnt.sort_values(["key", "n", "code"], ascending=[True, False, True])
        cnt = cnt.groupby("key").head(top)
        joined = cnt.groupby("key")["code"].agg(lambda s: ";".join(s))
        lab = (
            cnt.assign(label=[_reason_label(c) for c in cnt["code"]])
            .groupby("key")["label"]
            .agg(lambda s: "; ".join(s))
        )
        codes.loc[codes.index.intersection(joined.index)] = joined
        labels.loc[labels.index.intersection(lab.index)] = lab
    return codes.tolist(), labels.tolist()


def ratio_pvalues(k, n, p0: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact conditional binomial p-values of ``k`` unsafe signals among ``n`` signals +
    incidents when each of the ``n`` is a signal with probability ``p0``.

    Returns ``(p_more, p_fewer, p_two)``: ``P(X ≥ k)``, ``P(X ≤ k)`` for ``X ~ Binomial(n,
    p0)`` (``scipy.stats.binomtest``'s ``"greater"`` and ``"less"``) and the two-sided
    ``min(1, 2·min(p_more, p_fewer))``. Vectorised over ``k`` and ``n``.
    """
    from scipy.stats import binom

    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    p_more = binom.sf(k - 1, n, p0)
    p_fewer = binom.cdf(k, n, p0)
    return p_more, p_fewer, np.minimum(1.0, 2.0 * np.minimum(p_more, p_fewer))


def _classify(table: pd.DataFrame, p0: float, alpha: float, min_n: int, min_ratio: float) -> int:
    """Test every unit with at least ``min_n`` signals + incidents against ``p0``; fill the
    test and class columns; return how many units were tested. A gap needs ``q ≤ alpha`` and
    observed / expected unsafe signals ≥ ``min_ratio`` (or ≤ 1 / ``min_ratio``)."""
    from .hotspots import _bh_adjust

    k = table["n_otrygg"].to_numpy(dtype=float)
    n = k + table["n_incidents"].to_numpy(dtype=float)
    tested = (n >= min_n) & (0.0 < p0 < 1.0)
    p_more, p_fewer, p_two = ratio_pvalues(k, n, p0)
    p = np.where(tested, p_two, np.nan)
    q = _bh_adjust(p)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = k / (n * p0)
    more = p_more < p_fewer
    strong = np.where(more, ratio >= min_ratio, ratio <= 1.0 / min_ratio)
    sig = tested & (q <= alpha) & strong
    cls = np.select(
        [sig & more, sig & ~more, tested], [*GAP_SIGNIFICANT, "inget"], default="ej_testad"
    )
    table["expected_otrygg"] = n * p0
    table["excess_otrygg"] = k - n * p0
    table["p_value"] = p
    table["q_value"] = q
    table["gap_class"] = cls
    table["gap_label"] = [vocab.label("perception_gap", c) for c in cls]
    return int(tested.sum())


def _municipal_share(layers: dict) -> tuple[float, int, int]:
    """``p0``: the share of unsafe signals among all placed signals + incidents (NaN when
    there are none), with the two totals."""
    totals = {}
    for col in ("n_incidents", "n_dialogue_otrygg", "n_walk_otrygg"):
        layer = layers[col]
        totals[col] = 0 if layer is None or len(layer) == 0 else int(_xy(layer)[2].sum())
    s = totals["n_dialogue_otrygg"] + totals["n_walk_otrygg"]
    i = totals["n_incidents"]
    return (s / (s + i) if s + i else float("nan")), s, i


def perception_gap(
    *,
    incidents,
    dialogue,
    walk_observations=None,
    areas=None,
    cell_size: float | None = None,
    by: str = "cell",
    categories: Sequence[str] | None = None,
    alpha: float = DEFAULT_ALPHA,
    min_n: int = DEFAULT_MIN_N,
    min_ratio: float = DEFAULT_MIN_RATIO,
    top_reasons: int = 3,
    quiet: bool = False,
):
    """Compare perceived insecurity with recorded incidents, per grid cell or per area.

    Parameters
    ----------
    incidents : GeoDataFrame
        Incident points. Records with ``location_precision == "kommun_centroid"`` are never
        placed (left out and counted in the record).
    dialogue : GeoDataFrame or None
        Dialogue pins; those with ``perception == "otrygg"`` are unsafe signals and their
        ``reasons`` the reasons given; ``trygg`` pins are counted in ``n_trygg``.
    walk_observations : GeoDataFrame, optional
        Safety-walk observations; ``perception == "otrygg"`` ones are unsafe signals and their
        ``problem_category`` a reason.
    areas : GeoDataFrame, optional
        Needed for ``by="area"``; with ``by="cell"`` each cell gets the ``area_id`` of the area
        containing its centre (None outside every area).
    cell_size : float, optional
        Cell size in metres. ``None`` chooses 250 m, SCB's grid and the finest public cell
        size (announced and recorded as automatic). Cells have their corners at multiples of
        the cell size in the layers' CRS (EPSG:3006 lattice), half-open ``[x, x+c) × [y, y+c)``;
        ``cell_id`` is ``"{c}mE{x}N{y}"`` of the lower-left corner, as in ``analysis.grid``.
    by : {"cell", "area"}
    categories : sequence of str, optional
        Incident categories to count. ``None`` = all except ``arrangemang`` and
        ``otrygg_plats`` (announced).
    alpha : float
        False discovery rate of the gap test (default 0.05), see Notes.
    min_n : int
        Units with fewer signals + incidents than this are not tested (default 5, the public
        count limit): class ``ej_testad``.
    min_ratio : float
        Minimum effect: a gap also needs the unit's unsafe signals to be at least
        ``min_ratio`` times (or at most ``1/min_ratio`` of) the expected ``n·p0`` (default 2).
        With thousands of signals per area a small difference is significant; this keeps the
        classes for differences that matter.
    top_reasons : int
        How many reasons to list per unit.
    quiet : bool
        Silence announcements (the record stays in ``attrs``).

    Returns
    -------
    GeoDataFrame
        ``by="cell"``: ``CELL_COLUMNS`` (cell polygon geometry), one row per cell with at least
        one incident or one ``otrygg`` signal, sorted by ``cell_id``. ``by="area"``:
        ``AREA_COLUMNS``, one row per area. Columns: ``n_incidents``; ``n_dialogue_otrygg``,
        ``n_walk_otrygg`` and their sum ``n_otrygg``; ``n_trygg`` (safe pins and
        observations, informative only); ``expected_otrygg`` (``n·p0``) and
        ``excess_otrygg`` (``n_otrygg − expected_otrygg``); ``p_value`` (two-sided) and
        ``q_value`` (Benjamini–Hochberg), NaN when not tested; ``gap_class`` (vocabulary
        ``perception_gap``) and its ``gap_label``; ``top_reasons`` (``;``-separated codes,
        most frequent first, ties by code) and ``top_reason_labels``.
        ``attrs["tryggaplatser"]["params"]`` records the test, the correction, ``alpha``,
        ``min_n``, ``min_ratio`` and ``p0``.

    Notes
    -----
    Incidents (often years of reports) and unsafe signals (one dialogue campaign, a few walks)
    are on different scales, so a unit is judged by its *mix*: with ``n`` = signals +
    incidents in the unit and ``p0`` the share of signals among all placed signals +
    incidents (the municipality's ratio), the unit's signals are under the null hypothesis
    ``Binomial(n, p0)`` (two Poisson processes with proportional intensities, conditioned on
    their sum). The exact two-sided p-value is ``min(1, 2·min(P(X ≥ k), P(X ≤ k)))``
    (:func:`ratio_pvalues`); units with ``n < min_n`` are not tested. The p-values of the
    tested units are corrected by Benjamini–Hochberg (per call: across cells, or across
    areas) and a unit has a gap when ``q ≤ alpha`` and its observed / expected ratio is at
    least ``min_ratio`` (or at most its inverse). Classes: ``otrygg_fa_handelser``
    significantly more signals than the ratio predicts (feels unsafe, few incidents);
    ``handelser_ej_upplevt`` significantly fewer (incidents not perceived); ``inget`` tested,
    no significant gap; ``ej_testad`` fewer than ``min_n``. Under complete spatial
    randomness of both layers at most about ``alpha`` of the units get a gap class.
    """
    import geopandas as gpd

    c = _check_gap_arguments(
        by, areas, cell_size, alpha, min_n, incidents, dialogue, walk_observations
    )
    record, categories, c = _gap_record(incidents, categories, c, quiet)
    layers = _signal_layers(incidents, dialogue, walk_observations, categories, record)
    if by == "cell":
        table, reasons, geometry = _cell_table(layers, areas, c, incidents.crs)
        columns = CELL_COLUMNS
    else:
        table, reasons, geometry = _area_table(layers, areas)
        columns = AREA_COLUMNS

    p0, n_signals, n_incidents = _municipal_share(layers)
    n_tested = _classify(table, p0, alpha, min_n, min_ratio)
    _record_test(record, p0, n_signals, n_incidents, (alpha, min_n, min_ratio), n_tested, by, quiet)
    top_codes, top_labels = _top_reasons(reasons, table.index, top_reasons)
    table["top_reasons"] = top_codes
    table["top_reason_labels"] = top_labels
    out = gpd.GeoDataFrame(table.reset_index(drop=True), geometry=geometry, crs=incidents.crs)
    out = out[columns]
    if by == "cell":
        out = out.sort_values("cell_id").reset_index(drop=True)
    return attach(out, record)


def gap_test_text(
    alpha: float, min_n: int, by: str = "cell", min_ratio: float = DEFAULT_MIN_RATIO
) -> str:
    """The gap test in one sentence (methods boxes and table captions), current language;
    ``by`` names the units the correction runs over."""
    cells = by == "cell"
    return tr(
        "exakt binomialtest per {u} av andelen otrygga signaler bland signaler + händelser "
        "mot kommunens andel, tvåsidigt, Benjamini–Hochberg-korrigerat över {ud} (FDR {a} %), "
        "och minst {r} gånger (eller högst 1/{r} av) det förväntade antalet otrygga signaler; "
        "{us} med färre än {m} signaler + händelser testas inte",
        "exact binomial test per {u} of the share of unsafe signals among signals + "
        "incidents against the municipality's share, two-sided, Benjamini–Hochberg corrected "
        "over the {us} (FDR {a} %), and at least {r} times (or at most 1/{r} of) the expected "
        "unsafe signals; {us} with fewer than {m} signals + incidents are not tested",
        u=tr("ruta", "cell") if cells else tr("område", "area"),
        us=tr("rutor", "cells") if cells else tr("områden", "areas"),
        ud=tr("rutorna", "cells") if cells else tr("områdena", "areas"),
        a=_pct_text(alpha),
        m=min_n,
        r=f"{min_ratio:g}".replace(".", ",") if tr("sv", "en") == "sv" else f"{min_ratio:g}",
    )


def _pct_text(share: float) -> str:
    """``0.05`` → ``"5"``; a decimal comma in Swedish (``0.025`` → ``"2,5"``)."""
    text = f"{share * 100:g}"
    return text.replace(".", ",") if tr("sv", "en") == "sv" else text


def _record_test(record, p0, n_signals, n_incidents, limits, n_tested, by, quiet) -> None:
    """Record the gap test, its correction, alpha, min_n, min_ratio and the municipal share
    ``p0``."""
    alpha, min_n, min_ratio = limits
    units = tr("rutor", "cells") if by == "cell" else tr("områden", "areas")
    record_param(
        record,
        "test",
        tr("exakt binomialtest, tvåsidigt", "exact binomial test, two-sided"),
        auto=False,
        rule=tr(
            "otrygga signaler ~ Bin(n, p0) givet n = signaler + händelser i enheten; "
            "p = min(1, 2·min(P(X ≥ k), P(X ≤ k)))",
            "unsafe signals ~ Bin(n, p0) given n = signals + incidents in the unit; "
            "p = min(1, 2·min(P(X ≥ k), P(X ≤ k)))",
        ),
    )
    record_param(
        record,
        "fdr",
        "Benjamini–Hochberg",
        auto=False,
        rule=tr(
            "över {t} testade {u}; gap när q ≤ alpha",
            "over {t} tested {u}; gap when q ≤ alpha",
            t=n_tested,
            u=units,
        ),
    )
    record_param(record, "alpha", alpha, auto=False)
    record_param(
        record,
        "min_ratio",
        min_ratio,
        auto=False,
        rule=tr(
            "ett gap kräver också att de otrygga signalerna är minst {r} gånger (eller högst "
            "1/{r} av) det förväntade antalet",
            "a gap also needs the unsafe signals to be at least {r} times (or at most 1/{r} "
            "of) the expected number",
            r=f"{min_ratio:g}",
        ),
    )
    record_param(
        record,
        "min_n",
        min_n,
        auto=False,
        rule=tr(
            "{u} med färre signaler + händelser testas inte (klass ej_testad)",
            "{u} with fewer signals + incidents are not tested (class ej_testad)",
            u=units.capitalize(),
        ),
    )
    rule = tr(
        "andel otrygga signaler bland alla placerade signaler + händelser: {s} av {n}",
        "share of unsafe signals among all placed signals + incidents: {s} of {n}",
        s=n_signals,
        n=n_signals + n_incidents,
    )
    record_param(
        record,
        "p0",
        float(f"{p0:.4g}") if np.isfinite(p0) else None,
        auto=True,
        rule=rule,
        message=tr(
            "Kommunens kvot p0 = {p} ({r}).",
            "Municipal ratio p0 = {p} ({r}).",
            p=f"{p0:.4g}" if np.isfinite(p0) else "–",
            r=rule,
        ),
        quiet=quiet,
    )


def _check_gap_arguments(
    by, areas, cell_size, alpha, min_n, incidents, dialogue, walk_observations
) -> float | None:
    """Validate the arguments of :func:`perception_gap`; return the checked cell size (or
    ``None``: chosen in :func:`_gap_record`)."""
    if by not in ("cell", "area"):
        raise ArgumentError(
            tr(
                "`by` måste vara 'cell' eller 'area', fick {b!r}.",
                "`by` must be 'cell' or 'area', got {b!r}.",
                b=by,
            ),
            rule="ARGUMENT_INVALID",
        )
    if by == "area" and areas is None:
        raise ArgumentError(
            tr("`by='area'` kräver `areas`.", "`by='area'` needs `areas`."),
            rule="ARGUMENT_MISSING",
            fix=tr("skicka med områdeslagret: areas=...", "pass the areas layer: areas=..."),
        )
    c = check_positive(cell_size, "cell_size")
    if not 0 < alpha < 1:
        raise ArgumentError(
            tr(
                "`alpha` ska ligga mellan 0 och 1, fick {q!r}.",
                "`alpha` must be between 0 and 1, got {q!r}.",
                q=alpha,
            ),
            rule="ARGUMENT_INVALID",
        )
    if isinstance(min_n, bool) or not isinstance(min_n, (int, np.integer)) or min_n < 1:
        raise ArgumentError(
            tr(
                "`min_n` ska vara ett heltal ≥ 1, fick {m!r}.",
                "`min_n` must be an integer ≥ 1, got {m!r}.",
                m=min_n,
            ),
            rule="ARGUMENT_INVALID",
        )
    check_projected(incidents.crs, "incidents")
    for name, layer in (
        ("dialogue", dialogue),
        ("walk_observations", walk_observations),
        ("areas", areas),
    ):
        if layer is not None:
            check_same_crs(incidents.crs, layer.crs, "incidents", name)
    return c


def _gap_record(incidents, categories, c, quiet) -> tuple[dict, list, float]:
    """Start the provenance record: categories and cell size (chosen and announced when
    ``None``); also return the categories and the cell size."""
    record = new_record()
    if categories is None:
        present = set(incidents["category"].astype(str).unique())
        categories = sorted(present - set(DEFAULT_EXCLUDED_CATEGORIES))
        record_param(
            record,
            "categories",
            categories,
            auto=True,
            rule=tr(
                "alla utom arrangemang och otrygg_plats", "all except arrangemang and otrygg_plats"
            ),
            message=tr(
                "Händelsekategorier valda automatiskt: alla utom arrangemang och otrygg_plats.",
                "Incident categories chosen automatically: all except "
                "arrangemang and otrygg_plats.",
            ),
            quiet=quiet,
        )
    else:
        categories = [str(x) for x in categories]
        record_param(record, "categories", categories, auto=False)
    c = record_public_cell_size(record, c, quiet=quiet)
    return record, categories, c


def _signal_layers(incidents, dialogue, walk_observations, categories, record) -> dict:
    """The placed incidents and the unsafe/safe dialogue and walk signals, by count column."""
    inc_mask = incidents["category"].astype(str).isin(categories).to_numpy()
    if "location_precision" in incidents.columns:
        centroid = _is(incidents["location_precision"], "kommun_centroid")
        record["params"]["excluded_kommun_centroid"] = {
            "value": int((centroid & inc_mask).sum()),
            "auto": False,
        }
        inc_mask = inc_mask & ~centroid
    inc = incidents.loc[inc_mask]

    d_unsafe = d_safe = None
    if dialogue is not None and len(dialogue):
        d_unsafe = dialogue.loc[_is(dialogue["perception"], "otrygg")]
        d_safe = dialogue.loc[_is(dialogue["perception"], "trygg")]
    w_unsafe = w_safe = None
    if walk_observations is not None and len(walk_observations):
        w_unsafe = walk_observations.loc[_is(walk_observations["perception"], "otrygg")]
        w_safe = walk_observations.loc[_is(walk_observations["perception"], "trygg")]
    layers = {
        "n_incidents": inc,
        "n_dialogue_otrygg": d_unsafe,
        "n_walk_otrygg": w_unsafe,
        "n_trygg_d": d_safe,
        "n_trygg_w": w_safe,
    }
    return layers


def _cell_table(layers: dict, areas, c: float, crs) -> tuple[pd.DataFrame, pd.DataFrame, object]:
    """Counts, reasons and cell polygons per grid cell with at least one signal."""
    import geopandas as gpd
    import shapely

    d_unsafe, w_unsafe = layers["n_dialogue_otrygg"], layers["n_walk_otrygg"]
    keys: dict[str, pd.Series] = {}
    for col, layer in layers.items():
        if layer is None or len(layer) == 0:
            keys[col] = pd.Series([], dtype=object)
            continue
        x, y, ok = _xy(layer)
        ix = np.floor(np.where(ok, x, 0) / c).astype(np.int64)
        iy = np.floor(np.where(ok, y, 0) / c).astype(np.int64)
        key = pd.array(ix * _KEY + (iy + _KEY // 2), dtype="Int64")
        key[~ok] = pd.NA
        keys[col] = pd.Series(key, index=layer.index)
    counts = (
        pd.DataFrame({col: k.dropna().astype(np.int64).value_counts() for col, k in keys.items()})
        .fillna(0)
        .astype(np.int64)
    )
    for col in layers:
        if col not in counts.columns:
            counts[col] = 0
    counts["n_otrygg"] = counts["n_dialogue_otrygg"] + counts["n_walk_otrygg"]
    counts["n_trygg"] = counts["n_trygg_d"] + counts["n_trygg_w"]
    counts = counts[(counts["n_incidents"] > 0) | (counts["n_otrygg"] > 0)]
    kk = counts.index.to_numpy(dtype=np.int64)
    table = pd.DataFrame(
        {
            "x": (kk // _KEY) * c,
            "y": (kk % _KEY - _KEY // 2) * c,
            "n_incidents": counts["n_incidents"].to_numpy(),
            "n_dialogue_otrygg": counts["n_dialogue_otrygg"].to_numpy(),
            "n_walk_otrygg": counts["n_walk_otrygg"].to_numpy(),
            "n_otrygg": counts["n_otrygg"].to_numpy(),
            "n_trygg": counts["n_trygg"].to_numpy(),
        },
        index=counts.index,
    )
    table["cell_id"] = cell_labels(table["x"], table["y"], c)
    reasons = _reason_frame(
        d_unsafe,
        w_unsafe,
        keys["n_dialogue_otrygg"] if d_unsafe is not None else pd.Series([], dtype=object),
        keys["n_walk_otrygg"] if w_unsafe is not None else pd.Series([], dtype=object),
    )
    reasons = reasons[reasons["key"].notna()]
    geometry = shapely.box(
        table["x"].to_numpy(),
        table["y"].to_numpy(),
        table["x"].to_numpy() + c,
        table["y"].to_numpy() + c,
    )
    table["area_id"] = None
    if areas is not None and len(table):
        from .areas import assign_points

        centres = gpd.GeoDataFrame(
            geometry=shapely.points(table["x"] + c / 2, table["y"] + c / 2), crs=crs
        )
        a = assign_points(centres, areas).drop_duplicates("pos")
        aid = np.full(len(table), None, dtype=object)
        aid[a["pos"].to_numpy()] = a["area_id"].to_numpy()
        table["area_id"] = aid
    return table, reasons, geometry


def _area_table(layers: dict, areas) -> tuple[pd.DataFrame, pd.DataFrame, object]:
    """Counts, reasons and polygons per area."""
    from .areas import assign_points

    d_unsafe, w_unsafe = layers["n_dialogue_otrygg"], layers["n_walk_otrygg"]
    ids = areas["area_id"].astype(str).tolist()
    table = pd.DataFrame(index=pd.Index(ids, name="key"))
    a_keys: dict[str, pd.Series] = {}
    for col, layer in layers.items():
        if layer is None or len(layer) == 0:
            table[col] = 0
            a_keys[col] = pd.Series([], dtype=object)
            continue
        a = assign_points(layer, areas)
        table[col] = a.groupby("area_id").size().reindex(ids, fill_value=0).to_numpy()
        a_keys[col] = pd.Series(a["area_id"].to_numpy(), index=a["pos"].to_numpy())
    table["n_otrygg"] = table["n_dialogue_otrygg"] + table["n_walk_otrygg"]
    table["n_trygg"] = table["n_trygg_d"] + table["n_trygg_w"]
    table["area_id"] = ids
    table["name"] = areas["name"].astype(str).to_numpy() if "name" in areas.columns else ids
    parts = []
    for col, layer, field in (
        ("n_dialogue_otrygg", d_unsafe, "reasons"),
        ("n_walk_otrygg", w_unsafe, "problem_category"),
    ):
        if layer is None or len(layer) == 0 or field not in layer.columns:
            continue
        k = a_keys[col]
        sub = layer.iloc[k.index.to_numpy()]
        if field == "reasons":
            parts.append(_reason_frame(sub, None, pd.Series(k.to_numpy()), pd.Series([])))
        else:
            parts.append(_reason_frame(None, sub, pd.Series([]), pd.Series(k.to_numpy())))
    reasons = (
        pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({"key": [], "code": []})
    )
    geometry = areas.geometry.to_numpy()
    return table, reasons, geometry
