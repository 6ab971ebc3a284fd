"""The audit's shortcuts skip only work that cannot find anything (issue 12, item 8: speed).

Each shortcut is a necessary condition asked before the patterns: a text without two digits in
a row and without "@" holds no personal-data pattern, a text without "/" or "\\" no absolute
path, a text without "<", "=" or "\\" no executable markup, and an internal table none of whose
distinct texts has a finding is not walked cell by cell. Each is checked against the patterns
themselves run without the shortcut, over a seeded corpus of texts built from the characters
the patterns look for, and over the examples the rules were written for.
"""

from __future__ import annotations

import random

import pytest

from tryggaplatser.publish import audit
from tryggaplatser.publish.audit import PII_PATTERNS, metadata_problems, redact, scan_file

EXAMPLES = [
    "19121212-1212",
    "121212-1212",
    "191212121212",
    "1212121212",
    "0701234567",
    "+46 70 123 45 67",
    "0046701234567",
    "08-123 45 67",
    "+46 8 123 456",
    "anna@example.se",
    "a@b.co",
    "ABC 123",
    "ABC12D",
    "K12345-26",
    "2026-K1234-26",
    "/home/anna/x",
    "C:\\Users\\anna",
    "file:///tmp/x",
    "\\\\server\\share",
    "<img src=x onerror=alert(1)>",
    "\\u003cscript\\u003e",
    "\\x3ciframe",
    'href = "javascript:alert(1)"',
    "<svg/onload=1>",
    "١٢١٢١٢-١٢١٢",  # Arabic-Indic digits are digits to the patterns too
]
ALPHABET = "0123456789١٢ @.+-/\\:<>=\"'_ABCKXYZaehmnorsux\n\t"


def _corpus(n: int = 6000) -> list[str]:
    rng = random.Random(20261207)
    texts = list(EXAMPLES)
    for _ in range(n):
        base = rng.choice(EXAMPLES) if rng.random() < 0.5 else ""
        noise = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 14)))
        cut = rng.randint(0, len(base))
        texts.append(base[:cut] + noise + base[cut:])
        # the same text with every second digit dropped: one digit in a row, no pattern
        texts.append("".join(c for i, c in enumerate(texts[-1]) if not (c.isdigit() and i % 2)))
    return texts


def _pii_without_shortcut(text: str) -> list[tuple[str, str]]:
    found = []
    for key, pattern in PII_PATTERNS.items():
        for m in pattern.finditer(text):
            value = m.group(0)
            if key == "personnummer10" and not audit._luhn_ok(value):
                continue
            if key == "regnr" and m.group(1) in audit._PLATE_STOP:
                continue
            found.append((key, value))
    return found


def test_the_personal_data_shortcut_never_hides_a_match():
    matched = 0
    for text in _corpus():
        expected = _pii_without_shortcut(text)
        assert list(audit._pii_matches(text)) == expected, text
        matched += bool(expected)
        if any(p.search(text) for p in PII_PATTERNS.values()):
            assert audit._may_hold_pii(text), text
    assert matched > 500  # the corpus does exercise the patterns


def test_redaction_is_unchanged_by_the_shortcut():
    for text in _corpus(2000):
        out = text
        for key, pattern in PII_PATTERNS.items():
            if key == "regnr":
                out = pattern.sub(
                    lambda m: m.group(0) if m.group(1) in audit._PLATE_STOP else "[borttaget]", out
                )
            else:
                out = pattern.sub("[borttaget]", out)
        assert redact(text) == out, text


def test_the_path_and_markup_shortcuts_never_hide_a_match():
    paths = markup = 0
    for text in _corpus():
        path = audit._ABS_PATH.search(text)
        kinds = [
            what for pattern, what in audit._DANGEROUS if pattern.search(audit._unescape_js(text))
        ]
        found = audit._text_findings(text, True, True, "sv")
        assert any(rule == "METADATA_PRIVATE" for rule, _, _ in found) == bool(path), text
        got = [excerpt for rule, _, excerpt in found if rule == "MARKUP_EXECUTABLE"]
        assert len(got) == len(kinds), text
        paths += bool(path)
        markup += bool(kinds)
    assert paths > 100 and markup > 100


