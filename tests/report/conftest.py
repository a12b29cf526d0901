"""A small store for the report tests, built once: a simulated fleet (12 vessels over 3 days), the
web tests' hostile vessel as decoded CSV (full texts: ``<script>alert(1)</script>``...), and one
simulated vessel renamed by crafted NMEA static reports (AIS 6-bit text: upper case, 20
characters at most). The browser is the suite's (``tests/conftest.py``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.web.weblib import HOSTILE_MMSI, write_hostile_csv

from shadowtrace.detectors.run import detect
from shadowtrace.pipeline.ingest import ingest
from shadowtrace.sim.encode import AisEncoder
from shadowtrace.sim.run import simulate
from shadowtrace.store import sql as store_sql
from shadowtrace.store.store import Store

#: what the renamed simulated vessel broadcasts, as far as a type 5 message can carry it
NMEA_HOSTILE = {"shipname": "<SCRIPT>ALERT(1)</SC", "callsign": "=HYPERL", "destination": "JAVASCRIPT:ALERT(1)"}


def write_renaming_nmea(store: Store, path: Path) -> int:
    """Type 5 reports renaming the simulated vessel with the most of them, after its last one; its MMSI."""
    con = store_sql.connect(store)
    try:
        mmsi, last, imo = con.sql(
            "SELECT mmsi, max(ts), any_value(imo) FROM statics WHERE msg_type = 5 AND mmsi <> ? GROUP BY mmsi "
            "ORDER BY count(*) DESC, mmsi LIMIT 1", params=[HOSTILE_MMSI],
        ).fetchall()[0]
    finally:
        con.close()
    assert isinstance(last, dt.datetime)
    enc = AisEncoder()
    lines = []
    for i in range(3):
        lines += enc.sentences(
            5, ts=last + dt.timedelta(minutes=1 + i), station="TEST", mmsi=int(mmsi), imo=imo, ship_type=80,
            draught_m=9.0, **NMEA_HOSTILE,
        )
    path.write_text("".join(lines))
    return int(mmsi)


@pytest.fixture(scope="session")
def report_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, int]:
    """The store, and the MMSI of the simulated vessel renamed over NMEA."""
    tmp = tmp_path_factory.mktemp("report")
    simulate("sea-of-japan", tmp / "sim", vessels=12, days=3, seed=1)
    write_hostile_csv(tmp / "hostile.csv")
    store = Store(tmp / "data")
    ingest(store, [str(tmp / "sim/ais"), str(tmp / "sim/declarations.csv"), str(tmp / "hostile.csv")])
    renamed = write_renaming_nmea(store, tmp / "renamed.nmea")
    ingest(store, [str(tmp / "renamed.nmea")])
    detect(store)
    return store, renamed

