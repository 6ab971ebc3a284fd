"""Shared fixtures: one headless Chromium for the whole session.

Debian's ``chromium`` is driven by Playwright; no browser is ever downloaded. Only one Playwright
instance may run at a time, so every browser test uses this fixture.
"""

from __future__ import annotations

import shutil

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("Debian-paketet chromium saknas (apt-get install chromium); CI installerar det")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Python-paketet playwright saknas (pip install playwright)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