@pytest.mark.parametrize(
    "names",
    [set(), {"anna"}, {"anna", "anna-dator.example.se", "anna-dator"}, {"x.y", "büro"}],
)
def test_user_and_host_names_are_found_as_one_pattern_as_one_by_one(monkeypatch, names):
    monkeypatch.setattr(audit, "_identity", lambda: set(names))
    texts = [
        "Author=anna",
        "annan",
        "anna-dator",
        "anna-dator.example.se:8080",
        "x.y",
        "xzy",
        "Büro",
        "büro",
        "ett anna.",
        "-anna",
        "",
    ]
    for text in texts:
        one_by_one = any(
            audit.re.search(rf"(?<![\w-]){audit.re.escape(n)}(?![\w-])", text) for n in names
        )
        got = "användar- eller datornamn" in metadata_problems(text) or (
            "user or host name" in metadata_problems(text)
        )
        assert got == one_by_one, (names, text)


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({}, []),
        ({41: "ring 070-123 45 67"}, [("PERSONAL_DATA", "rad 42, kolumn kommentar")]),
        ({55: "=HYPERLINK(1)"}, [("SPREADSHEET_FORMULA", "rad 56, kolumn kommentar")]),
        ({20: "/home/anna/x"}, [("METADATA_PRIVATE", "rad 21, kolumn kommentar")]),
    ],
)
def test_an_internal_table_with_one_telling_cell_is_still_walked_cell_by_cell(
    tmp_path, cells, expected
):
    marked = tmp_path / "markerad.csv"
    unmarked = tmp_path / "omarkerad.csv"
    for path, marking in ((marked, "INTERNT – ej för spridning"), (unmarked, "x")):
        rows = ["område;kommentar;markning"]
        rows += [f"A{i};inget särskilt;{marking}" for i in range(1, 61)]
        for r, text in cells.items():
            rows[r] = rows[r].replace("inget särskilt", text)
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    found = scan_file(marked, "internal", manifest=False)
    assert [(f.rule, f.place) for f in found] == expected
    # the marking in a cell of a table not walked cell by cell still marks the file
    found = scan_file(unmarked, "internal", manifest=False)
    assert [f.rule for f in found] == [rule for rule, _ in expected] + ["MARKING_MISSING"]


def test_a_marked_cell_of_an_internal_table_marks_the_file():
    col = audit._Collector("f.gpkg", "internal")
    col.table(["område", "n"], [["Norr", 12], ["INTERNT – ej för spridning", 3]], where="lager")
    assert col.marked and col.items == []
    col = audit._Collector("f.gpkg", "internal")
    col.table(["område", "n"], [["Norr", 12], ["Söder", 3]], where="lager")
    assert not col.marked and col.items == []


def test_the_date_shortcut_gives_the_dates_of_the_full_check():
    from tryggaplatser.publish import _content_rules

    rng = random.Random(7)
    texts = [
        "2026-11-22",
        "Framställd 2026-11-23",
        "till 2026-11-22 kl 12",
        "2026-11-23T10:00:00",
        "2026-W47",
        "22 november 2026",
        "3. maj 2026",
        "22.11.2026",
        "1/2/2026",
        "Perioden 2026-01 – 2026-10",
        "Utgiven: 2026-11-23 och 2026-11-24",
    ]
    contexts = ["", "Framställd", "Issued:", "Period", "x" * 50 + "Uppdaterad", "Utgiven 2026"]
    for _ in range(3000):
        text = rng.choice(texts)
        cut = rng.randint(0, len(text))
        texts.append(text[:cut] + rng.choice(["", " ", "Framställd ", "-", "1", "W"]) + text[cut:])
    dates = 0
    for text in texts:
        for context in contexts:
            for metadata in (False, True):
                expected = tuple(_content_rules.fine_dates(text, context, metadata=metadata))
                assert audit._fine_dates(text, context, metadata, "sv") == expected, (
                    text,
                    context,
                )
                dates += bool(expected)
    assert dates > 1000
