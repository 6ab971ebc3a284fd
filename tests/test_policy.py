"""The privacy policy has one home: ``tryggaplatser.policy`` (REFERENCE.md §5).

These tests read the source with :mod:`ast`, so docstrings and comments may still quote the rules
("<5", Europe/Stockholm); code may not define or spell them out a second time.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from source_trees import parsed

from tryggaplatser import policy

SRC = Path(__file__).resolve().parents[1] / "src" / "tryggaplatser"
POLICY = SRC / "policy.py"

#: Names that may be assigned only in policy.py (elsewhere they are imported from it).
RULE_NAMES = {
    "MODES",
    "MIN_COUNT",
    "MIN_POPULATION",
    "MIN_SURVEY_N",
    "MIN_GRID_M",
    "PUBLIC_MIN_CELL_SIZE",
    "INTERNAL_FLAG_MAX",
    "INTERNAL_MARKING",
    "INTERNAL_MARKING_EN",
    "INTERNAL_MARKING_COLUMN",
    "SMALL",
    "HIDDEN",
    "MANIFEST",
    "LOCAL_TZ",
}

#: String values that may be written out only in policy.py.
RULE_STRINGS = {
    policy.LOCAL_TZ,
    policy.SMALL,
    policy.INTERNAL_MARKING,
    policy.INTERNAL_MARKING_EN,
}


def _sources() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if p != POLICY)


def _tree(path: Path) -> ast.Module:
    return parsed(path)  # shared with the other structure tests, parsed once


def _docstring_ids(tree: ast.Module) -> set[int]:
    """Bare string statements (module/class/function docstrings, attribute docs)."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    }


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(SRC.parent)}:{node.lineno}"


def test_rule_values_are_not_written_out_again():
    found = []
    for path in _sources():
        tree = _tree(path)
        docs = _docstring_ids(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docs
                and node.value in RULE_STRINGS
            ):
                found.append(f"{_where(path, node)} {node.value!r}")
    assert not found, "use tryggaplatser.policy instead of:\n" + "\n".join(found)


def test_rules_are_defined_only_in_policy():
    found = []
    for path in _sources():
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, ast.AnnAssign):
                targets = [node.target]
            else:
                continue
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            found += [f"{_where(path, node)} {n} =" for n in sorted(names & RULE_NAMES)]
    assert not found, "import these from tryggaplatser.policy:\n" + "\n".join(found)


def _imports_of(path: Path, package: str) -> set[str]:
    """Absolute names of the modules ``path`` imports, at any depth (lazy imports included)."""
    parts = package.split(".")
    out = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = parts[: len(parts) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            out.add(module)
            out.update(f"{module}.{a.name}" for a in node.names)
    return out


def test_gate_and_audit_do_not_import_each_other_both_ways():
    gate = _imports_of(SRC / "publish" / "gate.py", "tryggaplatser.publish")
    audit = _imports_of(SRC / "publish" / "audit.py", "tryggaplatser.publish")
    assert "tryggaplatser.publish.gate" not in audit  # the audit reads the rules from policy
    assert not ("tryggaplatser.publish.audit" in gate and "tryggaplatser.publish.gate" in audit)


def test_policy_is_a_leaf():
    inside = {m for m in _imports_of(POLICY, "tryggaplatser") if m.startswith("tryggaplatser")}
    assert inside <= {"tryggaplatser.i18n", "tryggaplatser.i18n.tr"}


def test_old_names_still_point_at_the_policy():
    from tryggaplatser.analysis import near_repeat, rates
    from tryggaplatser.layers import times
    from tryggaplatser.publish import audit, gate

    assert gate.MIN_COUNT is policy.MIN_COUNT
    assert gate.INTERNAL_MARKING is audit.INTERNAL_MARKING is policy.INTERNAL_MARKING
    assert gate.MODES is policy.MODES
    assert rates.LOCAL_TZ is near_repeat.LOCAL_TZ is times.LOCAL_TZ is policy.LOCAL_TZ


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MODES", ("public", "internal")),
        ("MIN_COUNT", 5),
        ("SMALL", "<5"),
        ("HIDDEN", ".."),
        ("MIN_POPULATION", 50),
        ("MIN_SURVEY_N", 10),
        ("PUBLIC_MIN_CELL_SIZE", 250.0),
        ("MIN_GRID_M", 250),
        ("PUBLIC_FINEST_TIME", "month"),
        ("INTERNAL_FLAG_MAX", 2),
        ("INTERNAL_MARKING", "INTERNT – ej för spridning"),
        ("INTERNAL_MARKING_EN", "INTERNAL – not for distribution"),
        ("INTERNAL_MARKING_COLUMN", "markning"),
        ("LOCAL_TZ", "Europe/Stockholm"),
    ],
)
def test_rule_values(name, value):
    assert getattr(policy, name) == value
    assert type(getattr(policy, name)) is type(value)
