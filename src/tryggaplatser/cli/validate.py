"""``tryggaplatser validate``: check input files and report what would be loaded.

Exit code 0 when every file loads (quarantined rows are fine: they are listed), 2 when a file
cannot be used at all (one clear line: file, rule, what was found, fix — never a traceback).
"""

from __future__ import annotations

import click

LAYER_CHOICES = (
    "areas",
    "incidents",
    "walks",
    "walk_observations",
    "dialogue",
    "survey_indicators",
    "measures",
    "police_classification",
)
EXAMPLES_PER_RULE = 3


@click.command("validate")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--layer",
    type=click.Choice(LAYER_CHOICES),
    default=None,
    help="Lagret filen hör till (krävs med PATH).",
)
@click.option(
    "--crs", default=None, help="Filens koordinatsystem, t.ex. EPSG:3006 (ersätter filens eget)."
)
@click.option(
    "--study-area",
    type=click.Path(dir_okay=False),
    default=None,
    help="Polygonfil med studieområdet; punkter utanför läggs i karantän.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Projektets tryggaplatser.toml: validera alla dess filer.",
)
@click.option(
    "--quarantine-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Mapp för karantänfiler (intern). Standard: karantan/ bredvid "
    "konfigurationen, eller i aktuell mapp.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Skriv ett JSON-objekt per fil och rad (för skript)."
)
def validate(path, layer, crs, study_area, config_path, quarantine_dir, as_json) -> None:
    """Validera PATH (med --layer) eller alla filer i --config.

    Rader med fel läggs i en intern karantänfil med radnummer, fält, regel-ID och orsak; resten
    godkänns. Slutkod 0 när filerna kan läsas (även med karantän), 2 vid fel på filnivå.
    """
    import sys
    from pathlib import Path

    from ..errors import TryggaplatserError
    from ..i18n import tr
    from ..layers.config import SourceSpec, load_config

    try:
        if path is None and config_path is None:
            if Path("tryggaplatser.toml").exists():
                config_path = "tryggaplatser.toml"
            else:
                raise click.UsageError(
                    tr(
                        "ange en fil (PATH --layer LAGER) eller --config tryggaplatser.toml",
                        "give a file (PATH --layer LAYER) or --config tryggaplatser.toml",
                    )
                )
        config = load_config(config_path) if config_path else None
        if path is not None:
            if layer is None:
                raise click.UsageError(
                    tr("--layer krävs tillsammans med PATH", "--layer is required with PATH")
                )
            specs = [SourceSpec(layer=layer, file=Path(path))]
        else:
            if crs:
                raise click.UsageError(
                    tr(
                        "--crs gäller en enskild fil; ange crs under lagret i konfigurationen",
                        "--crs applies to a single file; set crs under the layer in the config",
                    )
                )
            specs = list(config.sources)
            if not specs:
                raise click.UsageError(
                    tr(
                        "konfigurationen anger inga filer under [layers]",
                        "the configuration lists no files under [layers]",
                    )
                )
        qdir = quarantine_dir
        if qdir is None and config is None:
            from ..layers.quarantine import quarantine_dir_for

            qdir = str(quarantine_dir_for(None, None))
    except TryggaplatserError as exc:
        click.echo(f"{tr('fel', 'error')}: {exc}", err=True)
        sys.exit(exc.exit_code)
    failed = 0
    for spec in specs:
        failed += _validate_one(
            spec,
            crs=crs,
            study_area=study_area,
            config=config,
            quarantine_dir=qdir,
            as_json=as_json,
        )
    if failed:
        # SystemExit, not ctx.exit(): click's main(standalone_mode=False) would swallow Exit
        sys.exit(2)


def _validate_one(spec, *, crs, study_area, config, quarantine_dir, as_json) -> int:
    """Validate one file and print its result; returns 1 if the file failed, else 0."""
    import json

    from ..errors import TryggaplatserError
    from ..i18n import tr
    from ..layers.load import load_layer

    try:
        result = load_layer(
            spec,
            crs=crs,
            study_area=study_area,
            config=config,
            quarantine_dir=quarantine_dir,
            quiet=as_json,
        )
    except TryggaplatserError as exc:
        report = getattr(exc, "report", None)
        if as_json:
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
            click.echo(json.dumps(obj, ensure_ascii=False, default=str))
        else:
            if report is not None:
                _summary(report)
            click.echo(f"{tr('fel', 'error')}: {exc}", err=True)
            hint = _hint(exc.rule, spec, config)
            if hint:
                click.echo(f"{tr('tips', 'hint')}: {hint}", err=True)
        return 1
    if as_json:
        click.echo(json.dumps(result.report.to_dict(), ensure_ascii=False, default=str))
    else:
        _summary(result.report)
    return 0


def _summary(report) -> None:
    """A readable summary of one report (Swedish by default)."""
    from pathlib import Path

    import pandas as pd

    from ..i18n import tr
    from ..layers.schema import schema
    from ..layers.validate import rule_title

    sch = schema(report.layer)
    name = tr(sch.label_sv, sch.label_en) or report.layer
    click.echo(
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
        click.echo(
            tr(
                "  karantänfil (intern): {p}",
                "  quarantine file (internal): {p}",
                p=report.quarantine_file,
            )
        )
    frame = report.problems_frame
    if frame.empty:
        click.echo(tr("  inga anmärkningar", "  no remarks"))
        return
    labels = {
        "error": tr("fel", "error"),
        "quarantine": tr("karantän", "quarantine"),
        "warning": tr("varning", "warning"),
        "info": tr("info", "info"),
    }
    for (rule, severity), group in frame.groupby(["rule", "severity"], sort=False):
        click.echo(f"  {rule} ({labels[severity]}) ×{len(group)}: {rule_title(rule)}")
        for rec in group.head(EXAMPLES_PER_RULE).itertuples():
            where = tr("fil", "file") if pd.isna(rec.row) else tr("rad {r}", "row {r}", r=rec.row)
            fld = f", {rec.field}" if isinstance(rec.field, str) and rec.field else ""
            shown = isinstance(rec.value, str) and rec.value and rec.value not in rec.message
            val = f" [{rec.value}]" if shown else ""
            click.echo(f"    {where}{fld}: {rec.message}{val}")
        if len(group) > EXAMPLES_PER_RULE:
            click.echo(
                tr(
                    "    … och {k} till (alla listas med --json)",
                    "    … and {k} more (all are listed with --json)",
                    k=len(group) - EXAMPLES_PER_RULE,
                )
            )


def _hint(rule: str, spec, config) -> str:
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
