"""Small synthetic tracks for the track-layer tests: straight legs, stays, silences and spoofed fixes.

A track is written as a list of legs, in plain tuples so that test tables stay readable:

- ``("from", north_km, east_km)``: where the vessel starts (no fix);
- ``("at", hours, every_min)`` or ``("at", hours, every_min, sog_kn)``: stay put, a fix every so often;
- ``("to", north_km, east_km, speed_kn, every_min)``: sail in a straight line;
- ``("quiet", hours)``: time passes, no fix;
- ``("dark", north_km, east_km, speed_kn)``: sail in a straight line, no fix;
- ``("spoof", north_km, east_km, fixes, every_min)``: fixes from elsewhere, the vessel not moving;
- ``("swing", east_a_km, east_b_km, hours, every_min)``: stopped, fixes alternating between two
  points at the vessel's latitude (GPS jitter, a swinging anchor).

Positions are kilometres north and east of the test port's berth (40 N, 130 E).
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

import polars as pl
import pytest

from shadowtrace.geo.ports import Port
from shadowtrace.tracks.port_index import PortPoints

T0 = dt.datetime(2017, 10, 1, tzinfo=dt.UTC)
BERTH = (40.0, 130.0)
KM_LAT = 1 / 111.195
KM_LON = 1 / (111.195 * math.cos(math.radians(BERTH[0])))


def at_km(north: float, east: float) -> tuple[float, float]:
    """The point ``north`` km and ``east`` km from the berth."""
    return BERTH[0] + north * KM_LAT, BERTH[1] + east * KM_LON


def port(
    code: str = "XXAAA", north: float = 0.0, east: float = 0.0, anchorage: tuple[float, float] = (3.5, 0.0)
) -> Port:
    """A test port with its berth at (north, east) km and its anchorage ``anchorage`` km further."""
    blat, blon = at_km(north, east)
    alat, alon = at_km(north + anchorage[0], east + anchorage[1])
    return Port(code, f"Port {code}", code[:2], blat, blon, blat, blon, alat, alon)


def build_track(
    legs: Sequence[tuple[Any, ...]], *, mmsi: int = 1, start: dt.datetime = T0, source_id: int = 1, line0: int = 1
) -> pl.DataFrame:
    """A positions table (the columns the track layer reads) for one vessel following ``legs``."""
    t, n, e = 0.0, 0.0, 0.0
    rows: list[tuple[float, float, float, float | None]] = []  # seconds, north, east, sog
    for leg in legs:
        kind = leg[0]
        if kind == "from":
            n, e = leg[1], leg[2]
        elif kind == "at":
            hours, every = leg[1], leg[2]
            sog = leg[3] if len(leg) > 3 else 0.0
            rows += [(t + k * every * 60.0, n, e, sog) for k in range(int(hours * 60 / every))]
            t += hours * 3600.0
        elif kind == "to":
            n1, e1, speed, every = leg[1:]
            dist_km = math.hypot(n1 - n, e1 - e)
            dur = dist_km * 1000.0 / (speed * 1852.0 / 3600.0)
            steps = max(1, math.ceil(dur / (every * 60.0)))
            rows += [
                (t + dur * k / steps, n + (n1 - n) * k / steps, e + (e1 - e) * k / steps, speed) for k in range(steps)
            ]
            t, n, e = t + dur, n1, e1
        elif kind == "quiet":
            t += leg[1] * 3600.0
        elif kind == "dark":
            n1, e1, speed = leg[1:]
            t += math.hypot(n1 - n, e1 - e) * 1000.0 / (speed * 1852.0 / 3600.0)
            n, e = n1, e1
        elif kind == "spoof":
            sn, se, fixes, every = leg[1:]
            rows += [(t + k * every * 60.0, sn, se, 10.0) for k in range(fixes)]
            t += fixes * every * 60.0
        elif kind == "swing":
            ea, eb, hours, every = leg[1:]
            count = int(hours * 60 / every)
            rows += [(t + k * every * 60.0, n, (ea, eb)[k % 2], 0.0) for k in range(count)]
            t, e = t + hours * 3600.0, (ea, eb)[count % 2]
        else:
            raise ValueError(kind)
    rows.append((t, n, e, rows[-1][3] if rows else 0.0))
    lat_lon = [at_km(rn, re) for _, rn, re, _ in rows]
    return pl.DataFrame(
        {
            "source_id": [source_id] * len(rows),
            "line": list(range(line0, line0 + len(rows))),
            "ts": [start + dt.timedelta(seconds=round(s)) for s, *_ in rows],
            "msg_type": [1] * len(rows),
            "mmsi": [mmsi] * len(rows),
            "lat": [p[0] for p in lat_lon],
            "lon": [p[1] for p in lat_lon],
            "sog_kn": [r[3] for r in rows],
            "nav_status": [None] * len(rows),
        },
        schema_overrides={
            "source_id": pl.Int32, "line": pl.Int64, "ts": pl.Datetime("ms", "UTC"), "msg_type": pl.UInt8,
            "mmsi": pl.Int32, "sog_kn": pl.Float32, "nav_status": pl.UInt8,
        },
    )  # fmt: skip


@pytest.fixture(scope="session")
def synth() -> ModuleType:
    """This module: ``synth.build_track``, ``synth.port``, ``synth.at_km``, ``synth.T0``."""
    return sys.modules[__name__]


@pytest.fixture
def one_port() -> PortPoints:
    """The points of one test port: berth at the origin, anchorage 3.5 km north."""
    return PortPoints.of([port()])
