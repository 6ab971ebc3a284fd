"""Methods boxes print names and values a reader understands, never machine keys or codes."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import tryggaplatser as tp
from tryggaplatser.i18n import language
from tryggaplatser.publish.param_text import PARAM_LABELS, param_label, param_value
from tryggaplatser.publish.reports.report import parameters_from_attrs


def test_values_read_as_words_with_units_and_decimal_comma():
    with language("sv"):
        assert param_value("cell_size", 125.0) == "125 m"
        assert param_value("bandwidth", 327.067) == "327 m"
        assert param_value("fdr", True) == "ja"
        assert param_value("gistar_on", "n") == "antal händelser per ruta"
        assert param_value("neighbourhood", {"distance_m": 176.777, "cells": 9}) == (
            "9 rutor inom 177 m"
        )
        assert param_value("p0", 0.05079) == "5,1 %"
        assert param_value("years", 2.98973) == "2,99"
        assert param_value("period_length", "91 d") == "91 dagar"
        assert param_value("categories", ["klotter", "inbrott"]) == "klotter, inbrott"
    with language("en"):
        assert param_label("cell_size") == "Cell size"
        assert param_value("p0", 0.05079) == "5.1 %"
        assert param_value("fdr", False) == "no"


def _keys_of(result) -> set[str]:
    return set((result.attrs.get("tryggaplatser") or {}).get("params") or {})


@pytest.fixture(scope="module")
def results(demo_project):
    inc = demo_project.incidents
    sub = inc[inc["occurred_at"] >= pd.Timestamp("2026-01-01", tz="UTC")]
    layers = demo_project.layers
    return [
        tp.hotspot_gistar(sub, quiet=True),
        tp.hotspot_kde(sub, quiet=True),
        tp.hotspot_classify(sub, quiet=True),
        tp.perception_gap(
            incidents=inc,
            dialogue=layers["dialogue"],
            walk_observations=layers["walk_observations"],
            quiet=True,
        ),
    ]


def test_every_recorded_parameter_has_a_name(results):
    """A new parameter recorded by a verb must get its methods-box name here."""
    keys = set().union(*(_keys_of(r) for r in results))
    assert keys, "the verbs record their parameters"
    assert keys <= set(PARAM_LABELS), sorted(keys - set(PARAM_LABELS))


def test_methods_rows_show_no_machine_keys_or_codes(results):
    with language("sv"):
        rows = [p for r in results for p in parameters_from_attrs(r.attrs)]
    assert rows
    for p in rows:
        assert not re.search(r"[a-z]+_[a-z]+", p.name), p.name  # no snake_case key
        assert p.name[:1].isupper(), p.name
        assert p.value not in {"True", "False", "n", "quartic", "square", "normal", "fdr_bh"}
        assert "tryggaplatser." not in p.value and "tryggaplatser." not in p.rule
