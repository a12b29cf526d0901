"""The track layer end to end: clean positions, port calls and voyages.

:func:`build_tracks` is pure: tables in, a :class:`TrackResult` out. :func:`run_tracks` is the
driver over a store: it reads the positions and static reports in vessel buckets (``hash(mmsi) %
n``, one lazy Polars scan of the store's committed Parquet files per bucket, reading only the
columns used), runs :func:`build_tracks` on each bucket and releases it, so memory follows the
largest bucket, not the store.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from shadowtrace.errors import InputError
from shadowtrace.geo.ports import Gazetteer
from shadowtrace.models.events import Event
from shadowtrace.models.stored import TABLES
from shadowtrace.store.store import Store
from shadowtrace.tracks.clean import clean_positions
from shadowtrace.tracks.params import TrackParams
from shadowtrace.tracks.port_calls import detect_port_calls, port_call_events
from shadowtrace.tracks.port_index import PortPoints
from shadowtrace.tracks.voyages import build_voyages, with_identity

#: columns :func:`run_tracks` reads from the store
POSITION_COLUMNS = ("source_id", "line", "ts", "msg_type", "mmsi", "lat", "lon", "sog_kn", "cog_deg", "nav_status")
STATIC_COLUMNS = ("source_id", "line", "ts", "mmsi", "imo", "shipname", "destination")

#: positions per bucket when :func:`run_tracks` chooses the number of buckets (about 1.5 GiB at peak)
ROWS_PER_BUCKET = 2_000_000


@dataclass(frozen=True)
class TrackResult:
    """What the track layer found.

    ``positions``: the clean fixes with their ``segment`` (empty when the driver was asked not to
    keep them); ``jumps``: POSITION_JUMP events; ``port_calls``: PORT_CALL events, in the order
    of ``calls`` (the calls table, see :mod:`shadowtrace.tracks.port_calls`, with each call's
    ``event_id``); ``voyages``: see :mod:`shadowtrace.tracks.voyages`; ``counts``: rows read and
    removed by each cleaning step, summed over buckets.
    """

    positions: pl.DataFrame
    jumps: list[Event]
    port_calls: list[Event]
    calls: pl.DataFrame
    voyages: pl.DataFrame
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def events(self) -> list[Event]:
        """Every event: jumps, then port calls."""
        return [*self.jumps, *self.port_calls]

    @classmethod
    def concat(cls, parts: Sequence[TrackResult]) -> TrackResult:
        """The results of disjoint sets of vessels, as one."""
        if not parts:
            raise InputError("no track results to combine")
        counts: dict[str, int] = {}
        for p in parts:
            for k, v in p.counts.items():
                counts[k] = counts.get(k, 0) + v
        return cls(
            positions=_concat([p.positions for p in parts]),
            jumps=[e for p in parts for e in p.jumps],
            port_calls=[e for p in parts for e in p.port_calls],
            calls=_concat([p.calls for p in parts]),
            voyages=_concat([p.voyages for p in parts]),
            counts=counts,
        )


def _concat(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """Frames stacked, skipping empty ones whose types may be vaguer."""
    full = [f for f in frames if f.height]
    return pl.concat(full, how="vertical_relaxed") if full else frames[0]


def build_tracks(
    positions: pl.DataFrame,
    statics: pl.DataFrame,
    gazetteer: Gazetteer | PortPoints,
    params: TrackParams | None = None,
) -> TrackResult:
    """Clean tracks, POSITION_JUMP and PORT_CALL events, and voyages, from positions and static reports.

    ``positions`` needs the columns of :data:`shadowtrace.tracks.clean.REQUIRED` (a POSITIONS
    table has them); ``statics`` those of a STATICS table used here (:data:`STATIC_COLUMNS`).
    ``gazetteer``: the ports to look for (those near the tracks are taken), or a fixed set of
    port points.
    """
    params = params or TrackParams()
    clean = clean_positions(positions, params.clean)
    if isinstance(gazetteer, Gazetteer):
        lat, lon = clean.positions["lat"].to_numpy(), clean.positions["lon"].to_numpy()
        points = PortPoints.near(gazetteer, lat, lon, params.port_calls.exit_radius_km)
    else:
        points = gazetteer
    calls = detect_port_calls(clean.positions, points, params.port_calls)
    calls = with_identity(calls, statics, "arrival")
    events = port_call_events(calls, params.port_calls)
    calls = calls.with_columns(event_id=pl.Series([e.event_id for e in events], dtype=pl.String))
    voyages = build_voyages(calls, statics)
    return TrackResult(clean.positions, clean.events, events, calls, voyages, clean.counts)


def bucket_count(store: Store, buckets: int | None = None) -> int:
    """``buckets`` checked, or by default one bucket per :data:`ROWS_PER_BUCKET` positions of the store."""
    if buckets is None:
        files = store.files("positions")
        rows = pl.scan_parquet(files, hive_partitioning=False).select(pl.len()).collect().item() if files else 0
        return max(1, math.ceil(rows / ROWS_PER_BUCKET))
    if isinstance(buckets, bool) or not isinstance(buckets, int) or buckets < 1:
        raise InputError(f"buckets = {buckets!r}: give a whole number of vessel buckets, 1 or more")
    return buckets


def iter_track_buckets(
    store: Store, gazetteer: Gazetteer | PortPoints, params: TrackParams | None = None, buckets: int | None = None
) -> Iterator[TrackResult]:
    """:func:`build_tracks` over the store, one bucket of vessels at a time (see :func:`bucket_count`)."""
    n = bucket_count(store, buckets)
    positions, statics = store.files("positions"), store.files("statics")
    for b in range(n):
        yield build_tracks(
            read_bucket(positions, "positions", POSITION_COLUMNS, n, b),
            read_bucket(statics, "statics", STATIC_COLUMNS, n, b),
            gazetteer,
            params,
        )


def read_bucket(files: Sequence[Path], table: str, columns: Sequence[str], n: int, b: int) -> pl.DataFrame:
    """Bucket ``b`` of ``n`` of a table's committed files: the rows whose ``hash(mmsi) % n`` is ``b``.

    One scan of the Parquet files per bucket, keeping only ``columns`` and the bucket's rows
    (Polars' hash of the MMSI: stable within a process, which is all a run needs).
    """
    if not files:
        empty = pl.from_arrow(TABLES[table].schema.empty_table())
        assert isinstance(empty, pl.DataFrame)
        return empty.select(columns)
    scan = pl.scan_parquet(list(files), hive_partitioning=False).select(columns)
    return scan.filter(pl.col("mmsi").hash(seed=0) % n == b).collect()


def run_tracks(
    store: Store,
    gazetteer: Gazetteer | PortPoints,
    params: TrackParams | None = None,
    buckets: int | None = None,
    *,
    keep_positions: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> TrackResult:
    """:func:`build_tracks` over every vessel of a store, in buckets of vessels (see :func:`bucket_count`).

    Each bucket is read, processed and released before the next; memory follows the largest
    bucket. The clean positions are returned only with ``keep_positions`` (they are as large as
    the input); ``progress(done, total)`` is called after each bucket.
    """
    n = bucket_count(store, buckets)
    parts: list[TrackResult] = []
    for k, part in enumerate(iter_track_buckets(store, gazetteer, params, n)):
        parts.append(part if keep_positions else replace(part, positions=part.positions.clear()))
        if progress:
            progress(k + 1, n)
    return TrackResult.concat(parts)
