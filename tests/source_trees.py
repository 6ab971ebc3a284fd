"""The syntax trees of the package's source, each file read and parsed once per test process.

The structure tests (tests/test_structure.py, tests/test_rules.py, tests/test_policy.py,
tests/test_front_door.py) read every module of ``src/`` several times, each pass about half a
second of CPU. They share these trees instead; the trees are read-only (the tests only walk
them), and the source does not change during a test session.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "tryggaplatser"


@functools.cache
def parsed(path: Path) -> ast.Module:
    """The syntax tree of the source file ``path`` (do not modify it: it is shared)."""
    return ast.parse(Path(path).read_text(encoding="utf-8"), filename=str(path))
