"""Ingest: sources -> decoders -> one store transaction.

The whole run is one transaction: if anything stops it (an error, ``--strict``,
Ctrl-C), the store is left exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pyarrow as pa

from shadowtrace.errors import StrictError
from shadowtrace.ingest.ais.csv_formats import ColumnMapping, detect_csv_format
from shadowtrace.ingest.ais.csv_reader import decode_csv
from shadowtrace.ingest.ais.nmea import decode_nmea
from shadowtrace.ingest.declarations import decode_declarations, is_declarations_header
from shadowtrace.ingest.lines import DEFAULT_CHUNK_BYTES, line_chunks
from shadowtrace.ingest.stats import IngestStats
from shadowtrace.pipeline import sources as src
from shadowtrace.store.store import Store, Transaction

_SNIFF_BYTES = 64 << 10

Progress = Callable[[int], None]


@dataclass
class SourceResult:
    """What one source contributed, or which earlier source it duplicates."""

    name: str
    sha256: str
    source_id: int
    stats: IngestStats
    duplicate: bool = False


@dataclass
class IngestReport:
    results: list[SourceResult] = field(default_factory=list)

    @property
    def ingested(self) -> list[SourceResult]:
        return [r for r in self.results if not r.duplicate]

    @property
    def duplicates(self) -> list[SourceResult]:
        return [r for r in self.results if r.duplicate]

    def total(self) -> IngestStats:
        total = IngestStats(format="+".join(sorted({r.stats.format for r in self.ingested})))
        for r in self.ingested:
            total.merge(r.stats)
        return total


def ingest(
    store: Store,
    paths: list[str],
    *,
    strict: bool = False,
    mapping: ColumnMapping | None = None,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
    progress: Progress | None = None,
    on_source: Callable[[src.Source], None] | None = None,
    declarations: list[str] | None = None,
) -> IngestReport:
    """Decode every source under ``paths`` (and ``declarations``, read as port-clearance
    CSV whatever their header) into the store, all or nothing."""
    report = IngestReport()
    jobs = [(p, False) for p in paths] + [(p, True) for p in declarations or []]
    with store.transaction(f"ingest {' '.join(p for p, _ in jobs)}") as txn:
        for path, as_declarations in jobs:
            for source in src.expand([path]):
                if on_source:
                    on_source(source)
                report.results.append(
                    _ingest_one(txn, source, strict, mapping, chunk_bytes, progress, as_declarations)
                )
    return report


def _ingest_one(
    txn: Transaction,
    source: src.Source,
    strict: bool,
    mapping: ColumnMapping | None,
    chunk_bytes: int,
    progress: Progress | None,
    as_declarations: bool = False,
) -> SourceResult:
    if source.sha256 is not None and (known := txn.known_source(source.sha256)) is not None:
        return SourceResult(source.name, source.sha256, known, IngestStats(), duplicate=True)
    source_id = txn.new_source_id()
    stats = IngestStats()
    with source.open() as raw:
        head = raw.read(_SNIFF_BYTES)
        kind, csv_format = ("declarations", None) if as_declarations else detect_format(head, mapping)
        with src.HashingReader(raw, head) as reader:
            chunks = _counted(line_chunks(reader, chunk_bytes), progress)
            if kind == "nmea":
                decoded = decode_nmea(chunks, source_id, stats)
            elif kind == "declarations":
                decoded = decode_declarations(chunks, source_id, stats)
            else:
                decoded = decode_csv(chunks, source_id, stats, fmt=csv_format, mapping=mapping)
            for tables in decoded:
                _check_strict(source, tables, strict)
                for name, table in tables.items():
                    txn.write(name, source_id, table)
                    stats.rows_by_table[name] += table.num_rows
            sha256 = reader.hexdigest()
    if (known := txn.known_source(sha256)) is not None:
        txn.discard_source(source_id)
        return SourceResult(source.name, sha256, known, IngestStats(), duplicate=True)
    txn.add_source(source_id, sha256, source.name, source.size_bytes or reader.bytes_read, stats)
    return SourceResult(source.name, sha256, source_id, stats)


def _check_strict(source: src.Source, tables: dict[str, pa.Table], strict: bool) -> None:
    rejects = tables.get("rejects")
    if strict and rejects is not None and rejects.num_rows:
        first = rejects.sort_by("line").slice(0, 1).to_pylist()[0]
        raise StrictError(source.name, first["line"], first["cause"])


def detect_format(head: bytes, mapping: ColumnMapping | None) -> tuple[str, str | None]:
    """("declarations", None) or ("csv", format name) for a known CSV header or a user
    mapping, else ("nmea", None)."""
    first = next((ln for ln in head.splitlines() if ln.strip()), b"")
    if is_declarations_header(first):
        return "declarations", None
    if mapping is not None:
        return "csv", None
    csv_format = detect_csv_format(first)
    if csv_format is not None:
        return "csv", csv_format
    # Anything else is read as NMEA: a file of another kind then shows up as rejected
    # lines, counted and kept, rather than being skipped unseen.
    return "nmea", None


def _counted(chunks: Iterator[tuple[bytes, int]], progress: Progress | None) -> Iterator[tuple[bytes, int]]:
    for block, first in chunks:
        yield block, first
        if progress:
            progress(len(block))
