"""What the risk score reads from a store: its events and the identities its statics broadcast."""

from __future__ import annotations

import contextlib
import datetime as dt

import pyarrow as pa

from shadowtrace.risk.params import RiskParams
from shadowtrace.risk.score import VesselRisk, score_vessels
from shadowtrace.store import catalog
from shadowtrace.store import sql as store_sql
from shadowtrace.store.store import Store

EVENTS_SQL = (
    'SELECT event_id, kind, mmsi, imo, vessel_name, start, "end", severity, reasons, details FROM events'
)
#: every (MMSI, IMO) pair the statics broadcast, how often, when last, and the latest name under it
IDENTITIES_SQL = (
    "SELECT mmsi, imo, count(*) AS reports, max(ts) AS last_seen, arg_max(shipname, ts) AS name "
    "FROM statics WHERE mmsi IS NOT NULL GROUP BY mmsi, imo"
)


def read_inputs(store: Store) -> tuple[pa.Table, pa.Table]:
    """The events and identities tables :func:`~shadowtrace.risk.score.score_vessels` takes."""
    con = store_sql.connect(store)
    try:
        return con.sql(EVENTS_SQL).to_arrow_table(), con.sql(IDENTITIES_SQL).to_arrow_table()
    finally:
        con.close()


def store_risks(store: Store, params: RiskParams | None = None, as_of: dt.datetime | None = None) -> list[VesselRisk]:
    """Every vessel of the store, scored (see :func:`~shadowtrace.risk.score.score_vessels`)."""
    events, identities = read_inputs(store)
    return score_vessels(events, params, as_of=as_of, identities=identities)


def detect_has_run(store: Store) -> bool:
    """Whether ``shadowtrace detect`` ever committed in this store (it may have found nothing)."""
    with contextlib.closing(store.reader()) as con:
        return catalog.last_committed(con, "detect") is not None
