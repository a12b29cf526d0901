"""The shared events filter: vessels by MMSI or IMO (and as a meeting's other party), window, name."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from shadowtrace.errors import InputError
from shadowtrace.store.event_filter import EventFilter

T = dt.datetime(2017, 10, 1, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect(":memory:")
    c.execute("SET TimeZone = 'UTC'")
    c.execute("CREATE TABLE statics (mmsi INTEGER, imo INTEGER, shipname VARCHAR)")
    c.execute("INSERT INTO statics VALUES (273000001, 9074729, 'OLD 50%'), (273000002, 9074729, 'NEW_NAME'), "
              "(412000003, NULL, 'OTHER')")
    c.execute('CREATE TABLE events (event_id VARCHAR, kind VARCHAR, severity VARCHAR, mmsi INTEGER, imo INTEGER, '
              'vessel_name VARCHAR, start TIMESTAMPTZ, "end" TIMESTAMPTZ, details VARCHAR)')
    rows = [
        ("gap-a", "AIS_GAP", "high", 273000001, None, "OLD 50%", T, T + 12 * H, "{}"),
        ("match-b", "SANCTIONS_MATCH", "high", 273000002, 9074729, "NEW_NAME", T + 24 * H, T + 48 * H, "{}"),
        ("meet-c", "ENCOUNTER", "medium", 412000003, None, "OTHER", T + 72 * H, T + 75 * H,
         '{"other": {"mmsi": 273000002}}'),
        ("jump-c", "POSITION_JUMP", "low", 412000003, None, "OTHER", T + 96 * H, None, "{}"),
    ]
    c.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return c


CASES = {
    "everything": (EventFilter(), ["gap-a", "match-b", "meet-c", "jump-c"]),
    "kind-lower-case": (EventFilter(kinds=("ais_gap",)), ["gap-a"]),
    "severity": (EventFilter(severities=("high",)), ["gap-a", "match-b"]),
    "mmsi-and-its-meetings": (EventFilter(vessels=("273000002",)), ["match-b", "meet-c"]),
    "imo-gathers-its-mmsis": (EventFilter(vessels=("IMO 9074729",)), ["gap-a", "match-b", "meet-c"]),
    "two-vessels": (EventFilter(vessels=("273000001", "412000003")), ["gap-a", "meet-c", "jump-c"]),
    "window-overlap": (EventFilter(since=T + 11 * H, until=T + 72 * H), ["gap-a", "match-b"]),
    "until-is-exclusive": (EventFilter(until=T + 24 * H), ["gap-a"]),
    "naive-times-are-utc": (EventFilter(since=dt.datetime(2017, 10, 4, 2)), ["meet-c", "jump-c"]),
    "name-percent-is-literal": (EventFilter(name="50%"), ["gap-a"]),
    "name-underscore-is-literal": (EventFilter(name="w_n"), ["match-b"]),
}


@pytest.mark.parametrize(("chosen", "expected"), CASES.values(), ids=CASES.keys())
def test_filter(con: duckdb.DuckDBPyConnection, chosen: EventFilter, expected: list[str]) -> None:
    where, params = chosen.sql()
    rows = con.execute(f"SELECT event_id FROM events WHERE {where} ORDER BY start", params).fetchall()
    assert [r[0] for r in rows] == expected


def test_a_bad_vessel_fails_at_once() -> None:
    with pytest.raises(InputError, match="MMSI"):
        EventFilter(vessels=("12345",))
