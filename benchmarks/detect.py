"""Detection speed and memory on a simulated fleet, and against MovingPandas.

    python benchmarks/detect.py                  # 5000 vessels x 30 days (about 14M positions)
    python benchmarks/detect.py --quick          # 300 vessels x 5 days: a smoke run
    python benchmarks/detect.py --slice 400      # MovingPandas and shadowtrace on 400 vessels
    python benchmarks/detect.py --peers none     # shadowtrace alone
    python benchmarks/detect.py --parts detect,scaling   # only these measurements

The corpus is made by shadowtrace itself (``shadowtrace simulate``, the sea-of-japan scenario)
and ingested into a store; both are cached in benchmarks/.corpus/ (git-ignored) and rebuilt with
``--rebuild``. Each measurement runs in its own subprocess (so each peak RSS is its own):

1. ``run_tracks`` over the whole store, as a user runs it: vessel buckets read with DuckDB,
   cleaning, POSITION_JUMP, port calls (PORT_CALL events), voyages with their AIS destinations.
   Timed from a cold start of the library (the land mask and the port berths are loaded
   on the way, about 4 s) and again warm, in the same process.
2. ``build_tracks`` on a slice: the first ``--slice`` vessels (by MMSI), their positions and static
   reports in memory before the clock starts, the gazetteer warm.
3. MovingPandas' ``TrajectoryStopDetector`` on the same slice: a GeoDataFrame and a
   TrajectoryCollection made from the same positions, then ``get_stop_time_ranges`` (stops of at
   least 1 h within 1 km). It finds stops only: no cleaning, ports, voyages or evidence.

4. Gaps on the same slice: shadowtrace's cleaning and ``find_gaps`` (silences of at least 12 h
   with implied speed, reception estimate and nearest port) against MovingPandas'
   ``ObservationGapSplitter`` (``split(gap=12 h)``: the trajectories cut at those silences).
5. ``detect`` over the whole store, as ``shadowtrace detect`` runs it: every detector, with the
   time of each stage; the clock starts once the gazetteer, berths and land mask are loaded (a
   fixed cost of a few seconds per process, printed apart).
6. Scaling: ``detect`` on fleets of 350, 1050 and 3500 vessels over the same 30 days in the same
   sea (about 1M, 3M and 10M positions), seconds per million positions at each size. The fleets
   share one area, so meetings grow denser with size: a quadratic pair search would show here.

The ratios are MovingPandas' time over shadowtrace's on the same slice.
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
GAP_H = 12.0  # the gap detector's default report threshold, and the splitter's gap
SCALING_VESSELS = (350, 1050, 3500)
PARTS = ("tracks", "stops", "gaps", "detect", "scaling")


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


def _mp_trajectories(pos: Any) -> tuple[Any, float]:
    """A MovingPandas TrajectoryCollection of the slice's positions, and the time its building began."""
    import warnings

    warnings.simplefilter("ignore")
    import geopandas as gpd
    import movingpandas as mpd

    frame = pos.select("mmsi", "ts", "lat", "lon").sort("mmsi", "ts").to_pandas()
    t0 = time.perf_counter()
    frame["ts"] = frame["ts"].dt.tz_localize(None)
    gdf = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326")
    return mpd.TrajectoryCollection(gdf, traj_id_col="mmsi", t="ts"), t0


def child_slice_movingpandas(corpus: Path, vessels: int) -> dict[str, Any]:
    import datetime as dt

    import movingpandas as mpd

    pos, _ = _slice(corpus, vessels)
    trajectories, t0 = _mp_trajectories(pos)
    t1 = time.perf_counter()
    detector = mpd.TrajectoryStopDetector(trajectories)
    stops = detector.get_stop_time_ranges(max_diameter=MP_DIAMETER_M, min_duration=dt.timedelta(hours=MP_DURATION_H))
    t2 = time.perf_counter()
    return {"positions": pos.height, "stops": len(stops), "seconds": t2 - t0, "detect_seconds": t2 - t1}


def child_gaps_shadowtrace(corpus: Path, vessels: int) -> dict[str, Any]:
    from shadowtrace.detectors.gaps import GapParams, find_gaps
    from shadowtrace.geo.ports import Gazetteer
    from shadowtrace.tracks.clean import clean_positions
    from shadowtrace.tracks.params import TrackParams

    pos, _ = _slice(corpus, vessels)
    gazetteer = Gazetteer.from_searoute()
    params = GapParams(report_gap_h=GAP_H)
    find_gaps(clean_positions(pos.head(1000), TrackParams().clean).positions, gazetteer, params)  # warm
    t0 = time.perf_counter()
    kept = clean_positions(pos, TrackParams().clean).positions
    gaps = find_gaps(kept, gazetteer, params)
    seconds = time.perf_counter() - t0
    return {"positions": pos.height, "gaps": gaps.height, "seconds": seconds}


def child_gaps_movingpandas(corpus: Path, vessels: int) -> dict[str, Any]:
    import datetime as dt

    import movingpandas as mpd

    pos, _ = _slice(corpus, vessels)
    trajectories, t0 = _mp_trajectories(pos)
    t1 = time.perf_counter()
    parts = mpd.ObservationGapSplitter(trajectories).split(gap=dt.timedelta(hours=GAP_H))
    t2 = time.perf_counter()
    return {
        "positions": pos.height, "gaps": len(parts) - len(trajectories),
        "seconds": t2 - t0, "detect_seconds": t2 - t1,
    }


