"""``tryggaplatser generate-demo``: (re)generate the synthetic demo municipality."""

from __future__ import annotations

import time
from pathlib import Path

import click


def _default_out() -> Path:
    from ..datasets import demo_data_dir

    try:
        return demo_data_dir()
    except FileNotFoundError:
        return Path("data")


@click.command("generate-demo")
@click.option(
    "--size",
    type=click.IntRange(min=1000),
    default=None,
    help="Antal händelser (standard 50 000; ≥ 1 000 000 för prestandamätning).",
)
@click.option("--seed", type=int, default=None, help="Slumpfrö (standard 20261127).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Målkatalog (standard: repots data/).",
)
def generate_demo(size: int | None, seed: int | None, out_dir: str | None) -> None:
    """Generera demokommunen Exempelstad (fiktiv, syntetiska data) med planterad facit.

    Stora varianter (--size över 200 000) skrivs som en GeoPackage och en CSV med egna
    konfigurationsfiler (tryggaplatser.toml och tryggaplatser_csv.toml).
    """
    from ..datasets.generate import DEFAULT_SIZE, SEED
    from ..datasets.generate import generate_demo as run

    if out_dir is None and size is not None and size > 200_000:
        raise click.UsageError("den stora varianten skrivs aldrig över data/: ange --out KATALOG")
    out = Path(out_dir) if out_dir else _default_out()
    start = time.perf_counter()
    truth = run(out, size=size or DEFAULT_SIZE, seed=SEED if seed is None else seed)
    took = time.perf_counter() - start
    counts = truth["counts"]
    click.echo(
        f"Demokommunen skriven till {out} på {took:.1f} s: "
        f"{counts['incidents']} händelser, {counts['walk_observations']} "
        f"vandringsobservationer, {counts['dialogue_2024'] + counts['dialogue_2026']} "
        "dialogsvar."
    )
    click.echo(f"Konfiguration: {out / 'tryggaplatser.toml'}  Facit: {out / 'truth.json'}")
