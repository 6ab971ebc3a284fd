"""``tryggaplatser area`` and ``tryggaplatser lagesbild``: områdesanalys and lägesbild reports.

``area NAME`` (or ``--all``) writes ``omrade_<slug>.html`` per area plus the indicator tables
``indikatorer_*.csv`` and ``indikatorer.xlsx``; ``lagesbild --year YYYY`` writes
``lagesbild_<year>.html`` and ``lagesbild_<year>_indikatorer_*``. Public sets also get the
disclosure report. The files are written by
:func:`tryggaplatser.publish.products.write_area_reports` and
:func:`~tryggaplatser.publish.products.write_lagesbild`. Heavy libraries are imported inside the
commands so ``--help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import click

from .options import config_option, echo_error, mode_option, out_option


def _lang_option(f):
    return click.option(
        "--lang",
        type=click.Choice(["sv", "en"]),
        default=None,
        help="Språk i rapporten (standard: samma som tryggaplatser --lang).",
    )(f)


def _done(paths: list[Path], out_dir: str, failures: list | None = None) -> None:
    """The exit summary: the files written and, when some areas failed, which and why."""
    from ..i18n import tr

    click.echo(
        tr(
            "{n} filer skrivna i {o}: {f}",
            "{n} files written to {o}: {f}",
            n=len(paths),
            o=paths[0].parent if paths else out_dir,
            f=", ".join(sorted(p.name for p in paths)),
        )
    )
    if failures:
        listed = ", ".join(f"{f.area_id} [{f.rule}]" for f in failures)
        click.echo(tr("Ej skrivna: {l}.", "Not written: {l}.", l=listed))


def _partly_done(exc, out_dir: str) -> None:
    """Some areas failed (:class:`~tryggaplatser.errors.AreasFailed`): the summary of what was
    written on stdout, the failures on stderr, exit code 4."""
    _done(exc.written or [], out_dir, exc.failures)
    echo_error(exc)
    click.get_current_context().exit(exc.exit_code)


@click.command("area")
@click.argument("name", required=False)
@click.option("--all", "all_areas", is_flag=True, help="Rapport för varje område.")
@config_option
@click.option("--year", type=int, default=None, help="Ett kalenderår, t.ex. 2026.")
@click.option("--from", "date_from", default=None, metavar="ÅÅÅÅ-MM-DD", help="Periodens start.")
@click.option("--to", "date_to", default=None, metavar="ÅÅÅÅ-MM-DD", help="Periodens slut.")
@mode_option
@_lang_option
@click.option("--no-map", is_flag=True, help="Hoppa över den statiska kartan (snabbare).")
@out_option
def area(
    name: str | None,
    all_areas: bool,
    config_path: str,
    year: int | None,
    date_from: str | None,
    date_to: str | None,
    mode: str | None,
    lang: str | None,
    no_map: bool,
    out_dir: str,
) -> None:
    """Områdesanalys: HTML-rapport per område (omrade_<namn>.html) och indikatortabeller
    (CSV och XLSX), genom publiceringsgrinden.
    """
    from ..analysis.periods import period_from_options
    from ..errors import AreasFailed, ArgumentError, TryggaplatserError
    from ..i18n import language, tr
    from ..publish.products import write_area_reports

    ctx = click.get_current_context()
    try:
        if bool(name) == bool(all_areas):
            raise ArgumentError(
                tr(
                    "Ange ett område (id eller namn) eller --all.",
                    "Give one area (id or name) or --all.",
                ),
                rule="ARGUMENTS_CONFLICT",
                fix="tryggaplatser area EX01 | tryggaplatser area --all",
            )
        period = period_from_options(year, date_from, date_to)
        with language(lang) if lang else _nullcontext():
            paths = write_area_reports(
                config_path,
                out_dir,
                mode,
                area_ids=None if all_areas else [name],
                period=period,
                with_map=not no_map,
            )
    except AreasFailed as exc:  # the other areas' reports and the tables are written
        _partly_done(exc, out_dir)
    except TryggaplatserError as exc:
        echo_error(exc)
        ctx.exit(exc.exit_code)
    _done(paths, out_dir)


@click.command("lagesbild")
@config_option
@click.option(
    "--year",
    type=int,
    default=None,
    help="Året lägesbilden gäller (standard: senaste händelsens år).",
)
@mode_option
@_lang_option
@click.option("--no-map", is_flag=True, help="Hoppa över den statiska kartan (snabbare).")
@out_option
def lagesbild(
    config_path: str,
    year: int | None,
    mode: str | None,
    lang: str | None,
    no_map: bool,
    out_dir: str,
) -> None:
    """Kommunens lägesbild för ett år enligt lag (2023:196): kartläggning, annan relevant
    information och analys inklusive orsaker (lagesbild_<år>.html + indikatortabeller).
    """
    from ..errors import TryggaplatserError
    from ..i18n import language
    from ..publish.products import write_lagesbild

    ctx = click.get_current_context()
    try:
        with language(lang) if lang else _nullcontext():
            paths = write_lagesbild(config_path, out_dir, mode, year=year, with_map=not no_map)
    except TryggaplatserError as exc:
        echo_error(exc)
        ctx.exit(exc.exit_code)
    _done(paths, out_dir)


def _nullcontext():
    from contextlib import nullcontext

    return nullcontext()
