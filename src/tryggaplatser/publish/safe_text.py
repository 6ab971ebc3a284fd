"""Safe text: the one road by which user-supplied text reaches HTML, CSV and spreadsheets.

folium 0.20 inserts popup, tooltip, ``GeoJsonTooltip`` and ``LayerControl`` texts into HTML and
JavaScript template literals without (complete) escaping (REFERENCE.md §4): ``<img onerror>``,
``<svg onload>``, ``${…}`` and ``</script>`` payloads run. :func:`html` closes these holes by
HTML-escaping the text *and* turning the characters that matter inside JavaScript template
literals and regular expressions (`` ` `` ``$`` ``\\`` ``{`` ``}``) into character references,
which a browser shows as the same characters but no parser treats as code.

Raw HTML built by our own templates is passed through only when wrapped in :class:`Trusted`.

Spreadsheet programs execute cells that start with ``=``, ``+``, ``-`` or ``@`` (and, in some
programs, tab or carriage return) as formulas ("CSV injection"). :func:`neutralise_cell` prefixes
such text with ``'`` and leaves real numbers alone; :func:`cell_text` is the text of a CSV or XLSX
cell (both writers use it, so a cell reads the same in either file).

Bidirectional control characters (the Unicode ``Bidi_Control`` set: U+061C, U+200E, U+200F,
U+202A–U+202E, U+2066–U+2069) are removed from all text by :func:`text_of`, with the other
invisible controls: a right-to-left override (U+202E) in an area name or a comment would
otherwise reverse what a reader sees ("exe.txt" shown as "txt.exe") in every page, table, map
popup and print header the text reaches.
"""

from __future__ import annotations

import functools
import html as _html
import math
import numbers
import re
from typing import Any

__all__ = [
    "BIDI_CONTROLS",
    "Trusted",
    "cell_text",
    "html",
    "join",
    "neutralise_cell",
    "safe_url",
    "text_of",
]

# characters that are harmless in HTML text but dangerous inside JS template literals, regex
# replacement patterns and template engines: replaced by numeric character references
_EXTRA = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"})
# the Unicode Bidi_Control characters: ALM, LRM, RLM, LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# C0 controls except tab/newline/CR, DEL and C1 controls; U+2028/2029 which end JS lines; and
# the bidi controls
_CONTROL = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029{BIDI_CONTROLS}]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_SAFE_SCHEMES = ("http", "https", "mailto")


class Trusted(str):
    """HTML that our own code built and vouches for; passed through :func:`html` unchanged.

    Never wrap user-supplied text: wrap only template output whose every user-supplied part
    already went through :func:`html`. Implements ``__html__`` so Jinja2 and markupsafe also
    treat it as safe markup.

    Examples
    --------
    >>> html(Trusted("<b>Titel</b>"))
    '<b>Titel</b>'
    """

    __slots__ = ()

    def __html__(self) -> str:
        return str(self)


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value)) if not isinstance(value, (str, bytes)) else False
    except (TypeError, ValueError, ImportError):
        return False


def text_of(value: Any) -> str:
    """Plain text for any cell value: ``""`` for None/NaN/NA, integral floats without ``.0``.

    Parameters
    ----------
    value : Any
        A string, number, None, NaN, ``pandas.NA`` or any object with ``str()``.

    Returns
    -------
    str
        The text with control characters (except tab, newline and CR) and bidirectional
        controls (:data:`BIDI_CONTROLS`) removed.

    Examples
    --------
    >>> text_of("fil\u202etxt.exe")
    'filtxt.exe'
    """
    if type(value) is str:  # the common case, first: the same result as the last line
        return _CONTROL.sub("", value)
    if _is_missing(value):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        f = float(value)
        if math.isinf(f):
            return "∞" if f > 0 else "-∞"
        return str(int(f)) if f.is_integer() else f"{f:g}" if abs(f) >= 1e-4 else repr(f)
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    return _CONTROL.sub("", str(value))


def html(value: Any) -> Trusted:
    """Escape any value for HTML text, HTML attributes and folium's JavaScript templates.

    Parameters
    ----------
    value : Any
        User-supplied text (area names, categories, comments, layer names, legend entries...),
        a number, None/NaN (gives ``""``), or :class:`Trusted` markup (returned unchanged).

    Returns
    -------
    Trusted
        Text in which ``& < > " '`` are HTML entities and `` ` $ \\ { }`` are numeric
        character references, so it is shown literally and never runs.

    Examples
    --------
    >>> html('<img src=x onerror=alert(1)>')
    '&lt;img src=x onerror=alert(1)&gt;'
    >>> html("${alert(1)}")
    '&#36;&#123;alert(1)&#125;'
    >>> html(None)
    ''
    """
    if isinstance(value, Trusted):
        return value
    if type(value) is str:  # maps repeat the same labels thousands of times: escaped once
        return _html_of_str(value)
    text = _html.escape(text_of(value), quote=True)
    return Trusted(text.translate(_EXTRA))


@functools.lru_cache(maxsize=1 << 16)
def _html_of_str(value: str) -> Trusted:
    """:func:`html` of a plain ``str`` (cached: the result depends on the text alone)."""
    return Trusted(_html.escape(text_of(value), quote=True).translate(_EXTRA))


def join(parts: list[Any], sep: str = "<br>") -> Trusted:
    """Join values into trusted HTML, escaping every part that is not already :class:`Trusted`."""
    return Trusted(sep.join(html(p) for p in parts))


def safe_url(url: Any) -> Trusted:
    """An escaped URL for ``href``/``src``, or ``"#"`` unless it is http(s), mailto or relative.

    ``javascript:``, ``data:``, ``vbscript:`` and scheme tricks (``java\\tscript:``, entity-encoded
    colons) are refused because the scheme is read after removing whitespace and control
    characters, the way browsers do.
    """
    text = text_of(url).strip()
    if not text:
        return Trusted("#")
    probe = re.sub(r"[\s\x00-\x1f]", "", _html.unescape(text)).lower()
    match = re.match(r"^([a-z][a-z0-9+.\-]*):", probe)
    if match and match.group(1) not in _SAFE_SCHEMES:
        return Trusted("#")
    return html(text)


def neutralise_cell(value: Any) -> Any:
    """Make a value safe for a CSV or spreadsheet cell.

    Text starting with ``= + - @`` (also their full-width forms), tab, CR or LF is prefixed with
    ``'`` so spreadsheet programs show it as text instead of evaluating it as a formula. Numbers,
    booleans, dates and missing values are returned unchanged (``-5`` as a number stays a number).

    Parameters
    ----------
    value : Any
        A cell value.

    Returns
    -------
    Any
        The value, or the neutralised text.

    Examples
    --------
    >>> neutralise_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_cell(-5)
    -5
    """
    if isinstance(value, str):
        if value.startswith(_FORMULA_START):
            return "'" + value
        return value
    return value


def cell_text(value: Any) -> str:
    """The text of a CSV or XLSX cell: :func:`text_of`, then :func:`neutralise_cell`.

    The one function both table writers (:mod:`.tables`) use for text cells and headers, so a
    formula-like value is neutralised the same way in a CSV and in a workbook and bidi controls
    are gone from both.

    >>> cell_text("=1+2")
    "'=1+2"
    >>> cell_text("\u202e@SUM(A1)")
    "'@SUM(A1)"
    """
    return neutralise_cell(text_of(value))
