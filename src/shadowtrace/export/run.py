"""``export``: a selection of a store's events and tracks, written in one format to a text stream.

Events first (one table: events are few next to fixes), then the tracks bucket by bucket; every
writer streams, so memory follows one bucket of vessels whatever the size of the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, TextIO

import pyarrow as pa

from shadowtrace.errors import InputError
from shadowtrace.export.csv_rows import CsvWriter
from shadowtrace.export.ftm import FtmWriter
from shadowtrace.export.geojson import GeoJsonWriter
from shadowtrace.export.kml import KmlWriter
from shadowtrace.export.select import Selection, read_events, resolve_vessels
from shadowtrace.export.tracks import DEFAULT_GAP_H, TrackBucket, iter_tracks
from shadowtrace.store.store import Store
from shadowtrace.tracks.pipeline import ROWS_PER_BUCKET

#: format -> what it is (the file suffix is the format's usual one)
FORMATS = {
    "geojson": "GeoJSON FeatureCollection (RFC 7946), for QGIS and web maps",
    "kml": "KML 2.2 with gx:Track, for Google Earth (time slider)",
    "csv": "CSV for spreadsheets, one table: --what events or --what tracks",
    "ftm": "FollowTheMoney entities as JSON lines, for Aleph and other investigation platforms",
}
WHAT = ("all", "events", "tracks")


class Writer(Protocol):
    def start(self) -> None: ...
    def events(self, table: pa.Table) -> None: ...
    def tracks(self, bucket: TrackBucket) -> None: ...
    def finish(self) -> None: ...


@dataclass
class ExportCounts:
    events: int = 0
    vessels: int = 0
    segments: int = 0
    positions: int = 0


def check_request(fmt: str, what: str) -> None:
    """Raise InputError for a format or a ``what`` that cannot be written."""
    if fmt not in FORMATS:
        raise InputError(f"format {fmt!r}: give one of {', '.join(FORMATS)}")
    if what not in WHAT:
        raise InputError(f"--what {what!r}: give one of {', '.join(WHAT)}")
    if fmt == "csv" and what == "all":
        raise InputError("a CSV file holds one table: give --what events or --what tracks (one file each)")


def make_writer(fmt: str, out: TextIO, store: Store, *, bom: bool = True) -> Writer:
    if fmt == "csv":
        return CsvWriter(out, bom=bom)
    if fmt == "ftm":
        return FtmWriter(out, store)
    return GeoJsonWriter(out) if fmt == "geojson" else KmlWriter(out)


def export(
    store: Store,
    fmt: str,
    out: TextIO,
    *,
    what: str = "all",
    selection: Selection | None = None,
    gap_h: float = DEFAULT_GAP_H,
    bom: bool = True,
    rows_per_bucket: int = ROWS_PER_BUCKET,
) -> ExportCounts:
    """Write the selection's events and/or tracks to ``out`` in ``fmt`` (see :data:`FORMATS`)."""
    check_request(fmt, what)
    if not gap_h > 0:
        raise InputError(f"--gap-h {gap_h!r}: give a silence in hours above 0")
    selection = selection or Selection()
    vessels = resolve_vessels(store, selection)
    counts = ExportCounts()
    writer = make_writer(fmt, out, store, bom=bom)
    writer.start()
    if what in ("all", "events"):
        table = read_events(store, selection)
        writer.events(table)
        counts.events = table.num_rows
    if what in ("all", "tracks"):
        for bucket in iter_tracks(store, selection, vessels, gap_h=gap_h, rows_per_bucket=rows_per_bucket):
            writer.tracks(bucket)
            counts.vessels += bucket.vessels.height
            counts.positions += bucket.fixes.height
            counts.segments += bucket.fixes.select("mmsi", "segment").n_unique()
    writer.finish()
    return counts
