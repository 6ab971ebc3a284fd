"""``tryggaplatser plan`` and ``tryggaplatser evaluate`` (cli/plan.py), on the demo."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tryggaplatser.cli import cli
from tryggaplatser.datasets import demo_config_path
from tryggaplatser.errors import GateRefusal
from tryggaplatser.publish.gate import INTERNAL_MARKING
from tryggaplatser.publish.products import write_action_plans, write_evaluation

pytestmark = pytest.mark.usefixtures("no_pdf")  # the reports' content, not their PDFs


@pytest.fixture(scope="module")
def project(demo_project):
    return demo_project


@pytest.fixture(scope="module")
def truth(demo_truth):
    return demo_truth


@pytest.fixture(scope="module")
def lighting(project, truth, tmp_path_factory):
    measure = truth["lighting_measure"]
    out = tmp_path_factory.mktemp("utv")
    return write_evaluation(project, measure["measure_id"], out, "internal"), out / "internt"


def test_plan_command_writes_the_files(tiny_config, tmp_path):
    """The command resolves an area by its name and writes the plan's three files. On the
    tiny project (its hot spot in Norrby gives a plan with proposals): the command's files and
    message are the same for any project; the demo's plans are read in the tests below."""
    out = tmp_path / "ut"
    res = CliRunner().invoke(
        cli,
        [
            "plan",
            "--config",
            tiny_config,
            "--area",
            "Norrby",
            "--date",
            "2025-12-31",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in (out / "internt").iterdir())
    assert {
        "handlingsplan_2025_A1.html",
        "handlingsplan_2025_A1.xlsx",
        "handlingsplan_2025_A1.csv",
    } <= set(names)
    assert "Handlingsplaner 2025 (intern): A1" in res.output


def test_plan_command_needs_area_or_all():
    res = CliRunner().invoke(cli, ["plan", "--config", str(demo_config_path())])
    assert res.exit_code != 0
    assert "ange antingen --area eller --all" in res.output
    assert "Traceback" not in res.output


def test_plan_public_mode_is_one_clear_error(tmp_path, tiny_config):
    """Refused with one line for any project (here the tiny one: the refusal comes after the
    project is loaded, which takes seconds for the demo)."""
    res = CliRunner().invoke(
        cli,
        [
            "plan",
            "--config",
            tiny_config,
            "--all",
            "--mode",
            "public",
            "--out",
            str(tmp_path),
        ],
    )
    assert res.exit_code != 0
    assert "internt arbetsunderlag" in res.output and "Traceback" not in res.output


def test_write_action_plans_for_two_areas_by_name_and_id(project, tmp_path):
    """Two areas by id and name; the second plan's street reasons (made once, in the first
    plan, for every area) are those of its own run, as one plan alone gets them."""
    import pandas as pd

    from tryggaplatser.analysis.plans import action_plan
    from tryggaplatser.analysis.run import Run

    run = Run(project, "internal", quiet=True)
    summary = write_action_plans(
        project,
        tmp_path,
        "internal",
        area_ids=["EX01", "provdataåsen"],
        today="2026-11-27",
        run=run,
    )
    assert list(summary["areas"]) == ["EX01", "EX05"]
    assert all(n > 0 for n in summary["areas"].values())
    assert len(summary["files"]) == 6 and all("plan" in f for f in summary["files"])
    written = pd.read_csv(tmp_path / "internt" / "handlingsplan_2026_EX05.csv", sep=";")
    alone = action_plan(
        "EX05",
        areas=project.areas,
        incidents=project.incidents,
        walk_observations=project.walk_observations,
        walks=project.walks,
        dialogue=project.dialogue,
        today="2026-11-27",
        profiles=run.profiles,
        places=Run(project, "internal", quiet=True).place_reasons(),
        place_names=run.place_names,
        quiet=True,
    )
    assert written["Underlag"].tolist() == alone["evidence"].tolist()
    assert any("Längs" in e for e in alone["evidence"])  # the reasons are compared
    with pytest.raises(GateRefusal):
        write_action_plans(project, tmp_path, "public", area_ids=["EX01"])


def test_planted_lighting_measure_shows_effect_and_displacement(lighting, truth):
    summary, _out = lighting
    planted = truth["lighting_measure"]
    ev = summary["evaluation"]
    assert ev.buffer_width == pytest.approx(planted["buffer_m"] - planted["radius_m"])
    assert sorted(ev.categories) == sorted(planted["categories"])
    c = summary["counts"]
    control = c["C1"] / c["C0"]
    target = c["A1"] / c["A0"] / control
    buffer = c["B1"] / c["B0"] / control
    # planted: x0.5 in the target (effect -0.5), x1.2 in the ring (displacement +0.2)
    assert target == pytest.approx(1 + planted["effect"], abs=0.15)
    assert buffer == pytest.approx(1 + planted["displacement"], abs=0.2)
    assert buffer > 1.0 > target
    assert -1 < summary["wdq"] < 0  # some displacement, smaller than the gain
    assert summary["wdd"] < 0 and summary["wdd_se"] > 0
    assert ev.control_id is not None  # chosen by the stated rule


def test_evaluation_report_states_the_assumptions(lighting):
    summary, out = lighting
    assert summary["files"] == [
        "index.html",  # the folder's start page, rewritten when a command finishes
        "utvardering_ATG-2025-001.csv",
        "utvardering_ATG-2025-001.html",
    ]
    page = (out / "utvardering_ATG-2025-001.html").read_text(encoding="utf-8")
    assert INTERNAL_MARKING in page
    for needle in (
        "Antaganden",
        "Kontrollområdet antas följa samma trend",
        "Buffertzon 200 m vald automatiskt",
        "valt automatiskt",
        "WDD",
        "WDQ",
        "Standardfel",
        "installationsmånaden utesluten",
        "data:image/svg+xml",
    ):
        assert needle in page, needle


def test_evaluate_command(tmp_path, tiny_config):
    """The public evaluation through the CLI: its message, its file, no marking, the
    assumptions. On the tiny project (its one measure with a stated control area): the
    command is the same for any project; the demo's planted lighting measure is evaluated in
    the tests above, and its public evaluation is written by ``tryggaplatser demo`` and
    audited in tests/cli/test_demo.py."""
    res = CliRunner().invoke(
        cli,
        [
            "evaluate",
            "--measure",
            "ATG-1",
            "--control",
            "A4",
            "--config",
            tiny_config,
            "--mode",
            "public",
            "--out",
            str(tmp_path),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "Utvärdering ATG-1 (publik)" in res.output
    names = {p.name for p in (tmp_path / "publik").iterdir()}
    assert "utvardering_ATG-1_publik.html" in names
    page = (tmp_path / "publik" / "utvardering_ATG-1_publik.html").read_text(encoding="utf-8")
    assert "INTERNT" not in page and "Antaganden" in page


def test_evaluate_unknown_measure_is_one_clear_error(project, tmp_path):
    from tryggaplatser.errors import ArgumentError

    with pytest.raises(ArgumentError, match="finns inte") as err:
        write_evaluation(project, "ATG-0000", tmp_path)
    assert "ATG-2025-001" in str(err.value)
