"""Action-plan outputs (HTML on A4, XLSX to edit, CSV) and the evaluation report of a measure.

**Action plan.** A draft area-specific action plan is an internal working document: it names
responsible organisations, observation ids and dates and is meant to be discussed with
property owners and the police before anything is decided. Its tables go through
:func:`tryggaplatser.publish.reports.report.internal_table`, so the gate refuses a plan in
public mode (publish the *decided* plan after review). The XLSX is written by the gate's table
writer (text cells only, formula-like text quote-prefixed), then laid out for people: Swedish
headers that the measures importer recognises, column widths, frozen header row, wrapped text, a
status drop-down. An edited workbook reads back as the ``measures`` layer with
``load_layer(path, "measures")``.

**Evaluation.** :func:`evaluation_report` states the assumptions in plain Swedish, shows the
counts per zone, WDQ and WDD with standard error, the automatic choices, and a map of the
before/after change per 250 m cell around the measure. In public mode the counts go through
the gate (``area_table``: 1–4 shown as "<5"), the statistics are withheld when any count is
below 5, and the map shows only significance classes.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from ..._compat import renamed
from ...errors import ArgumentError, GateRefusal
from ...i18n import not_recorded, tr
from ...policy import MODES
from ..gate import MIN_COUNT, SMALL, Gate
from .report import Report, fmt_date, fmt_int, fmt_num, internal_table

__all__ = [
    "PLAN_HEADERS",
    "catalogue_sheet",
    "change_map_figure",
    "evaluation_report",
    "plan_headers",
    "plan_report",
    "write_evaluation",
    "write_plan",
]

#: Swedish headers of the plan workbook. Headers of columns shared with the measures layer are
#: names its importer recognises (``layers/schema.py`` aliases), so an edited workbook reads back.
PLAN_HEADERS = {
    "rank": "Rang",
    "priority_score": "Prioritet (poäng)",
    "priority_reasons": "Skäl för prioritet",
    "source": "Underlagets källa",
    "place": "Plats",
    "problem": "Problem",
    "evidence": "Underlag",
    "measure_id": "Id",
    "title": "Titel",
    "other_measures": "Kompletterande åtgärd",
    "type": "Typ",
    "measure_type": "Åtgärdstyp",
    "area_id": "omrade_id",
    "linked_categories": "Kategorier",
    "linked_observations": "Observationer",
    "linked_reasons": "Orsaker",
    "responsible_type": "Typ av ansvarig",
    "responsible": "Ansvarig",
    "partners": "Parter",
    "decided_by": "beslutad_av",
    "status": "Status",
    "start": "Startdatum",
    "end": "Slutdatum",
    "indicator": "Indikator",
    "target_value": "Målvärde",
    "follow_up_on": "Uppföljning",
    "theme": "Tema",
    "geometry_wkt": "geometri",
}
_SOURCE_LABELS = {
    "hotspot": ("Återkommande plats (EST)", "Recurring place (EST)"),
    "incidents": ("Händelser", "Incidents"),
    "walk": ("Trygghetsvandring", "Safety walk"),
    "dialogue": ("Medborgardialog", "Citizen dialogue"),
}


#: Why a plan source gives no items when its data were never recorded (``attrs["not_recorded"]``).
_NOT_RECORDED_NOTES = {
    "incidents": (
        "Befolkning för området: {m}. Händelsekategorier kan inte jämföras med kommunens nivå "
        "per 1 000 invånare, så händelser ger inga förslag.",
        "Population of the area: {m}. Incident categories cannot be compared with the "
        "municipality's level per 1,000 residents, so incidents give no proposals.",
    ),
    "walk": (
        "Trygghetsvandringar: {m} (projektet har inga observationer).",
        "Safety walks: {m} (the project has no observations).",
    ),
    "dialogue": (
        "Medborgardialog: {m} (projektet har inga svar).",
        "Citizen dialogue: {m} (the project has no responses).",
    ),
}


def plan_headers() -> dict[str, str]:
    """Column → header for the plan workbook and CSV (Swedish; importer-compatible)."""
    return dict(PLAN_HEADERS)


def _label_frame(plan: pd.DataFrame) -> pd.DataFrame:
    """Codes → labels for people (the importer reads the Swedish labels back as codes)."""
    from ...layers.vocab import label

    out = plan.copy()
    for col, vocab in (
        ("type", "measure_kind"),
        ("measure_type", "measure_type"),
        ("responsible_type", "responsible_type"),
        ("decided_by", "decided_by"),
        ("status", "measure_status"),
    ):
        out[col] = [label(vocab, v) if isinstance(v, str) and v else None for v in out[col]]
    out["source"] = [tr(*_SOURCE_LABELS[s]) if s in _SOURCE_LABELS else s for s in out["source"]]
    for col in ("start", "end", "follow_up_on"):
        out[col] = [_plan_date(v) for v in out[col]]
    return out


def _plan_date(value: Any) -> Any:
    """The local calendar date (a date cell in the workbook, ISO text in the CSV); text that
    is no date stays as it is; missing is None."""
    from ...analysis.periods import local_date

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    try:
        return local_date(value)
    except (TypeError, ValueError):
        return fmt_date(value)


def _check_plan(plan: pd.DataFrame) -> None:
    from ...analysis.plans import PLAN_COLUMNS
    from ...errors import ArgumentError

    missing = [c for c in PLAN_COLUMNS if c not in plan.columns]
    if missing:
        raise ArgumentError(
            tr(
                "planen saknar kolumnerna {m}",
                "the plan lacks the columns {m}",
                m=", ".join(missing),
            ),
            rule="COLUMNS_MISSING",
            fix=tr(
                "skapa den med analysis.plans.action_plan",
                "create it with analysis.plans.action_plan",
            ),
        )


def plan_report(
    plan: pd.DataFrame,
    gate: Gate,
    *,
    municipality: str,
    followup: pd.DataFrame | None = None,
    issued: Any = None,
) -> Report:
    """The draft action plan as a printable A4 report (internal only).

    Parameters
    ----------
    plan : pandas.DataFrame
        From :func:`tryggaplatser.analysis.plans.action_plan`.
    gate : Gate
        The output set's gate; public mode is refused (a draft plan is internal).
    municipality : str
    followup : pandas.DataFrame, optional
        From :func:`tryggaplatser.analysis.plans.followup_by_responsible` for the area.
    issued : date-like, optional
        Report date (default: the plan date).

    Returns
    -------
    Report
    """
    _check_plan(plan)
    return _plan_report(plan, _label_frame(plan), gate, municipality, followup, issued)


def _plan_report(
    plan: pd.DataFrame,
    labelled: pd.DataFrame,
    gate: Gate,
    municipality: str,
    followup: pd.DataFrame | None,
    issued: Any,
) -> Report:
    """:func:`plan_report` of a checked plan and its :func:`_label_frame` (made once by
    :func:`write_plan` for the workbook, the CSV and the report)."""
    attrs = plan.attrs
    name = attrs.get("name", "")
    year = attrs.get("year", "")
    released = internal_table(
        gate, labelled, name=tr("handlingsplan (utkast)", "action plan (draft)")
    )
    report = Report(
        tr("Områdesspecifik handlingsplan – {a}", "Area action plan – {a}", a=name),
        gate=gate,
        municipality=municipality,
        period=str(year),
        area=name,
        subtitle=tr(
            "Utkast att diskutera med fastighetsägare, polis och andra aktörer – inget är beslutat",
            "Draft to discuss with property "
            "owners, the police and other partners – nothing is decided",
        ),
        issued=issued or attrs.get("plan_date"),
        kind=tr("Handlingsplan (utkast)", "Action plan (draft)"),
    )
    _plan_summary(report, plan, name, year)
    _section_plan_measures(report, plan, released)
    _section_plan_followup(report, gate, released, followup, year, attrs.get("area_id", ""))
    _plan_parameters(report, attrs, year)
    return report


def _plan_summary(report: Report, plan: pd.DataFrame, name: str, year: Any) -> None:
    """Summary: the number of proposals, the top three and the follow-up date."""
    n = len(plan)
    top = plan.head(3)
    summary = [
        tr(
            "{n} förslag till åtgärder för {a} {y}, ordnade efter prioritet.",
            "{n} proposed measures for {a} in {y}, ordered by priority.",
            n=n,
            a=name,
            y=year,
        )
    ]
    # only the four columns shown (a row tuple of the whole plan costs a new tuple type)
    rows = zip(*(top[c] for c in ("priority_score", "problem", "title", "responsible")))
    for score, problem, title, responsible in rows:
        summary.append(
            tr(
                "Prioritet {p}: {pr} – {t} ({r}).",
                "Priority {p}: {pr} – {t} ({r}).",
                p=score,
                pr=problem,
                t=title,
                r=responsible or "–",
            )
        )
    if len(plan):
        summary.append(
            tr(
                "Uppföljning av förslagen senast {d}.",
                "Follow-up of the proposals by {d}.",
                d=fmt_date(plan["follow_up_on"].iloc[0]),
            )
        )
    report.summary(summary)


def _shown(released: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """The released plan's columns a report table shows (the plan has some 30): its cells are
    formatted from these alone, as :meth:`Section.table` formats the shown columns of all.
    The copy keeps the gate's stamp."""
    return released[list(columns)]


