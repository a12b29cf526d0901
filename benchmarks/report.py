"""What an evidence report costs: time and size of ``shadowtrace report`` for one vessel of about
50,000 positions, and for ``--top 10`` on the demo store.

    python benchmarks/report.py [--data DIR]

Builds (once, in DIR) the store of ``shadowtrace demo`` plus one synthetic tanker reporting every
14 s for 10 days (about 50,000 positions, two silences of 20 h), runs detect, then times each
report in a fresh process (so the land mask is read each time, as a user's run does). No peers:
nothing else writes this report; the figures go in docs/reports.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from shadowtrace.sim.encode import AisEncoder

ROOT = Path(__file__).resolve().parent.parent
BIG_MMSI = 273111222
BIG_IMO = 9074729


def write_big_vessel(path: Path) -> int:
    """One tanker back and forth across the Sea of Japan, a fix every 14 s for 10 days but two 20 h silences."""
    start = int(dt.datetime(2017, 10, 1, tzinfo=dt.UTC).timestamp() * 1000)
    t = np.arange(0, 10 * 86400, 14, dtype=np.int64)
    t = t[~(((t > 2 * 86400) & (t < 2 * 86400 + 72000)) | ((t > 6 * 86400) & (t < 6 * 86400 + 72000)))]
    phase = (t / (2.5 * 86400)) * np.pi
    lat = 39.0 + 2.5 * np.sin(phase)
    lon = 131.5 + 1.0 * np.cos(phase * 0.5)
    enc = AisEncoder()
    fixes = enc.columns(1, {"mmsi": BIG_MMSI, "lat": lat, "lon": lon, "sog_kn": 11.5, "cog_deg": 180.0},
                        ts=start + t * 1000, station="BENCH")
    st = t[:: 360 // 14]
    statics = enc.columns(5, {"mmsi": BIG_MMSI, "imo": BIG_IMO, "shipname": "BENCH TANKER", "callsign": "UBEN",
                              "destination": "BUSAN", "ship_type": 80, "draught_m": 9.5},
                          ts=start + st * 1000, station="BENCH")
    from shadowtrace.sim.encode import merge

    path.write_bytes(merge([fixes, statics]))
    return int(t.size)


def shadowtrace(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "shadowtrace", "--data", str(data), *args], check=True,
                          capture_output=True, text=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "build" / "report-bench-data")
    args = parser.parse_args()
    data: Path = args.data
    if not (data / "catalog.sqlite").is_file():
        shadowtrace(data, "demo")
        fixes = write_big_vessel(data / "big-vessel.nmea")
        shadowtrace(data, "ingest", str(data / "big-vessel.nmea"))
        shadowtrace(data, "detect")
        print(f"store built: demo + one vessel of {fixes:,} positions")
    for label, selector in (("one vessel, ~50k positions", ["--vessel", str(BIG_IMO)]),
                            ("--top 10 (demo store)", ["--top", "10"])):
        out = data / "bench-report.html"
        started = time.perf_counter()
        shadowtrace(data, "report", *selector, "--out", str(out), "--force")
        seconds = time.perf_counter() - started
        print(f"{label:30s} {seconds:6.1f} s  {out.stat().st_size / 1e6:5.1f} MB")


if __name__ == "__main__":
    main()
