"""Announcing automatic choices.

Computation never prints: it records each automatic choice on the result (``attrs``) and sends
the sentence to the ``tryggaplatser`` logger, which the CLI shows on stderr. ``quiet=True``
silences the announcement but the record stays.
"""

from __future__ import annotations

import logging

logger = logging.getLogger("tryggaplatser")


def announce(message: str, *, quiet: bool = False) -> None:
    """Announce an automatic choice unless ``quiet``."""
    if not quiet:
        logger.info(message)
