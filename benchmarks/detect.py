"""Track-layer speed and memory: run_tracks on a simulated fleet, and against MovingPandas.

    python benchmarks/detect.py                  # 5000 vessels x 30 days (about 14M positions)
    python benchmarks/detect.py --quick          # 300 vessels x 5 days: a smoke run
    python benchmarks/detect.py --slice 400      # MovingPandas and shadowtrace on 400 vessels
    python benchmarks/detect.py --peers none     # shadowtrace alone

The corpus is made by shadowtrace itself (``shadowtrace simulate``, the sea-of-japan scenario)
and ingested into a store; both are cached in benchmarks/.corpus/ (git-ignored) and rebuilt with
``--rebuild``. Three measurements, each in its own subprocess (so each peak RSS is its own):

1. ``run_tracks`` over the whole store, as a user runs it: vessel buckets read with DuckDB,
   cleaning, POSITION_JUMP, port calls (PORT_CALL events), voyages with their AIS destinations.
   Timed from a cold start of the library (the land mask and the port berths are loaded
   on the way, about 4 s) and again warm, in the same process.
2. ``build_tracks`` on a slice: the first ``--slice`` vessels (by MMSI), their positions and static
   reports in memory before the clock starts, the gazetteer warm.
3. MovingPandas' ``TrajectoryStopDetector`` on the same slice: a GeoDataFrame and a
   TrajectoryCollection made from the same positions, then ``get_stop_time_ranges`` (stops of at
   least 1 h within 1 km). It finds stops only: no cleaning, ports, voyages or evidence.

The ratio is MovingPandas' time over build_tracks' time on the same slice.
This is not a test: pytest never collects it (benchmarks/ is outside testpaths).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
CORPUS_DIR = HERE / ".corpus"
VESSEL_TYPES = (1, 2, 3, 18, 19, 27)  # as CleanParams.vessel_msg_types, without CSV rows
MP_DIAMETER_M, MP_DURATION_H = 1000.0, 1.0


# --------------------------------------------------------------------------- corpus


def corpus_dir(vessels: int, days: float, seed: int) -> Path:
    return CORPUS_DIR / f"tracks-{vessels}x{days:g}-s{seed}"


def build_corpus(vessels: int, days: float, seed: int, out: Path) -> None:
    """Simulate the fleet and ingest it (AIS and declarations) into ``out/data``; mark it ready."""
    from shadowtrace.pipeline.ingest import ingest
    from shadowtrace.sim.run import simulate
    from shadowtrace.store.store import Store

    if (out / "data").exists():
        import shutil

        shutil.rmtree(out / "data")
    simulate("sea-of-japan", out / "sim", vessels=vessels, days=days, seed=seed, force=True)
    ingest(Store(out / "data"), [str(out / "sim" / "ais")], declarations=[str(out / "sim" / "declarations.csv")])
    (out / "READY").write_text("simulated and ingested\n")


def ensure_corpus(vessels: int, days: float, seed: int, rebuild: bool) -> Path:
    """The cached corpus, built first (in a subprocess, to keep this process small) if missing."""
    out = corpus_dir(vessels, days, seed)
    if rebuild or not (out / "READY").exists():
        out.mkdir(parents=True, exist_ok=True)
        print(f"building the corpus in {out} (simulate, then ingest)...", flush=True)
        args = ["--build", str(vessels), str(days), str(seed), str(out)]
        subprocess.run([sys.executable, str(Path(__file__).resolve()), *args], env=_child_env(), check=True)
    return out


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH", "")) if p)
    return env


# --------------------------------------------------------------------------- children


def _slice(corpus: Path, vessels: int) -> tuple[Any, Any]:
    """Positions and static reports of the first ``vessels`` vessels (by MMSI) of the store."""
    import polars as pl

    from shadowtrace.store.sql import connect
    from shadowtrace.store.store import Store
    from shadowtrace.tracks.pipeline import POSITION_COLUMNS, STATIC_COLUMNS

    con = connect(Store(corpus / "data"))
    types = ", ".join(map(str, VESSEL_TYPES))
    con.execute(
        "CREATE TEMP TABLE picked AS SELECT DISTINCT mmsi FROM positions "
        f"WHERE msg_type IN ({types}) ORDER BY mmsi LIMIT {int(vessels)}"
    )
    where = f"mmsi IN (SELECT mmsi FROM picked) AND msg_type IN ({types})"
    pos = pl.from_arrow(con.sql(f"SELECT {', '.join(POSITION_COLUMNS)} FROM positions WHERE {where}").to_arrow_table())
    sta = con.sql(f"SELECT {', '.join(STATIC_COLUMNS)} FROM statics WHERE mmsi IN (SELECT mmsi FROM picked)")
    statics = pl.from_arrow(sta.to_arrow_table())
    con.close()
    return pos, statics


def child_run_tracks(corpus: Path) -> dict[str, Any]:
    from shadowtrace.geo.ports import Gazetteer
    from shadowtrace.store.store import Store
    from shadowtrace.tracks import run_tracks

    store = Store(corpus / "data")
    t0 = time.perf_counter()
    result = run_tracks(store, Gazetteer.from_searoute())
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    run_tracks(store, Gazetteer.from_searoute())
    warm = time.perf_counter() - t0
    return {
        "positions": result.counts["rows"],
        "kept": result.counts["kept"],
        "calls": result.calls.height,
        "voyages": result.voyages.height,
        "jumps": len(result.jumps),
        "seconds": cold,
        "warm_seconds": warm,
    }


def child_slice_shadowtrace(corpus: Path, vessels: int) -> dict[str, Any]:
    from shadowtrace.geo.ports import Gazetteer
    from shadowtrace.tracks import PortPoints, build_tracks

    pos, statics = _slice(corpus, vessels)
    gazetteer = Gazetteer.from_searoute()
    PortPoints.near(gazetteer, pos["lat"].to_numpy(), pos["lon"].to_numpy(), 4.0)  # warm: land mask, berths
    t0 = time.perf_counter()
    result = build_tracks(pos, statics, gazetteer)
    seconds = time.perf_counter() - t0
    return {"positions": pos.height, "calls": result.calls.height, "seconds": seconds}


def child_slice_movingpandas(corpus: Path, vessels: int) -> dict[str, Any]:
    import datetime as dt
    import warnings

    warnings.simplefilter("ignore")
    import geopandas as gpd
    import movingpandas as mpd

    pos, _ = _slice(corpus, vessels)
    frame = pos.select("mmsi", "ts", "lat", "lon").sort("mmsi", "ts").to_pandas()
    t0 = time.perf_counter()
    frame["ts"] = frame["ts"].dt.tz_localize(None)
    gdf = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326")
    trajectories = mpd.TrajectoryCollection(gdf, traj_id_col="mmsi", t="ts")
    t1 = time.perf_counter()
    detector = mpd.TrajectoryStopDetector(trajectories)
    stops = detector.get_stop_time_ranges(max_diameter=MP_DIAMETER_M, min_duration=dt.timedelta(hours=MP_DURATION_H))
    t2 = time.perf_counter()
    return {"positions": pos.height, "stops": len(stops), "seconds": t2 - t0, "detect_seconds": t2 - t1}


CHILDREN = {
    "run_tracks": lambda corpus, n: child_run_tracks(corpus),
    "shadowtrace": child_slice_shadowtrace,
    "movingpandas": child_slice_movingpandas,
}


def child(name: str, corpus: str, vessels: str) -> None:
    """Run one measurement; print its result as JSON on the last line."""
    try:
        result = CHILDREN[name](Path(corpus), int(vessels))
    except ImportError as exc:
        result = {"error": "not installed", "detail": f"{type(exc).__name__}: {exc}"}
    print(json.dumps(result))


# --------------------------------------------------------------------------- parent


def run(name: str, corpus: Path, vessels: int = 0, timeout_s: float = 3600.0) -> dict[str, Any]:
    """One measurement in a subprocess, with its own peak RSS (MiB); killed after ``timeout_s``."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        argv = [sys.executable, str(Path(__file__).resolve()), "--child", name, str(corpus), str(vessels)]
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=_child_env())
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - t0 > timeout_s:
                proc.kill()
                os.wait4(proc.pid, 0)
                return {"error": f"stopped after {timeout_s:.0f} s"}
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text, errors = out.read().decode(errors="replace").strip(), err.read().decode(errors="replace").strip()
    try:
        result: dict[str, Any] = json.loads(text.splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        result = {
            "error": "failed",
            "detail": " ".join((errors or text or f"exit {proc.returncode}").splitlines()[-1:]),
        }
    result["rss_mib"] = usage.ru_maxrss / 1024.0  # Linux: KiB
    return result


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vessels", type=int, default=5000, help="fleet size (default 5000)")
    ap.add_argument("--days", type=float, default=30.0, help="days simulated (default 30)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--slice", type=int, help="vessels in the slice both tools run on (default 500; quick 60)")
    ap.add_argument("--peers", default="movingpandas", help="'movingpandas' (default) or 'none'")
    ap.add_argument("--timeout", type=float, default=1800.0, help="seconds before a measurement is stopped")
    ap.add_argument("--quick", action="store_true", help="300 vessels x 5 days, a 60-vessel slice")
    ap.add_argument("--rebuild", action="store_true", help="simulate and ingest the corpus again")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    ap.add_argument("--build", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.build:
        build_corpus(int(args.build[0]), float(args.build[1]), int(args.build[2]), Path(args.build[3]))
        return
    if args.child:
        child(*args.child)
        return
    if args.quick:
        args.vessels, args.days = 300, 5.0
    slice_n = args.slice or (60 if args.quick else 500)
    corpus = ensure_corpus(args.vessels, args.days, args.seed, args.rebuild)
    print(f"corpus: {corpus.name} (sea-of-japan, {args.vessels} vessels x {args.days:g} days, seed {args.seed})")
    report_run_tracks(run("run_tracks", corpus, timeout_s=args.timeout))
    ours = run("shadowtrace", corpus, slice_n, args.timeout)
    theirs = run("movingpandas", corpus, slice_n, args.timeout) if args.peers != "none" else None
    report_slice(slice_n, ours, theirs)


def report_run_tracks(r: dict[str, Any]) -> None:
    if "seconds" not in r:
        print(f"run_tracks: {r['error']} {r.get('detail', '')}")
        return
    n = r["positions"]
    print(
        f"run_tracks: {n:,} positions -> {r['calls']:,} port calls, {r['voyages']:,} voyages, "
        f"{r['jumps']:,} position jumps"
    )
    print(
        f"  cold {r['seconds']:.1f} s ({n / r['seconds']:,.0f} positions/s); warm {r['warm_seconds']:.1f} s "
        f"({n / r['warm_seconds']:,.0f} positions/s); peak RSS {r['rss_mib']:,.0f} MiB"
    )


def report_slice(vessels: int, ours: dict[str, Any], theirs: dict[str, Any] | None) -> None:
    print(f"\nthe same slice, {vessels} vessels:")
    print("| tool | positions | seconds | positions/s | peak RSS MiB | found |")
    print("|---|---:|---:|---:|---:|---|")
    for name, r, found in (
        ("shadowtrace build_tracks", ours, f"{ours.get('calls', 0):,} port calls"),
        ("MovingPandas TrajectoryStopDetector", theirs, f"{(theirs or {}).get('stops', 0):,} stops"),
    ):
        if r is None:
            continue
        if "seconds" not in r:
            print(f"| {name} | {r['error']} {r.get('detail', '')} | | | | |")
            continue
        print(
            f"| {name} | {r['positions']:,} | {r['seconds']:.2f} | {r['positions'] / r['seconds']:,.0f} | "
            f"{r['rss_mib']:,.0f} | {found} |"
        )
    if theirs and "seconds" in theirs and "seconds" in ours:
        ratio = theirs["seconds"] / ours["seconds"]
        detect_only = theirs["detect_seconds"] / ours["seconds"]
        print(f"\nshadowtrace is {ratio:,.0f}x faster than MovingPandas ({detect_only:,.0f}x on stop detection alone)")


if __name__ == "__main__":
    main()
