"""What the web app reads from a store: events with filters, counts over time, the risk ranking.

A :class:`Reader` keeps one in-memory DuckDB per committed state of the store (a
:class:`Snapshot`: views over the files the catalog lists) and hands each request its own cursor
(a DuckDB connection is not safe to share between threads; cursors of it are). A commit by
another process (``shadowtrace ingest`` or ``detect``) makes the next request open a new
snapshot, so the app never serves files a writer has since replaced. Nothing here writes, and no
text from a request reaches SQL except as a bound parameter.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import duckdb

from shadowtrace.models.vessels import parse_vessel
from shadowtrace.risk import VesselRisk, score_vessels
from shadowtrace.risk.store import EVENTS_SQL, IDENTITIES_SQL
from shadowtrace.store import sql as store_sql
from shadowtrace.store.event_filter import EventFilter
from shadowtrace.store.store import Store

T = TypeVar("T")

#: columns of an event as the app shows it (the score rounded as it prints: 0.3, not 0.30000001)
EVENT_COLUMNS = (
    'event_id, kind, detector, subject, mmsi, imo, vessel_name, start, "end", lat, lon, severity, '
    "round(CAST(score AS DOUBLE), 6) AS score, reasons, details, params_hash, evidence"
)
ORDER = 'ORDER BY start, kind, event_id'
#: the time bins of the overview chart, by the span of the events
BINS = (("day", 92), ("week", 3 * 366), ("month", math.inf))


@dataclass
class Snapshot:
    """One committed state of the store: a DuckDB over its files, and the risk ranking of it."""

    store: Store
    version: int
    _con: duckdb.DuckDBPyConnection = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _risk_lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _risks: list[VesselRisk] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self._con = store_sql.connect(self.store)

    @contextlib.contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for one request (closed after it)."""
        with self._lock:
            cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def risks(self) -> list[VesselRisk]:
        """Every vessel scored with the default settings (docs/risk.md), strongest first; computed once."""
        with self._risk_lock:
            if self._risks is None:
                with self.cursor() as cur:
                    events = cur.sql(EVENTS_SQL).to_arrow_table()
                    identities = cur.sql(IDENTITIES_SQL).to_arrow_table()
                self._risks = score_vessels(events, identities=identities)
            return self._risks


class Reader:
    """Read-only access to a store for a long-running app (see the module docstring)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None

    def snapshot(self) -> Snapshot:
        """The snapshot of the latest committed state (opened when the store has changed)."""
        version = committed_version(self.store)
        with self._lock:
            if self._snapshot is None or self._snapshot.version != version:
                self._snapshot = Snapshot(self.store, version)
            return self._snapshot

    def read(self, fn: Callable[[Snapshot], T]) -> T:
        """``fn`` on the latest snapshot; once more on a fresh one if a writer removed its files meanwhile."""
        snap = self.snapshot()
        try:
            return fn(snap)
        except duckdb.IOException:
            with self._lock:
                if self._snapshot is snap:
                    self._snapshot = None
            return fn(self.snapshot())


def committed_version(store: Store) -> int:
    """The last committed transaction of the store: it changes whenever readers would see other files."""
    with contextlib.closing(store.reader()) as con:
        row = con.execute("SELECT coalesce(max(txn), 0) AS v FROM txns WHERE committed_at IS NOT NULL").fetchone()
    return int(row["v"])


def list_events(snap: Snapshot, filters: EventFilter, limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
    """(how many events match, one page of them in time order)."""
    where, params = filters.sql()
    with snap.cursor() as cur:
        row = cur.execute(f"SELECT count(*) FROM events WHERE {where}", params).fetchone()
        total = int(row[0]) if row else 0
        rows = _dicts(cur.execute(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE {where} {ORDER} LIMIT ? OFFSET ?", [*params, limit, offset]
        ))
    return total, [event_row(r) for r in rows]


def get_event(snap: Snapshot, event_id: str) -> dict[str, Any] | None:
    """One event by its id, or None."""
    with snap.cursor() as cur:
        rows = _dicts(cur.execute(f"SELECT {EVENT_COLUMNS} FROM events WHERE event_id = ? LIMIT 1", [event_id]))
    return event_row(rows[0]) if rows else None


def vessel_known(snap: Snapshot, vessel: str) -> bool:
    """Whether the store holds any report or event of a vessel (MMSI or IMO): a cheap test before a dossier."""
    column, number = parse_vessel(vessel)
    tables = ("statics", "events") if column == "imo" else ("statics", "positions", "events")
    sql = " UNION ALL ".join(f"(SELECT 1 FROM {t} WHERE {column} = ? LIMIT 1)" for t in tables)
    with snap.cursor() as cur:
        return cur.execute(f"SELECT count(*) FROM ({sql})", [number] * len(tables)).fetchone() != (0,)


def kind_counts(snap: Snapshot) -> dict[str, int]:
    """Events per kind in the store."""
    with snap.cursor() as cur:
        return {str(k): int(n) for k, n in cur.execute("SELECT kind, count(*) FROM events GROUP BY kind").fetchall()}


def events_over_time(snap: Snapshot) -> tuple[str, list[tuple[str, dt.datetime, int]]]:
    """(bin: day, week or month, by the span of the events; rows of kind, bin start, events)."""
    with snap.cursor() as cur:
        span = cur.execute("SELECT min(start), max(start) FROM events").fetchone()
        if not span or span[0] is None:
            return "day", []
        days = (span[1] - span[0]).total_seconds() / 86400
        unit = next(name for name, limit in BINS if days <= limit)
        rows = cur.execute(
            f"SELECT kind, date_trunc('{unit}', start) AS t, count(*) FROM events GROUP BY ALL ORDER BY t, kind"
        ).fetchall()
    return unit, [(str(k), _utc(t), int(n)) for k, t, n in rows]


def vessel_key(mmsi: int | None, imo: int | None) -> str | None:
    """How the app names a vessel in its URLs: the IMO number (7 digits), else the MMSI (9)."""
    if imo is not None and 0 < imo < 10_000_000:
        return f"{imo:07d}"
    if mmsi is not None and 0 < mmsi < 1_000_000_000:
        return f"{mmsi:09d}"
    return None


def risk_key(vessel: str) -> str:
    """The URL name of a risk ranking's vessel (``imo:9301234`` or ``mmsi:273419000``)."""
    kind, _, number = vessel.partition(":")
    return f"{int(number):07d}" if kind == "imo" else f"{int(number):09d}"


def event_row(row: dict[str, Any]) -> dict[str, Any]:
    """An events row for the app: details parsed, times in UTC, no NaN, and the vessel's URL name."""
    out = {k: finite(v) for k, v in row.items()}
    try:
        details = json.loads(row.get("details") or "{}")
    except ValueError:
        details = {"unparsed": row.get("details")}
    out["details"] = finite(details) if isinstance(details, dict) else {"value": finite(details)}
    out["reasons"] = list(row.get("reasons") or [])
    out["evidence"] = list(row.get("evidence") or [])
    for name in ("start", "end"):
        if isinstance(out.get(name), dt.datetime):
            out[name] = _utc(out[name])
    out["vessel"] = vessel_key(row.get("mmsi"), row.get("imo"))
    return out


def _dicts(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, values, strict=True)) for values in cur.fetchall()]


def _utc(when: dt.datetime) -> dt.datetime:
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def finite(value: Any) -> Any:
    """The value with every NaN or infinity (which JSON cannot carry) as None, at any depth."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value
