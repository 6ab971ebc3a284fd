"""Output language: Swedish by default, English selectable.

Code and identifiers are English; everything a user reads is Swedish unless ``set_language("en")``
(or the CLI's ``--lang en``) says otherwise. Texts are written next to the code that uses them as
``tr("svensk text", "English text")`` so both languages are kept in step.
"""

from __future__ import annotations

from contextlib import contextmanager

LANGUAGES = ("sv", "en")
_language = "sv"


def set_language(lang: str) -> None:
    """Select the output language (``"sv"`` or ``"en"``)."""
    global _language
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {lang!r}")
    _language = lang


def get_language() -> str:
    return _language


@contextmanager
def language(lang: str):
    """Temporarily switch the output language."""
    previous = _language
    set_language(lang)
    try:
        yield
    finally:
        set_language(previous)


def tr(sv: str, en: str, /, **fmt) -> str:
    """Return the text in the current language, formatted with ``fmt``."""
    text = sv if _language == "sv" else en
    return text.format(**fmt) if fmt else text


def not_recorded() -> str:
    """The text for a field no source recorded: "uppgift saknas" (never 0, never blank)."""
    return tr("uppgift saknas", "not recorded")
