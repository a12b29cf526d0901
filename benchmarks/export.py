"""Export speed: positions per second for each format, and the writers against GDAL and Polars.

    python benchmarks/export.py                          # 300 vessels x 5 days, simulated, ingested, detected
    python benchmarks/export.py --data DIR               # an existing store (e.g. benchmarks/.corpus/*/data)
    python benchmarks/export.py --formats geojson,csv --repeat 1

Two measurements per format, best of ``--repeat``, each written to a file in a temporary folder:

1. end to end, as ``shadowtrace export --what tracks`` runs: positions read in vessel buckets,
   cleaned (position jumps set aside), cut into segments, written;
2. the writer alone, on the same clean segments already in memory, against a peer writing the
   same data: GeoJSON and KML with GDAL (pyogrio ``write_dataframe`` of the segments as shapely
   LineStrings with the same properties; GDAL's KML has no gx:Track, so no times per fix), CSV
   with Polars ``write_csv`` (no formula neutralising, ISO times). FtM has no peer.

The ratios are the peer's time over shadowtrace's. This is not a test: pytest never collects it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from shadowtrace.export import Selection, export
from shadowtrace.export.run import make_writer
from shadowtrace.export.select import resolve_vessels
from shadowtrace.export.tracks import TrackBucket, iter_tracks
from shadowtrace.store.store import Store

FORMATS = ("geojson", "kml", "csv", "ftm")


def build_store(root: Path, vessels: int, days: float, seed: int) -> Store:
    from shadowtrace.detectors.run import detect
    from shadowtrace.pipeline.ingest import ingest
    from shadowtrace.sim.run import simulate

    simulate("sea-of-japan", root / "sim", vessels=vessels, days=days, seed=seed, force=True)
    store = Store(root / "data")
    ingest(store, [str(root / "sim" / "ais")], declarations=[str(root / "sim" / "declarations.csv")])
    detect(store)
    return store


def best(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def end_to_end(store: Store, fmt: str, path: Path) -> int:
    with open(path, "w", encoding="utf-8", newline="") as out:
        return export(store, fmt, out, what="tracks").positions


def write_only(store: Store, fmt: str, buckets: list[TrackBucket], path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = make_writer(fmt, out, store)
        writer.start()
        for b in buckets:
            writer.tracks(b)
        writer.finish()


def peer(fmt: str, buckets: list[TrackBucket], path: Path) -> None:
    import polars as pl

    fixes = pl.concat([b.fixes for b in buckets])
    if fmt == "csv":
        fixes.write_csv(path)
        return
    import geopandas as gpd
    import shapely

    segs = pl.concat([b.segments() for b in buckets])
    coords = fixes.select("lon", "lat").to_numpy()
    lines = [shapely.linestrings(coords[a : a + n]) if n > 1 else shapely.points(coords[a])
             for a, n in zip(*_offsets(buckets), strict=True)]
    frame = gpd.GeoDataFrame(segs.drop("first", "n").to_pandas(), geometry=lines, crs=4326)
    frame.to_file(path, driver="GeoJSON" if fmt == "geojson" else "KML", engine="pyogrio")


def _offsets(buckets: list[TrackBucket]) -> tuple[list[int], list[int]]:
    firsts, sizes, base = [], [], 0
    for b in buckets:
        segs = b.segments()
        firsts += [base + f for f in segs["first"].to_list()]
        sizes += segs["n"].to_list()
        base += b.fixes.height
    return firsts, sizes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, help="an existing store (default: simulate one)")
    ap.add_argument("--vessels", type=int, default=300)
    ap.add_argument("--days", type=float, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        if args.data:
            store = Store(args.data)
        else:
            print(f"simulating {args.vessels} vessels x {args.days:g} days, ingesting, detecting...", flush=True)
            store = build_store(tmp_path, args.vessels, args.days, args.seed)
        selection = Selection()
        buckets = list(iter_tracks(store, selection, resolve_vessels(store, selection)))
        positions = sum(b.fixes.height for b in buckets)
        print(f"{positions:,} clean positions, {sum(b.vessels.height for b in buckets):,} vessels")
        print(f"{'format':8} {'end to end':>16} {'writer':>16} {'peer':>16} {'peer/writer':>11} {'MB':>7}")
        for fmt in args.formats.split(","):
            out = tmp_path / f"export.{fmt}"
            e2e = best(args.repeat, lambda fmt=fmt, out=out: end_to_end(store, fmt, out))
            size = out.stat().st_size / 1e6
            w = best(args.repeat, lambda fmt=fmt, out=out: write_only(store, fmt, buckets, out))
            p_text, ratio = "-", "-"
            if fmt != "ftm":
                peer_out = tmp_path / f"peer.{fmt}"
                p = best(args.repeat, lambda fmt=fmt, peer_out=peer_out: peer(fmt, buckets, peer_out))
                p_text, ratio = f"{positions / p:,.0f}/s", f"{p / w:.2f}"
            print(f"{fmt:8} {positions / e2e:>14,.0f}/s {positions / w:>14,.0f}/s {p_text:>16} {ratio:>11} "
                  f"{size:>7.1f}", flush=True)


if __name__ == "__main__":
    main()
