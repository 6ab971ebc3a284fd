"""The weekly EST brief (veckolägesbild): draw and write it.

The brief is computed in :mod:`tryggaplatser.analysis.est_brief` (:func:`est_brief` returns an
:class:`ESTBrief`; both are importable from here too). This module takes the finished brief:

1. :func:`est_report` **draws** the brief as a :class:`~tryggaplatser.publish.reports.report.Report`
   (internal or public version, decided by the gate's mode).
2. :func:`write_est_brief` **writes** the HTML brief, the GeoPackage for QGIS and the CSV
   tables, every file through the publishing gate.

Internal and public versions
----------------------------
The EST brief is a working document for the EST meeting (municipality, police, housing
companies, guards) and is **internal by default**, marked "INTERNT – ej för spridning" on every
page. A weekly brief cannot be public: public outputs allow month as the finest time unit
(REFERENCE.md §5), and a "month to date" figure published every week would give the weekly
counts away by subtraction. The **public version** is therefore a *monthly overview*: the last
complete calendar month that ended before the week was over (for 2026-W47, October 2026), with
reports per area and per category for that month and the same month a year earlier (computed by
``est_brief(..., mode="public")``), small counts suppressed by the gate here (with complementary
suppression over the totals), and the hotspot classification of the run's grid. Points, weeks,
days, near-repeat alerts, focus places, measures with owners and dates, and per-source counts are
never in the public version.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from ..._compat import renamed
from ...analysis import est as _est
from ...analysis.est_brief import (
    EMERGING_CATEGORIES,
    NEAR_REPEAT_EXCLUDED,
    ESTBrief,
    _names,
    default_week,
    est_brief,
)
from ...analysis.near_repeat import fmt_number, fmt_p
from ...analysis.periods import last_local_day, local_date_strings
from ...errors import ArgumentError
from ...i18n import tr

__all__ = [
    "EMERGING_CATEGORIES",
    "NEAR_REPEAT_EXCLUDED",
    "ESTBrief",
    "default_week",
    "est_brief",
    "est_report",
    "write_est_brief",
]


# ---------------------------------------------------------------------------------------------
# drawing


def _week_period_text(brief: ESTBrief) -> str:
    last = last_local_day(brief.week_end)
    return tr(
        "vecka {w} ({a} – {b})",
        "week {w} ({a} – {b})",
        w=brief.week,
        a=brief.week_start.date().isoformat(),
        b=last.isoformat(),
    )


def _cat(code: Any) -> str:
    from ...layers.vocab import label

    return label("category", code) if pd.notna(code) else "–"


@renamed(issued="today")
def est_report(
    brief: ESTBrief, gate, *, municipality: str, today=None, map_file: str | None = None
):
    """Draw the brief as a report for the gate's mode (internal brief or public overview).

    Parameters
    ----------
    brief : ESTBrief
        From :func:`est_brief` (with ``mode="public"`` for a public gate).
    gate : Gate
        The output set's publishing gate.
    municipality : str
        Municipality name for the header.
    today : date-like, optional
        The time anchor: the date printed on the report as issued (default: today's date). The
        deprecated keyword ``issued`` still works, with a ``DeprecationWarning``.
    map_file : str, optional
        Internal brief: file name of the interactive map written next to it (see
        :func:`est_map`); the focus-places section links to it with a relative link.

    Returns
    -------
    tryggaplatser.publish.reports.report.Report
    """
    if gate.public:
        return _public_report(brief, gate, municipality=municipality, today=today)
    return _internal_report(brief, gate, municipality=municipality, today=today, map_file=map_file)


def _add_parameters(report, brief: ESTBrief) -> None:
    for name, value, auto, rule in brief.parameters:
        report.parameter(name, value, auto=auto, rule=rule)


def _internal_report(
    brief: ESTBrief, gate, *, municipality: str, today=None, map_file: str | None = None
):
    from .report import Report

    report = Report(
        tr("Veckolägesbild för EST", "Weekly situation picture for EST"),
        gate=gate,
        municipality=municipality,
        period=_week_period_text(brief),
        subtitle=tr(
            "Underlag till EST-mötet vecka {n}: vad hände, var, vad är "
            "ovanligt, vad återkommer och var ska vi vara nästa vecka.",
            "Brief for the EST meeting in week {n}: what happened, where, "
            "what is unusual, what keeps coming back and where to be next "
            "week.",
            n=brief.next_week,
        ),
        issued=today,
        kind=tr("EST-veckobrev", "EST weekly brief"),
    )
    _internal_summary(report, brief)
    _section_reports(report, brief, gate)
    _section_focus_places(report, brief, gate, municipality, map_file)
    if brief.accuracy is not None:
        from .forecast_report import est_accuracy_section

        est_accuracy_section(report, brief.accuracy, gate)
    _section_recurring_places(report, brief, gate)
    _section_hotspots(report, brief, gate)
    _section_near_repeat(report, brief, gate)
    _section_measures(report, brief, gate)
    _section_data_quality(report, brief, gate)
    _internal_method_notes(report, brief)
    return report


def _week_totals(brief: ESTBrief) -> tuple[float, int]:
    """Mean reports of the four weeks before the week, and the same week last year."""
    base_total = (
        float(brief.series["count"].iloc[-5:-1].mean()) if len(brief.series) >= 5 else math.nan
    )
    ly_total = int(brief.series["last_year"].iloc[-1]) if len(brief.series) else 0
    return base_total, ly_total


def _internal_summary(report, brief: ESTBrief) -> None:
    """Summary: the week's reports, unusual increases, places, alerts, silent sources, delays."""
    from .report import fmt_int, fmt_num

    weekly = brief.weekly
    unusual = weekly[weekly["unusual"]]
    silent = brief.sources[brief.sources["silent"]]
    overdue = (
        brief.measures[brief.measures["overdue"].astype(bool)]
        if len(brief.measures)
        else brief.measures
    )
    active = (
        brief.alert_cells[brief.alert_cells["active_next_week"].astype(bool)]
        if len(brief.alert_cells)
        else brief.alert_cells
    )
    base_total, ly_total = _week_totals(brief)
    summary = [
        tr(
            "{n} rapporter under veckan (medel för de fyra veckorna före: {b}; samma vecka "
            "i fjol: {ly}).",
            "{n} reports in the week (mean of the four weeks before: "
            "{b}; same week last year: {ly}).",
            n=fmt_int(brief.n_incidents),
            b=fmt_num(base_total),
            ly=fmt_int(ly_total),
        )
    ]
    if len(unusual):
        top = unusual.head(3)
        summary.append(
            tr(
                "Ovanlig ökning: {x}.",
                "Unusual increase: {x}.",
                x="; ".join(
                    tr(
                        "{c} i {a} ({n} mot snitt {b})",
                        "{c} in {a} ({n} vs mean {b})",
                        c=_cat(r.category).lower(),
                        a=r.area_name,
                        n=fmt_int(r.count),
                        b=fmt_num(r.baseline_mean),
                    )
                    for r in top.itertuples()
                ),
            )
        )
    else:
        summary.append(
            tr(
                "Ingen ovanlig ökning enligt Poissontestet.",
                "No unusual increase according to the Poisson test.",
            )
        )
    summary.append(
        tr(
            "{r} återkommande platser, {e} nya eller framväxande hotspotrutor, {a} "
            "near-repeat-larm aktiva in i nästa vecka.",
            "{r} recurring places, {e} new or emerging hotspot cells, {a} near-repeat "
            "alerts active into next week.",
            r=len(brief.recurring),
            e=0 if brief.emerging is None else len(brief.emerging),
            a=len(active),
        )
    )
    if len(silent):
        summary.append(
            tr(
                "Tyst källa: {s} – veckans siffror är troligen för låga för dess kategorier.",
                "Silent source: {s} – the week's figures are probably too low for its categories.",
                s=", ".join(silent["source"]),
            )
        )
    if len(overdue):
        summary.append(
            tr("1 åtgärd är försenad.", "1 measure is overdue.")
            if len(overdue) == 1
            else tr("{n} åtgärder är försenade.", "{n} measures are overdue.", n=len(overdue))
        )
    report.summary(summary)


def _section_reports(report, brief: ESTBrief, gate) -> None:
    """Section 1 "Veckans rapporter": facts, the weekly chart and the area tables."""
    from .charts import weekly_chart
    from .report import fmt_int, fmt_num

    unusual = brief.weekly[brief.weekly["unusual"]]
    base_total, ly_total = _week_totals(brief)
    s = report.section(
        tr("Veckans rapporter", "The week's reports"),
        key="rapporter",
        intro=tr(
            "Per område och kategori, jämfört med medel för de fyra "
            "föregående veckorna och samma vecka året innan.",
            "Per area and category, compared with the mean of the four "
            "previous weeks and the same week the year before.",
        ),
    )
    s.facts(
        [
            (tr("Rapporter denna vecka", "Reports this week"), fmt_int(brief.n_incidents)),
            (tr("Medel 4 veckor före", "Mean of 4 weeks before"), fmt_num(base_total)),
            (tr("Samma vecka i fjol", "Same week last year"), fmt_int(ly_total)),
            (tr("Ovanliga ökningar", "Unusual increases"), fmt_int(len(unusual))),
        ]
    )
    s.figure(
        weekly_chart(
            list(brief.series["week"]),
            list(brief.series["count"]),
            baseline=list(brief.series["last_year"]),
            title=tr("Rapporter per vecka", "Reports per week"),
            ylabel=tr("antal", "count"),
        ),
        caption=tr(
            "Rapporter per vecka de senaste 13 veckorna (staplar; veckan i rött) "
            "och samma veckor året innan (linje).",
            "Reports per week in the last "
            "13 weeks (bars; the week in red) and the same weeks the year before "
            "(line).",
        ),
        width="88%",
    )
    _reports_tables(s, brief, gate)
    s.note(brief.rules["test"] + " " + brief.rules["expected_false_alarms"])
    if brief.n_without_place:
        s.note(
            tr(
                "{n} {r} saknar plats (Polisens händelser har kommunens mittpunkt som "
                "koordinat) och redovisas som ”utan plats”, aldrig i ett område eller en "
                "ruta.",
                "{n} {r} no place (Polisen's events carry the "
                "municipality's centre point) and are shown as “no place”, never in an area "
                "or a cell.",
                n=brief.n_without_place,
                r=tr(
                    "rapport" if brief.n_without_place == 1 else "rapporter",
                    "report has" if brief.n_without_place == 1 else "reports have",
                ),
            )
        )


def _reports_tables(s, brief: ESTBrief, gate) -> None:
    """Section 1: reports per area and per area × category."""
    from .report import fmt_num, internal_table

    weekly = brief.weekly
    totals = internal_table(
        gate,
        brief.area_totals.assign(flag=brief.area_totals["unusual_rows"] > 0),
        name="area_totals",
    )
    s.table(
        totals,
        columns={
            "area_name": tr("Område", "Area"),
            "count": tr("Denna vecka", "This week"),
            "baseline_mean": tr("Medel 4 v", "Mean 4 wk"),
            "last_year": tr("Samma v. i fjol", "Same wk last yr"),
            "change": tr("Förändring", "Change"),
            "unusual_rows": tr("Ovanliga kategorier", "Unusual categories"),
        },
        formats={"baseline_mean": fmt_num, "change": _signed},
        caption=tr("Rapporter per område", "Reports per area"),
        highlight="flag",
    )
    shown = weekly[(weekly["count"] > 0) | weekly["unusual"]].sort_values(
        ["unusual", "p_value", "count"], ascending=[False, True, False], kind="stable"
    )
    table = internal_table(
        gate,
        shown.assign(category_label=[_cat(c) for c in shown["category"]]),
        name="weekly_counts",
    )
    s.table(
        table,
        columns={
            "area_name": tr("Område", "Area"),
            "category_label": tr("Kategori", "Category"),
            "count": tr("Antal", "Count"),
            "baseline_mean": tr("Medel 4 v", "Mean 4 wk"),
            "last_year": tr("I fjol", "Last yr"),
            "change": tr("Förändring", "Change"),
            "p_value": "p",
            "unusual": tr("Ovanlig", "Unusual"),
        },
        formats={"baseline_mean": fmt_num, "change": _signed, "p_value": _p},
        caption=tr(
            "Område × kategori (ovanliga först, sedan efter p-värde)",
            "Area × category (unusual first, then by p-value)",
        ),
        highlight="unusual",
        max_rows=25,
        empty=tr("Inga rapporter under veckan.", "No reports in the week."),
    )


def _size_text(brief: ESTBrief) -> str:
    """The brief's cell size as printed: ``"125 m"`` (the run's grid, one size everywhere)."""
    size = float(brief.recurring.attrs.get("cell_size", _est.DEFAULT_CELL_SIZE))
    return f"{size:g} m"


def _cell_header(brief: ESTBrief) -> str:
    """Header of a cell-id column: ``"Ruta (125 m)"``."""
    return tr("Ruta ({s})", "Cell ({s})", s=_size_text(brief))


def _street_column(table: pd.DataFrame) -> dict[str, str]:
    """The ``place_name`` column's header when the table has street descriptions, else none."""
    if "place_name" in table.columns and table["place_name"].astype(str).str.len().gt(0).any():
        return {"place_name": tr("Plats (gata)", "Place (street)")}
    return {}


def _cells_of(focus: pd.DataFrame) -> list[list[str]]:
    """The cells of every focus place (its best cell first)."""
    if "cells" not in focus.columns:
        return [[str(c)] for c in focus["cell_id"]]
    return [str(c).split(";") for c in focus["cells"]]


def _place_text(cells: list[str]) -> str:
    """``"125mE…N…"``, or with the neighbouring cells of the same place counted."""
    if len(cells) == 1:
        return cells[0]
    return tr(
        "{c} och {n} intilliggande",
        "{c} and {n} adjacent",
        c=cells[0],
        n=len(cells) - 1,
    )


def _section_focus_places(report, brief: ESTBrief, gate, municipality: str, map_file) -> None:
    """Section 2 "Fokusplatser nästa vecka": the map, its link and the ranked focus places."""
    from .report import fmt_num, internal_table

    s = report.section(
        tr("Fokusplatser nästa vecka", "Focus places next week"),
        key="fokus",
        new_page=True,
        intro=tr(
            "Förslag till var väktare, fältare och nattvandrare gör mest "
            "nytta vecka {n}, rangordnade efter en poängregel med skälen "
            "utskrivna.",
            "Proposed places for guards, outreach workers "
            "and night walkers in week {n}, ranked by a points rule with "
            "the reasons spelled out.",
            n=brief.next_week,
        ),
    )
    _map_figure(s, brief, gate, municipality)
    if map_file:
        s.paragraph(_map_link(map_file))
    focus = brief.focus.assign(place=[_place_text(c) for c in _cells_of(brief.focus)])
    s.table(
        internal_table(gate, focus, name="focus_places"),
        columns={
            "rank": "#",
            "area_name": tr("Område", "Area"),
            **_street_column(focus),
            "place": _cell_header(brief),
            "score": tr("Poäng", "Score"),
            "reasons": tr("Skäl", "Reasons"),
        },
        formats={"score": lambda v: fmt_num(v, 0)},
        widths={"rank": "5%", "area_name": "14%", "place": "18%", "score": "7%"},
        empty=tr("Inga förslag denna vecka.", "No proposals this week."),
    )
    s.note(brief.rules["focus"])


def _section_recurring_places(report, brief: ESTBrief, gate) -> None:
    """Section 3 "Återkommande platser": cells with reports in many of the recent weeks."""
    from .report import internal_table

    s = report.section(
        tr("Återkommande platser", "Recurring places"),
        key="aterkommande",
        intro=brief.rules["recurring"],
    )
    week_cols = list(brief.recurring.attrs.get("week_columns", []))
    rec = brief.recurring.assign(
        categories_label=[
            ", ".join(_cat(c) for c in str(v).split(";")[:3]) if pd.notna(v) else "–"
            for v in brief.recurring["categories"]
        ]
    )
    columns = {
        "area_name": tr("Område", "Area"),
        **_street_column(rec),
        "cell_id": _cell_header(brief),
        "weeks_with_reports": tr("Veckor", "Weeks"),
        "total": tr("Totalt", "Total"),
    }
    columns.update({c: c.split("-")[-1] for c in week_cols})
    columns["categories_label"] = tr("Vanligaste kategorier", "Most common categories")
    s.table(
        internal_table(gate, rec, name="recurring_places"),
        columns=columns,
        max_rows=20,
        numeric=week_cols,
        empty=tr("Inga återkommande platser.", "No recurring places."),
    )


def _section_hotspots(report, brief: ESTBrief, gate) -> None:
    """Section 4 "Nya och framväxande hotspots": emerging cells and all class counts."""
    from .report import fmt_int, internal_table

    s = report.section(
        tr("Nya och framväxande hotspots", "New and emerging hotspots"),
        key="hotspots",
        intro=tr(
            "Hotspotklassning av {s}-rutor över de 52 veckorna fram till "
            "veckans slut (Gi* per period och trendtest).",
            "Hotspot classification of {s} cells over the 52 weeks to the "
            "end of the week (Gi* per period and trend test).",
            s=_size_text(brief),
        ),
    )
    if brief.emerging is None:
        s.note(
            tr(
                "Hotspotklassningen kunde inte göras (för lite data).",
                "The hotspot classification could not be made (too little data).",
            ),
            tone="warning",
        )
    else:
        from ...layers.vocab import label

        em = brief.emerging.assign(
            category_label=[
                label("hotspot_category", c) for c in brief.emerging["hotspot_category"]
            ]
        )
        s.table(
            internal_table(gate, em, name="emerging_hotspots"),
            columns={
                "category_label": tr("Klass", "Class"),
                "area_name": tr("Område", "Area"),
                **_street_column(em),
                "cell_id": _cell_header(brief),
                "n": tr("Händelser 52 v", "Events 52 wk"),
                "hot_periods": tr("Heta perioder", "Hot periods"),
            },
            max_rows=20,
            empty=tr("Inga nya eller framväxande hotspots.", "No new or emerging hotspots."),
        )
        counts = brief.hotspots["hotspot_category"].value_counts()
        s.paragraph(
            tr("Alla klasser: ", "All classes: ")
            + ", ".join(
                f"{label('hotspot_category', c).lower()} {fmt_int(n)}"
                for c, n in counts.items()
                if c != "inget_monster"
            )
            + "."
        )


def _section_near_repeat(report, brief: ESTBrief, gate) -> None:
    """Section 5 "Near-repeat-larm": the Knox test per category and the week's alerts."""
    from .report import internal_table

    s = report.section(
        tr("Near-repeat-larm", "Near-repeat alerts"),
        key="near-repeat",
        new_page=True,
        intro=tr(
            "Efter en händelse är risken förhöjd nära i tid och rum för "
            "vissa kategorier. En händelse under veckan i en sådan kategori ger "
            "larm när den upprepar en tidigare händelse inom riskfönstret.",
            "After an incident the risk is "
            "raised close in space and time for some categories. An incident "
            "of the week in such a category gives an alert when it repeats an "
            "earlier incident inside the risk window.",
        ),
    )
    nr = brief.near_repeat_table
    s.table(
        internal_table(gate, nr, name="near_repeat"),
        columns={
            "category_label": tr("Kategori", "Category"),
            "n_in_window": tr("Händelser 12 mån", "Events 12 mo"),
            "n_events": tr("Testade", "Tested"),
            "result": tr("Resultat", "Result"),
        },
        widths={"category_label": "18%", "n_in_window": "10%", "n_events": "8%"},
        caption=tr("Knox-test per kategori", "Knox test per category"),
        highlight="pattern",
        empty=tr(
            "Ingen kategori hade tillräckligt många händelser.", "No category had enough events."
        ),
    )
    _alerts_table(s, brief, gate)
    s.note(left_out_text(brief.alerts), tone="warning" if _n_left_out(brief.alerts) else "info")
    s.note(brief.rules["near_repeat"])


def _n_left_out(alerts) -> int:
    return int(alerts.attrs.get("n_left_out", 0) or 0)


def left_out_text(alerts) -> str:
    """How many near-repeat alerts the cap left out: "N larm till visas inte (gräns 15)."."""
    n_left, cap = _n_left_out(alerts), alerts.attrs.get("max_alerts")
    if cap is None:
        return tr(
            "Alla {n} larm visas (ingen gräns).",
            "All {n} alerts are shown (no limit).",
            n=alerts.attrs.get("n_alerts", len(alerts)),
        )
    if n_left:
        return tr(
            "{n} larm till visas inte (gräns {m}); de visade är de högst rangordnade.",
            "{n} more alerts are not shown (limit {m}); those shown rank highest.",
            n=n_left,
            m=cap,
        )
    return tr(
        "Alla {n} larm visas (gräns {m}).",
        "All {n} alerts are shown (limit {m}).",
        n=len(alerts),
        m=cap,
    )


def _alerts_table(s, brief: ESTBrief, gate) -> None:
    """Section 5: the week's shown near-repeat alerts per cell, in rank order."""
    from .report import fmt_date, internal_table

    s.table(
        internal_table(
            gate,
            brief.alert_cells.assign(
                category_label=[_cat(c) for c in brief.alert_cells["category"]],
                window=[
                    tr("{d} m / {t} d", "{d} m / {t} d", d=fmt_number(d), t=fmt_number(w))
                    for d, w in zip(
                        brief.alert_cells.get("alert_distance_m", []),
                        brief.alert_cells.get("window_days", []),
                    )
                ],
            ),
            name="alerts",
        ),
        columns={
            "area_name": tr("Område", "Area"),
            **_street_column(brief.alert_cells),
            "cell_id": _cell_header(brief),
            "category_label": tr("Kategori", "Category"),
            "n": tr("Larm", "Alerts"),
            "linked_events": tr("Länkade händelser", "Linked incidents"),
            "window": tr("Fönster", "Window"),
            "window_end": tr("Förhöjd risk till", "Raised risk until"),
            "active_next_week": tr("Aktivt nästa vecka", "Active next week"),
        },
        formats={"window_end": fmt_date},
        nowrap=("window", "cell_id"),
        highlight="active_next_week",
        max_rows=max(20, len(brief.alert_cells)),
        caption=tr(
            "Veckans larm per ruta, högst rangordnade först",
            "The week's alerts per cell, highest ranked first",
        ),
        empty=tr("Inga larm denna vecka.", "No alerts this week."),
    )


def _section_measures(report, brief: ESTBrief, gate) -> None:
    """Section 6 "Uppföljning av beslutade åtgärder": decided measures and their status."""
    from .report import fmt_date, internal_table

    s = report.section(
        tr("Uppföljning av beslutade åtgärder", "Follow-up of decided measures"), key="atgarder"
    )
    s.table(
        internal_table(gate, brief.measures, name="measures", free_text=("title",)),
        columns={
            "measure_id": "ID",
            "title": tr("Åtgärd", "Measure"),
            "area_name": tr("Område", "Area"),
            "status_label": tr("Status", "Status"),
            "responsible": tr("Ansvarig", "Responsible"),
            "due": tr("Uppföljning", "Follow-up"),
            "days_overdue": tr("Dagar sen", "Days late"),
        },
        formats={
            "due": fmt_date,
            "days_overdue": lambda v: "" if text_of_int(v) in ("", "0") else text_of_int(v),
        },
        widths={"title": "30%", "responsible": "20%"},
        highlight="overdue",
        nowrap=("measure_id",),
        empty=tr("Inga åtgärder att följa upp.", "No measures to follow up."),
    )
    s.note(brief.rules["measures"])


def _section_data_quality(report, brief: ESTBrief, gate) -> None:
    """Section 7 "Datakvalitet": reports per source and which sources went silent."""
    from .report import fmt_date, fmt_num, internal_table

    silent = brief.sources[brief.sources["silent"]]
    s = report.section(
        tr("Datakvalitet", "Data quality"),
        key="datakvalitet",
        intro=tr(
            "Antalet rapporter speglar rapporteringen lika mycket som "
            "händelserna: en källa som tystnat gör veckans siffror för "
            "låga.",
            "Report counts reflect reporting as much as events: a "
            "source that went silent makes the week's figures too low.",
        ),
    )
    src = brief.sources.assign(share=brief.sources["share_weeks_reported"] * 100)
    s.table(
        internal_table(gate, src, name="sources"),
        columns={
            "source": tr("Källa", "Source"),
            "organisations": tr("Organisation", "Organisation"),
            "count": tr("Denna vecka", "This week"),
            "median_weekly": tr("Median/vecka", "Median/week"),
            "share": tr("Andel veckor (%)", "Share of weeks (%)"),
            "last_report": tr("Senaste rapport", "Last report"),
            "silent": tr("Tyst", "Silent"),
        },
        formats={
            "median_weekly": fmt_num,
            "share": lambda v: fmt_num(v, 0),
            "last_report": fmt_date,
        },
        highlight="silent",
    )
    s.note(brief.rules["silent"], tone="warning" if len(silent) else "info")


def _internal_method_notes(report, brief: ESTBrief) -> None:
    """Method notes and parameters of the internal brief."""
    report.method_note(
        tr(
            "EST-veckobrevet bygger på kommunens lager (händelser, områden, åtgärder) och räknar "
            "allt automatiskt. Veckor är ISO-veckor (måndag–söndag) i svensk tid. Alla platser "
            "redovisas som rutor om {s} i SCB:s rutnät; exakta koordinater finns aldrig i "
            "veckobrevet. Tabellerna i sin helhet finns som CSV och kartlagren som GeoPackage för "
            "QGIS.",
            "The EST brief is built from the municipality's layers (incidents, areas, "
            "measures) and computed automatically. Weeks are ISO weeks (Monday–Sunday) in Swedish "
            "time. All places are shown as {s} cells of SCB's grid; exact coordinates are never "
            "in the brief. The full tables are in the CSV files and the map layers in the "
            "GeoPackage for QGIS.",
            s=_size_text(brief),
        )
    )
    report.method_note(brief.rules["test"])
    _add_parameters(report, brief)


def text_of_int(value: Any) -> str:
    """An integer as text, ``""`` when missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        return str(int(value))
    except (TypeError, ValueError):
        return str(value)


def _signed(value: Any) -> str:
    from .report import fmt_num

    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = fmt_num(value)
    return text if float(value) <= 0 or text.startswith("+") else "+" + text


def _p(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return fmt_p(float(value))


def map_focus(brief: ESTBrief, gate) -> pd.DataFrame | None:
    """The brief's focus places for a map: ``brief.focus`` internally, ``None`` in public.

    The ranked list is drawn as it is by :func:`tryggaplatser.publish.maps.interactive.hotspot_map`
    (cells from ``cell_x``/``cell_y`` and the list's ``attrs["cell_size"]``, rank labels,
    reasons in the popups). Focus places are an internal working list: never on a public map.
    """
    if gate.public or brief.focus is None or not len(brief.focus):
        return None
    focus = brief.focus.copy()
    focus.attrs["cell_size"] = float(
        brief.focus.attrs.get("cell_size")
        or brief.recurring.attrs.get("cell_size", _est.DEFAULT_CELL_SIZE)
    )
    return focus


def est_map(brief: ESTBrief, gate, *, municipality: str):
    """The week's interactive hotspot map with the focus places, for the EST meeting.

    Parameters
    ----------
    brief : ESTBrief
        From :func:`est_brief`; needs ``hotspots`` and ``areas``.
    gate : Gate
        The output set's publishing gate (the map is built and later saved through it).
    municipality : str
        Municipality name for the attribution.

    Returns
    -------
    folium.Map or None
        ``None`` when there is no hotspot classification (too little data) or no areas.
    """
    if brief.hotspots is None or brief.areas is None or not len(brief.areas):
        return None
    from ..maps.interactive import hotspot_map

    return hotspot_map(
        areas=brief.areas,
        cells=brief.hotspots,
        focus_places=map_focus(brief, gate),
        week=None if gate.public else brief.week,
        mode=gate.mode,
        gate=gate,
        municipality=municipality,
        quiet=True,
        basemap=brief.basemap,
    )


def _map_link(map_file: str):
    """A paragraph with a relative link to the interactive map (file name escaped)."""
    from urllib.parse import quote

    from ..safe_text import Trusted, html

    href = quote(Path(map_file).name)
    text = tr(
        "Interaktiv karta med fokusplatserna (lager, klickbara skäl): ",
        "Interactive map of the focus places (layers, clickable reasons): ",
    )
    return Trusted(f'{html(text)}<a href="{html(href)}">{html(Path(map_file).name)}</a>')


def _map_figure(section, brief: ESTBrief, gate, municipality: str) -> None:
    """A static map of the hotspot classes and the focus places (if the maps module can draw)."""
    if brief.hotspots is None or brief.areas is None or not len(brief.areas):
        return
    from ..maps import _layers as ml
    from ..maps.figures import static_map
    from ..maps.interactive import map_attribution

    focus = map_focus(brief, gate)
    # the map's content only: the static figure needs no interactive (folium) rendering. Its
    # layers are released by a gate of the map's own in the set's mode, as the interactive
    # hotspot map does when it is given none. The public map shows no week: public outputs
    # have month as the finest time unit
    content = ml.hotspot_content(
        areas=brief.areas,
        cells=brief.hotspots,
        focus_places=focus,
        week=None if gate.public else brief.week,
        gate=ml.new_gate(gate.mode, (), True),
        quiet=True,
        basemap=brief.basemap,
    )
    content.attribution = map_attribution(None, municipality)
    fig = static_map(content, figsize=(10.0, 7.0), dpi=110)
    caption = (
        tr(
            "Hotspotklasser ({s}-rutor, 12 hela kalendermånader till och med {m}).",
            "Hotspot classes ({s} cells, 12 whole calendar months up to {m}).",
            s=_size_text(brief),
            m=brief.month,
        )
        if gate.public
        else tr(
            "Hotspotklasser ({s}-rutor, 52 veckor) och fokusplatser nästa vecka (gröna "
            "rutor; rangordningen står i tabellen).",
            "Hotspot classes ({s} cells, 52 "
            "weeks) and focus places next week (green cells; the ranking is in the "
            "table).",
            s=_size_text(brief),
        )
    )
    section.figure(
        _png(fig),
        caption=caption,
        alt=tr(
            "Karta över hotspotklasser och fokusplatser", "Map of hotspot classes and focus places"
        ),
    )


def _png(fig) -> bytes:
    import io

    from .charts import CLEAN_PNG_METADATA

    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format="png",
        metadata=CLEAN_PNG_METADATA,
        dpi=fig.dpi,
        bbox_inches="tight",
        pad_inches=0.1,
    )
    return buffer.getvalue()


def _public_report(brief: ESTBrief, gate, *, municipality: str, today=None):
    from .report import Report

    _check_public_brief(brief)
    month = pd.Period(brief.month, freq="M")
    last_year = str(month - 12)
    report = Report(
        tr("Trygghetsläget – månadsöversikt", "Safety situation – monthly overview"),
        gate=gate,
        municipality=municipality,
        period=tr("månad {m}", "month {m}", m=brief.month),
        subtitle=tr(
            "Publik version av EST-underlaget: rapporter per område och "
            "kategori för en hel månad. Veckodetaljer, platser och "
            "åtgärdsansvar finns bara i den interna versionen.",
            "Public version of the EST brief: reports per area and category "
            "for a whole month. Weekly detail, places and measure owners "
            "are only in the internal version.",
        ),
        issued=today,
        kind=tr("EST – publik månadsöversikt", "EST – public monthly overview"),
    )
    wide, wide_c = _public_month_tables(gate, brief, last_year)
    _public_summary(report, brief)
    _section_public_months(report, brief, wide, wide_c, last_year)
    _section_public_hotspots(report, brief, gate, municipality)
    _public_method_notes(report, brief)
    return report


def _check_public_brief(brief: ESTBrief) -> None:
    """Refuse a brief computed without its public monthly overview."""
    if brief.month is None or brief.month_areas is None or brief.month_categories is None:
        raise ArgumentError(
            tr(
                'den publika versionen behöver est_brief(..., mode="public")',
                'the public version needs est_brief(..., mode="public")',
            ),
            rule="BRIEF_NOT_PUBLIC",
            fix=tr('beräkna veckobrevet med mode="public"', 'compute the brief with mode="public"'),
        )


def _public_month_tables(gate, brief: ESTBrief, last_year: str):
    """Released month tables per area and per category (this month and a year before)."""
    names = _names(brief.areas)
    wide = _released_months(
        gate,
        brief.month_areas,
        "area_id",
        "area_table",
        (last_year, brief.month),
        label_of=lambda a: names.get(str(a), str(a)),
    )
    wide_c = _released_months(
        gate,
        brief.month_categories,
        "category",
        "area_category_table",
        (last_year, brief.month),
        label_of=_cat,
        sort_labels=True,
    )
    return wide, wide_c


def _public_summary(report, brief: ESTBrief) -> None:
    """Summary of the public overview: the month covered and how small counts are shown."""
    report.summary(
        [
            tr(
                # no week: the month is the finest public time unit (REFERENCE.md §5)
                "Översikten gäller {m}, den senaste hela månaden.",
                "The overview covers {m}, the last complete month.",
                m=brief.month,
            ),
            tr(
                "Antal 1–4 visas som ”<5” och några andra celler som ”..” så att inga små tal "
                "kan räknas fram.",
                "Counts 1–4 are shown as “<5” and some other cells as “..” so "
                "that no small number can be worked out.",
            ),
        ]
    )


def _section_public_months(report, brief: ESTBrief, wide, wide_c, last_year: str) -> None:
    """Sections "Rapporter per område" and "Rapporter per kategori" of the public overview."""
    s = report.section(
        tr("Rapporter per område", "Reports per area"),
        key="omraden",
        intro=tr(
            "Rapporter som ligger i ett område. Rapporter som inte kan placeras i något område "
            "räknas bara i tabellen per kategori, så dess summa kan vara större.",
            "Reports that lie in an area. Reports that cannot be placed in any area count only "
            "in the table per category, so its total can be larger.",
        ),
    )
    s.table(
        wide,
        columns={"label": tr("Område", "Area"), "now": brief.month, "before": last_year},
        numeric=("now", "before"),
    )
    s = report.section(
        tr("Rapporter per kategori, hela kommunen", "Reports per category, whole municipality"),
        key="kategorier",
        intro=tr(
            "Alla rapporter i kommunen, även de som inte kan placeras i något område.",
            "Every report in the municipality, also those that cannot be placed in any area.",
        ),
    )
    s.table(
        wide_c,
        columns={"label": tr("Kategori", "Category"), "now": brief.month, "before": last_year},
        numeric=("now", "before"),
    )


def _section_public_hotspots(report, brief: ESTBrief, gate, municipality: str) -> None:
    """Section "Hotspots" of the public overview: the released hotspot map."""
    s = report.section(
        tr("Hotspots", "Hotspots"),
        key="hotspots",
        new_page=True,
        intro=tr(
            "Klassning av {s}-rutor över de 12 hela kalendermånaderna {a} – {b}; antalet per "
            "ruta gäller samma månader. Rutor med få händelser visar inget antal.",
            "Classification of {s} cells over the 12 whole calendar months {a} – {b}; the "
            "count per cell covers the same months. Cells with few events show no count.",
            s=_size_text(brief),
            a=str(pd.Period(brief.month, freq="M") - 11),
            b=brief.month,
        ),
    )
    if brief.hotspots is not None:
        _map_figure(s, brief, gate, municipality)


def _public_method_notes(report, brief: ESTBrief) -> None:
    """Method note and parameters of the public overview."""
    report.method_note(
        tr(
            "Uppgifterna är rapporter från kommunens EST-rapportörer, bostadsbolag, väktare, "
            "felanmälan och Polisens öppna händelser. Antalet rapporter speglar rapporteringen "
            "lika mycket som brottsligheten. Små tal skyddas med röjandekontroll (primär och "
            "kompletterande undertryckning).",
            "The data are reports from the municipality's EST "
            "reporters, housing companies, guards, fault reports and Polisen's open events. Report "
            "counts reflect reporting as much as crime. Small numbers are protected by disclosure "
            "control (primary and complementary suppression).",
        )
    )
    report.parameter(
        tr("Månad", "Month"),
        brief.month,
        auto=True,
        rule=tr(
            "senaste hela kalendermånad; publik utdata tillåter månad som finaste tidsenhet",
            "last complete calendar month; public output allows month as the finest time unit",
        ),
    )
    report.parameter(tr("Minsta visade antal", "Smallest count shown"), "5")
    report.parameter(tr("Rutstorlek", "Cell size"), _size_text(brief))
    report.parameter(
        tr("Hotspotfönster", "Hotspot window"),
        tr(
            "{a} – {b} (12 hela kalendermånader)",
            "{a} – {b} (12 whole calendar months)",
            a=str(pd.Period(brief.month, freq="M") - 11),
            b=brief.month,
        ),
        auto=True,
        rule=tr(
            "publik utdata: de 12 hela kalendermånaderna till och med översiktens månad; "
            "månad är finaste publika tidsenhet",
            "public output: the 12 whole calendar months up to and including the overview's "
            "month; month is the finest public time unit",
        ),
    )


def released_month(gate, table: pd.DataFrame, key: str, kind: str, month: str) -> pd.DataFrame:
    """One month of a long public table (``key``, ``period``, ``n``) released by the gate.

    Each month is released on its own, with its total, so the suppression pattern of one month
    never depends on another year's numbers.
    """
    from .area_plan import est_month_key
    from .report import release_table

    one = table[table["period"].astype(str) == month].reset_index(drop=True)
    plan_key = None
    if gate.plan is not None:  # the folder's one plan (:func:`~.area_plan.plan_est_month`)
        plan_key = lambda row, col: est_month_key(gate.plan, key, row, month)  # noqa: E731
    return release_table(
        gate, one, kind, counts=("n",), by=(key, "period"), margins=True, plan_key=plan_key
    )


def _released_months(
    gate,
    table: pd.DataFrame,
    key: str,
    kind: str,
    months: tuple[str, str],
    *,
    label_of,
    sort_labels: bool = False,
) -> pd.DataFrame:
    """Released months side by side: rows of ``key`` (total last), columns ``before``, ``now``.

    ``sort_labels`` orders the rows alphabetically by label (Swedish order: å, ä, ö last)."""
    from ..gate import TOTAL

    columns = {}
    for name, month in zip(("before", "now"), months):
        released = released_month(gate, table, key, kind, month)
        released = released[released["period"].astype(str) != TOTAL]
        columns[name] = dict(zip(released[key].astype(str), released["n"]))
        stamp = released.attrs
    keys = list(dict.fromkeys([*columns["now"], *columns["before"]]))
    keys = [k for k in keys if k != TOTAL]
    if sort_labels:
        swedish = str.maketrans({"å": "{", "ä": "|", "ö": "}", "Å": "{", "Ä": "|", "Ö": "}"})
        keys.sort(key=lambda k: str(label_of(k)).lower().translate(swedish))
    keys.append(TOTAL)
    out = pd.DataFrame(
        {
            "label": [tr("Totalt", "Total") if k == TOTAL else label_of(k) for k in keys],
            "now": [columns["now"].get(k, "") for k in keys],
            "before": [columns["before"].get(k, "") for k in keys],
        }
    )
    out.attrs = stamp  # the gate's released numbers, only placed side by side
    return out


# ---------------------------------------------------------------------------------------------
# writing


@renamed(issued="today")
def write_est_brief(
    brief: ESTBrief, out_dir: str | Path, gate, *, municipality: str, today=None
) -> dict[str, Path]:
    """Write the brief's HTML, GeoPackage and CSV files through the gate.

    Internal: ``est_<week>.html`` (linking to the interactive map
    ``karta_est_<week>.html`` of :func:`est_map`, written through the same gate when there is
    a hotspot classification), ``est_<week>.gpkg`` (layers ``aterkommande_platser``,
    ``fokusplatser``, ``near_repeat_larm``, ``hotspotklasser``, each with a QGIS style) and
    ``est_<week>_<table>.csv`` (veckoantal, omraden, aterkommande, fokusplatser, near_repeat,
    larm, atgarder, kallor). Public: ``est_<month>_publik.html``, ``est_<month>_omraden.csv``,
    ``est_<month>_kategorier.csv`` and ``est_<month>_hotspots.gpkg`` (grid cells through the
    gate), plus the gate's disclosure report.

    ``today`` is the time anchor: the date printed on the reports as issued (default: today's
    date). The deprecated keyword ``issued`` still works, with a ``DeprecationWarning``.

    Returns
    -------
    dict of str to Path
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    if not gate.public:
        m = est_map(brief, gate, municipality=municipality)
        if m is not None:
            from ..maps.interactive import save_map

            files["karta"] = save_map(m, out / f"karta_est_{brief.week}.html", gate=gate)
    report = est_report(
        brief,
        gate,
        municipality=municipality,
        today=today,
        map_file=files["karta"].name if "karta" in files else None,
    )
    if gate.public:
        stem = f"est_{brief.month}"
        files["html"] = report.write(out / f"{stem}_publik.html")
        _write_public_tables(brief, out, stem, gate, files)
        for path in gate.finish(out):
            files[path.stem] = path
        return files
    stem = f"est_{brief.week}"
    files["html"] = report.write(out / f"{stem}.html")
    files["gpkg"] = _write_internal_gpkg(brief, out / f"{stem}.gpkg", gate)
    _write_internal_tables(brief, out, stem, gate, files)
    return files


def _write_internal_gpkg(brief: ESTBrief, path: Path, gate) -> Path:
    from ..gate import INTERNAL_MARKING
    from ..geopackage import write_cells_gpkg
    from .report import internal_table

    if path.exists():
        path.unlink()
    import geopandas as gpd
    from shapely import box

    size = float(brief.recurring.attrs.get("cell_size", _est.DEFAULT_CELL_SIZE))
    crs = brief.recurring.crs

    def layer(frame, name, style):
        released = internal_table(gate, frame, name=name)
        geoms = frame.geometry.to_numpy() if hasattr(frame, "geometry") else []
        gdf = gpd.GeoDataFrame(released.reset_index(drop=True), geometry=list(geoms), crs=crs)
        for col in gdf.columns:
            if pd.api.types.is_datetime64_any_dtype(gdf[col]):
                gdf[col] = local_date_strings(gdf[col])
        gdf["markning"] = INTERNAL_MARKING
        write_cells_gpkg(
            gdf,
            path,
            layer=name,
            style=style,
            description=f"{INTERNAL_MARKING} – {name} {brief.week}",
            metadata=gate.metadata(),
        )

    rec = brief.recurring.copy()
    rec.columns = [c.replace("-", "_") for c in rec.columns]
    layer(rec, "aterkommande_platser", "weeks_with_reports")
    focus = gpd.GeoDataFrame(
        brief.focus,
        geometry=[
            box(x, y, x + size, y + size)
            for x, y in zip(brief.focus["cell_x"], brief.focus["cell_y"])
        ],
        crs=crs,
    )
    layer(focus, "fokusplatser", "focus")
    alerts = brief.alert_cells
    if "active_next_week" not in alerts.columns:  # an empty table without its columns
        alerts = alerts.assign(active_next_week=pd.Series(dtype=bool))
    layer(alerts, "near_repeat_larm", "active_next_week")
    if brief.hotspots is not None:
        cells = brief.hotspots[brief.hotspots["hotspot_category"] != "inget_monster"]
        layer(cells, "hotspotklasser", "hotspot_category")
    gate.seal(path, kind="gpkg")
    return path


def _csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(frame).copy()
    geometry = getattr(frame, "_geometry_column_name", None)
    if geometry in out.columns:
        out = out.drop(columns=geometry)
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = local_date_strings(out[col])
    return out


def _write_internal_tables(
    brief: ESTBrief, out: Path, stem: str, gate, files: dict[str, Path]
) -> None:
    from ..tables import write_csv
    from .report import internal_table

    tables = {
        "veckoantal": brief.weekly,
        "omraden": brief.area_totals,
        "aterkommande": brief.recurring,
        "fokusplatser": brief.focus,
        "near_repeat": brief.near_repeat_table,
        "larm": brief.alert_cells,
        "atgarder": brief.measures,
        "kallor": brief.sources,
    }
    if brief.emerging is not None:
        tables["nya_hotspots"] = brief.emerging
    for name, frame in tables.items():
        released = internal_table(
            gate, _csv_frame(frame), name=name, free_text=("title",) if name == "atgarder" else ()
        )
        files[name] = write_csv(released, out / f"{stem}_{name}.csv", gate=gate)


def _write_public_tables(
    brief: ESTBrief, out: Path, stem: str, gate, files: dict[str, Path]
) -> None:
    from ..geopackage import write_cells_gpkg
    from ..tables import write_csv

    names = _names(brief.areas)
    areas = brief.month_areas.assign(
        name=[names.get(str(a), str(a)) for a in brief.month_areas["area_id"]]
    )
    month = str(brief.month)
    files["omraden"] = write_csv(
        released_month(gate, areas, "area_id", "area_table", month),
        out / f"{stem}_omraden.csv",
        gate=gate,
    )
    files["kategorier"] = write_csv(
        released_month(gate, brief.month_categories, "category", "area_category_table", month),
        out / f"{stem}_kategorier.csv",
        gate=gate,
    )
    if brief.hotspots is not None:
        from .area_plan import layer_plan_key

        # the 12 months' cell counts, released by the folder's plan (one answer per cell)
        plan_key = layer_plan_key(brief.hotspots) if gate.plan is not None else None
        cells = gate.release(brief.hotspots, "grid_cells", plan_key=plan_key)
        path = out / f"{stem}_hotspots.gpkg"
        if path.exists():
            path.unlink()
        write_cells_gpkg(
            cells,
            path,
            layer="hotspotklasser",
            style="hotspot_category",
            metadata=gate.metadata(),
        )
        gate.seal(path, kind="gpkg")
        files["gpkg"] = path
