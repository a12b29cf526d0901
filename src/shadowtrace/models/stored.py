"""Every table the store holds: its schema and how its files are partitioned."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from shadowtrace.models.events import EVENTS
from shadowtrace.models.listed import LISTED
from shadowtrace.models.tables import DECLARATIONS, OTHER, POSITIONS, REJECTS, STATICS
from shadowtrace.models.voyages import VOYAGES


@dataclass(frozen=True)
class TableSpec:
    """``partition``: "day:<column>" (Hive ``date=`` by UTC day of that column, nulls in
    the null partition), "ingest_day" (``date=`` the day of writing) or "" (none).
    ``replaced``: each write of the table replaces all of it (derived tables, such as
    events, that a rerun recomputes)."""

    schema: pa.Schema
    partition: str
    replaced: bool = False


TABLES: dict[str, TableSpec] = {
    "positions": TableSpec(POSITIONS, "day:ts"),
    "statics": TableSpec(STATICS, "day:ts"),
    "other": TableSpec(OTHER, "day:ts"),
    "rejects": TableSpec(REJECTS, "ingest_day"),
    "declarations": TableSpec(DECLARATIONS, "day:departure_time"),
    "events": TableSpec(EVENTS, "", replaced=True),
    "voyages": TableSpec(VOYAGES, "", replaced=True),
    "listed": TableSpec(LISTED, "", replaced=True),
}
