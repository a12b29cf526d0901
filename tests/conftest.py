"""Fixtures shared by every test folder: headless Chromium for the pages' end-to-end tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest


def chromium_path() -> str | None:
    """The Chromium binary to drive: ``SHADOWTRACE_CHROMIUM``, Debian's, or one on PATH."""
    for candidate in (os.environ.get("SHADOWTRACE_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium through playwright (skipped, with the reason, when either is missing).

    One per test module, closed at its end: playwright's sync API runs one session at a time in a
    thread, so a browser kept for the whole run would stop any other module from starting one."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium binary (install Debian's chromium, or set SHADOWTRACE_CHROMIUM)")
    with sync_api.sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()
