"""Screenshots for the docs, taken with headless Chromium from a demo store.

    python scripts/screenshots.py [--data DIR] [--out docs/img] [--chromium /usr/bin/chromium]

Builds the store of ``shadowtrace demo`` (40 vessels over 10 days in the Sea of Japan, seed 0) in
DIR unless it is there already, then:

- :func:`report_screenshot`: writes the evidence report of the vessel with the most reasons among
  the ten of highest risk (``shadowtrace report --vessel``) and shoots its head, risk, map and
  timeline (``report.png``);
- :func:`ui_screenshots`: serves it with ``shadowtrace serve`` and shoots the overview
  (``ui-overview.png``) and the page of the highest-risk vessel (``ui-vessel.png``).

Needs playwright's Python client and a Chromium binary (Debian's ``chromium``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VIEWPORT = {"width": 1280, "height": 900}
#: the vessel page is long (every event's evidence): the shot shows its head, risk, map and timeline
VESSEL_CLIP_PX = 1750


def demo_store(data: Path) -> Path:
    """The store of ``shadowtrace demo`` in ``data`` (built once; rerunning adds nothing)."""
    if not (data / "catalog.sqlite").is_file():
        subprocess.run([sys.executable, "-m", "shadowtrace", "--data", str(data), "demo"], check=True)
    return data


@contextlib.contextmanager
def served(data: Path) -> Iterator[str]:
    """``shadowtrace serve`` over ``data`` on a free loopback port; yields its base URL."""
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "shadowtrace", "--data", str(data), "serve", "--port", str(port)])
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(base + "/api/kinds", timeout=5).close()
                break
            time.sleep(0.2)
        else:
            raise SystemExit("shadowtrace serve did not answer")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def report_screenshot(data: Path, out: Path, chromium: str) -> list[Path]:
    """``report.png``: the evidence report of a vessel with many reasons, opened from its file."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    cli = [sys.executable, "-m", "shadowtrace", "--data", str(data)]
    ranked = json.loads(subprocess.run([*cli, "risk", "--top", "10", "--format", "json"], check=True,
                                       capture_output=True, text=True).stdout)
    chosen = max(ranked, key=lambda v: len(v["reasons"]))
    vessel = str(chosen["imo"] or chosen["mmsis"][0])
    html = data / "screenshot-report.html"
    subprocess.run([*cli, "report", "--vessel", vessel, "--out", str(html), "--force"], check=True)
    shot = out / "report.png"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(html.as_uri(), wait_until="load")
            page.wait_for_selector("#map[data-drawn='true']")
            page.wait_for_selector("#timeline[data-drawn='true']")
            height = min(VESSEL_CLIP_PX, int(page.evaluate("document.body.scrollHeight")))
            page.screenshot(path=str(shot), full_page=True,
                            clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height})
        finally:
            browser.close()
    return [shot]


def ui_screenshots(data: Path, out: Path, chromium: str) -> list[Path]:
    """``ui-overview.png`` and ``ui-vessel.png`` (the highest-risk vessel) of the web UI."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    shots = [out / "ui-overview.png", out / "ui-vessel.png"]
    with served(data) as base, sync_playwright() as pw:
        top = json.loads(urllib.request.urlopen(base + "/api/risk?limit=1", timeout=60).read())["vessels"][0]["key"]
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(base + "/", wait_until="networkidle")
            page.wait_for_selector("#overview-chart[data-drawn='true']")
            page.screenshot(path=str(shots[0]), full_page=True)
            page.goto(f"{base}/vessels/{top}", wait_until="networkidle")
            page.wait_for_selector("#map[data-drawn='true']")
            page.wait_for_selector("#timeline[data-drawn='true']")
            height = min(VESSEL_CLIP_PX, int(page.evaluate("document.body.scrollHeight")))
            page.screenshot(path=str(shots[1]), full_page=True,
                            clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height})
        finally:
            browser.close()
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "build" / "screenshots-data", help="demo store")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img", help="where the PNG files go")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="Chromium binary")
    args = parser.parse_args()
    data = demo_store(args.data)
    for path in [*report_screenshot(data, args.out, args.chromium), *ui_screenshots(data, args.out, args.chromium)]:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":
    main()
