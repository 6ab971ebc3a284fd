"""Atomic output sets (publish/staging.py): a run's files appear all at once or not at all.

Each test builds a previous set with a staged writer, then runs a writer that fails, is refused
or leaves junk, and compares the folder byte for byte with what it was.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from tryggaplatser.errors import GateRefusal
from tryggaplatser.policy import MANIFEST
from tryggaplatser.publish import staging
from tryggaplatser.publish.audit import scan_dir, set_findings
from tryggaplatser.publish.gate import Gate
from tryggaplatser.publish.products._common import folder_for
from tryggaplatser.publish.staging import staged, staged_writer

PAGE = "<html><head><title>{t}</title></head><body><p>{t}</p></body></html>"


def tree(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` (hidden ones too) with its bytes' digest."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        if p.is_file()
        else "dir"
        for p in sorted(folder.rglob("*"))
    }


@staged_writer
def write_pages(out_dir, names, mode="public", *, fail_after=None, finish=True):
    """A tiny product writer: one sealed page per name, then optionally a failure."""
    gate = Gate(mode, quiet=True)
    folder = folder_for(out_dir, mode)
    paths = []
    for i, name in enumerate(names):
        if fail_after is not None and i == fail_after:
            (folder / name).write_text("<html><body><p>halv", encoding="utf-8")  # half-written
            raise RuntimeError("the writer failed mid-file")
        paths.append(gate.write_html(PAGE.format(t=name), folder / name))
    if finish:
        paths += gate.finish(folder)
    return paths


def manifest(folder: Path) -> dict:
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))


def test_a_run_appears_complete_and_returns_final_paths(tmp_path):
    paths = write_pages(tmp_path, ["a.html", "b.html"])
    public = tmp_path / "publik"
    assert [p.parent for p in paths] == [public] * len(paths)
    assert all(p.exists() for p in paths)
    assert manifest(public)["complete"] is True
    assert scan_dir(public) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["publik"]  # no staging left


def test_a_later_command_keeps_the_earlier_files_and_the_disclosure_parts(tmp_path):
    write_pages(tmp_path, ["karta.html"])
    write_pages(tmp_path, ["omrade.html"])
    public = tmp_path / "publik"
    assert {"karta.html", "omrade.html"} <= {p.name for p in public.iterdir()}
    report = json.loads((public / "offentliggorande.json").read_text(encoding="utf-8"))
    assert {n for part in report["delmangder"] for n in part["utdata"]} == {
        "karta.html",
        "omrade.html",
    }
    assert scan_dir(public) == []


def test_a_failing_writer_leaves_the_previous_set_byte_identical(tmp_path):
    write_pages(tmp_path, ["a.html", "b.html"])
    before = tree(tmp_path)
    with pytest.raises(RuntimeError):
        write_pages(tmp_path, ["a.html", "c.html", "d.html"], fail_after=2)
    assert tree(tmp_path) == before


def test_a_refused_file_never_remains(tmp_path):
    """The gate refuses a page with a phone number (internal mode too); the writer goes on with
    the rest and the set is published without it."""

    @staged_writer
    def careless(out_dir):
        gate = Gate("internal", quiet=True)
        folder = folder_for(out_dir, "internal")
        with pytest.raises(GateRefusal, match="PERSONAL_DATA"):
            gate.write_html(PAGE.format(t="Ring 070-123 45 67"), folder / "ring.html")
        assert not (folder / "ring.html").exists()
        gate.write_html(PAGE.format(t="ok"), folder / "ok.html")

    careless(tmp_path)
    internal = tmp_path / "internt"
    assert sorted(p.name for p in internal.iterdir()) == ["ok.html", MANIFEST]
    assert set_findings(internal, "internal") == []


def test_an_unsealed_file_of_the_run_is_removed_but_earlier_files_stay(tmp_path, caplog):
    write_pages(tmp_path, ["a.html"])
    public = tmp_path / "publik"
    (public / "las_mig.txt").write_text("hej", encoding="utf-8")  # a user's file, not sealed
    user_file = tree(public)["las_mig.txt"]

    @staged_writer
    def leaves_junk(out_dir):
        folder = folder_for(out_dir, "public")
        (folder / "halv.csv").write_text("area_id;n\nA;", encoding="utf-8")  # caught failure
        (folder / "a.html").write_text("<html>changed", encoding="utf-8")  # sealed earlier
        Gate("public", quiet=True).write_html(PAGE.format(t="b"), folder / "b.html")

    leaves_junk(tmp_path)
    names = {p.name for p in public.iterdir()}
    assert "halv.csv" not in names and "a.html" not in names and "b.html" in names
    assert tree(public)["las_mig.txt"] == user_file  # not this run's: the audit judges it
    assert "a.html" not in manifest(public)["files"]
    assert "NOT_GATED" in caplog.text
    assert {f.rule for f in scan_dir(public)} == {"NOT_GATED"}  # only the user's file


def test_without_atomic_exchange_the_two_renames_give_the_same_set(tmp_path, monkeypatch):
    monkeypatch.setattr(staging, "_exchange", lambda a, b: False)
    write_pages(tmp_path, ["a.html"])
    write_pages(tmp_path, ["b.html"])
    assert {"a.html", "b.html"} <= {p.name for p in (tmp_path / "publik").iterdir()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["publik"]


def test_the_next_run_restores_a_set_interrupted_between_the_two_renames(tmp_path):
    write_pages(tmp_path, ["a.html"])
    before = tree(tmp_path / "publik")
    # what the fallback swap leaves when killed after its first rename
    os.rename(tmp_path / "publik", tmp_path / ".previous-publik-4242")
    (tmp_path / ".staging-publik-4242").mkdir()
    assert {f.rule for f in set_findings(tmp_path)} == {"SET_INCOMPLETE"}
    with pytest.raises(RuntimeError):
        write_pages(tmp_path, ["b.html"], fail_after=0)
    assert tree(tmp_path / "publik") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["publik"]


def test_audit_flags_incomplete_sets_missing_and_unlisted_files(tmp_path):
    write_pages(tmp_path, ["a.html", "b.html"], mode="internal")
    internal = tmp_path / "internt"
    assert scan_dir(internal, "internal") == []
    data = manifest(internal)
    data["complete"] = False
    (internal / MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    (internal / "b.html").unlink()
    (internal / "c.html").write_text("INTERNT – ej för spridning", encoding="utf-8")
    found = {(f.file, f.rule) for f in set_findings(internal, "internal")}
    assert found == {
        (MANIFEST, "SET_INCOMPLETE"),
        ("b.html", "FILE_MISSING"),
        ("c.html", "NOT_GATED"),
    }
    # a staging folder left by a killed run is flagged by its name, whatever its manifest says
    leftover = tmp_path / ".staging-publik-99"
    leftover.mkdir()
    (leftover / MANIFEST).write_text('{"complete": true, "files": {}}', encoding="utf-8")
    assert [f.rule for f in set_findings(leftover)] == ["SET_INCOMPLETE"]


def _job(out_dir, name):
    folder = folder_for(out_dir, "internal")
    Gate("internal", quiet=True).write_html(PAGE.format(t=name), folder / name)
    return os.getpid()


def test_forked_workers_write_into_the_runs_staging_folder(tmp_path, monkeypatch):
    """Files sealed by forked workers (publish/_parallel.py) are part of the committed set,
    also when a worker is the first to ask for the mode's folder."""
    from tryggaplatser.publish._parallel import fork_map

    monkeypatch.setenv("TRYGGAPLATSER_PROCESSES", "2")
    with staged(tmp_path):
        pids = fork_map(_job, [(f"s{i}.html",) for i in range(6)], tmp_path)
    internal = tmp_path / "internt"
    assert {p.name for p in internal.iterdir()} == {f"s{i}.html" for i in range(6)} | {MANIFEST}
    assert manifest(internal)["complete"] is True
    assert set_findings(internal, "internal") == []
    assert os.getpid() not in pids  # really written by the workers


def test_nested_writers_commit_once(tmp_path):
    """A writer called inside another run into the same folder (the demo) writes into that
    run's staging folder; only the outer run commits."""
    with staged(tmp_path, fresh=True) as run:
        paths = write_pages(tmp_path, ["a.html"])
        assert paths[0].parent == run.staging_path("public")
        assert not (tmp_path / "publik").exists()
    assert (tmp_path / "publik" / "a.html").exists()


def test_a_report_pdf_does_not_depend_on_the_length_of_the_process_id(tmp_path):
    """A printed report's links are cut to relative ones, whatever the length of the staging
    folder's address (which holds the run's process id): two runs of one command give one
    PDF."""
    from datetime import date

    from tryggaplatser.publish.pdf import normalise_pdf

    printed = []
    for pid in (99, 4_194_304):
        run = staging.Staging(tmp_path)
        run.owner = pid
        folder = run.staging_path("public")
        assert folder.name.endswith(str(pid))
        base = folder.resolve().as_uri() + "/"
        link = b"/URI (" + base.encode() + b"index.html#omrade-a)"
        printed.append(normalise_pdf(link, date(2026, 11, 23), base=base))
    assert printed[0] == printed[1]
