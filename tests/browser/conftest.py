"""Headless Chromium for the browser tests (Debian's ``chromium-headless-shell``, else
``chromium``, driven by Playwright: the ``browser`` fixture of tests/conftest.py).

No browser is ever downloaded: the tests use the system's, and a missing one fails them with the
command that installs it (never a skip). Every page is loaded offline: requests other than
``file://`` are aborted and recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest


@dataclass
class LoadedPage:
    """A page with what happened while it was open."""

    page: object
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


@pytest.fixture
def open_map(browser):
    """Open a local HTML file offline; returns a :class:`LoadedPage` once the map is ready."""
    pages = []

    def _open(path: Path, *, width: int = 1400, height: int = 900) -> LoadedPage:
        page = browser.new_page(viewport={"width": width, "height": height})
        loaded = LoadedPage(page)
        page.on(
            "console", lambda m: loaded.console_errors.append(m.text) if m.type == "error" else None
        )
        page.on("pageerror", lambda e: loaded.console_errors.append(str(e)))

        def _dialog(dialog):
            loaded.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", _dialog)

        def _route(route):
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                loaded.blocked.append(route.request.url)
                route.abort()

        page.route("**/*", _route)
        page.goto(Path(path).resolve().as_uri())
        page.wait_for_selector("html[data-tp-ready='1']", timeout=10_000)
        pages.append(page)
        return loaded

    yield _open
    for page in pages:
        page.close()
