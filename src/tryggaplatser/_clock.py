"""Today's date for outputs, fixable so the same inputs give identical outputs.

Reports print the date they were issued. ``SOURCE_DATE_EPOCH`` (the reproducible-builds
convention, seconds since 1970) or :func:`fixed_today` pins it; otherwise it is the real date.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import UTC, date, datetime

_fixed: date | None = None


def today() -> date:
    """The issue date of outputs."""
    if _fixed is not None:
        return _fixed
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()


@contextmanager
def fixed_today(day: date):
    """Pin :func:`today` to ``day`` inside the block (used by ``tryggaplatser demo``)."""
    global _fixed
    previous, _fixed = _fixed, day
    try:
        yield
    finally:
        _fixed = previous
