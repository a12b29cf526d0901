"""The web app under test: a small store built once, the app in-process, ``shadowtrace serve`` in a
subprocess, and headless Chromium watching every page for console errors, dialogs and requests
that leave localhost.

The store: a simulated fleet (12 vessels over 3 days in the Sea of Japan) and one vessel whose
broadcast texts are hostile (``weblib.HOSTILE``). That vessel comes as Danish-style decoded CSV,
not NMEA: AIS 6-bit text has no lower case and a name has at most 20 characters, so
``<script>alert(1)</script>`` cannot travel in a type 5 message, while decoded feeds carry any
text. It renames itself (IDENTITY_CHANGE), jumps once (POSITION_JUMP) and goes silent (AIS_GAP),
so its texts reach events, the risk ranking and the identity history.

Browser tests are skipped, with the reason, when playwright or a Chromium binary is missing (the
``browser`` fixture of ``tests/conftest.py``; ``.ci/run`` installs Debian's chromium).
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest
from tests.web.weblib import LOCAL_HOSTS, Watched, write_hostile_csv

from shadowtrace.detectors.run import detect
from shadowtrace.pipeline.ingest import ingest
from shadowtrace.sim.run import simulate
from shadowtrace.store.store import Store


@pytest.fixture(scope="session")
def web_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The store every web test reads (built once: about 20 s)."""
    tmp = tmp_path_factory.mktemp("web")
    simulate("sea-of-japan", tmp / "sim", vessels=12, days=3, seed=1)
    write_hostile_csv(tmp / "hostile.csv")
    store = Store(tmp / "data")
    ingest(store, [str(tmp / "sim/ais"), str(tmp / "sim/declarations.csv"), str(tmp / "hostile.csv")])
    detect(store)
    return store


@pytest.fixture(scope="session")
def client(web_store: Store) -> Iterator[Any]:
    """The app in-process (Starlette's test client)."""
    from fastapi.testclient import TestClient

    from shadowtrace.web.app import create_app

    with TestClient(create_app(web_store)) as test_client:
        yield test_client


def free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def server(web_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``shadowtrace serve`` on a free loopback port; its base URL once it answers."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "stderr.txt"
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "shadowtrace", "--data", str(web_store.root), "serve", "--port", str(port)],
            stdout=subprocess.DEVNULL, stderr=err,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"shadowtrace serve exited with {proc.returncode}: {log.read_text()}")
            try:
                with urllib.request.urlopen(base + "/api/kinds", timeout=5) as resp:
                    if resp.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"shadowtrace serve did not answer within 60 s: {log.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def watched(browser: Any, server: str) -> Iterator[Watched]:
    """A fresh page on the served app; requests to any other host are aborted and recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    w = Watched(page, server)

    def route(r: Any) -> None:
        url = urlparse(r.request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.hostname not in LOCAL_HOSTS:
            w.outside.append(r.request.url)
            r.abort()
        else:
            r.continue_()

    context.route("**/*", route)
    page.on("console", lambda m: w.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: w.page_errors.append(str(exc)))
    page.on("dialog", lambda d: (w.dialogs.append(d.message), d.dismiss()))
    try:
        yield w
        w.assert_clean()
    finally:
        context.close()