def _section_plan_measures(report: Report, plan: pd.DataFrame, released: pd.DataFrame) -> None:
    """Section "Förslag till åtgärder": counts per source and the proposals by priority."""
    by_source = plan["source"].value_counts()
    s = report.section(
        tr("Förslag till åtgärder", "Proposed measures"),
        key="atgarder",
        intro=tr(
            "Varje rad bygger på underlaget i kolumnen Underlag. Ansvarig är "
            "den som normalt har rådighet över platsen; ändra i Excel-filen "
            "efter samråd.",
            "Each row rests on the evidence shown. The responsible is whoever "
            "normally controls the place; change it in the Excel file after "
            "consultation.",
        ),
    )
    missing = set(plan.attrs.get("not_recorded", ()))
    s.facts(
        [
            (
                tr(*_SOURCE_LABELS[k]),
                not_recorded() if k in missing else fmt_int(int(by_source.get(k, 0))),
            )
            for k in ("hotspot", "incidents", "walk", "dialogue")
        ]
    )
    for k in ("incidents", "walk", "dialogue"):
        if k in missing:
            s.paragraph(tr(*_NOT_RECORDED_NOTES[k], m=not_recorded()))
    columns = {
        "rank": "#",
        "priority_score": tr("Prio", "Prio"),
        "problem": tr("Problem", "Problem"),
        "place": tr("Plats", "Place"),
        "evidence": tr("Underlag", "Evidence"),
        "title": tr("Föreslagen åtgärd", "Proposed measure"),
        "responsible": tr("Ansvarig", "Responsible"),
    }
    s.table(
        _shown(released, columns),
        columns=columns,
        widths={
            "rank": "3%",
            "priority_score": "5%",
            "problem": "16%",
            "place": "16%",
            "evidence": "25%",
            "title": "19%",
            "responsible": "16%",
        },
        breakable=("place", "responsible"),
        caption=tr("Förslag i prioritetsordning", "Proposals by priority"),
        empty=tr(
            "Underlaget visar inga problem som uppfyller urvalsreglerna.",
            "The evidence shows no problem meeting the selection rules.",
        ),
    )


