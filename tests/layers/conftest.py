"""Small input files built in the tests."""

from __future__ import annotations

import pytest

HEADER = "id;tid;kategori;kalla;x;y"


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


GOOD = [
    "1;2024-01-20 21:43;skadegorelse;est;674000;6580000",
    "2;2024-02-01 10:00;klotter;est;674500;6580500",
    "3;2024-02-02 11:00;brand;est;675000;6581000",
]


@pytest.fixture
def write(tmp_path):
    """write(name, text_or_bytes, encoding='utf-8') -> path"""

    def _write(name, content, encoding="utf-8"):
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode(encoding))
        return path

    return _write


def rules(result_or_report) -> set[str]:
    report = getattr(result_or_report, "report", result_or_report)
    return set(report.problems_frame["rule"])


def problems_for(result, rule):
    f = result.report.problems_frame
    return f[f["rule"] == rule]
