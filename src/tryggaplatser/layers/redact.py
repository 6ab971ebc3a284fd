"""Redaction of personal data in free text, and keyed pseudonyms for ids.

Free text (schema kind ``free_text``) is redacted **at import**, before anything else sees it.
Each match is replaced by a typed placeholder:

=================  ===========================================================================
``[E-POST]``       e-mail addresses
``[DIARIENR]``     police case numbers (``5000-K123456-24``, ``K123456-24``) and diary numbers
                   (``KS 2024/123``)
``[PERSONNUMMER]`` personnummer and samordningsnummer (day + 60), 10 or 12 digits, with ``-``,
                   ``+`` or nothing between — whatever the check digit (a typo is still personal)
``[TELEFON]``      Swedish phone numbers (``070-123 45 67``, ``08-123 456 78``, ``+46 70…``)
``[REGNR]``        registration plates (``ABC 123``, ``ABC 12A``)
=================  ===========================================================================

The patterns run in that order so an e-mail or case number is not half-matched as a phone
number. Detection is deliberately generous: a false positive costs a word, a miss leaks a person.
"""

from __future__ import annotations

import hashlib
import hmac
import os

import numpy as np
import pandas as pd

PSEUDO_KEY_ENV = "TRYGGAPLATSER_PSEUDO_KEY"

_DAY = r"(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])"
PATTERNS: dict[str, str] = {
    "E-POST": r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    "DIARIENR": (
        r"(?<![\w-])(?:\d{4}-)?K\d{3,8}-\d{2}(?!\w)"
        r"|(?<!\w)[A-ZÅÄÖ]{2,5}\s?\d{4}/\d{1,6}(?:[-:]\d+)?(?!\w)"
    ),
    "PERSONNUMMER": rf"(?<![\w-])(?:19|20)?\d{{2}}(?:0[1-9]|1[0-2]){_DAY}[-+\s]?\d{{4}}(?!\w)",
    "TELEFON": (
        r"(?<![\w+])(?:\+46|0046)[\s-]?(?:\(0\)\s?)?[1-9](?:[\s-]?\d){6,9}(?!\w)"
        r"|(?<![\w+])0[1-9]\d{0,2}(?:[\s/-]?\d){5,8}(?!\w)"
    ),
    "REGNR": r"(?<![\w-])[A-HJ-PR-UW-Z]{3}\s?\d{2}[A-HJ-NPR-UW-Z\d](?!\w)",
}


def redact_text(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Redact personal data in a text column.

    Parameters
    ----------
    values
        Free text; missing values stay missing.

    Returns
    -------
    (redacted, found)
        ``redacted`` is the text with placeholders; ``found`` holds, per row, the placeholder
        types found separated by ``,`` (empty when nothing was found). Both aligned to
        ``values``.

    Examples
    --------
    >>> red, found = redact_text(pd.Series(["Ring 070-123 45 67, pnr 850101-1234"]))
    >>> red[0]
    'Ring [TELEFON], pnr [PERSONNUMMER]'
    """
    out = values.astype("str")
    found = pd.Series("", index=values.index, dtype="str")
    present = out.notna()
    if not present.any():
        return out, found
    # every pattern needs a digit or an @: look only at texts that have one
    present &= out.str.contains(r"[\d@]", regex=True, na=False)
    if not present.any():
        return out, found
    text = out[present]
    kinds = np.full(len(text), "", dtype=object)  # the kinds found per text, "," between
    for kind, pattern in PATTERNS.items():
        hit = text.str.contains(pattern, regex=True)
        if hit.any():
            text = text.copy()
            text[hit] = text[hit].str.replace(pattern, f"[{kind}]", regex=True)
            h = hit.to_numpy(dtype=bool)
            kinds[h] = [f"{k},{kind}" if k else kind for k in kinds[h]]
    out = out.copy()
    out[present] = text
    found[present] = pd.Series(kinds, index=text.index, dtype="str")
    return out, found


def pseudonymise(ids: pd.Series, key: str | bytes | None = None) -> pd.Series:
    """Replace ids by a keyed hash: ``"p" + HMAC-SHA256(key, id)[:20]``.

    The same id and key always give the same pseudonym (so re-imports match); without the key the
    original id cannot be recovered or checked by guessing. ``key`` defaults to the environment
    variable ``TRYGGAPLATSER_PSEUDO_KEY``.

    Raises
    ------
    ConfigError
        When no key is available.
    """
    from ..errors import ConfigError
    from ..i18n import tr

    key = key if key is not None else os.environ.get(PSEUDO_KEY_ENV)
    if not key:
        raise ConfigError(
            tr(
                "pseudonymise_ids = true men nyckeln saknas",
                "pseudonymise_ids = true but the key is missing",
            ),
            rule="PSEUDO_KEY_MISSING",
            fix=tr(
                "sätt miljövariabeln {v} till en hemlig, slumpad sträng (samma varje gång)",
                "set the environment variable {v} to a secret random string (the same every time)",
                v=PSEUDO_KEY_ENV,
            ),
        )
    k = key.encode("utf-8") if isinstance(key, str) else key
    present = ids.notna()
    out = ids.astype("str").copy()
    out[present] = [
        "p" + hmac.new(k, str(v).encode("utf-8"), hashlib.sha256).hexdigest()[:20]
        for v in ids[present]
    ]
    return out