def _section_plan_followup(
    report: Report,
    gate: Gate,
    released: pd.DataFrame,
    followup: pd.DataFrame | None,
    year: Any,
    area_id: Any,
) -> None:
    """Section "Uppföljning och indikatorer": indicators per proposal and earlier follow-up."""
    s2 = report.section(
        tr("Uppföljning och indikatorer", "Follow-up and indicators"),
        key="indikatorer",
        new_page=True,
    )
    columns = {
        "rank": "#",
        "problem": tr("Problem", "Problem"),
        "other_measures": tr("Kompletterande åtgärd", "Complementary measure"),
        "indicator": tr("Indikator som visar effekten", "Indicator showing the effect"),
        "responsible_type": tr("Typ av ansvarig", "Type of responsible"),
        "follow_up_on": tr("Uppföljning", "Follow-up"),
        "priority_reasons": tr("Skäl för prioritet", "Priority reasons"),
    }
    s2.table(
        _shown(released, columns),
        columns=columns,
        widths={
            "rank": "3%",
            "problem": "14%",
            "other_measures": "24%",
            "indicator": "27%",
            "responsible_type": "10%",
            "follow_up_on": "9%",
            "priority_reasons": "13%",
        },
        caption=tr(
            "Hur varje förslag följs upp (Id i Excel-filen: {p}-nr)",
            "How each proposal is followed up (Id in the Excel file: {p}-no.)",
            p=f"PLAN-{year}-{area_id}",
        ),
    )
    if followup is not None and len(followup):
        fu = internal_table(gate, followup, name=tr("uppföljning", "follow-up"))
        kind_labels = {
            "vandringsfynd": tr("Vandringsfynd", "Walk findings"),
            "atgard": tr("Åtgärd", "Measure"),
        }
        s2.table(
            fu,
            columns={
                "kind": tr("Slag", "Kind"),
                "responsible": tr("Ansvarig", "Responsible"),
                "n": tr("Antal", "Number"),
                "n_open": tr("Öppna", "Open"),
                "n_resolved": tr("Åtgärdade", "Resolved"),
                "atgardsgrad": tr("Åtgärdsgrad", "Resolution rate"),
                "median_days_to_resolve": tr("Median dagar", "Median days"),
                "n_overdue": tr("Försenade", "Overdue"),
            },
            formats={
                "kind": lambda v: kind_labels.get(v, str(v)),
                "atgardsgrad": lambda v: "–" if pd.isna(v) else f"{fmt_num(v * 100, 0)} %",
                "median_days_to_resolve": lambda v: "–" if pd.isna(v) else fmt_int(v),
            },
            caption=tr(
                "Status för tidigare fynd och åtgärder i området per ansvarig",
                "Status of earlier findings and measures in the area per responsible",
            ),
            highlight=None,
        )
        report.method_note(followup.attrs.get("rule", ""))


def _plan_parameters(report: Report, attrs: dict, year: Any) -> None:
    """Parameters and method notes of the plan report."""
    report.parameter(tr("Planår", "Plan year"), year)
    report.parameter(
        tr("Plandatum", "Plan date"),
        fmt_date(attrs.get("plan_date")),
        auto=any("plan_date" in c for c in attrs.get("choices", [])),
    )
    report.parameter(
        tr("Uppföljning", "Follow-up"),
        tr(
            "{m} månader efter plandatum",
            "{m} months after the plan date",
            m=attrs.get("follow_up_months", 6),
        ),
        rule=tr(
            "kommunala åtgärder inom sex månader är ett vanligt lokalt mål",
            "municipal measures within six months is a common local target",
        ),
    )
    report.parameters_from(attrs)
    report.method_note(tr("Urval: ", "Selection: ") + str(attrs.get("selection_rules", "")))
    report.method_note(
        tr("Prioritetsregel: ", "Priority rule: ") + str(attrs.get("priority_rule", ""))
    )
    report.method_note(
        tr(
            "Åtgärdsförslagen kommer ur åtgärdskatalogen (kan ändras av kommunen "
            "med [plans] catalogue i tryggaplatser.toml). De är utgångspunkter "
            "för samtal, inte beslut.",
            "The proposals come from the measure catalogue (the municipality can "
            "change it with [plans] catalogue in tryggaplatser.toml). They are "
            "starting points for discussion, not decisions.",
        )
    )


