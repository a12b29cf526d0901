"""Time the fleet simulator: ``shadowtrace simulate`` at a given size.

    python benchmarks/simulate.py                  # 5000 vessels x 30 days (about 15M positions)
    python benchmarks/simulate.py --quick          # 500 vessels x 7 days
    python benchmarks/simulate.py --vessels 2000 --days 10 --csv

Prints positions/s, total NMEA lines and the wall time; the output goes to a temporary
folder that is removed afterwards (``--keep DIR`` keeps it).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from shadowtrace.sim.run import simulate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vessels", type=int, default=5000)
    ap.add_argument("--days", type=float, default=30.0)
    ap.add_argument("--scenario", default="sea-of-japan")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--csv", action="store_true", help="also write the DMA CSV")
    ap.add_argument("--quick", action="store_true", help="500 vessels x 7 days")
    ap.add_argument("--keep", type=Path, help="write here and keep the output")
    args = ap.parse_args()
    if args.quick:
        args.vessels, args.days = 500, 7.0
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp) / "out"
        t0 = time.perf_counter()
        s = simulate(
            args.scenario,
            out,
            vessels=args.vessels,
            days=args.days,
            seed=args.seed,
            csv=args.csv,
            force=True,
            progress=lambda m: print(m, file=sys.stderr),
        )
        wall = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"scenario {s.scenario}: {s.vessels} vessels x {s.days:g} days, seed {s.seed}")
    print(f"positions {s.positions:,}  statics {s.statics:,}  NMEA lines {s.lines:,}  output {size / 2**20:,.0f} MiB")
    print(
        f"wall {wall:.1f} s  positions/s {s.positions / wall:,.0f}  lines/s {s.lines / wall:,.0f}  "
        f"peak RSS {rss:,.0f} MiB"
    )


if __name__ == "__main__":
    main()
