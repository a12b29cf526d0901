"""The data directory: Hive-partitioned Parquet tables plus the catalog.

Layout::

    DATA/catalog.sqlite               sources, files, transactions
    DATA/.writer.lock                 held by the one writer
    DATA/tables/<table>/date=YYYY-MM-DD/part-<txn>-<source>-<n>.parquet
    DATA/staging/<txn>/...            files of a transaction not yet committed

One writer at a time (an exclusive lock); any number of readers, which see only
files of committed transactions. A transaction stages its files, moves them
into ``tables/`` and lists them in the catalog in one SQLite commit; an
interrupted one leaves files that no reader sees and the next writer deletes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from shadowtrace.errors import StoreError
from shadowtrace.ingest.stats import IngestStats
from shadowtrace.models.stored import TABLES
from shadowtrace.store import catalog

DEFAULT_DATA_DIR = "shadowtrace-data"
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
CATALOG = "catalog.sqlite"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass
class Store:
    """A data directory. Opening never writes; ``transaction()`` is the one way to."""

    root: Path

    def __post_init__(self) -> None:
        self.root = Path(self.root).absolute()

    @property
    def catalog_path(self) -> Path:
        return self.root / CATALOG

    def exists(self) -> bool:
        return self.catalog_path.is_file()

    def reader(self) -> sqlite3.Connection:
        if not self.exists():
            raise StoreError(
                f"{self.root} is not a shadowtrace data directory (no {CATALOG}); "
                "ingest something first or pass --data DIR"
            )
        return catalog.connect(self.catalog_path, readonly=True)

    def files(self, table: str) -> list[Path]:
        """Committed Parquet files of a table, as absolute paths."""
        if table not in TABLES:
            raise StoreError(f"unknown table {table!r}; tables are {', '.join(TABLES)}")
        with contextlib.closing(self.reader()) as con:
            return [self.root / p for p in catalog.committed_files(con, table)]

    def sources(self) -> list[catalog.SourceRecord]:
        with contextlib.closing(self.reader()) as con:
            return catalog.list_sources(con)

    @contextlib.contextmanager
    def transaction(self, command: str) -> Iterator[Transaction]:
        """Stage writes; commit them all on success, none on any exception."""
        self.root.mkdir(parents=True, exist_ok=True)
        with _writer_lock(self.root):
            con = catalog.connect(self.catalog_path, readonly=False)
            try:
                _recover(self.root, con)
                cur = con.execute(
                    "INSERT INTO txns (started_at, command) VALUES (?, ?)", (_now(), command)
                )
                txn = Transaction(self, con, int(cur.lastrowid or 0))
                try:
                    yield txn
                    txn.commit()
                finally:
                    txn.close()
            finally:
                con.close()


@contextlib.contextmanager
def _writer_lock(root: Path) -> Iterator[None]:
    fh: IO[str] = open(root / ".writer.lock", "a+")  # noqa: SIM115 - held for the block
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(
                f"another shadowtrace process is writing to {root}; wait for it to finish"
            ) from None
        yield
    finally:
        fh.close()


def _recover(root: Path, con: sqlite3.Connection) -> None:
    """Delete what interrupted transactions left behind: staging and unlisted files."""
    shutil.rmtree(root / "staging", ignore_errors=True)
    listed = {r["path"] for r in con.execute("SELECT path FROM files")}
    tables = root / "tables"
    if tables.is_dir():
        for path in tables.rglob("*.parquet"):
            if path.relative_to(root).as_posix() not in listed:
                path.unlink()
    con.execute("DELETE FROM txns WHERE committed_at IS NULL")


@dataclass
class _Partition:
    writer: pq.ParquetWriter
    staged: Path
    final: str
    rows: int = 0


@dataclass
class Transaction:
    """Writes of one command. Nothing is visible to readers before ``commit``."""

    store: Store
    con: sqlite3.Connection
    txn: int
    _parts: dict[tuple[str, str, int], _Partition] = field(default_factory=dict)
    _files: int = 0
    _replaced: set[str] = field(default_factory=set)
    _sources: list[tuple[int, str, str, int, IngestStats]] = field(default_factory=list)
    _next_source: int = 0

    @property
    def staging(self) -> Path:
        return self.store.root / "staging" / str(self.txn)

    def known_source(self, sha256: str) -> int | None:
        """The id of a committed or staged source with these bytes, if any."""
        for source_id, sha, *_ in self._sources:
            if sha == sha256:
                return source_id
        return catalog.source_by_sha(self.con, sha256)

    def new_source_id(self) -> int:
        if not self._next_source:
            self._next_source = catalog.next_source_id(self.con)
        sid = self._next_source
        self._next_source += 1
        return sid

    def add_source(self, source_id: int, sha256: str, path: str, size_bytes: int, stats: IngestStats) -> None:
        self._sources.append((source_id, sha256, path, size_bytes, stats))

    def write(self, table: str, source_id: int, data: pa.Table) -> None:
        """Append rows of one source (0: derived rows) to a table, split into its partitions.

        For a ``replaced`` table (events), the first write of the transaction also
        marks every committed file of the table for removal at commit.
        """
        spec = TABLES[table]
        if spec.replaced:
            self.replace(table)
        if data.num_rows == 0:
            return
        schema = spec.schema
        if not data.schema.equals(schema):
            data = data.select(schema.names).cast(schema)
        for day, part in _partitions(spec.partition, data):
            target = self._partition(table, day, source_id, schema)
            target.writer.write_table(part, row_group_size=1 << 20)
            target.rows += part.num_rows

    def replace(self, table: str) -> None:
        """At commit, the table's committed files give way to this transaction's."""
        self._replaced.add(table)

    def discard_source(self, source_id: int) -> None:
        """Drop everything staged for one source (it turned out to be a duplicate)."""
        for key in [k for k in self._parts if k[2] == source_id]:
            part = self._parts.pop(key)
            part.writer.close()
            part.staged.unlink(missing_ok=True)

    def _partition(self, table: str, day: str, source_id: int, schema: pa.Schema) -> _Partition:
        key = (table, day, source_id)
        if key not in self._parts:
            self._files += 1
            folder = f"tables/{table}/date={day}" if day else f"tables/{table}"
            rel = f"{folder}/part-{self.txn}-{source_id}-{self._files}.parquet"
            staged = self.staging / rel
            staged.parent.mkdir(parents=True, exist_ok=True)
            writer = pq.ParquetWriter(staged, schema, compression="zstd")
            self._parts[key] = _Partition(writer, staged, rel)
        return self._parts[key]

    def commit(self) -> None:
        for part in self._parts.values():
            part.writer.close()
            _fsync(part.staged)
        for part in self._parts.values():
            final = self.store.root / part.final
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(part.staged, final)
        now = _now()
        self.con.execute("BEGIN IMMEDIATE")
        try:
            old: list[str] = []
            for table in sorted(self._replaced):
                old += catalog.committed_files(self.con, table)
                self.con.execute("DELETE FROM files WHERE table_name = ?", (table,))
            for part in self._parts.values():
                table = part.final.split("/")[1]
                self.con.execute(
                    "INSERT INTO files (table_name, path, txn, rows) VALUES (?, ?, ?, ?)",
                    (table, part.final, self.txn, part.rows),
                )
            for source_id, sha, path, size, stats in self._sources:
                self.con.execute(
                    "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        source_id, sha, path, stats.format, size, now, self.txn,
                        stats.lines_read, stats.lines_decoded, stats.lines_rejected,
                        stats.lines_ignored, stats.untimed_rows, json.dumps(stats.as_dict()),
                    ),
                )
            self.con.execute("UPDATE txns SET committed_at = ? WHERE txn = ?", (now, self.txn))
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self._parts.clear()
        for rel in old:  # no longer listed: unseen by readers; removed now or by the next writer
            (self.store.root / rel).unlink(missing_ok=True)

    def close(self) -> None:
        """Release writers and staged files; uncommitted work is discarded."""
        for part in self._parts.values():
            with contextlib.suppress(Exception):
                part.writer.close()
        self._parts.clear()
        shutil.rmtree(self.staging, ignore_errors=True)


def _partitions(rule: str, data: pa.Table) -> Iterator[tuple[str, pa.Table]]:
    """(partition value, rows) pairs by a table's partition rule (see TableSpec)."""
    if not rule:
        yield "", data
        return
    if rule == "ingest_day":
        yield dt.datetime.now(dt.UTC).date().isoformat(), data
        return
    column = rule.removeprefix("day:")
    days = pc.fill_null(pc.strftime(data.column(column), format="%Y-%m-%d"), NULL_PARTITION)
    unique = pc.unique(days).to_pylist()
    if len(unique) == 1:
        yield unique[0], data
        return
    for day in sorted(unique):
        yield day, data.filter(pc.equal(days, day))


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