def _layout_plan_sheet(wb: Any, columns: list[str]) -> None:
    """The status drop-down of the Åtgärder sheet (the common layout of
    :mod:`..xlsx_layout` does headers, widths, formats and print); applied before the workbook
    is saved and sealed (:func:`..tables.write_xlsx`)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from ...layers.vocab import codes, label

    ws = wb.worksheets[0]
    if "status" in columns:
        letter = get_column_letter(columns.index("status") + 1)
        options = ",".join(label("measure_status", s) for s in codes("measure_status"))
        dv = DataValidation(
            type="list",
            formula1=f'"{options}"',
            allow_blank=False,
            showErrorMessage=True,
            errorTitle="Status",
            error=tr("Välj en status i listan", "Choose a status from the list"),
        )
        dv.add(f"{letter}2:{letter}{max(ws.max_row, 2) + 200}")
        ws.add_data_validation(dv)


def refuse_public_plan(gate: Gate) -> None:
    """A draft plan is an internal working document: a public gate refuses it."""
    if gate.public:
        raise GateRefusal(
            tr(
                "en utkastplan är ett internt arbetsunderlag och har ingen publik form",
                "a draft plan is an internal working document and has no public form",
            ),
            rule="INTERNAL_ONLY",
            fix=tr(
                "kör med --mode internal; publicera den beslutade planen efter granskning",
                "run with --mode internal; publish the decided plan after review",
            ),
        )


def write_plan(
    plan: pd.DataFrame,
    out_dir: str | Path,
    gate: Gate,
    *,
    municipality: str,
    followup: pd.DataFrame | None = None,
    catalogue: dict | None = None,
    stem: str | None = None,
    catalogue_sheet: pd.DataFrame | None = None,
) -> dict[str, Path]:
    """Write the draft plan as HTML (A4), XLSX (to edit and read back) and CSV.

    Parameters
    ----------
    plan : pandas.DataFrame
        From :func:`tryggaplatser.analysis.plans.action_plan`.
    out_dir : str or Path
    gate : Gate
        Internal gate (a draft plan is refused in public mode).
    municipality : str
    followup : pandas.DataFrame, optional
        Follow-up table for the area (sheet "Uppföljning" and a report table).
    catalogue : dict, optional
        The measure catalogue used (sheet "Åtgärdskatalog").
    stem : str, optional
        File name stem; default ``handlingsplan_<year>_<area_id>`` (the demo looks for
        ``plan`` in the names).
    catalogue_sheet : pandas.DataFrame, optional
        The sheet "Åtgärdskatalog" as :func:`catalogue_sheet` makes it for ``catalogue`` and
        ``gate``: made once by a caller that writes several plans (default: made here).

    Returns
    -------
    dict
        ``{"html": path, "xlsx": path, "csv": path}``.
    """
    from ...analysis.plans import PLAN_COLUMNS
    from ..tables import write_csv, write_xlsx

    _check_plan(plan)
    refuse_public_plan(gate)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    attrs = plan.attrs
    stem = stem or f"handlingsplan_{attrs.get('year', '')}_{attrs.get('area_id', '')}"
    # an empty WKT column: the measures layer may carry a geometry (drawn later in GIS), and
    # the table importer needs to know where it would be
    columns = [*PLAN_COLUMNS, "geometry_wkt"]
    labels = _label_frame(plan)  # once for the workbook, the CSV and the report
    coded = labels.assign(geometry_wkt=None)[columns]
    labelled = coded.rename(columns=PLAN_HEADERS)
    sheets = {tr("Åtgärder", "Measures"): internal_table(gate, coded, name="plan")}
    if followup is not None and len(followup):
        sheets[tr("Uppföljning", "Follow-up")] = _followup_sheet(followup, gate)
    if catalogue_sheet is None:
        catalogue_sheet = _catalogue_sheet(catalogue, gate)
    sheets[tr("Åtgärdskatalog", "Measure catalogue")] = catalogue_sheet
    sheets[tr("Regler", "Rules")] = _rules_sheet(attrs, gate)
    xlsx = write_xlsx(
        sheets,
        out / f"{stem}.xlsx",
        gate=gate,
        layout=lambda wb: _layout_plan_sheet(wb, columns),
        manifest_kind="xlsx:action_plan",
        headers=PLAN_HEADERS,
        about=_plan_about(attrs, municipality),
    )
    csv = write_csv(internal_table(gate, labelled, name="plan"), out / f"{stem}.csv", gate=gate)
    html = _plan_report(plan, labels, gate, municipality, followup, None).write(
        out / f"{stem}.html"
    )
    return {"html": html, "xlsx": xlsx, "csv": csv}


def _plan_about(attrs: dict, municipality: str) -> dict[str, str]:
    """Lines of the workbook's sheet "Förklaringar"."""
    area = attrs.get("name") or attrs.get("area_id", "")
    return {
        "title": tr(
            "Handlingsplan {y} – {a}", "Action plan {y} – {a}", y=attrs.get("year", ""), a=area
        ),
        tr("Kommun", "Municipality"): municipality,
        tr("Plandatum", "Plan date"): fmt_date(attrs.get("plan_date")),
        tr("Källa", "Source"): tr(
            "Utkast från tryggaplatser: händelser, trygghetsvandringar, medborgardialog och "
            "åtgärdskatalogen (bladen Regler och Åtgärdskatalog). Redigera bladet Åtgärder; "
            "det läses tillbaka som åtgärdslagret.",
            "Draft from tryggaplatser: incidents, safety walks, citizen dialogue and the measure "
            "catalogue (sheets Rules and Measure catalogue). Edit the sheet Measures; it reads "
            "back as the measures layer.",
        ),
    }


def _followup_sheet(followup: pd.DataFrame, gate: Gate) -> pd.DataFrame:
    """Sheet "Uppföljning": the follow-up table with kind labels (headers from the column
    vocabulary; Åtgärdsgrad is a share shown as per cent)."""
    kinds = {
        "vandringsfynd": tr("Vandringsfynd", "Walk findings"),
        "atgard": tr("Åtgärd", "Measure"),
    }
    fu = followup.assign(kind=followup["kind"].map(lambda v: kinds.get(v, v)))
    return internal_table(gate, fu, name="uppföljning")


