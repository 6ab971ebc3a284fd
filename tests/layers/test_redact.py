"""Redaction of personal data in free text."""

from __future__ import annotations

import pandas as pd
import pytest

from tryggaplatser.errors import ConfigError
from tryggaplatser.layers.redact import pseudonymise, redact_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pnr 850101-1234", "pnr [PERSONNUMMER]"),
        ("pnr 19850101-1234", "pnr [PERSONNUMMER]"),
        ("pnr 198501011234", "pnr [PERSONNUMMER]"),
        ("pnr 850101+1234", "pnr [PERSONNUMMER]"),
        ("fel kontrollsiffra 850101-1235", "fel kontrollsiffra [PERSONNUMMER]"),
        ("samordningsnr 850161-1234", "samordningsnr [PERSONNUMMER]"),
        ("ring 070-123 45 67", "ring [TELEFON]"),
        ("ring 08-123 456 78", "ring [TELEFON]"),
        ("ring +46 70 123 45 67", "ring [TELEFON]"),
        ("ring 0046701234567", "ring [TELEFON]"),
        ("mejla kalle.anka@example.se nu", "mejla [E-POST] nu"),
        ("bil ABC 123 stod där", "bil [REGNR] stod där"),
        ("bil ABC12A stod där", "bil [REGNR] stod där"),
        ("ärende 5000-K123456-24", "ärende [DIARIENR]"),
        ("ärende K123456-24", "ärende [DIARIENR]"),
        ("dnr KS 2024/123", "dnr [DIARIENR]"),
    ],
)
def test_patterns(text, expected):
    red, found = redact_text(pd.Series([text]))
    assert red.iloc[0] == expected
    assert found.iloc[0]


@pytest.mark.parametrize(
    "text",
    [
        "Klotter på 3 väggar vid kl 21.30 den 2024-03-04",
        "12 personer samlades, ca 200 m från skolan",
        "Kommunkod 0181 och år 2024",
        "Busslinje 754 mot centrum",
    ],
)
def test_no_false_positives_on_ordinary_text(text):
    red, found = redact_text(pd.Series([text]))
    assert red.iloc[0] == text and found.iloc[0] == ""


def test_missing_stays_missing_and_types_listed():
    red, found = redact_text(pd.Series([None, "a@b.se och 070-1234567"]))
    assert pd.isna(red.iloc[0])
    assert found.tolist() == ["", "E-POST,TELEFON"]


def test_pseudonymise_keyed_and_stable():
    ids = pd.Series(["1", "2", None])
    a = pseudonymise(ids, key="k1")
    assert a.iloc[0] == pseudonymise(ids, key="k1").iloc[0]
    assert a.iloc[0] != pseudonymise(ids, key="k2").iloc[0]
    assert pd.isna(a.iloc[2])


def test_pseudonymise_needs_key(monkeypatch):
    monkeypatch.delenv("TRYGGAPLATSER_PSEUDO_KEY", raising=False)
    with pytest.raises(ConfigError) as exc:
        pseudonymise(pd.Series(["1"]))
    assert "TRYGGAPLATSER_PSEUDO_KEY" in exc.value.fix
