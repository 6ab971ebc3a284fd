"""Rendering of the forecast scores: the ``prognos`` report, its CSV, and the short sections of
the lägesbild and the EST brief.

Everything computed here is formatting: the scores, intervals and stability numbers come from
:mod:`tryggaplatser.analysis.forecast` (through :meth:`tryggaplatser.Run.forecast` and
:meth:`tryggaplatser.Run.stability`). Tables pass the gate as ``score_table``: municipality-wide
rates per month and method (public rows resting on 1–4 events are withheld).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from ...analysis.forecast import METHODS, method_label
from ...i18n import tr
from ..gate import Gate
from .report import Report, fmt_fixed, release_table

__all__ = [
    "est_accuracy_section",
    "forecast_report",
    "lagesbild_forecast_section",
    "scores_for_csv",
    "summary_table",
]


def pct(value: Any, decimals: int = 1) -> str:
    if value is None or not math.isfinite(float(value)):
        return "–"
    return f"{100 * float(value):.{decimals}f} %".replace(".", ",")


def with_interval(row: pd.Series, measure: str, fmt) -> str:
    """``"3,50 (3,33–3,66)"``: the mean over origins and its interval."""
    lo, hi = row.get(f"{measure}_lo"), row.get(f"{measure}_hi")
    if lo is None or not math.isfinite(float(lo)):
        return fmt(row[measure])
    return f"{fmt(row[measure])} ({fmt(lo)}–{fmt(hi)})".replace(" %–", "–")


def selection_text(row: pd.Series) -> str:
    if row["selection"] == "own":
        return tr("egen mängd", "own set")
    if row["selection"] == "places":
        return tr("{k} rutor", "{k} cells", k=int(row["target"]))
    return tr("{p} av ytan", "{p} of the area", p=pct(row["target"], 1).replace(",0 %", " %"))


def summary_table(
    result: Any, gate: Gate, selections: tuple[str, ...] = ("share",)
) -> pd.DataFrame:
    """The summary as display text, released by the gate (``score_table``)."""
    s = result.summary[result.summary["selection"].isin(selections)]
    display = pd.DataFrame(
        {
            "method": [method_label(m) for m in s["method"]],
            "selection": [selection_text(r) for _, r in s.iterrows()],
            "area_share": [pct(v) for v in s["area_share"]],
            "hit_rate": [with_interval(r, "hit_rate", pct) for _, r in s.iterrows()],
            "pai": [with_interval(r, "pai", fmt_fixed) for _, r in s.iterrows()],
            "pei": [with_interval(r, "pei", fmt_fixed) for _, r in s.iterrows()],
            "rri": [with_interval(r, "rri", fmt_fixed) for _, r in s.iterrows()],
        }
    )
    return release_table(gate, display, "score_table")


SUMMARY_COLUMNS = {
    "method": tr("Metod", "Method"),
    "selection": tr("Urval", "Selection"),
    "area_share": tr("Andel av ytan", "Share of the area"),
    "hit_rate": tr("Träffandel", "Hit rate"),
    "pai": "PAI",
    "pei": "PEI",
    "rri": "RRI",
}


def scores_for_csv(result: Any, gate: Gate) -> pd.DataFrame:
    """The scores per origin and method for the CSV; public: the month instead of the dates."""
    scores = result.scores.copy()
    for col in ("area_share", "hit_rate", "pai", "pei", "rri", "target"):
        scores[col] = scores[col].astype(float).round(4)
    if gate.public:
        scores.insert(0, "month", [pd.Timestamp(d).strftime("%Y-%m") for d in scores["origin"]])
    return release_table(gate, scores, "score_table")


def _curve(result: Any):
    from .svgcharts import curve_chart

    series = {}
    for m in METHODS:
        c = result.curve[result.curve["method"] == m]
        if len(c):
            series[method_label(m)] = (c["area_share"].tolist(), c["hit_rate"].tolist())
    return curve_chart(
        series,
        tr("Träffandel mot andel av ytan", "Hit rate against share of the area"),
        tr("andel av ytan som pekas ut (a/A)", "share of the area picked (a/A)"),
        tr("andel av händelserna", "share of the incidents"),
        diagonal=tr("slumpens förväntan", "what chance gives"),
    )


def step_text(result: Any) -> str:
    return tr("vecka", "week") if result.step == "week" else tr("månad", "month")


def forecast_report(
    result: Any,
    stability: Any,
    gate: Gate,
    *,
    municipality: str,
    period: str,
    today: Any = None,
) -> Report:
    """The ``prognos`` report: scores with intervals, the curve, and the stability checks."""
    report = Report(
        tr("Förutsäger kartan?", "Does the map predict?"),
        gate=gate,
        municipality=municipality,
        period=period,
        subtitle=tr(
            "Hur väl hotspots och fokusplatser pekade ut var händelserna sedan inträffade, "
            "och hur mycket kartan beror på rutnätet",
            "How well hotspots and focus places pointed out where incidents then happened, "
            "and how much the map depends on the grid",
        ),
        issued=today,
        kind=tr("Prognosuppföljning", "Forecast accountability"),
    )
    report.summary(_summary_items(result, stability))
    _section_scores(report, result, gate)
    _section_stability(report, stability, gate)
    _method_notes(report, result)
    return report


def _at(result: Any, method: str, target: float = 0.05):
    try:
        return result.at(method, "share", target)
    except (IndexError, KeyError):
        return None


def _summary_items(result: Any, stability: Any) -> list[str]:
    items = []
    best = max(
        (m for m in METHODS if m != "random" and _at(result, m) is not None),
        key=lambda m: _at(result, m)["pai"],
        default=None,
    )
    if best is not None:
        row = _at(result, best)
        items.append(
            tr(
                "{m} pekade ut 5 % av ytan med {h} av händelserna nästa {s} (PAI {p}); "
                "slumpade platser fick {r}.",
                "{m} picked 5 % of the area holding {h} of the next {s}'s incidents (PAI {p}); "
                "random places got {r}.",
                m=method_label(best),
                h=pct(row["hit_rate"]),
                s=step_text(result),
                p=with_interval(row, "pai", fmt_fixed),
                r=pct(_at(result, "random")["hit_rate"])
                if _at(result, "random") is not None
                else "–",
            )
        )
    items.append(
        tr(
            "{n} utgångspunkter (varje {s}); varje metod såg bara händelserna före utgångspunkten.",
            "{n} origins (every {s}); every method saw only the incidents before the origin.",
            n=result.n_origins,
            s=step_text(result),
        )
    )
    if stability is not None and math.isfinite(stability.stable_share):
        items.append(
            tr(
                "{p} av Gi*-hotspotrutorna är heta på alla prövade rutnät; {k} rutor beror på "
                "rutnätet.",
                "{p} of the Gi* hot cells are hot on every grid tried; {k} cells depend on "
                "the grid.",
                p=pct(stability.stable_share, 0),
                k=stability.grid_dependent,
            )
        )
    return items


def _section_scores(report: Report, result: Any, gate: Gate) -> None:
    s = report.section(
        tr("Träffsäkerhet per metod", "Accuracy by method"),
        key="traffsakerhet",
        intro=tr(
            "Medelvärde över utgångspunkterna med {c} % bootstrapintervall. Träffandel = andel "
            "av händelserna i de utpekade rutorna; PAI = träffandel delad med andel av ytan "
            "(slump ≈ 1); PEI = träffar delat med det bästa möjliga för lika många rutor; "
            "RRI = hur väl platserna behåller sina händelser jämfört med hela kommunen.",
            "Mean over the origins with {c} % bootstrap intervals. Hit rate = share of the "
            "incidents in the picked cells; PAI = hit rate divided by the share of the area "
            "(chance ≈ 1); PEI = hits divided by the best possible for as many cells; RRI = how "
            "well the places keep their incidents compared with the whole municipality.",
            c=95,
        ),
    )
    s.figure(
        _curve(result),
        caption=tr(
            "Andel av nästa periods händelser i de högst rankade rutorna, mot hur stor del av "
            "ytan de täcker; den streckade linjen är vad slumpen ger.",
            "Share of the next period's incidents in the top-ranked cells, against the share "
            "of the area they cover; the dashed line is what chance gives.",
        ),
    )
    s.table(
        summary_table(result, gate, ("share",)),
        columns=SUMMARY_COLUMNS,
        caption=tr("Vid fasta andelar av ytan", "At fixed shares of the area"),
    )
    s.table(
        summary_table(result, gate, ("own", "places")),
        columns=SUMMARY_COLUMNS,
        caption=tr(
            "Metodernas egna urval (fokusplatser, bestående hotspots, Gi* 95 %) och ett fast "
            "antal rutor",
            "The methods' own sets (focus places, persistent hotspots, Gi* 95 %) and a fixed "
            "number of cells",
        ),
    )


def _section_stability(report: Report, stability: Any, gate: Gate) -> None:
    if stability is None:
        return
    s = report.section(
        tr("Beror kartan på rutnätet?", "Does the map depend on the grid?"),
        key="stabilitet",
        intro=tr(
            "Hotspots beräknade om med halva och dubbla rutstorleken, rutnätet förskjutet en "
            "halv ruta och (KDE) halva och dubbla bandbredden. Jaccard = överlapp mellan de "
            "heta mängderna (1 = samma); överensstämmelse = andel rutor med samma status.",
            "Hotspots recomputed with half and double the cell size, the grid shifted half a "
            "cell and (KDE) half and double the bandwidth. Jaccard = overlap of the hot sets "
            "(1 = the same); agreement = share of cells with the same status.",
        ),
    )
    v = stability.variants
    names = {
        "cell_half": tr("halva rutstorleken", "half the cell size"),
        "cell_double": tr("dubbla rutstorleken", "double the cell size"),
        "shift_east": tr("förskjutet ½ ruta österut", "shifted ½ cell east"),
        "shift_north": tr("förskjutet ½ ruta norrut", "shifted ½ cell north"),
        "shift_northeast": tr("förskjutet ½ ruta nordost", "shifted ½ cell north-east"),
        "bandwidth_half": tr("halva bandbredden", "half the bandwidth"),
        "bandwidth_double": tr("dubbla bandbredden", "double the bandwidth"),
    }
    display = pd.DataFrame(
        {
            "hot_set": [
                "Gi* (95 %)" if h == "gistar" else tr("KDE, topp 5 %", "KDE, top 5 %")
                for h in v["hot_set"]
            ],
            "variant": [names.get(n, n) for n in v["variant"]],
            "jaccard": [fmt_fixed(x) for x in v["jaccard"]],
            "agreement": [pct(x) for x in v["agreement"]],
        }
    )
    s.table(
        release_table(gate, display, "score_table"),
        columns={
            "hot_set": tr("Heta rutor", "Hot cells"),
            "variant": tr("Variant", "Variant"),
            "jaccard": "Jaccard",
            "agreement": tr("Överensstämmelse", "Agreement"),
        },
    )
    s.note(
        tr(
            "{b} rutor är Gi*-heta på grundrutnätet; {p} av dem är heta på alla fem varianter "
            "av rutnätet. {k} rutor beror på rutnätet (heta på grundrutnätet men inte på "
            "alla varianter, eller inte heta men heta på minst hälften av dem): visa dem som "
            "osäkra.",
            "{b} cells are Gi* hot on the base grid; {p} of them are hot on all five grid "
            "variants. {k} cells depend on the grid (hot on the base grid but not on every "
            "variant, or not hot but hot on at least half of them): show them as uncertain.",
            b=stability.base_hot,
            p=pct(stability.stable_share, 0),
            k=stability.grid_dependent,
        ),
        tone="warning" if stability.grid_dependent else "info",
    )


def _method_notes(report: Report, result: Any) -> None:
    report.method_note(
        tr(
            "Rullande utgångspunkter: vid varje utgångspunkt t rangordnar varje metod rutorna "
            "utifrån händelserna före t (långsiktiga metoder: de 364 dagarna före t) och "
            "poängsätts på händelserna i [t, t + h). Träffandel n/N; PAI = (n/N)/(a/A) "
            "(Chainey, Tompson & Uhlig 2008); PEI = n/n*, n* = flest händelser som lika "
            "många rutor kunde fånga (Hunt 2016); RRI = (n₁/n₀)/(N₁/N₀) mot perioden lika "
            "lång före t (Levine 2008). "
            "Fokusplatser: EST-briefens poäng (återkommande platser och hotspotklass, utan "
            "near-repeat och ovanliga ökningar), topp 10 platser. Bestående hotspots: klasserna "
            "bestående och intensifierande av 13 perioder à 28 dagar. Lika värden avgörs av en "
            "seedad slumpordning.",
            "Rolling origins: at every origin t each method ranks the cells from the incidents "
            "before t (long-term methods: the 364 days before t) and is scored on the incidents "
            "in [t, t + h). Hit rate n/N; PAI = (n/N)/(a/A) (Chainey, Tompson & Uhlig 2008); "
            "PEI = n/n*, n* = the most incidents as many cells could catch (Hunt 2016); RRI = "
            "(n₁/n₀)/(N₁/N₀) against the period of the same length before t (Levine 2008). "
            "Focus places: the EST brief's points (recurring places and hotspot class, without "
            "near repeat and unusual increases), top 10 places. Persistent hotspots: the classes "
            "persistent and intensifying over 13 periods of 28 days. Ties are broken by a seeded "
            "random order.",
        )
    )
    for name, entry in result.params.items():
        if isinstance(entry, dict) and "value" in entry:
            report.parameter(
                name, entry["value"], auto=bool(entry.get("auto")), rule=str(entry.get("rule", ""))
            )
    report.parameter(tr("Cellstorlek", "Cell size"), f"{result.cell_size:g} m")
    report.parameter(
        tr("Bootstrapblock", "Bootstrap block"),
        result.summary.attrs.get("block", "?"),
        auto=True,
        rule=tr(
            "rörlig blockbootstrap över utgångspunkterna, block ⌈n^(1/3)⌉ (minst horisonten)",
            "moving-block bootstrap over the origins, blocks of ⌈n^(1/3)⌉ (at least the horizon)",
        ),
    )


def write_forecast_report(
    result: Any, stability: Any, out_dir: str | Path, gate: Gate, **options: Any
) -> list[Path]:
    """Write ``prognos.html`` and ``prognos_poang.csv`` (scores per origin and method)."""
    from ..tables import write_csv

    out_dir = Path(out_dir)
    report = forecast_report(result, stability, gate, **options)
    paths = [report.write(out_dir / "prognos.html")]
    paths.append(write_csv(scores_for_csv(result, gate), out_dir / "prognos_poang.csv", gate=gate))
    return paths


# ---------------------------------------------------------------------------------------------
# sections of other products


def lagesbild_forecast_section(report: Report, result: Any, gate: Gate) -> None:
    """The lägesbild's short section: how well the hotspot map predicted the next month."""
    s = report.section(
        tr("Hur förutsägbara är hotspots?", "How predictable are the hotspots?"),
        key="forutsagbarhet",
        intro=tr(
            "Varje månad pekades de 5 % av ytan ut som metoderna rankade högst utifrån året "
            "före; siffrorna visar hur stor andel av nästa månads händelser som hamnade där "
            "({n} månader, medelvärde med 95 % intervall).",
            "Every month the 5 % of the area the methods ranked highest from the year before "
            "was picked; the figures show the share of the next month's incidents that fell "
            "there ({n} months, mean with 95 % interval).",
            n=result.n_origins,
        ),
    )
    s.table(
        summary_table(result, gate, ("share",)),
        columns={k: SUMMARY_COLUMNS[k] for k in ("method", "hit_rate", "pai")},
    )
    row, chance = _at(result, "gistar"), _at(result, "random")
    if row is not None and chance is not None:
        s.note(
            tr(
                "Gi*-hotspots fångade {h} av händelserna på 5 % av ytan, {x} gånger slumpens "
                "andel (PAI). Kartan duger som stöd för var resurser sätts in när PAI klart "
                "överstiger 1.",
                "Gi* hotspots caught {h} of the incidents on 5 % of the area, {x} times the "
                "share chance gives (PAI). The map is a fair guide for where to put resources "
                "when the PAI clearly exceeds 1.",
                h=pct(row["hit_rate"]),
                x=fmt_fixed(row["pai"], 1),
            )
        )