def catalogue_sheet(catalogue: dict | None, gate: Gate) -> pd.DataFrame:
    """Sheet "Åtgärdskatalog" of :func:`write_plan`: the measure catalogue used, with labels and
    Swedish headers, released by the internal ``gate`` (the same for every plan of a set)."""
    return _catalogue_sheet(catalogue, gate)


def _catalogue_sheet(catalogue: dict | None, gate: Gate) -> pd.DataFrame:
    """Sheet "Åtgärdskatalog": the measure catalogue used, with labels and Swedish headers."""
    from ...analysis.plans import catalogue_table
    from ...layers import vocab

    cat = catalogue_table(catalogue)
    sources = {
        "walk": tr("Trygghetsvandring", "Safety walk"),
        "reason": tr("Medborgardialog (skäl)", "Citizen dialogue (reason)"),
        "category": tr("Händelsekategori", "Incident category"),
    }
    cat = cat.assign(
        source=cat["source"].map(lambda v: sources.get(v, v)),
        **{
            col: cat[col].map(lambda v, n=name: vocab.label(n, v) if v else v)
            for col, name in (
                ("kind", "measure_kind"),
                ("measure_type", "measure_type"),
                ("responsible_type", "responsible_type"),
            )
        },
        serious=cat["serious"].map(lambda v: tr("ja", "yes") if v else tr("nej", "no")),
    ).rename(
        columns={
            "source": "Källa",
            "code": "Kod",
            "problem": "Problem",
            "theme": "Tema",
            "situational": "Situationell åtgärd",
            "social": "Social åtgärd",
            "kind": "Typ",
            "measure_type": "Åtgärdstyp",
            "responsible_type": "Typ av ansvarig",
            "indicator": "Indikator",
            "serious": "Allvarligt",
        }
    )
    return internal_table(gate, cat, name="katalog")


def _rules_sheet(attrs: dict, gate: Gate) -> pd.DataFrame:
    """Sheet "Regler": the selection and priority rules of the plan."""
    rules = pd.DataFrame(
        {
            tr("Regel", "Rule"): [tr("Urval", "Selection"), tr("Prioritet", "Priority")],
            tr("Beskrivning", "Description"): [
                attrs.get("selection_rules", ""),
                attrs.get("priority_rule", ""),
            ],
        }
    )
    return internal_table(gate, rules, name="regler")


# ---------------------------------------------------------------------------------------------
# evaluation


