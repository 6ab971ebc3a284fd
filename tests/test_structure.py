"""The shape of the package: data flows one way, and every function fits in a reviewer's head."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from source_trees import parsed

SRC = Path(__file__).resolve().parents[1] / "src" / "tryggaplatser"
#: Longest function body (lines, docstring excluded) allowed without a written reason.
MAX_BODY = 80
#: A longer body must say why in its docstring with this phrase (any case).
REASON = "long because"
#: layers → analysis → publish → cli: a package may import only packages before it.
ORDER = ["layers", "analysis", "publish", "cli"]


def _modules():
    return sorted(p for p in SRC.rglob("*.py"))


def _body_length(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    first = node.body[0]
    has_doc = isinstance(first, ast.Expr) and isinstance(
        getattr(first, "value", None), ast.Constant
    )
    start = first.end_lineno + 1 if has_doc and isinstance(first.value.value, str) else first.lineno
    return node.end_lineno - start + 1


def test_no_function_body_over_80_lines_without_a_reason():
    long = []
    for path in _modules():
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = _body_length(node)
                if n > MAX_BODY and REASON not in (ast.get_docstring(node) or "").lower():
                    long.append(f"{path.relative_to(SRC)}:{node.lineno} {node.name} ({n} lines)")
    assert not long, "split these functions or say why in the docstring:\n" + "\n".join(long)


def _package_of(path: Path) -> str | None:
    parts = path.relative_to(SRC).parts
    return parts[0] if len(parts) > 1 and parts[0] in ORDER else None


def _imported_packages(path: Path) -> set[str]:
    """Top-level subpackages of tryggaplatser that a module imports (relative or absolute)."""
    tree = parsed(path)
    here = path.relative_to(SRC).parts[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(here[: len(here) - node.level + 1])
                target = base + (node.module.split(".") if node.module else [])
                names = [[*target, a.name] for a in node.names] if not node.module else [target]
            elif node.module and node.module.startswith("tryggaplatser."):
                names = [node.module.split(".")[1:]]
            else:
                continue
            found |= {n[0] for n in names if n}
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("tryggaplatser."):
                    found.add(alias.name.split(".")[1])
    return found & set(ORDER)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_data_flows_one_way(path):
    package = _package_of(path)
    if package is None:
        return
    later = set(ORDER[ORDER.index(package) + 1 :])
    assert not (_imported_packages(path) & later), f"{package} imports {later}"
