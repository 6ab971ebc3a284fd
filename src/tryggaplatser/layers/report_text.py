"""What ``tryggaplatser validate`` says about a file: its summary lines, the JSON record of a
file that failed, and the hint for the problems a newcomer meets first.

Text only: nothing here prints; the command prints these lines.
"""

from __future__ import annotations

#: Examples shown per rule in the summary (all are listed with ``--json``).
EXAMPLES_PER_RULE = 3


def failure_record(exc, spec) -> dict:
    """The JSON record of a file that could not be used: its report (or an empty one naming
    the file) with the error's rule, message and fix under ``error``."""
    report = getattr(exc, "report", None)
    if report is not None:
        obj = report.to_dict()
    else:
        obj = {
            "file": str(spec.file),
            "layer": spec.layer,
            "read": 0,
            "accepted": 0,
            "quarantined": 0,
            "duplicates_dropped": 0,
            "quarantine_file": None,
            "problems": [
                {
                    "row": None,
                    "field": None,
                    "rule": exc.rule,
                    "severity": "error",
                    "message": exc.message,
                    "value": None,
                }
            ],
        }
    obj["error"] = {"rule": exc.rule, "message": exc.message, "fix": exc.fix}
    return obj


def report_lines(report) -> list[str]:
    """A readable summary of one validation report, line by line (in the output language).

    The counts of the file, its quarantine file, and per rule and severity up to
    :data:`EXAMPLES_PER_RULE` examples with row, field and message.
    """
    from pathlib import Path

    import pandas as pd

    from ..i18n import tr
    from .schema import schema
    from .validate import rule_title

    lines: list[str] = []
    sch = schema(report.layer)
    name = tr(sch.label_sv, sch.label_en) or report.layer
    lines.append(
        tr(
            "{f} ({l}): {r} rader lästa, {a} godkända, {q} i karantän, {d} dubbletter borttagna",
            "{f} ({l}): {r} rows read, {a} accepted, {q} quarantined, {d} duplicates dropped",
            f=Path(report.file).name,
            l=name,
            r=report.read,
            a=report.accepted,
            q=report.quarantined,
            d=report.duplicates_dropped,
        )
    )
    if report.quarantine_file:
        lines.append(
            tr(
                "  karantänfil (intern): {p}",
                "  quarantine file (internal): {p}",
                p=report.quarantine_file,
            )
        )
    frame = report.problems_frame
    if frame.empty:
        lines.append(tr("  inga anmärkningar", "  no remarks"))
        return lines
    labels = {
        "error": tr("fel", "error"),
        "quarantine": tr("karantän", "quarantine"),
        "warning": tr("varning", "warning"),
        "info": tr("info", "info"),
    }
    for (rule, severity), group in frame.groupby(["rule", "severity"], sort=False):
        lines.append(f"  {rule} ({labels[severity]}) ×{len(group)}: {rule_title(rule)}")
        for rec in group.head(EXAMPLES_PER_RULE).itertuples():
            where = tr("fil", "file") if pd.isna(rec.row) else tr("rad {r}", "row {r}", r=rec.row)
            fld = f", {rec.field}" if isinstance(rec.field, str) and rec.field else ""
            shown = isinstance(rec.value, str) and rec.value and rec.value not in rec.message
            val = f" [{rec.value}]" if shown else ""
            lines.append(f"    {where}{fld}: {rec.message}{val}")
        if len(group) > EXAMPLES_PER_RULE:
            lines.append(
                tr(
                    "    … och {k} till (alla listas med --json)",
                    "    … and {k} more (all are listed with --json)",
                    k=len(group) - EXAMPLES_PER_RULE,
                )
            )
    return lines


def report_hint(rule: str, spec, config) -> str:
    """A second line for the two problems a newcomer meets first (no place to fix otherwise)."""
    from ..i18n import tr

    if config is None and rule == "SCHEMA_MISSING_COLUMN":
        return tr(
            "utan --config kan kolumnerna inte anges; skriv en konfiguration med "
            "`tryggaplatser init KATALOG`, ange filen och dess kolumner under "
            "[[layers.{l}]] och kör `tryggaplatser validate --config KATALOG/"
            "tryggaplatser.toml`",
            "without --config the columns cannot be given; write a configuration with "
            "`tryggaplatser init DIR`, give the file and its columns under "
            "[[layers.{l}]] and run `tryggaplatser validate --config DIR/"
            "tryggaplatser.toml`",
            l=spec.layer,
        )
    from pathlib import Path

    if config is not None and rule == "FILE_UNREADABLE" and not Path(str(spec.file)).exists():
        return tr(
            "filen anges som file = ... under [[layers.{l}]] i konfigurationen; rätta "
            "sökvägen där (relativ till konfigurationsfilens mapp)",
            "the file is given as file = ... under [[layers.{l}]] in the configuration; "
            "correct the path there (relative to the configuration file's folder)",
            l=spec.layer,
        )
    return ""
