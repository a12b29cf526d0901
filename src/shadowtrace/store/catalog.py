"""The embedded catalog: which sources were ingested and which files hold their rows.

A SQLite file inside the data directory. It is the single source of truth for
readers: a Parquet file that is not listed here does not exist for them. That
is what makes a write atomic: files are staged, moved into place, and become
visible in one SQLite transaction.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS txns (
    txn INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    committed_at TEXT,
    command TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sources (
    source_id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL,
    format TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    ingested_at TEXT NOT NULL,
    txn INTEGER NOT NULL REFERENCES txns(txn),
    lines_read INTEGER NOT NULL,
    lines_decoded INTEGER NOT NULL,
    lines_rejected INTEGER NOT NULL,
    lines_ignored INTEGER NOT NULL,
    untimed_rows INTEGER NOT NULL,
    stats TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS files (
    table_name TEXT NOT NULL,
    path TEXT NOT NULL PRIMARY KEY,
    txn INTEGER NOT NULL REFERENCES txns(txn),
    rows INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

FORMAT_VERSION = "1"


@dataclass(frozen=True)
class SourceRecord:
    """One ingested source, as the catalog lists it."""

    source_id: int
    sha256: str
    path: str
    format: str
    size_bytes: int
    ingested_at: str
    stats: dict[str, Any]


def connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
    """Open the catalog; read-only connections cannot change it."""
    if readonly:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, isolation_level=None)
    else:
        con = sqlite3.connect(path, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")
        con.executescript(SCHEMA)
        con.execute("INSERT OR IGNORE INTO meta VALUES ('format_version', ?)", (FORMAT_VERSION,))
    con.row_factory = sqlite3.Row
    return con


def committed_files(con: sqlite3.Connection, table: str) -> list[str]:
    rows = con.execute(
        "SELECT f.path FROM files f JOIN txns t USING (txn) "
        "WHERE f.table_name = ? AND t.committed_at IS NOT NULL ORDER BY f.path",
        (table,),
    )
    return [r["path"] for r in rows]


def last_committed(con: sqlite3.Connection, command: str) -> str | None:
    """When a transaction of ``command`` (e.g. ``detect``) last committed, or None if never."""
    row = con.execute("SELECT max(committed_at) AS at FROM txns WHERE command = ?", (command,)).fetchone()
    return None if row is None or row["at"] is None else str(row["at"])


def source_by_sha(con: sqlite3.Connection, sha256: str) -> int | None:
    row = con.execute("SELECT source_id FROM sources WHERE sha256 = ?", (sha256,)).fetchone()
    return None if row is None else int(row["source_id"])


def next_source_id(con: sqlite3.Connection) -> int:
    row = con.execute("SELECT COALESCE(MAX(source_id), 0) + 1 AS n FROM sources").fetchone()
    return int(row["n"])


def list_sources(con: sqlite3.Connection) -> list[SourceRecord]:
    rows = con.execute(
        "SELECT s.* FROM sources s JOIN txns t USING (txn) WHERE t.committed_at IS NOT NULL "
        "ORDER BY s.source_id"
    )
    return [
        SourceRecord(
            source_id=r["source_id"],
            sha256=r["sha256"],
            path=r["path"],
            format=r["format"],
            size_bytes=r["size_bytes"],
            ingested_at=r["ingested_at"],
            stats=json.loads(r["stats"]),
        )
        for r in rows
    ]
