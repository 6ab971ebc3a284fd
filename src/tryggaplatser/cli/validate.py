"""``tryggaplatser validate``: check input files and report what would be loaded.

Exit code 0 when every file loads (quarantined rows are fine: they are listed), 2 when a file
cannot be used at all (one clear line: file, rule, what was found, fix — never a traceback).
"""

from __future__ import annotations

import click

from .options import echo_error

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
        echo_error(exc)
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
    if path is None and config is not None and config.basemap is not None:
        failed += _validate_basemap(config, as_json)
    if failed:
        # SystemExit, not ctx.exit(): click's main(standalone_mode=False) would swallow Exit
        sys.exit(2)


def _validate_basemap(config, as_json: bool) -> int:
    """Read the ``[basemap]`` layers; print what they hold or the error (1 when they fail)."""
    import json

    from ..errors import TryggaplatserError
    from ..layers.basemap import load_basemap

    try:
        basemap = load_basemap(config)
    except TryggaplatserError as exc:
        if as_json:
            record = {"basemap": {"ok": False, "rule": exc.rule, "message": str(exc)}}
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            echo_error(exc)
        return 1
    if as_json:
        click.echo(json.dumps({"basemap": {"ok": True, **basemap.summary()}}, ensure_ascii=False))
    else:
        click.echo(basemap.describe())
    return 0


def _validate_one(spec, *, crs, study_area, config, quarantine_dir, as_json) -> int:
    """Validate one file and print its result; returns 1 if the file failed, else 0."""
    import json

    from ..errors import TryggaplatserError
    from ..layers.load import load_layer
    from ..layers.report_text import report_lines

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
        _print_failure(exc, spec, config, as_json)
        return 1
    if as_json:
        click.echo(json.dumps(result.report.to_dict(), ensure_ascii=False, default=str))
    else:
        for line in report_lines(result.report):
            click.echo(line)
    return 0


def _print_failure(exc, spec, config, as_json: bool) -> None:
    """A file that could not be used: its JSON record, or its summary, the error and a hint."""
    import json

    from ..i18n import tr
    from ..layers.report_text import failure_record, report_hint, report_lines

    if as_json:
        click.echo(json.dumps(failure_record(exc, spec), ensure_ascii=False, default=str))
        return
    report = getattr(exc, "report", None)
    for line in report_lines(report) if report is not None else []:
        click.echo(line)
    echo_error(exc)
    hint = report_hint(exc.rule, spec, config)
    if hint:
        click.echo(f"{tr('tips', 'hint')}: {hint}", err=True)
