"""Vessel tracks for export: the clean fixes of a selection, cut into segments, read in buckets.

The fixes are the track layer's clean positions (:func:`shadowtrace.tracks.clean.clean_positions`):
vessel reports only, duplicates dropped, position jumps set aside, so a spoofed fix never draws
a line across the sea. A segment ends at every silence of ``gap_h`` or more (default: the
``report_gap_h`` of the AIS_GAP detector, 6 h), so no line is drawn across a silence the
detectors report either: where a vessel went while dark is an event's question, not a track's.

Memory: the store is read in buckets of whole vessels, ranges of MMSIs of about
``rows_per_bucket`` positions, with one lazy scan of the committed Parquet files per bucket. Ranges
(not hashes) keep the output in MMSI order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from shadowtrace.detectors.gaps import GapParams
from shadowtrace.export.select import Selection, Vessels, position_files
from shadowtrace.export.vessels import identities
from shadowtrace.store.store import Store
from shadowtrace.tracks.clean import clean_positions
from shadowtrace.tracks.params import CleanParams
from shadowtrace.tracks.pipeline import POSITION_COLUMNS, ROWS_PER_BUCKET

#: a silence this long ends a track segment (h): the AIS_GAP detector's report threshold
DEFAULT_GAP_H = GapParams().report_gap_h

#: columns of the fixes of a :class:`TrackBucket`, in this order
FIX_COLUMNS = (
    "mmsi", "imo", "vessel_name", "callsign", "segment", "track", "ts", "lat", "lon", "sog_kn", "cog_deg",
    "source_id", "line",
)


@dataclass(frozen=True)
class TrackBucket:
    """The clean fixes of some vessels, sorted by ``mmsi``, ``segment``, ``ts`` (:data:`FIX_COLUMNS`),
    with each vessel's latest identity on every fix, and the identities of the vessels with fixes
    (:func:`shadowtrace.export.vessels.identities`; null where a vessel sent no static report)."""

    fixes: pl.DataFrame
    vessels: pl.DataFrame

    def segments(self) -> pl.DataFrame:
        """One row per segment: ``mmsi``, ``segment``, ``first`` and ``n`` (its rows in ``fixes``),
        identity, ``track``, ``start``, ``end``."""
        return (
            self.fixes.with_row_index("_row")
            .group_by("mmsi", "segment", maintain_order=True)
            .agg(
                first=pl.col("_row").first(), n=pl.len(),
                imo=pl.col("imo").first(), vessel_name=pl.col("vessel_name").first(),
                callsign=pl.col("callsign").first(), track=pl.col("track").first(),
                start=pl.col("ts").first(), end=pl.col("ts").last(),
            )
        )


def iter_tracks(
    store: Store,
    selection: Selection,
    vessels: Vessels,
    *,
    gap_h: float = DEFAULT_GAP_H,
    rows_per_bucket: int = ROWS_PER_BUCKET,
) -> Iterator[TrackBucket]:
    """The tracks of a selection, one bucket of whole vessels at a time (see the module docstring)."""
    files = position_files(store, selection)
    if not files or vessels.mmsis == frozenset():
        return
    keep = vessels.predicate()
    if selection.since:
        keep = keep & (pl.col("ts") >= selection.since)
    if selection.until:
        keep = keep & (pl.col("ts") < selection.until)
    scan = pl.scan_parquet(files, hive_partitioning=False).select(POSITION_COLUMNS).filter(keep)
    counts = scan.group_by("mmsi").agg(n=pl.len()).sort("mmsi").collect()
    params = CleanParams(max_gap_h=gap_h)
    for lo, hi in mmsi_ranges(counts["mmsi"].to_numpy(), counts["n"].to_numpy(), rows_per_bucket):
        in_range = pl.col("mmsi").is_between(lo, hi)
        raw = scan.filter(in_range).collect()
        clean = clean_positions(raw, params).positions.sort("mmsi", "segment", "ts", maintain_order=True)
        seen = clean.select(pl.col("mmsi").unique(maintain_order=True))
        ids = identities(store, in_range & vessels.predicate())
        known = seen.join(ids, on="mmsi", how="left", maintain_order="left")
        latest = known.select("mmsi", "imo", "vessel_name", "callsign")
        fixes = clean.join(latest, on="mmsi", how="left", maintain_order="left").select(FIX_COLUMNS)
        yield TrackBucket(fixes, known)


def mmsi_ranges(
    mmsis: npt.NDArray[np.int64], rows: npt.NDArray[np.int64], rows_per_bucket: int
) -> list[tuple[int, int]]:
    """Inclusive ranges of sorted ``mmsis`` holding about ``rows_per_bucket`` rows each (``rows`` per
    MMSI); a vessel with more rows than that gets a range of its own."""
    out: list[tuple[int, int]] = []
    start, total = 0, 0
    for i, n in enumerate(rows.tolist()):
        if total and total + n > rows_per_bucket:
            out.append((int(mmsis[start]), int(mmsis[i - 1])))
            start, total = i, 0
        total += n
    if len(mmsis):
        out.append((int(mmsis[start]), int(mmsis[-1])))
    return out