def est_accuracy_section(report: Report, accuracy: Any, gate: Gate) -> None:
    """The EST brief's section "Hur träffsäkra var fokusplatserna?" (last 12 weeks)."""
    from .report import internal_table

    s = report.section(
        tr("Hur träffsäkra var fokusplatserna?", "How accurate were the focus places?"),
        key="traffsakerhet",
        intro=tr(
            "De senaste {n} veckorna: fokusplatserna som briefen hade föreslagit inför varje "
            "vecka (utan near-repeat och ovanliga ökningar), jämförda med nästa veckas "
            "rapporter. Slumpade platser och förra veckans antal som jämförelse.",
            "The last {n} weeks: the focus places the brief would have proposed before each "
            "week (without near repeat and unusual increases), against the next week's "
            "reports. Random places and last week's counts for comparison.",
            n=accuracy.n_origins,
        ),
    )
    sm = accuracy.summary
    rows = sm[(sm["selection"] == "own") | (sm["selection"] == "places")]
    display = pd.DataFrame(
        {
            "metod": [method_label(m) for m in rows["method"]],
            "urval": [selection_text(r) for _, r in rows.iterrows()],
            "traffandel": [with_interval(r, "hit_rate", pct) for _, r in rows.iterrows()],
            "pai": [with_interval(r, "pai", fmt_fixed) for _, r in rows.iterrows()],
        }
    )
    s.table(
        internal_table(gate, display, name="focus_accuracy"),
        columns={
            "metod": tr("Metod", "Method"),
            "urval": tr("Urval", "Selection"),
            "traffandel": tr("Träffandel", "Hit rate"),
            "pai": "PAI",
        },
    )