def child_detect(corpus: Path) -> dict[str, Any]:
    import numpy as np

    from shadowtrace.detectors.run import detect
    from shadowtrace.geo.ports import Gazetteer
    from shadowtrace.store import sql
    from shadowtrace.store.store import Store
    from shadowtrace.tracks import PortPoints

    store = Store(corpus / "data")
    positions = sql.query(store, "SELECT count(*) AS n FROM positions").column("n")[0].as_py()
    t0 = time.perf_counter()
    gazetteer = Gazetteer.from_searoute()
    PortPoints.near(gazetteer, np.array([35.0]), np.array([129.0]), 4.0)  # the land mask and the berths
    start = time.perf_counter() - t0
    stages: list[tuple[str, float]] = []
    t0 = time.perf_counter()
    report = detect(store, gazetteer=gazetteer, progress=lambda message: stages.append((message, time.perf_counter())))
    seconds = time.perf_counter() - t0
    ends = [t for _, t in stages[1:]] + [t0 + seconds] * bool(stages)
    return {
        "positions": positions, "seconds": seconds, "start_seconds": start, "events": dict(report.events_by_kind),
        "stages": [(m.split(" over ")[0], end - start) for (m, start), end in zip(stages, ends, strict=True)],
    }


CHILDREN = {
    "run_tracks": lambda corpus, n: child_run_tracks(corpus),
    "shadowtrace": child_slice_shadowtrace,
    "movingpandas": child_slice_movingpandas,
    "gaps_shadowtrace": child_gaps_shadowtrace,
    "gaps_movingpandas": child_gaps_movingpandas,
    "detect": lambda corpus, n: child_detect(corpus),
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
    ap.add_argument("--parts", default=",".join(PARTS), help=f"measurements to run (default all: {','.join(PARTS)})")
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
    parts = set(args.parts.split(","))
    if parts - set(PARTS):
        ap.error(f"--parts: unknown {sorted(parts - set(PARTS))}; choose from {','.join(PARTS)}")
    slice_n = args.slice or (60 if args.quick else 500)
    peers = args.peers != "none"
    corpus = ensure_corpus(args.vessels, args.days, args.seed, args.rebuild)
    print(f"corpus: {corpus.name} (sea-of-japan, {args.vessels} vessels x {args.days:g} days, seed {args.seed})")
    if "tracks" in parts:
        report_run_tracks(run("run_tracks", corpus, timeout_s=args.timeout))
    if "stops" in parts:
        ours = run("shadowtrace", corpus, slice_n, args.timeout)
        theirs = run("movingpandas", corpus, slice_n, args.timeout) if peers else None
        report_slice(slice_n, ours, theirs)
    if "gaps" in parts:
        ours = run("gaps_shadowtrace", corpus, slice_n, args.timeout)
        theirs = run("gaps_movingpandas", corpus, slice_n, args.timeout) if peers else None
        report_gaps(slice_n, ours, theirs)
    if "detect" in parts:
        report_detect(run("detect", corpus, timeout_s=args.timeout))
    if "scaling" in parts:
        sizes = [max(1, n * args.vessels // 5000) for n in SCALING_VESSELS] if args.quick else SCALING_VESSELS
        scale = [(n, run("detect", ensure_corpus(n, args.days, args.seed, args.rebuild), timeout_s=args.timeout))
                 for n in sizes]
        report_scaling(scale)


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


def report_gaps(vessels: int, ours: dict[str, Any], theirs: dict[str, Any] | None) -> None:
    print(f"\ngaps of at least {GAP_H:g} h, the same slice ({vessels} vessels):")
    print("| tool | positions | seconds | positions/s | peak RSS MiB | gaps |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in (("shadowtrace clean + find_gaps", ours), ("MovingPandas ObservationGapSplitter", theirs)):
        if r is None:
            continue
        if "seconds" not in r:
            print(f"| {name} | {r['error']} {r.get('detail', '')} | | | | |")
            continue
        print(f"| {name} | {r['positions']:,} | {r['seconds']:.2f} | {r['positions'] / r['seconds']:,.0f} | "
              f"{r['rss_mib']:,.0f} | {r['gaps']:,} |")
    if theirs and "seconds" in theirs and "seconds" in ours:
        print(f"\nshadowtrace is {theirs['seconds'] / ours['seconds']:,.0f}x faster than MovingPandas on gaps "
              f"({theirs['detect_seconds'] / ours['seconds']:,.0f}x on the splitting alone)")


def report_detect(r: dict[str, Any]) -> None:
    if "seconds" not in r:
        print(f"\ndetect: {r['error']} {r.get('detail', '')}")
        return
    n = r["positions"]
    print(f"\ndetect, every detector: {n:,} positions in {r['seconds']:.1f} s "
          f"({r['seconds'] / n * 1e6:.2f} s per 1M positions); peak RSS {r['rss_mib']:,.0f} MiB; "
          f"before it, {r['start_seconds']:.1f} s to load the gazetteer, berths and land mask")
    for stage, seconds in r["stages"]:
        print(f"  {seconds:7.1f} s  {stage}")
    print("  events: " + ", ".join(f"{k} {v:,}" for k, v in sorted(r["events"].items())))


def report_scaling(runs: list[tuple[int, dict[str, Any]]]) -> None:
    print("\nscaling, detect on fleets of one sea over the same days:")
    print("| vessels | positions | seconds | s per 1M positions | peak RSS MiB | encounters |")
    print("|---:|---:|---:|---:|---:|---:|")
    for vessels, r in runs:
        if "seconds" not in r:
            print(f"| {vessels:,} | {r['error']} {r.get('detail', '')} | | | | |")
            continue
        n = r["positions"]
        print(f"| {vessels:,} | {n:,} | {r['seconds']:.1f} | {r['seconds'] / n * 1e6:.2f} | {r['rss_mib']:,.0f} | "
              f"{r['events'].get('ENCOUNTER', 0):,} |")


if __name__ == "__main__":
    main()
