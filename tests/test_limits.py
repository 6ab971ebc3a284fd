"""Stated limits (tryggaplatser.limits): excerpts, the message backstop and ``[limits]``."""

from __future__ import annotations

import pytest

from tryggaplatser.errors import ConfigError, FileProblem
from tryggaplatser.i18n import language
from tryggaplatser.layers.config import load_config
from tryggaplatser.layers.load import load_layer
from tryggaplatser.limits import DEFAULT, Limits, applied, current, excerpt


def test_defaults_are_the_stated_ones():
    assert (DEFAULT.max_columns, DEFAULT.max_line_chars, DEFAULT.max_excerpt_chars) == (
        500,
        100_000,
        200,
    )
    assert DEFAULT.max_message_chars == 1_000


def test_excerpt_cuts_and_says_how_long():
    text = "x" * 50_000_000
    out = excerpt(text)
    assert len(out) == 200
    assert out.endswith("… (50 000 000 tecken)")
    with language("en"):
        assert excerpt(text, 40).endswith("… (50 000 000 characters)")
    assert excerpt("kort  text\nhär") == "kort text här"
    assert excerpt("y" * 200) == "y" * 200  # at the limit: unchanged


def test_applied_sets_and_restores():
    with applied(Limits(max_excerpt_chars=30)):
        assert current().max_excerpt_chars == 30
        assert len(excerpt("z" * 1000)) == 30
    assert current() == DEFAULT


def test_error_messages_are_capped_whatever_builds_them():
    exc = FileProblem("a" * 10_000, rule="FILE_CORRUPT", fix="b" * 10_000, file="f.csv")
    assert len(exc.message) == 1_000 and len(exc.fix) == 1_000
    assert len(str(exc)) < 2_100


def _toml(tmp_path, limits: str):
    path = tmp_path / "tryggaplatser.toml"
    path.write_text(
        f'[project]\nname = "T"\nmunicipality_code = "0000"\n{limits}', encoding="utf-8"
    )
    return path


def test_limits_section_read_and_defaults_kept(tmp_path):
    cfg = load_config(_toml(tmp_path, "[limits]\nmax_columns = 40\n"))
    assert cfg.limits == Limits(max_columns=40)
    assert load_config(_toml(tmp_path, "")).limits == DEFAULT


@pytest.mark.parametrize(
    "bad",
    ["max_columns = 0", "max_columns = true", 'max_line_chars = "1e5"', "max_rows = 5", "x = 1"],
)
def test_limits_section_refuses_bad_values(tmp_path, bad):
    with pytest.raises(ConfigError) as exc:
        load_config(_toml(tmp_path, f"[limits]\n{bad}\n"))
    assert exc.value.rule == "CONFIG_INVALID"
    assert "[limits]" in exc.value.message


def test_config_limits_apply_to_the_import(tmp_path):
    (tmp_path / "h.csv").write_text(
        "id;tid;kategori;kalla;x;y;extra\n1;2024-01-20 21:43;klotter;est;674000;6580000;a\n",
        encoding="utf-8",
    )
    cfg = load_config(_toml(tmp_path, "[limits]\nmax_columns = 6\n"))
    with pytest.raises(FileProblem) as exc:
        load_layer(tmp_path / "h.csv", "incidents", crs="EPSG:3006", config=cfg)
    assert exc.value.rule == "TOO_MANY_COLUMNS"
    assert "filen har 7 kolumner; gränsen är 6" in exc.value.message
    # without the configuration the default (500) holds
    res = load_layer(tmp_path / "h.csv", "incidents", crs="EPSG:3006", quarantine_dir=False)
    assert res.report.accepted == 1


def test_a_huge_header_is_never_echoed(tmp_path):
    """A 50 MB header line: refused before parsing, and the message quotes 60 characters."""
    path = tmp_path / "h.csv"
    path.write_bytes(b"id;tid;" + b"k" * 50_000_000 + b"\n1;2\n")
    with pytest.raises(FileProblem) as exc:
        load_layer(path, "incidents", crs="EPSG:3006")
    assert exc.value.rule == "TEXT_TOO_LONG"
    assert "rubrikraden är 50 000 007 tecken lång; gränsen är 100 000" in exc.value.message
    assert len(str(exc.value)) < 500


def test_a_million_columns_are_refused_before_parsing(tmp_path, monkeypatch):
    """The header is counted before pandas sees the file: the parser is never called."""
    import pandas as pd

    path = tmp_path / "h.csv"
    path.write_text(";".join(f"k{i}" for i in range(1_000_000)) + "\n" + "1;" * 999_999 + "1\n")

    def no_parsing(*args, **kwargs):
        raise AssertionError("read_csv called on a file over the column limit")

    monkeypatch.setattr(pd, "read_csv", no_parsing)
    with pytest.raises(FileProblem) as exc:
        load_layer(path, "incidents", crs="EPSG:3006")
    assert exc.value.rule == "TOO_MANY_COLUMNS"
    assert "filen har 1 000 000 kolumner; gränsen är 500" in exc.value.message
