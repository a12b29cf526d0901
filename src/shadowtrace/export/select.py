"""What an export covers: vessels, event kinds and a time window, and the store's rows they select.

A :class:`Selection` is checked when made (bad identifiers and empty windows fail before any
work). :func:`resolve_vessels` turns the vessels given into MMSIs: an MMSI as given, an IMO
number as every MMSI that broadcast it. :func:`read_events` reads the events of a selection;
:func:`position_files` the committed positions files whose day can hold fixes of the window.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa

from shadowtrace.errors import InputError
from shadowtrace.models.vessels import parse_vessel
from shadowtrace.store import sql as store_sql
from shadowtrace.store.event_filter import EventFilter
from shadowtrace.store.store import Store

_DAY = re.compile(r"date=(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class Selection:
    """Vessels (MMSI or IMO, as typed; none: all), event kinds (none: all) and a window.

    ``since`` is inclusive and ``until`` exclusive (a date is its midnight, UTC): a fix or
    event is in the window when it overlaps ``[since, until)``. Naive times are taken as UTC.
    """

    vessels: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    since: dt.datetime | None = None
    until: dt.datetime | None = None

    def __post_init__(self) -> None:
        for v in self.vessels:
            parse_vessel(v)
        object.__setattr__(self, "kinds", tuple(k.strip().upper() for k in self.kinds))
        object.__setattr__(self, "since", _utc(self.since))
        object.__setattr__(self, "until", _utc(self.until))
        if self.since and self.until and self.until <= self.since:
            raise InputError(
                f"--until {self.until:%Y-%m-%d %H:%M} is not after --since {self.since:%Y-%m-%d %H:%M}: "
                "the window [since, until) would be empty"
            )


def _utc(when: dt.datetime | None) -> dt.datetime | None:
    if when is None:
        return None
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


@dataclass(frozen=True)
class Vessels:
    """The vessels of a selection: ``mmsis`` None means every vessel."""

    mmsis: frozenset[int] | None
    imos: frozenset[int] = frozenset()

    def predicate(self, column: str = "mmsi") -> pl.Expr:
        """A Polars filter keeping rows of these vessels."""
        return pl.lit(True) if self.mmsis is None else pl.col(column).is_in(sorted(self.mmsis))


def resolve_vessels(store: Store, selection: Selection) -> Vessels:
    """The MMSIs of the vessels given: MMSIs as given, IMO numbers as the MMSIs that broadcast them."""
    if not selection.vessels:
        return Vessels(None)
    parsed = [parse_vessel(v) for v in selection.vessels]
    mmsis = {n for kind, n in parsed if kind == "mmsi"}
    imos = frozenset(n for kind, n in parsed if kind == "imo")
    if imos:
        con = store_sql.connect(store)
        try:
            marks = ", ".join("?" for _ in imos)
            rows = con.sql(f"SELECT DISTINCT mmsi FROM statics WHERE imo IN ({marks})", params=sorted(imos)).fetchall()
        finally:
            con.close()
        mmsis |= {int(r[0]) for r in rows if r[0] is not None}
    return Vessels(frozenset(mmsis), imos)


def read_events(store: Store, selection: Selection) -> pa.Table:
    """The stored events of a selection, in time order (:class:`EventFilter`: a vessel's events
    are those about one of its MMSIs or its IMO number, and the meetings where it is the other
    party)."""
    where, params = EventFilter(
        kinds=selection.kinds, vessels=selection.vessels, since=selection.since, until=selection.until
    ).sql()
    con = store_sql.connect(store)
    try:
        sql = f"SELECT * FROM events WHERE {where} ORDER BY start, kind, subject, event_id"
        return con.sql(sql, params=params).to_arrow_table()
    finally:
        con.close()


def position_files(store: Store, selection: Selection) -> list[Path]:
    """Committed positions files whose day (the ``date=`` partition) can hold fixes of the window.

    Untimed rows (the null partition) are left out: a fix without a time has no place on a track.
    """
    first = selection.since.date() if selection.since else dt.date.min
    last = selection.until.date() if selection.until else dt.date.max
    out = []
    for path in store.files("positions"):
        m = _DAY.search(path.parent.name)
        if m and first <= dt.date.fromisoformat(m.group(1)) <= last:
            out.append(path)
    return out
