"""``tryggaplatser demo``: the whole pipeline on the bundled demo municipality.

Writes a public set into ``<out>/publik/`` and an internal set into ``<out>/internt/``; the public
set is audited at the end and the command fails if the audit finds anything. The work is
:func:`tryggaplatser.publish.products.run_demo`.
"""

from __future__ import annotations

import click

from .options import out_option


@click.command("demo")
@out_option
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Visa varje automatiskt val (de står också i varje utdata).",
)
@click.option("--skip-audit", is_flag=True, hidden=True, help="Hoppa över slutgranskningen.")
def demo(out_dir: str, verbose: bool, skip_audit: bool) -> None:
    """Kör hela kedjan på den fiktiva demokommunen och skriv utdata i --out."""
    from ..publish.products import run_demo

    summary = run_demo(out_dir, audit=not skip_audit, verbose=verbose)
    click.echo(summary["text"])
    if summary["findings"]:
        raise SystemExit(1)
