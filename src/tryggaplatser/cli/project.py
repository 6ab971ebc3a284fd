"""``tryggaplatser init DIR``: write a commented ``tryggaplatser.toml`` template."""

from __future__ import annotations

import click


def template_text() -> str:
    """The commented configuration template (Swedish comments for every key)."""
    from importlib import resources

    return (
        resources.files("tryggaplatser.layers")
        .joinpath("template.toml")
        .read_text(encoding="utf-8")
    )


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False), default=".")
def init(directory: str) -> None:
    """Skriv en kommenterad tryggaplatser.toml i DIRECTORY (skriver aldrig över en befintlig)."""
    import sys
    from pathlib import Path

    from ..i18n import tr

    target = Path(directory) / "tryggaplatser.toml"
    if target.exists():
        click.echo(
            tr(
                "fel: {p} finns redan; den skrivs inte över – ta bort eller byt namn på den först",
                "error: {p} already exists; it is not overwritten – remove or rename it first",
                p=target,
            ),
            err=True,
        )
        sys.exit(2)  # not ctx.exit(): main(standalone_mode=False) would swallow it
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as fh:
        fh.write(template_text())
    click.echo(
        tr(
            "skrev {p} – fyll i filerna och kör `tryggaplatser validate --config {p}`",
            "wrote {p} – fill in the files and run `tryggaplatser validate --config {p}`",
            p=target,
        )
    )
