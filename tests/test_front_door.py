"""The front door and the thin CLI: ``import tryggaplatser as tp`` gives every public name, the
notebooks use nothing else, and ``cli/`` only parses, calls the library once and prints."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from source_trees import parsed

import tryggaplatser

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "tryggaplatser"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

#: Longest body (lines, docstring excluded) of a helper in cli/. Option parsing, a summary
#: printed with one ``click.echo`` and small wrappers fit; a helper that computes or decides
#: a rule does not, and belongs in the library (``publish.products``, ``analysis.periods``).
CLI_HELPER_MAX_LINES = 25
#: Helpers in cli/ allowed to be longer, with the reason.
CLI_HELPER_EXCEPTIONS = {
    # turns click's own (English) usage errors into one line in the output language: it is
    # about click's exception classes and has no place in the library
    ("__init__.py", "_usage_message"),
}


def test_every_public_name_resolves():
    for name in tryggaplatser.__all__:
        assert getattr(tryggaplatser, name) is not None, name


def test_dir_lists_the_front_door():
    listed = set(dir(tryggaplatser))
    assert set(tryggaplatser.__all__) <= listed


@pytest.mark.parametrize(
    "name",
    [
        "load_config",
        "load_layer",
        "load_project",
        "Run",
        "make_grid",
        "hotspot_count",
        "hotspot_kde",
        "hotspot_gistar",
        "hotspot_classify",
        "hotspot_change",
        "area_profile",
        "area_profiles_all",
        "prepare_area_analysis",
        "perception_gap",
        "near_repeat",
        "est_brief",
        "write_est_brief",
        "action_plan",
        "followup_by_responsible",
        "evaluate_measure",
        "choose_control",
        "equal_periods",
        "wdq",
        "wdd",
        "Gate",
        "scan_dir",
        "area_report",
        "write_hotspot_layers",
        "write_maps",
        "write_area_reports",
        "write_lagesbild",
        "write_est_brief_set",
        "write_action_plans",
        "write_evaluation",
        "run_demo",
        "demo_config_path",
        "set_language",
    ],
)
def test_the_analysts_names_are_exported(name):
    assert name in tryggaplatser.__all__


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        tryggaplatser.nonsense  # noqa: B018


def _notebook_code(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebooks_use_only_the_front_door(path):
    code = _notebook_code(path)
    assert "from tryggaplatser." not in code
    assert "import tryggaplatser." not in code
    assert "tryggaplatser.cli" not in code
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.ImportFrom) and node.module:
            assert not node.module.startswith("tryggaplatser."), node.module
        if isinstance(node, ast.Import):
            for alias in node.names:
                assert alias.name == "tryggaplatser" or not alias.name.startswith(
                    "tryggaplatser."
                ), alias.name


def _is_click_command(node: ast.FunctionDef) -> bool:
    return any(
        "command" in ast.unparse(d.func if isinstance(d, ast.Call) else d)
        for d in node.decorator_list
    )


def _body_lines(node: ast.FunctionDef) -> int:
    body = node.body
    first = body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        body = body[1:]  # the docstring
    return body[-1].end_lineno - body[0].lineno + 1 if body else 0


def test_cli_helpers_are_short():
    long = []
    for path in sorted((SRC / "cli").glob("*.py")):
        for node in ast.walk(parsed(path)):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if _is_click_command(node) or (path.name, node.name) in CLI_HELPER_EXCEPTIONS:
                continue
            if _body_lines(node) > CLI_HELPER_MAX_LINES:
                long.append(f"cli/{path.name}:{node.lineno} {node.name} ({_body_lines(node)})")
    assert not long, "move into the library (publish.products, analysis): " + ", ".join(long)


def test_cli_commands_make_one_library_call_and_compute_nothing():
    """A command body is parsing, one call and printing: no loops over data, no arithmetic
    helpers; measured as a loose bound on its length (the printing of a summary is long)."""
    for path in sorted((SRC / "cli").glob("*.py")):
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.FunctionDef) and _is_click_command(node):
                assert _body_lines(node) <= 65, f"cli/{path.name} {node.name}"


def _imported_modules(path: Path, package: str) -> list[str]:
    """Absolute names of the modules ``path`` imports (relative imports resolved)."""
    names = []
    for node in ast.walk(parsed(path)):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.append(module)
            names += [f"{module}.{a.name}" for a in node.names]
    return names


def test_nothing_outside_cli_imports_the_cli():
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC.parent)
        if rel.parts[1] == "cli":
            continue
        package = ".".join(rel.with_suffix("").parts[:-1])
        for module in _imported_modules(path, package):
            if module == "tryggaplatser.cli" or module.startswith("tryggaplatser.cli."):
                offenders.append(f"{rel}: {module}")
    assert not offenders, offenders


def test_the_import_check_resolves_relative_imports():
    path = SRC / "publish" / "products" / "demo.py"
    names = _imported_modules(path, "tryggaplatser.publish.products")
    assert "tryggaplatser.publish.gate" in names
    assert "tryggaplatser.publish.products.areas" in names
