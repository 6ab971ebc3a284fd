"""Printable HTML reports: the one report infrastructure every report of the toolkit uses.

A :class:`Report` is a document (EST brief, area analysis, lägesbild, action plan, evaluation)
built from sections of blocks — paragraphs, key facts, bullet lists, notes, tables and figures —
and a **methods box** that lists every parameter the analyses used, automatic choices marked as
such with their rule. :meth:`Report.render` gives ONE self-contained HTML file (no network: CSS
inline, figures as ``data:`` images) in Swedish by default (English through
:func:`tryggaplatser.i18n.language`), laid out for A4 print:

* a running header and footer on every printed page: the municipality and the report, the
  marking "INTERNT – ej för spridning" in internal mode (else the version), the period, the
  issue date and "Sida n / N" (CSS page-margin boxes, printed by Chromium and so in the PDF
  beside every report, :mod:`tryggaplatser.publish.pdf`);
* sections that flow on from one another (no forced page breaks: they left pages 40–80 %
  empty), headings kept with what follows, short tables and figures never split, long tables
  split between rows with the header row repeated on every page.

Privacy is not the report's own business: it is the publishing gate's. The report only accepts
tables that a :class:`~tryggaplatser.publish.gate.Gate` of the same mode has released (see
:func:`release_table` and :func:`internal_table`), every piece of text reaches the HTML through
:func:`tryggaplatser.publish.safe_text.html` (Jinja2 ``finalize``), and :meth:`Report.write`
writes the page with :meth:`Gate.write_html`, which adds the mode tag and the internal marking,
scans the file and records it in the folder's manifest.

Examples
--------
>>> from tryggaplatser.publish.gate import Gate
>>> gate = Gate("internal", quiet=True)
>>> report = Report("Veckolägesbild", gate=gate, municipality="Exempelstad kommun",
...                 period="vecka 2026-W47")
>>> s = report.section("Händelser")
>>> s.paragraph("12 rapporter, 3 fler än vanligt.").title
'Händelser'
>>> report.parameter("Cellstorlek", "250 m", auto=True, rule="SCB:s rutnät")
>>> "INTERNT" in report.render()
True
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ... import _clock
from ...errors import ArgumentError, GateRefusal
from ...i18n import get_language, tr
from ...policy import INTERNAL_MARKING_EN
from ..gate import INTERNAL_MARKING, Gate, is_pii_column
from ..param_text import param_label, param_value
from ..safe_text import Trusted, html, text_of

__all__ = [
    "Block",
    "Parameter",
    "Report",
    "Section",
    "fmt_date",
    "fmt_fixed",
    "fmt_int",
    "fmt_num",
    "internal_table",
    "mode_text",
    "parameters_from_attrs",
    "release_table",
]

_TEMPLATES = "templates"
# a space between digit groups in a table header ("Per 1 000 inv."): headers wrap between words,
# a number in one never does (the space becomes a no-break space, which looks the same)
_HEADER_DIGIT_SPACE = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")


def _header(text: Any) -> Any:
    """A table header with the spaces inside its numbers made no-break (plain text only)."""
    return _HEADER_DIGIT_SPACE.sub("\u00a0", text) if type(text) is str else text


# ---------------------------------------------------------------------------------------------
# formatting helpers (Swedish by default)


def fmt_int(value: Any) -> str:
    """An integer with a narrow no-break space between thousands (``12 345``); ``–`` if missing.

    Text values (``"<5"``, ``".."`` from the gate) are returned unchanged.
    """
    if isinstance(value, str):
        return value
    text = text_of(value)
    if text == "":
        return "–"
    try:
        number = round(float(value))
    except (TypeError, ValueError):
        return text
    sep = "\u202f" if get_language() == "sv" else ","
    return f"{number:,}".replace(",", sep)


def fmt_num(value: Any, decimals: int = 1) -> str:
    """A number with ``decimals`` decimals, decimal comma in Swedish; ``–`` if missing."""
    if isinstance(value, str):
        return value
    if text_of(value) == "":
        return "–"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return text_of(value)
    text = f"{number:,.{decimals}f}"
    if get_language() == "sv":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def fmt_fixed(value: Any, decimals: int = 2) -> str:
    """A model figure with fixed decimals: decimal comma and a real minus sign in Swedish;
    ``–`` when missing or not finite.

    >>> fmt_fixed(-1.964)
    '−1,96'
    """
    if value is None or not math.isfinite(float(value)):
        return "–"
    text = f"{float(value):.{decimals}f}"
    if get_language() == "sv":
        text = text.replace(".", ",").replace("-", "−")
    return text


def fmt_date(value: Any) -> str:
    """ISO date ``2026-11-23`` (the Swedish standard form), the local calendar date of a
    tz-aware timestamp; ``–`` if missing."""
    from ...analysis.periods import local_date

    if text_of(value) == "":
        return "–"
    try:
        return local_date(value).isoformat()
    except (TypeError, ValueError):
        return text_of(value)


def mode_text(mode: str) -> str:
    """The mode as shown in report headers."""
    return (
        tr("Publik version", "Public version")
        if mode == "public"
        else tr("Intern – ej för spridning", "Internal – not for distribution")
    )


def _marking() -> str:
    return INTERNAL_MARKING if get_language() == "sv" else INTERNAL_MARKING_EN


# ---------------------------------------------------------------------------------------------
# gate entry points for report tables


def _stamp(frame: pd.DataFrame) -> dict:
    return (frame.attrs.get("tryggaplatser", {}) or {}).get("gate", {}) or {}


def release_table(gate: Gate, data: pd.DataFrame, kind: str, **options: Any) -> pd.DataFrame:
    """Release a table for a report through the gate (:meth:`Gate.release`).

    A thin, named entry point so report code reads as what it does; the options are those of
    :meth:`Gate.release` (``counts=``, ``by=``, ``margins=``, ``rates=`` ...).
    """
    return gate.release(data, kind, **options)


def internal_table(
    gate: Gate, data: pd.DataFrame, *, name: str, free_text: Sequence[str] = ()
) -> pd.DataFrame:
    """Release an internal-only working table (e.g. the EST brief's focus places or alerts).

    The gate's output kinds cover what may ever be published; some working tables of an
    internal report (rows per incident, per grid cell of 250 m with weekly counts, measures with
    owners and dates) have no public form at all. This entry point keeps them inside the gate's
    rules: it **refuses in public mode**, drops columns that look like personal data
    (:func:`~tryggaplatser.publish.gate.is_pii_column`), redacts the named free-text columns
    with the importers' redaction, and stamps the copy with the gate's mode so
    :meth:`Section.table` and :func:`~tryggaplatser.publish.tables.write_csv` accept it.

    Parameters
    ----------
    gate : Gate
        The output set's gate; must be internal.
    data : pandas.DataFrame
        The finished table (not modified). A geometry column is dropped.
    name : str
        What the table is, for the refusal message.
    free_text : sequence of str
        Columns holding free text (redacted).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    GateRefusal
        In public mode.
    """
    if gate.public:
        raise GateRefusal(
            tr(
                "{n}: tabellen är en intern arbetstabell och har ingen publik form",
                "{n}: the table is an internal working table and has no public form",
                n=name,
            ),
            rule="INTERNAL_ONLY",
            fix=tr(
                "använd läget internal, eller publicera en aggregerad tabell via gate.release",
                "use internal mode, or publish an aggregated table via gate.release",
            ),
        )
    frame = pd.DataFrame(data).copy()
    frame.attrs = {}
    geometry = getattr(data, "_geometry_column_name", None)
    drop = [c for c in frame.columns if c == geometry or is_pii_column(str(c))]
    frame = frame.drop(columns=drop)
    if free_text:
        from ...layers.redact import redact_text

        for col in free_text:
            if col in frame.columns:
                redacted, _ = redact_text(frame[col].astype("string"))
                frame[col] = redacted
    frame.attrs = {
        "tryggaplatser": {
            "gate": {"mode": gate.mode, "kind": "internal_table"},
            "marking": INTERNAL_MARKING,
        }
    }
    return frame


# ---------------------------------------------------------------------------------------------
# document model


@dataclass
class Parameter:
    """One row of the methods box: a parameter, its value, and whether it was chosen for you."""

    name: str
    value: str
    auto: bool = False
    rule: str = ""
    group: str = ""


@dataclass
class Block:
    """One piece of a section; ``kind`` selects the template macro, ``data`` its content."""

    kind: str
    data: dict[str, Any]


@dataclass
class Section:
    """A titled part of a report. Add content with the methods below, in reading order."""

    title: str
    key: str
    intro: str = ""
    new_page: bool = False
    blocks: list[Block] = field(default_factory=list)
    _report: Report | None = field(default=None, repr=False)

    def paragraph(self, text: str) -> Section:
        """A paragraph of plain text (escaped)."""
        self.blocks.append(Block("paragraph", {"text": text}))
        return self

    def facts(self, pairs: Iterable[tuple[str, Any]]) -> Section:
        """Key figures as a row of boxes: ``[(label, value), …]``."""
        self.blocks.append(Block("facts", {"pairs": [(k, v) for k, v in pairs]}))
        return self

    def bullets(self, items: Iterable[Any]) -> Section:
        """A bullet list of plain-text items."""
        self.blocks.append(Block("bullets", {"items": list(items)}))
        return self

    def note(self, text: str, *, tone: str = "info") -> Section:
        """A highlighted note: ``tone`` ``"info"``, ``"warning"`` or ``"ok"``."""
        if tone not in ("info", "warning", "ok"):
            raise ArgumentError(
                tr("okänd ton {t!r}", "unknown tone {t!r}", t=tone),
                rule="ARGUMENT_INVALID",
                fix="info, warning, ok",
            )
        self.blocks.append(Block("note", {"text": text, "tone": tone}))
        return self

    def table(
        self,
        data: pd.DataFrame,
        *,
        columns: Mapping[str, str] | None = None,
        formats: Mapping[str, Callable[[Any], str]] | None = None,
        caption: str = "",
        highlight: str | None = None,
        numeric: Sequence[str] = (),
        empty: str | None = None,
        max_rows: int | None = None,
        widths: Mapping[str, str] | None = None,
        nowrap: Sequence[str] = (),
        breakable: Sequence[str] = (),
    ) -> Section:
        """A table released by the report's gate.

        Parameters
        ----------
        data : pandas.DataFrame
            A table returned by :meth:`Gate.release` / :func:`release_table` or
            :func:`internal_table` **of the same gate mode**; anything else is refused.
        columns : mapping, optional
            ``{column: header}`` selecting and ordering the columns shown (default: all).
        formats : mapping, optional
            ``{column: function(value) -> str}``; default formats: integers with thousands
            separators, floats with one decimal (decimal comma), dates ISO, booleans ja/nej.
        caption : str
            Table caption (shown above).
        highlight : str, optional
            Name of a boolean column: rows where it is true are highlighted (e.g. ``unusual``,
            ``overdue``). The column need not be shown.
        numeric : sequence of str
            Columns to right-align in addition to the numeric dtypes.
        empty : str, optional
            Text shown instead of an empty table.
        max_rows : int, optional
            Show at most this many rows and say how many were left out.
        widths : mapping, optional
            ``{column: CSS width}`` such as ``"30%"``.
        nowrap : sequence of str
            Columns never wrapped (codes, ids); date columns and numbers never wrap anyway.
        breakable : sequence of str
            Columns whose words may break anywhere when a word alone is wider than the column
            (a cell id, a long compound name), so that they do not widen the table past the
            page; give such a column a width wide enough for its ordinary words.

        Raises
        ------
        GateRefusal
            When the table was not released by a gate of the report's mode.
        """
        report = self._report
        mode = report.gate.mode if report is not None else None
        stamp = _stamp(data)
        if stamp.get("mode") != mode:
            raise GateRefusal(
                tr(
                    "rapporttabellen {c!r} har inte släppts av publiceringsgrinden i läget {m}",
                    "the report table {c!r} was not released by the publishing gate in mode {m}",
                    c=caption or self.title,
                    m=mode,
                ),
                rule="NOT_GATED",
                fix=tr(
                    "skicka tabellen genom gate.release() eller internal_table() först",
                    "pass the table through gate.release() or internal_table() first",
                ),
            )
        columns = dict(columns) if columns else {c: str(c) for c in data.columns}
        missing = [c for c in columns if c not in data.columns]
        if missing:
            raise ArgumentError(
                tr(
                    "tabellen saknar kolumnerna {m}",
                    "the table lacks the columns {m}",
                    m=", ".join(missing),
                ),
                rule="COLUMNS_MISSING",
            )
        formats = dict(formats or {})
        total = len(data)
        shown = data if max_rows is None else data.head(max_rows)
        right = set(numeric)
        keep = set(nowrap)
        unique = data.columns.is_unique
        for col in columns:
            kind = data.dtypes[col] if unique else data[col]
            if pd.api.types.is_numeric_dtype(kind) and not pd.api.types.is_bool_dtype(kind):
                right.add(col)
            if pd.api.types.is_datetime64_any_dtype(kind) or formats.get(col) is fmt_date:
                keep.add(col)
        flags = (
            shown[highlight].fillna(False).astype(bool).tolist()
            if highlight and highlight in shown.columns
            else [False] * len(shown)
        )
        cells = _formatted_cells(shown, [(c, formats.get(c, _default_format)) for c in columns])
        rows = [{"cells": c, "highlight": flag} for c, flag in zip(cells, flags)]
        self.blocks.append(
            Block(
                "table",
                {
                    "caption": caption,
                    "headers": [_header(h) for h in columns.values()],
                    "align": [
                        " ".join(
                            k
                            for k, on in (
                                ("num", c in right),
                                ("nowrap", c in keep),
                                ("brk", c in breakable),
                            )
                            if on
                        )
                        for c in columns
                    ],
                    "widths": [(widths or {}).get(c, "") for c in columns],
                    "rows": rows,
                    "empty": empty if empty is not None else tr("Inga rader.", "No rows."),
                    "left_out": max(total - len(shown), 0),
                },
            )
        )
        return self

    def figure(
        self, image: Any, *, caption: str = "", alt: str = "", width: str = "100%"
    ) -> Section:
        """A figure: a matplotlib figure (embedded as SVG), PNG bytes or a PNG/SVG file path.

        Matplotlib figures are rendered through :func:`~.charts.to_data_uri`
        (metadata cleaned: no user, host, path or date). The image is embedded as a ``data:``
        URI so the report stays one self-contained file.
        """
        from .charts import to_data_uri

        self.blocks.append(
            Block(
                "figure",
                {
                    "src": Trusted(to_data_uri(image)),
                    "caption": caption,
                    "alt": alt or caption,
                    "width": width,
                },
            )
        )
        return self


#: Values a row of objects may turn into pandas dates or durations (:func:`_formatted_cells`).
_DATE_LIKE = (date, timedelta, np.datetime64, np.timedelta64)


def _formatted_cells(
    frame: pd.DataFrame, columns: list[tuple[Any, Callable[[Any], str]]]
) -> list[list[str]]:
    """Each row's cells, ``fn(value)`` for every ``(column, fn)``, with the values
    :meth:`pandas.DataFrame.iterrows` gives: one row of ``frame.values``, the frame's values in
    one common dtype (so an integer beside a float comes as a float). Numbers and objects are
    read from that array directly; dates and durations go through ``iterrows``, whose rows box
    them as pandas scalars (a row of only dates and missing values becomes a date row)."""
    values = frame.values
    if (
        not frame.columns.is_unique
        or values.dtype.kind not in "biufO"
        or (values.dtype.kind == "O" and any(isinstance(v, _DATE_LIKE) for v in values.flat))
    ):
        return [[fn(row[col]) for col, fn in columns] for _, row in frame.iterrows()]
    at = [(frame.columns.get_loc(col), fn) for col, fn in columns]
    return [[fn(row[i]) for i, fn in at] for row in values]


def _default_format(value: Any) -> str:
    if isinstance(value, bool):
        return tr("ja", "yes") if value else tr("nej", "no")
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return fmt_date(value)
    if isinstance(value, float):
        if value != value:  # NaN
            return "–"
        return fmt_int(value) if float(value).is_integer() else fmt_num(value)
    if isinstance(value, int):
        return fmt_int(value)
    text = text_of(value)
    return text if text != "" else "–"


#: Recorded parameters holding dates (a public methods box shows their months only).
_DATE_PARAMS = {"period", "window"}


def _month_of(value: Any) -> str:
    """Every ``YYYY-MM-DD`` (with any time after it) in ``value`` cut to ``YYYY-MM``, and a
    range of one month (``2025-03 – 2025-03``) said once."""
    text = re.sub(r"(\d{4}-\d{2})-\d{2}(?:[ T][\d:.+]+)?", r"\1", str(value))
    return re.sub(r"^(\d{4}-\d{2}) – \1$", r"\1", text)


def parameters_from_attrs(
    attrs: Mapping[str, Any], group: str = "", *, public: bool = False
) -> list[Parameter]:
    """Methods-box rows from an analysis result's recorded automatic choices.

    Reads the two recording conventions of the toolkit: ``attrs["choices"]`` (sentences such as
    "Cellstorlek 250 m vald automatiskt (…)") and ``attrs["tryggaplatser"]["params"]``
    (``{name: {"value", "auto", "rule"}}``). Every automatic choice becomes a row marked
    automatic.
    """
    out: list[Parameter] = []
    for sentence in attrs.get("choices", []) or []:
        out.append(
            Parameter(
                group or tr("Automatiskt val", "Automatic choice"),
                str(sentence),
                auto=True,
                group=group,
            )
        )
    params = (attrs.get("tryggaplatser", {}) or {}).get("params", {}) or {}
    for name, rec in params.items():
        if not isinstance(rec, Mapping):
            continue
        text = param_value(str(name), rec.get("value"))
        if public and name in _DATE_PARAMS:  # public: month is the finest time unit
            text = _month_of(text)
        out.append(
            Parameter(
                param_label(str(name)),
                text_of(text),
                auto=bool(rec.get("auto")),
                rule=str(rec.get("rule") or ""),
                group=group,
            )
        )
    return out


class Report:
    """A printable, self-contained HTML report that goes through the publishing gate.

    Parameters
    ----------
    title : str
        Document title, e.g. "Veckolägesbild EST".
    gate : Gate
        The output set's publishing gate: its mode decides the marking and which tables
        are accepted, and :meth:`write` writes through it.
    municipality : str
        Municipality name for the header (from the project configuration).
    period : str
        The period the report covers, as shown ("vecka 2026-W47 (16–22 nov 2026)").
    subtitle : str, optional
        Second title line.
    issued : date-like, optional
        Date of the report (default today).
    kind : str
        Short document type shown in the header ("EST-veckobrev", "Områdesanalys" ...).
    area : str, optional
        The name of the area the report is about (area reports, action plans): recorded in the
        folder's manifest so the folder's start page (``index.html``) puts the report on the
        area's row beside its map and plan, and the report links to that row.

    Attributes
    ----------
    sections : list of Section
    parameters : list of Parameter
    summary_items : list of str
        Key points shown in the "I korthet" box at the top.
    method_notes : list of str
        Paragraphs of the methods box (tests, definitions, sources).
    """

    def __init__(
        self,
        title: str,
        *,
        gate: Gate,
        municipality: str,
        period: str,
        subtitle: str = "",
        issued: Any = None,
        kind: str = "",
        area: str = "",
    ):
        if not isinstance(gate, Gate):
            raise ArgumentError(
                tr("gate måste vara en Gate", "gate must be a Gate"),
                rule="ARGUMENT_TYPE",
                fix=tr("skapa den med Gate(mode)", "create it with Gate(mode)"),
            )
        self.title = title
        self.gate = gate
        self.municipality = municipality
        self.period = period
        self.subtitle = subtitle
        self.kind = kind
        self.area = str(area or "")
        self.issued = pd.Timestamp(issued).date() if issued is not None else _clock.today()
        self.sections: list[Section] = []
        self.parameters: list[Parameter] = []
        self.summary_items: list[str] = []
        self.method_notes: list[str] = []
        self.lang = get_language()

    # -- building -------------------------------------------------------------------------------
    def section(
        self, title: str, *, key: str | None = None, intro: str = "", new_page: bool = False
    ) -> Section:
        """Add and return a new section (``key`` is its HTML id; default from the title).

        ``new_page`` marks a main part of the document: in print it gets more space above its
        heading, and its heading stays with the section's first block, but it does not force a
        page break (forced breaks left the page before mostly empty).
        """
        key = (
            key or re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or f"s{len(self.sections)}"
        )
        section = Section(title, key, intro, new_page, _report=self)
        self.sections.append(section)
        return section

    def summary(self, items: Iterable[str]) -> None:
        """Set the key points ("I korthet") shown first."""
        self.summary_items = [str(i) for i in items]

    def parameter(
        self, name: str, value: Any, *, auto: bool = False, rule: str = "", group: str = ""
    ) -> None:
        """Add a row to the methods box (every automatic choice must be listed)."""
        self.parameters.append(Parameter(str(name), text_of(value), auto, rule, group))

    def parameters_from(self, attrs: Mapping[str, Any], group: str = "") -> None:
        """Add the automatic choices recorded on a result (:func:`parameters_from_attrs`)."""
        seen = {(p.name, p.value) for p in self.parameters}
        for p in parameters_from_attrs(attrs, group, public=self.gate.public):
            if (p.name, p.value) not in seen:
                self.parameters.append(p)
                seen.add((p.name, p.value))

    def method_note(self, text: str) -> None:
        """Add a paragraph to the methods box (a test, a definition, a data source)."""
        self.method_notes.append(str(text))

    # -- output ---------------------------------------------------------------------------------
    def render(self) -> str:
        """The complete HTML document (before the gate's finalisation)."""
        env = _environment()
        template = env.get_template("report.html.j2")
        css = _read_template("report.css")
        marking = _marking() if not self.gate.public else ""
        page_css = _page_css(
            f"{self.municipality} · {self.title}",
            marking or mode_text(self.gate.mode),
            tr(
                "Period {p} · Framställd {d}",
                "Period {p} · Issued {d}",
                p=self.period,
                d=self.issued.isoformat(),
            ),
            tr("Sida", "Page"),
            internal=bool(marking),
        )
        return template.render(
            lang=self.lang,
            report=self,
            css=Trusted(css + page_css),
            marking=marking,
            mode=self.gate.mode,
            mode_label=mode_text(self.gate.mode),
            issued=self.issued.isoformat(),
            related=self.related(),
            t={
                "summary": tr("I korthet", "Summary"),
                "contents": tr("Innehåll", "Contents"),
                "methods": tr("Metod och parametrar", "Methods and parameters"),
                "parameter": tr("Parameter", "Parameter"),
                "value": tr("Värde", "Value"),
                "how": tr("Hur valt", "How chosen"),
                "auto": tr("automatiskt", "automatic"),
                "given": tr("angivet", "given"),
                "issued": tr("Framställd", "Issued"),
                "period": tr("Period", "Period"),
                "mode": tr("Version", "Version"),
                "left_out": tr(
                    "rader till visas inte (se CSV-filen).",
                    "more rows are not shown (see the CSV file).",
                ),
                "made_with": tr(
                    "Framställd med tryggaplatser. Alla tal är beräknade "
                    "automatiskt ur kommunens lager; se metodrutan.",
                    "Made with tryggaplatser. All figures are computed "
                    "automatically from the municipality's layers; see the "
                    "methods box.",
                ),
            },
        )

    def related(self) -> dict[str, str]:
        """The link to the folder's start page: an area's row there (its map, plan and tables)
        for a report about an area, else the page itself. The start page is rewritten by every
        command that writes into the folder, so the link resolves whichever command ran last."""
        from ..gate import INDEX_PAGE
        from ..maps.interactive import slugify

        if self.area:
            return {
                "href": f"{INDEX_PAGE}#omrade-{slugify(self.area)}",
                "text": tr(
                    "Karta, handlingsplan och tabeller för {a}: se översikten över mappen",
                    "Map, action plan and tables for {a}: see the folder's overview",
                    a=self.area,
                ),
            }
        return {
            "href": INDEX_PAGE,
            "text": tr(
                "Kartor, tabeller och andra produkter: se översikten över mappen",
                "Maps, tables and other products: see the folder's overview",
            ),
        }

    def write(self, path: str | Path) -> Path:
        """Render and write through the gate (:meth:`Gate.write_html`): marking, audit, manifest
        (with the title, period, area and municipality for the folder's start page)."""
        about = {
            "title": self.title,
            "period": self.period,
            "area": self.area,
            "municipality": self.municipality,
        }
        return self.gate.write_html(self.render(), path, kind="report", about=about)


# ---------------------------------------------------------------------------------------------
# templates


@functools.lru_cache(maxsize=8)
def _read_template(name: str) -> str:
    from importlib import resources

    return resources.files(__package__).joinpath(_TEMPLATES, name).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _environment():
    from importlib import resources

    import jinja2

    folder = resources.files(__package__).joinpath(_TEMPLATES)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        finalize=_finalize,  # every {{ value }} goes through safe_text.html
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return env


def _finalize(value: Any) -> Any:
    """Jinja2 ``finalize``: markup Jinja2 itself produced (macro output) passes; any other value,
    i.e. all data, goes through :func:`~tryggaplatser.publish.safe_text.html`."""
    from markupsafe import Markup

    if isinstance(value, Markup):
        return value
    return html(value)


def _css_string(text: str) -> str:
    """A CSS string literal with every character outside [A-Za-z0-9] hex-escaped.

    Each escape is ``\\HHHHHH`` followed by one space, which CSS consumes as the escape's
    terminator, so spaces in the text (escaped too) survive and nothing can end the string.
    """
    out = []
    for ch in text_of(text):  # no bidi or other controls in the printed header either
        if ch.isascii() and ch.isalnum():
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):06x} ")
    return '"' + "".join(out) + '"'


def _page_css(left: str, right: str, bottom: str, page_word: str, *, internal: bool) -> str:
    """The running header and footer of every printed page (CSS page-margin boxes).

    Top: municipality and report on the left, the marking (internal, in red) or the version on
    the right. Bottom: period and issue date on the left, "Sida n / N" on the right. No centre
    boxes: a centre box is centred on the page whatever the side boxes hold, so a long report
    title ran into it; two boxes share the width and wrap instead.
    """
    marked = " color: #b00020; font-weight: 700;" if internal else ""
    rules = [
        "@page {",
        f"  @top-left {{ content: {_css_string(left)}; }}",
        f"  @top-right {{ content: {_css_string(right)};{marked} }}",
        f"  @bottom-left {{ content: {_css_string(bottom)}; }}",
        f"  @bottom-right {{ content: {_css_string(page_word + ' ')} counter(page) "
        f"{_css_string(' / ')} counter(pages); }}",
        "}",
    ]
    return "\n" + "\n".join(rules) + "\n"
