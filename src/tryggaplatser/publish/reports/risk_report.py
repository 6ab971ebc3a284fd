"""Rendering of the risk-terrain model and the street stretches: the ``riskfaktorer`` report and
the short "Riskfaktorer" sections of the area reports and the lägesbild.

Everything here is formatting: the model, the relative risks and the stretches come from
:mod:`tryggaplatser.analysis.risk_terrain` and :mod:`tryggaplatser.analysis.streets` (through
:meth:`tryggaplatser.Run.risk_terrain` and :meth:`tryggaplatser.Run.streets`). Tables pass the
gate as ``risk_table`` (municipality-wide model tables) and ``street_stretches`` (counts per
stretch: public 1–4 as "<5").
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...i18n import tr
from ..gate import Gate
from .report import Report, fmt_fixed, release_table

__all__ = [
    "factor_table",
    "risk_report",
    "risk_section",
    "stretch_table",
    "stretch_text",
    "write_risk_report",
]


def variable_text(kind: str, distance: float) -> str:
    """``"inom 150 m"`` (proximity) or ``"antal inom 150 m"`` (density)."""
    if not isinstance(kind, str) or not kind or not math.isfinite(float(distance)):
        return "–"
    d = f"{float(distance):g}"
    if kind == "prox":
        return tr("närhet: inom {d} m", "proximity: within {d} m", d=d)
    return tr("täthet: antal inom {d} m", "density: number within {d} m", d=d)


def verdict(row: pd.Series) -> str:
    if not row["selected"]:
        return tr("tillför inget", "adds nothing")
    if row["rr_lo"] > 1:
        return tr("förhöjd risk", "raised risk")
    if row["rr_hi"] < 1:
        return tr("lägre risk", "lower risk")
    return tr("osäker (intervallet omfattar 1)", "uncertain (the interval includes 1)")


def factor_table(risk: Any, gate: Gate) -> pd.DataFrame:
    """The factors as display text, released by the gate (``risk_table``)."""
    f = risk.factors
    display = pd.DataFrame(
        {
            "factor": f["factor"].astype(str),
            "n_features": f["n_features"].astype(int),
            "variable": [variable_text(k, d) for k, d in zip(f["kind"], f["distance"])],
            "rr_text": [
                f"{fmt_fixed(r)} ({fmt_fixed(lo)}–{fmt_fixed(hi)})" if s else "–"
                for r, lo, hi, s in zip(f["rr"], f["rr_lo"], f["rr_hi"], f["selected"])
            ],
            "delta_bic": [fmt_fixed(v, 1) for v in f["delta_bic"]],
            "verdict": [verdict(r) for _, r in f.iterrows()],
        }
    )
    return release_table(gate, display, "risk_table")


FACTOR_COLUMNS = {
    "factor": tr("Faktor", "Factor"),
    "n_features": tr("Objekt", "Features"),
    "variable": tr("Bästa variabel", "Best variable"),
    "rr_text": tr("Relativ risk (95 % KI)", "Relative risk (95 % CI)"),
    "delta_bic": tr("ΔBIC", "ΔBIC"),
    "verdict": tr("Bedömning", "Verdict"),
}


def stretch_text(row: Any) -> str:
    """``"Storgatan 120–220 m"`` (an unnamed road is "namnlös väg"); ``row`` is a stretch's
    row or a mapping with its ``name``, ``from_m`` and ``to_m``."""
    name = str(row.get("name") or "") or tr("namnlös väg", "unnamed road")
    return f"{name} {float(row['from_m']):.0f}–{float(row['to_m']):.0f} m"


def stretch_table(streets: Any, gate: Gate, k: int = 15, within: Any = None) -> pd.DataFrame:
    """The ``k`` stretches with the most incidents (optionally only those intersecting
    ``within``), released by the gate (``street_stretches``; public counts 1–4 as "<5")."""
    import shapely

    layer = streets.stretches
    # the stretches with incidents (and in ``within``), taken from the layer once
    rows = np.flatnonzero((layer["n"] > 0).fillna(False).to_numpy(dtype=bool))
    if within is not None:
        rows = rows[shapely.intersects(layer.geometry.to_numpy()[rows], within)]
    top = layer.iloc[rows]
    top = top.sort_values(["n", "gistar", "stretch_id"], ascending=[False, False, True]).head(k)
    from .area_plan import layer_plan_key

    key = layer_plan_key(streets.stretches)  # the folder's plan: one count per stretch
    frame = pd.DataFrame(top.drop(columns="geometry"))
    frame.attrs = {"tryggaplatser": {"params": {"stretch_length": _length(streets)}}}
    released = release_table(gate, frame, "street_stretches", plan_key=key)
    shown = released.get("n_visning", released["n"].astype("string"))
    # the texts from the three columns they read (a row of the whole layer is costly)
    texts = top[[c for c in ("name", "from_m", "to_m") if c in top.columns]]
    return pd.DataFrame(
        {
            "stretch": [stretch_text(r) for r in texts.to_dict("records")],
            "n": [str(v) for v in shown],
            "gi_bin": [_bin_text(b) for b in released["gi_bin"]],
        }
    ).pipe(lambda d: release_table(gate, d, "risk_table"))


def _length(streets: Any) -> float:
    value = str(streets.params.get("stretch_length", {}).get("value", "0")).split()[0]
    return float(value)


def _bin_text(b: Any) -> str:
    from ...layers.vocab import label

    return label("gi_bin", int(b)) if b is not None and not pd.isna(b) else "–"


STRETCH_COLUMNS = {
    "stretch": tr("Gatusträcka", "Street stretch"),
    "n": tr("Händelser", "Incidents"),
    "gi_bin": "Gi*",
}


def _count_text(value: Any, gate: Gate) -> str:
    """A municipality-wide count; public 1–4 as "<5" (the policy's small counts)."""
    from ...policy import MIN_COUNT, SMALL

    v = int(value)
    return SMALL if gate.public and 1 <= v < MIN_COUNT else str(v)


def _summary_items(risk: Any, streets: Any, gate: Gate) -> list[str]:
    items = []
    sig = risk.significant()
    for _, row in sig.iterrows():
        items.append(
            tr(
                "{f}: relativ risk {r} (95 % KI {lo}–{hi}) {v}.",
                "{f}: relative risk {r} (95 % CI {lo}–{hi}) {v}.",
                f=row["factor"],
                r=fmt_fixed(row["rr"]),
                lo=fmt_fixed(row["rr_lo"]),
                hi=fmt_fixed(row["rr_hi"]),
                v=variable_text(row["kind"], row["distance"]),
            )
        )
    nothing = risk.factors.loc[~risk.factors["selected"], "factor"].tolist()
    if nothing:
        items.append(
            tr(
                "Tillför inget till modellen: {f}.",
                "Add nothing to the model: {f}.",
                f=", ".join(map(str, nothing)),
            )
        )
    if streets is not None:
        row = streets.snapping.set_index("layer").loc["incidents"]
        items.append(
            tr(
                "{s} av {n} händelser knöts till en gatusträcka; {u} låg för långt från vägnätet "
                "och redovisas för sig.",
                "{s} of {n} incidents were snapped to a street stretch; {u} lay too far from the "
                "road network and are reported separately.",
                s=_count_text(row["snapped"], gate),
                n=_count_text(row["input"], gate),
                u=_count_text(row["unsnapped"], gate),
            )
        )
    return items


def risk_report(
    risk: Any,
    streets: Any,
    gate: Gate,
    *,
    municipality: str,
    period: str,
    today: Any = None,
    figure: Any = None,
) -> Report:
    """The ``riskfaktorer`` report: factors with relative risks, the selection, the street
    stretches (with ``figure``, the street map around the top stretches, and a link to the
    street map ``gatustrackor.html``) and the methods."""
    report = Report(
        tr("Riskfaktorer i miljön", "Risk factors of the environment"),
        gate=gate,
        municipality=municipality,
        period=period,
        subtitle=tr(
            "Vilka platser och verksamheter i miljön som hänger ihop med fler händelser, och "
            "vilka gatusträckor som har flest",
            "Which places and activities of the environment go with more incidents, and "
            "which street stretches have the most",
        ),
        issued=today,
        kind=tr("Riskterrängmodell", "Risk-terrain model"),
    )
    report.summary(_summary_items(risk, streets, gate))
    _section_factors(report, risk, gate)
    if streets is not None:
        _section_streets(report, streets, gate, figure)
    _method_notes(report, risk, streets)
    return report


def _section_factors(report: Report, risk: Any, gate: Gate) -> None:
    s = report.section(
        tr("Riskfaktorer", "Risk factors"),
        key="riskfaktorer",
        intro=tr(
            "Relativ risk = hur många gånger fler händelser modellen väntar sig i en ruta nära "
            "faktorn än i en likadan ruta utan den (täthet: per extra objekt), med 95 % "
            "konfidensintervall. Faktorer som inte sänker BIC med minst 2 tillför inget.",
            "Relative risk = how many times more incidents the model expects in a cell near the "
            "factor than in a similar cell without it (density: per extra feature), with 95 % "
            "confidence intervals. Factors that do not lower BIC by at least 2 add nothing.",
        ),
    )
    s.table(factor_table(risk, gate), columns=FACTOR_COLUMNS)
    path = risk.steps.copy()
    display = pd.DataFrame(
        {
            "step": path["step"].astype(int),
            "factor": [f or tr("(bara konstant)", "(constant only)") for f in path["factor"]],
            "bic": [fmt_fixed(v, 1) for v in path["bic"]],
            "delta_bic": [fmt_fixed(v, 1) for v in path["delta_bic"]],
            "entered": [tr("ja", "yes") if e else tr("nej", "no") for e in path["entered"]],
        }
    )
    s.table(
        release_table(gate, display, "risk_table"),
        columns={
            "step": tr("Steg", "Step"),
            "factor": tr("Bästa faktor", "Best factor"),
            "bic": "BIC",
            "delta_bic": "ΔBIC",
            "entered": tr("Med i modellen", "Entered"),
        },
        caption=tr("Framåtval med BIC", "Forward selection by BIC"),
    )


STREET_MAP = "gatustrackor.html"


def _street_map_link():
    """A paragraph with a relative link to the street map (written beside the report)."""
    from ..safe_text import Trusted, html

    text = tr(
        "Karta över alla gatusträckor (klicka på en sträcka för gata, meter och antal): ",
        "Map of every street stretch (click a stretch for street, metres and count): ",
    )
    return Trusted(f'{html(text)}<a href="{STREET_MAP}">{STREET_MAP}</a>')


def _section_streets(report: Report, streets: Any, gate: Gate, figure: Any = None) -> None:
    s = report.section(
        tr("Gatusträckor", "Street stretches"),
        key="gatustrackor",
        intro=tr(
            "Händelser, observationer från trygghetsvandringar och dialogpunkter knutna till "
            "närmaste gatusträcka; Gi* längs vägnätet (sträckor som möts är grannar). Underlag "
            "för belysning, städning och väktarrundor.",
            "Incidents, safety-walk observations and dialogue pins snapped to the nearest street "
            "stretch; Gi* along the network (stretches that meet are neighbours). A basis for "
            "lighting, cleaning and guard routes.",
        ),
    )
    s.paragraph(_street_map_link())
    s.table(stretch_table(streets, gate), columns=STRETCH_COLUMNS)
    if figure is not None:
        s.figure(
            figure,
            caption=tr(
                "Gatusträckorna kring de tio med flest händelser (samma färger som kartan)",
                "The street stretches around the ten with the most incidents (the map's colours)",
            ),
        )
    snap = streets.snapping.copy()
    names = {
        "incidents": tr("Händelser", "Incidents"),
        "walk_observations": tr("Observationer", "Observations"),
        "dialogue": tr("Dialogpunkter", "Dialogue pins"),
    }
    snap["layer"] = [names.get(v, v) for v in snap["layer"]]
    s.table(
        release_table(gate, snap, "risk_table"),
        columns={
            "layer": tr("Lager", "Layer"),
            "input": tr("Antal", "Number"),
            "snapped": tr("Knutna", "Snapped"),
            "unsnapped": tr("För långt från väg", "Too far from a road"),
        },
        caption=tr(
            "Knutna + ej knutna = antal (inget tas bort i tysthet)",
            "Snapped + not snapped = number (nothing is dropped silently)",
        ),
    )


def _method_notes(report: Report, risk: Any, streets: Any) -> None:
    report.method_note(
        tr(
            "Riskterrängmodell i Caplan & Kennedys anda: varje faktor blir kandidatvariabler "
            "per ruta (närhet inom och antal inom varje avstånd); antal händelser per ruta "
            "modelleras med Poisson- eller negativ binomialregression (statsmodels, log-länk); "
            "framåtval med BIC, högst en variabel per faktor; relativ risk = exp(β) med 95 % "
            "Wald-intervall; den sammansatta riskytan är produkten av de valda faktorernas "
            "relativa risker i varje ruta.",
            "Risk-terrain model in the spirit of Caplan & Kennedy: every factor becomes "
            "candidate variables per cell (proximity within and number within each distance); "
            "incident counts per cell are modelled by Poisson or negative binomial regression "
            "(statsmodels, log link); forward selection by BIC, at most one variable per factor; "
            "relative risk = exp(β) with 95 % Wald intervals; the composite risk surface is the "
            "product of the selected factors' relative risks in each cell.",
        )
    )
    report.method_note(
        tr(
            "Sambanden är statistiska, inte bevisade orsaker: en faktor kan stå för något annat "
            "på samma plats (folkliv, öppettider).",
            "The associations are statistical, not proven causes: a factor may stand for "
            "something else at the same place (footfall, opening hours).",
        )
    )
    names = {
        "risk_distances": tr("Avstånd", "Distances"),
        "risk_family": tr("Modell", "Model"),
        "risk_selection": tr("Urval", "Selection"),
        "stretch_length": tr("Sträcklängd", "Stretch length"),
        "snap_distance": tr("Knytavstånd", "Snap distance"),
    }
    for params in (risk.params, getattr(streets, "params", {}) or {}):
        for name, entry in params.items():
            report.parameter(
                names.get(name, name),
                entry["value"],
                auto=bool(entry.get("auto")),
                rule=str(entry.get("rule")),
            )
    report.parameter(
        tr("Rutor / händelser", "Cells / incidents"),
        f"{risk.model['n_cells']} / {risk.model['n_events']}",
    )


def write_risk_report(risk: Any, streets: Any, out_dir: str | Path, gate: Gate, **options) -> Path:
    """Write ``riskfaktorer.html`` (the PDF is printed when the set is committed)."""
    report = risk_report(risk, streets, gate, **options)
    return report.write(Path(out_dir) / "riskfaktorer.html")


# ---------------------------------------------------------------------------------------------
# sections of other products


def risk_section(
    report: Report, risk: Any, streets: Any, gate: Gate, *, within: Any = None, k: int = 5
) -> None:
    """The short "Riskfaktorer" section of an area report or the lägesbild: the significant
    factors with relative risk and interval, and the top stretches (in ``within``, an area's
    polygon, when given)."""
    s = report.section(tr("Riskfaktorer", "Risk factors"), key="riskfaktorer")
    items = [
        tr(
            "{f} ({v}): relativ risk {r} (95 % KI {lo}–{hi})",
            "{f} ({v}): relative risk {r} (95 % CI {lo}–{hi})",
            f=row["factor"],
            v=variable_text(row["kind"], row["distance"]),
            r=fmt_fixed(row["rr"]),
            lo=fmt_fixed(row["rr_lo"]),
            hi=fmt_fixed(row["rr_hi"]),
        )
        for _, row in risk.significant().iterrows()
    ]
    s.bullets(
        items
        or [tr("Ingen faktor gav ett säkert samband.", "No factor showed a reliable association.")]
    )
    if streets is not None:
        table = stretch_table(streets, gate, k=k, within=within)
        if len(table):
            s.table(
                table,
                columns=STRETCH_COLUMNS,
                caption=tr(
                    "Gatusträckor med flest händelser", "Street stretches with most incidents"
                ),
            )
