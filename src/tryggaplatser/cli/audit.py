"""``tryggaplatser audit DIR --mode public``: check an output folder before it is published."""

from __future__ import annotations

import click

from .options import ModeChoice


@click.command("audit")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option(
    "--mode",
    type=ModeChoice(),
    default="public",
    show_default=True,
    help="Granska mot reglerna för publik eller intern utdata.",
)
@click.option("--json", "as_json", is_flag=True, help="Skriv fynden som JSON på stdout.")
def audit(directory: str, mode: str, as_json: bool) -> None:
    """Granska varje fil i DIRECTORY (HTML, JS, GeoJSON, GeoPackage, CSV, XLSX, GeoTIFF,
    PNG, PDF, JSON) efter personuppgifter, för fina koordinater, små antal, fritext,
    körbar kod, intern märkning och läckande metadata.

    Avslutas med kod 1 om något hittas, 0 annars.
    """
    import json
    from pathlib import Path

    from ..i18n import tr
    from ..publish.audit import scan_dir

    root = Path(directory)
    findings = scan_dir(root, mode)
    n_files = sum(1 for p in root.rglob("*") if p.is_file())
    if as_json:
        click.echo(
            json.dumps(
                {"mode": mode, "files": n_files, "findings": [f.to_dict() for f in findings]},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for f in findings:
            click.echo(
                f"{f.file}"
                + (f" ({f.place})" if f.place else "")
                + f": [{f.rule}] {f.message}"
                + (f" – {f.excerpt}" if f.excerpt else "")
            )
        if findings:
            click.echo(
                tr(
                    "{n} fynd i {f} filer ({m}). Publicera inte förrän de är åtgärdade.",
                    "{n} findings in {f} files ({m}). Do not publish until fixed.",
                    n=len(findings),
                    f=len({x.file for x in findings}),
                    m=_mode(mode),
                ),
                err=True,
            )
        else:
            click.echo(
                tr(
                    "Inga fynd: {f} filer granskade ({m}).",
                    "No findings: {f} files audited ({m}).",
                    f=n_files,
                    m=_mode(mode),
                )
            )
    if findings:
        raise click.exceptions.Exit(1)


def _mode(mode: str) -> str:
    from ..i18n import tr

    return (
        tr("publikt läge", "public mode")
        if mode == "public"
        else tr("internt läge", "internal mode")
    )