@renamed(public=("mode", lambda public: "public" if public else "internal"))
def change_map_figure(cells, zones, *, mode: str, title: str = ""):
    """Before/after change per cell around a measure, with the evaluation zones outlined.

    Parameters
    ----------
    cells : GeoDataFrame
        From :func:`tryggaplatser.analysis.hotspots.hotspot_change` (``n_before``, ``n_after``,
        ``change``, ``change_bin``).
    zones : GeoDataFrame
        ``MeasureEvaluation.zones`` (``zone``: target, buffer, control, control_buffer).
    mode : {"public", "internal"}
        ``"public"``: only the significance classes are drawn (no counts); ``"internal"``: the
        count change per cell. (Formerly ``public: bool``, still accepted with a
        ``DeprecationWarning``.)
    title : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    if mode not in MODES:
        raise ArgumentError(
            tr("okänt läge {m!r}", "unknown mode {m!r}", m=mode),
            rule="ARGUMENT_INVALID",
            fix=tr("välj 'public' eller 'internal'", "choose 'public' or 'internal'"),
        )
    public = mode == "public"
    fig = Figure(figsize=(17 / 2.54, 13 / 2.54), dpi=150, facecolor="white")
    ax = fig.add_axes((0.02, 0.1, 0.68, 0.82))
    focus = zones[zones["zone"].isin(["target", "buffer"])].union_all()
    minx, miny, maxx, maxy = focus.buffer(600).bounds
    shown = cells.cx[minx:maxx, miny:maxy]
    handles = _draw_change_classes(ax, shown) if public else _draw_change_counts(ax, shown)
    handles += _draw_zones(ax, zones, (minx, miny, maxx, maxy))
    _finish_change_map(fig, ax, (minx, miny, maxx, maxy), handles, public=public, title=title)
    return fig


def _draw_change_classes(ax, shown) -> list:
    """Public change map: the significance classes of the tested cells; legend handles."""
    from matplotlib.patches import Patch

    from ..maps._layers import CHANGE_COLOURS as colours

    handles = []
    names = {
        -1: tr("Signifikant minskning", "Significant decrease"),
        0: tr("Ingen signifikant förändring", "No significant change"),
        1: tr("Signifikant ökning", "Significant increase"),
    }
    tested = shown[(shown["n_before"] + shown["n_after"]) > 0]
    for b, colour in colours.items():
        part = tested[tested["change_bin"] == b]
        if len(part):
            part.plot(ax=ax, color=colour, edgecolor="white", linewidth=0.4)
        handles.append(Patch(facecolor=colour, edgecolor="#999999", label=names[b]))
    return handles


def _draw_change_counts(ax, shown) -> list:
    """Internal change map: the count change per cell, significant cells outlined; handles."""
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch

    handles = []
    bounds = [-1e9, -10.5, -4.5, -0.5, 0.5, 4.5, 10.5, 1e9]
    colours = ["#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7", "#fddbc7", "#ef8a62", "#b2182b"]
    cmap = ListedColormap(colours)
    norm = BoundaryNorm(bounds, cmap.N)
    tested = shown[(shown["n_before"] + shown["n_after"]) > 0]
    if len(tested):
        tested.plot(ax=ax, column="change", cmap=cmap, norm=norm, edgecolor="white", linewidth=0.4)
        sig = tested[tested["change_bin"] != 0]
        if len(sig):
            sig.boundary.plot(ax=ax, color="#222222", linewidth=1.4)
    labels = ["≤ −11", "−10 – −5", "−4 – −1", "0", "+1 – +4", "+5 – +10", "≥ +11"]
    handles += [
        Patch(facecolor=c, edgecolor="#999999", label=lab)
        for c, lab in zip(colours, labels, strict=True)
    ]
    handles.append(
        Patch(
            facecolor="none",
            edgecolor="#222222",
            linewidth=1.4,
            label=tr("Signifikant förändring (FDR 5 %)", "Significant change (FDR 5 %)"),
        )
    )
    return handles


def _draw_zones(ax, zones, view_bounds: tuple[float, float, float, float]) -> list:
    """Outline the target, buffer and control zones inside the view; legend handles."""
    from matplotlib.lines import Line2D
    from shapely import box

    handles = []
    styles = {
        "target": ("#000000", "-", tr("Målområde", "Target area")),
        "buffer": ("#000000", "--", tr("Buffertzon", "Buffer ring")),
        "control": ("#1b7837", "-", tr("Kontrollområde", "Control area")),
    }
    view = box(*view_bounds)
    for zone, (colour, style, name) in styles.items():
        geom = zones.loc[zones["zone"] == zone]
        if len(geom) and geom.union_all().intersects(view):
            geom.boundary.plot(ax=ax, color=colour, linestyle=style, linewidth=1.6)
            handles.append(
                Line2D([0], [0], color=colour, linestyle=style, linewidth=1.6, label=name)
            )
    return handles


def _finish_change_map(
    fig,
    ax,
    view_bounds: tuple[float, float, float, float],
    handles: list,
    *,
    public: bool,
    title: str,
) -> None:
    """Frame, 500 m scale bar, legend, title and grid note of the change map."""
    from .charts import plain

    minx, miny, maxx, maxy = view_bounds
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    # scale bar: 500 m
    x0, y0 = minx + 0.05 * (maxx - minx), miny + 0.05 * (maxy - miny)
    ax.plot([x0, x0 + 500], [y0, y0], color="#222222", linewidth=3)
    ax.text(x0 + 250, y0 + 0.02 * (maxy - miny), "500 m", ha="center", fontsize=8)
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        fontsize=7.5,
        frameon=False,
        title=tr("Förändring efter − före", "Change after − before")
        if not public
        else tr("Förändring", "Change"),
        title_fontsize=8,
    )
    if title:
        fig.text(0.02, 0.95, plain(title), fontsize=11, fontweight="bold", color="#1b2a41")
    fig.text(
        0.02,
        0.04,
        plain(
            tr(
                "250 m-rutor (SCB:s rutnät). Koordinatsystem SWEREF 99 TM.",
                "250 m cells (SCB grid). Coordinate system SWEREF 99 TM.",
            )
        ),
        fontsize=7,
        color="#555555",
    )


def _public_counts(evaluation, gate: Gate) -> pd.DataFrame:
    # one row per zone and period; the period is part of the label (public tables allow no
    # period finer than a month, and these periods are not calendar months)
    rows = []
    for r in evaluation.table.itertuples(index=False):
        rows.append({"name": tr("{z}, före", "{z}, before", z=r.label), "n": int(r.before)})
        rows.append({"name": tr("{z}, efter", "{z}, after", z=r.label), "n": int(r.after)})
    return gate.release(pd.DataFrame(rows), "area_table", by=["name"], counts=("n",))


def _stat_text(value: float, decimals: int = 2) -> str:
    return "–" if value is None or not math.isfinite(value) else fmt_num(value, decimals)


def evaluation_report(
    evaluation,
    gate: Gate,
    *,
    municipality: str,
    title: str,
    measure_id: str = "",
    change_cells=None,
    issued: Any = None,
) -> Report:
    """A short report on whether a measure worked and whether the problem moved.

    Parameters
    ----------
    evaluation : MeasureEvaluation
        From :func:`tryggaplatser.analysis.evaluation.evaluate_measure`.
    gate : Gate
    municipality, title : str
        Header texts (``title`` = the measure's title).
    measure_id : str
    change_cells : GeoDataFrame, optional
        :func:`~tryggaplatser.analysis.hotspots.hotspot_change` around the measure for the map.
    issued : date-like, optional

    Returns
    -------
    Report
    """
    ev = evaluation
    counts = ev.counts
    small = min(counts.values()) < MIN_COUNT
    withhold = gate.public and small
    report = Report(
        tr("Utvärdering: {t}", "Evaluation: {t}", t=title),
        gate=gate,
        municipality=municipality,
        period=tr(
            "före {a} / efter {b}",
            "before {a} / after {b}",
            a=f"{ev.periods.before_start:%Y-%m}",
            b=f"{ev.periods.after_start:%Y-%m}",
        ),
        subtitle=tr(
            "Åtgärd {m}: före/efter med kontrollområde och förflyttning",
            "Measure {m}: before/after with control area and displacement",
            m=measure_id,
        ),
        issued=issued,
        kind=tr("Utvärdering av åtgärd", "Evaluation of a measure"),
    )
    _evaluation_summary(report, ev, withhold)
    s = report.section(tr("Resultat", "Results"), key="resultat")
    _results_table(s, ev, gate)
    _results_statistics(s, ev, withhold)
    if change_cells is not None and ev.zones is not None:
        _results_change_map(s, ev, gate, change_cells)
    _section_assumptions(report, ev)
    _evaluation_parameters(report, ev)
    if change_cells is not None:
        _change_map_parameters(report, change_cells)
    return report


def _evaluation_summary(report: Report, ev, withhold: bool) -> None:
    """Summary: change in target, control and buffer, WDD and WDQ (or why they are withheld)."""
    t = ev.table.set_index("zone")

    def pct(zone):
        v = t.loc[zone, "change_pct"]
        return "–" if pd.isna(v) else f"{'+' if v > 0 else ''}{fmt_num(v, 0)} %"

    summary = []
    if withhold:
        summary.append(
            tr(
                "Antalen är för små för att visa statistiken publikt (någon zon har "
                "färre än {m} händelser).",
                "The counts are too small to show the "
                "statistics publicly (a zone has fewer than {m} incidents).",
                m=MIN_COUNT,
            )
        )
    else:
        summary += [
            tr(
                "Målområdet: {p} händelser efter åtgärden jämfört med före; kontrollområdet {c}.",
                "Target area: {p} incidents after the measure compared with before; "
                "control area {c}.",
                p=pct("target"),
                c=pct("control"),
            ),
            tr("Buffertzonen runt om: {p}.", "The surrounding buffer ring: {p}.", p=pct("buffer")),
            ev.wdd.interpretation,
            tr(
                "WDQ = {v}: {i}",
                "WDQ = {v}: {i}",
                v=_stat_text(ev.wdq.value),
                i=ev.wdq.interpretation,
            ),
        ]
    report.summary(summary)


def _results_table(s, ev, gate: Gate) -> None:
    """Section "Resultat": incidents per zone and period (public: released counts only)."""
    if gate.public:
        released = _public_counts(ev, gate)
        s.table(
            released,
            columns={
                "name": tr("Zon och period", "Zone and period"),
                "n": tr("Antal händelser", "Incidents"),
            },
            caption=tr(
                "Händelser per zon och period (1–4 visas som {s})",
                "Incidents per zone and period (1–4 shown as {s})",
                s=SMALL,
            ),
        )
    else:
        table = internal_table(gate, ev.table, name=tr("utvärdering", "evaluation"))
        s.table(
            table,
            columns={
                "label": tr("Zon", "Zone"),
                "before": tr("Före", "Before"),
                "after": tr("Efter", "After"),
                "change": tr("Förändring", "Change"),
                "change_pct": tr("Förändring %", "Change %"),
            },
            formats={
                "change": lambda v: f"{'+' if v > 0 else ''}{fmt_int(v)}",
                "change_pct": lambda v: (
                    "–" if pd.isna(v) else f"{'+' if v > 0 else ''}{fmt_num(v, 1)}"
                ),
            },
            caption=tr(
                "Händelser per zon, lika långa perioder före och efter",
                "Incidents per zone, before and after periods of equal length",
            ),
        )


def _results_statistics(s, ev, withhold: bool) -> None:
    """Section "Resultat": WDD and WDQ with their standard error and reading."""
    if withhold:
        s.note(
            tr(
                "WDQ och WDD visas inte: med så små antal skulle de avslöja enskilda "
                "händelser. Se den interna versionen.",
                "WDQ and WDD are not shown: with "
                "such small counts they would reveal single incidents. See the internal "
                "version.",
            ),
            tone="warning",
        )
    else:
        wdd, wdq = ev.wdd, ev.wdq
        s.facts(
            [
                ("WDD", f"{'+' if wdd.value > 0 else ''}{fmt_num(wdd.value, 0)}"),
                (tr("Standardfel (WDD)", "Standard error (WDD)"), _stat_text(wdd.se, 1)),
                ("z", _stat_text(wdd.z, 2)),
                (
                    "p",
                    "–"
                    if wdd.p_value is None
                    else ("< 0,001" if wdd.p_value < 0.001 else _stat_text(wdd.p_value, 3)),
                ),
                ("WDQ", _stat_text(wdq.value, 2)),
            ]
        )
        s.paragraph(
            tr(
                "WDD (Wheeler & Ratcliffe 2018) är nettoförändringen i antal händelser: "
                "målområdets förändring minus kontrollområdets, plus buffertzonens "
                "förändring minus dess kontrollzons. Negativt = färre händelser totalt. "
                "{i}",
                "The WDD (Wheeler & Ratcliffe 2018) is the net change in incidents: the "
                "target's change minus the control's, plus the buffer's change minus its "
                "control ring's. Negative = fewer incidents overall. {i}",
                i=wdd.interpretation,
            )
        )
        s.paragraph(
            tr(
                "WDQ (Bowers & Johnson 2003) jämför buffertzonens förändring med "
                "målområdets, båda i förhållande till kontrollområdet: över 0 betyder "
                "att även omgivningen fick det bättre (spridning av positiva effekter), "
                "mellan 0 och −1 viss förflyttning men mindre än vinsten, −1 eller lägre "
                "att problemet flyttade helt. {i}",
                "The WDQ (Bowers & Johnson 2003) compares the buffer's change with the "
                "target's, both relative to the control: above 0 the surroundings "
                "improved too (diffusion of benefits), between 0 and −1 some "
                "displacement but less than the gain, −1 or below the problem moved "
                "entirely. {i}",
                i=wdq.interpretation,
            )
        )


def _results_change_map(s, ev, gate: Gate, change_cells) -> None:
    """Section "Resultat": the before/after change map around the measure."""
    fig = change_map_figure(change_cells, ev.zones, mode=gate.mode)
    s.figure(
        fig,
        caption=tr(
            "Förändring per 250 m-ruta i omgivningen, efter minus före (samma perioder och "
            "kategorier). Signifikans: exakt binomialtest per ruta mot hela områdets "
            "förändring, Benjamini–Hochberg 5 %.",
            "Change per 250 m cell around the measure, after minus before (same periods and "
            "categories). Significance: exact binomial test per cell against the whole area's "
            "change, Benjamini–Hochberg 5 %.",
        ),
        alt=tr("Karta över förändring före/efter", "Map of before/after change"),
    )


def _section_assumptions(report: Report, ev) -> None:
    """Section "Antaganden": the assumptions the result rests on and the categories counted."""
    s2 = report.section(tr("Antaganden", "Assumptions"), key="antaganden")
    s2.paragraph(
        tr(
            "Resultatet gäller bara om följande antaganden håller:",
            "The result only holds if these assumptions hold:",
        )
    )
    s2.bullets(ev.assumptions)
    s2.paragraph(
        tr(
            "Kategorier som räknas: {c}.",
            "Categories counted: {c}.",
            c=_categories_text(ev.categories),
        )
    )


def _evaluation_parameters(report: Report, ev) -> None:
    """Parameters: the evaluation's automatic choices, buffer, control area and periods."""
    # each choice sentence under its own first word ("Målområde", "Buffertzon"); the buffer,
    # control and periods get a structured row only when no sentence already states them
    named = set()
    for choice in ev.choices:
        first = str(choice).split(" ", 1)[0].rstrip(":.")
        first = first if first.istitle() else tr("Automatiskt val", "Automatic choice")
        named.add(first.lower())
        report.parameter(first, choice, auto=True)
    if not named & {"buffertzon", "buffer"}:
        report.parameter(
            tr("Buffertzon", "Buffer ring"),
            tr("{w} m", "{w} m", w=fmt_int(ev.buffer_width))
            if ev.buffer_width
            else tr("given geometri", "given geometry"),
        )
    if not named & {"kontrollområde", "control"}:
        report.parameter(
            tr("Kontrollområde", "Control area"),
            ev.control_id or tr("given geometri", "given geometry"),
        )
    if not named & {"perioder", "periods"}:
        report.parameter(tr("Perioder", "Periods"), ev.periods.describe())


def _change_map_parameters(report: Report, change_cells) -> None:
    """Parameters of the change map: cell size, significance level and automatic choices."""
    params = (change_cells.attrs.get("tryggaplatser", {}) or {}).get("params", {}) or {}
    shown = {
        "cell_size": (
            tr("Förändringskarta: rutstorlek", "Change map: cell size"),
            lambda v: f"{fmt_int(v)} m",
        ),
        "alpha": (
            tr("Förändringskarta: signifikansnivå", "Change map: significance level"),
            lambda v: tr(
                "{p} % (Benjamini–Hochberg)",
                "{p} % (Benjamini–Hochberg)",
                p=fmt_num(float(v) * 100, 0),
            ),
        ),
    }
    for name, (label, fmt) in shown.items():
        rec = params.get(name)
        if isinstance(rec, dict) and rec.get("value") is not None:
            report.parameter(
                label,
                fmt(rec["value"]),
                auto=bool(rec.get("auto")),
                rule=str(rec.get("rule") or ""),
            )
    for sentence in change_cells.attrs.get("choices", []) or []:
        report.parameter(tr("Förändringskarta", "Change map"), str(sentence), auto=True)


def _categories_text(categories) -> str:
    from ...layers.vocab import label

    if not categories:
        return tr("alla", "all")
    return ", ".join(label("category", c).lower() for c in categories)


def write_evaluation(
    evaluation,
    out_dir: str | Path,
    gate: Gate,
    *,
    municipality: str,
    title: str,
    measure_id: str = "",
    change_cells=None,
    stem: str | None = None,
) -> dict[str, Path]:
    """Write the evaluation report (HTML) and its counts table (CSV).

    Returns
    -------
    dict
        ``{"html": path, "csv": path}``; the file names contain ``utvardering``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    safe_id = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in measure_id) or "atgard"
    stem = stem or f"utvardering_{safe_id}" + ("_publik" if gate.public else "")
    report = evaluation_report(
        evaluation,
        gate,
        municipality=municipality,
        title=title,
        measure_id=measure_id,
        change_cells=change_cells,
    )
    html = report.write(out / f"{stem}.html")
    from ..tables import write_csv

    if gate.public:
        table = _public_counts(evaluation, gate)
    else:
        table = internal_table(
            gate,
            evaluation.table.drop(columns=["zone"]).rename(
                columns={
                    "label": "Zon",
                    "before": "Före",
                    "after": "Efter",
                    "change": "Förändring",
                    "change_pct": "Förändring %",
                }
            ),
            name="utvärdering",
        )
    csv = write_csv(table, out / f"{stem}.csv", gate=gate)
    return {"html": html, "csv": csv}
