"""The rule-ID registry (tryggaplatser.rules) is complete, UPPER_SNAKE, documented in sv and en,
and the README's list of rule IDs is the same list with the same Swedish meanings."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest
from source_trees import parsed

from tryggaplatser.errors import ArgumentError
from tryggaplatser.publish.audit import Finding
from tryggaplatser.rules import GROUPS, RULES

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "tryggaplatser"
UPPER_SNAKE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")
README_ROW = re.compile(r"^\| `([^`]+)` \| (.+?) \|\s*$")

# calls whose ``rule=`` is a sentence describing an automatic choice, not a rule ID
DESCRIPTIVE_CALLS = {"announce", "parameter", "record_param", "Parameter"}
# call name -> position of the rule ID among the positional arguments
POSITIONAL = {"_refuse": 2, "file_problem": 1, "flag": 1, "Finding": 1}


def readme_rules() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Regel-ID", 1)[1].split("\n## ", 1)[0]
    found: dict[str, str] = {}
    for line in section.splitlines():
        m = README_ROW.match(line)
        if m and m.group(1) != "ID":
            assert m.group(1) not in found, f"README lists {m.group(1)} twice"
            found[m.group(1)] = m.group(2).strip()
    return found


def _name(call: ast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")


def _on_name(func: ast.expr) -> bool:
    """``col.add`` (the audit collector), not ``summary.rules.add`` (a set of policy names)."""
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)


def _is_rule(expr: ast.expr) -> bool:
    if isinstance(expr, ast.Name):
        return expr.id == "rule"
    if isinstance(expr, ast.Attribute):
        return expr.attr == "rule"
    return (
        isinstance(expr, ast.Subscript)
        and isinstance(expr.slice, ast.Constant)
        and expr.slice.value == "rule"
    )


@functools.cache
def rule_literals() -> tuple[tuple[str, str], ...]:
    """Every string literal in src/ in a rule-ID position, as ``(where, value)`` (scanned once
    for the tests below)."""
    out = []
    for path in sorted(SRC.rglob("*.py")):
        tree = parsed(path)
        rel = path.relative_to(SRC)
        for node in ast.walk(tree):
            candidates: list[ast.expr] = []
            if isinstance(node, ast.Call):
                name = _name(node)
                if name not in DESCRIPTIVE_CALLS:
                    candidates += [k.value for k in node.keywords if k.arg == "rule"]
                pos = POSITIONAL.get(name)
                if pos is not None and len(node.args) > pos:
                    candidates.append(node.args[pos])
                # Problems.file(rule, ...) and the audit collector's col.add(rule, ...)
                first_is_rule = name == "file" or (
                    name == "add" and path.name == "audit.py" and _on_name(node.func)
                )
                if first_is_rule and isinstance(node.func, ast.Attribute) and node.args:
                    candidates.append(node.args[0])
            elif isinstance(node, ast.Compare) and _is_rule(node.left):
                # rule == "SCHEMA_MISSING_COLUMN", frame["rule"] == "NO_VALID_ROWS"
                candidates += node.comparators
            for c in candidates:
                if isinstance(c, ast.Constant) and isinstance(c.value, str):
                    out.append((f"{rel}:{c.lineno}", c.value))
    return tuple(out)


def test_readme_lists_exactly_the_registry():
    listed = readme_rules()
    assert sorted(set(RULES) - set(listed)) == [], "in rules.py, missing from README.md"
    assert sorted(set(listed) - set(RULES)) == [], "in README.md, not in rules.py"
    wrong = {rid: (text, RULES[rid].sv) for rid, text in listed.items() if text != RULES[rid].sv}
    assert wrong == {}, "README's Swedish meaning differs from rules.py"


def test_every_rule_id_in_src_is_registered_and_upper_snake():
    found = rule_literals()
    assert len(found) > 300  # the scan sees the call sites, not just a few
    bad = [(where, v) for where, v in found if not UPPER_SNAKE.match(v)]
    assert bad == []
    unknown = [(where, v) for where, v in found if v not in RULES]
    assert unknown == []


def test_every_registered_rule_is_used():
    used = {v for _, v in rule_literals()}
    assert sorted(set(RULES) - used) == []


def test_registry_entries_have_texts_and_a_group():
    for rid, rule in RULES.items():
        assert UPPER_SNAKE.match(rid), rid
        assert rule.sv.strip() and rule.en.strip(), rid
        assert rule.group in GROUPS, rid
    # one meaning, one ID: no two IDs share a Swedish or an English text
    for lang in ("sv", "en"):
        texts = [getattr(r, lang) for r in RULES.values()]
        assert len(texts) == len(set(texts)), lang


def test_raising_an_unregistered_rule_fails_loudly():
    assert ArgumentError("x", rule="CRS_MISMATCH").rule == "CRS_MISMATCH"
    with pytest.raises(KeyError, match="crs-mismatch"):
        ArgumentError("x", rule="crs-mismatch")
    with pytest.raises(KeyError, match="pii"):
        Finding("f.csv", "pii", "x")


ERRORS = {"ArgumentError", "ConfigError", "FileProblem", "GateRefusal", "TryggaplatserError"}


def error_calls(folder: Path) -> dict[str, bool]:
    """Every call building one of the project's errors: ``"file:line"`` → has ``rule=``
    (``file_problem`` takes the rule positionally and is not listed)."""
    out = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.Call) and _name(node) in ERRORS:
                where = f"{path.relative_to(SRC)}:{node.lineno}"
                out[where] = any(k.arg == "rule" for k in node.keywords)
    return out


def test_every_error_raised_by_the_importers_names_a_rule():
    """Issue 14: every problem has a rule ID (``--crs EPSG:999999`` used to say ``rule: null``)."""
    calls = error_calls(SRC / "layers")
    assert len(calls) >= 10  # the scan sees the call sites
    assert [where for where, has_rule in calls.items() if not has_rule] == []
