"""Who each MMSI said it was: the latest broadcast identity, and every value it ever broadcast.

Read from the static reports (types 5, 19, 24; decoded CSV rows) of the MMSIs asked for, with
one Polars scan of the store's ``statics`` files. Names and call signs are untrusted text.
"""

from __future__ import annotations

import polars as pl

from shadowtrace.store.store import Store

_READ = ("ts", "mmsi", "imo", "shipname", "callsign", "ship_type")
_SCHEMA = pl.Schema({
    "mmsi": pl.Int32(), "imo": pl.Int32(), "vessel_name": pl.String(), "callsign": pl.String(),
    "ship_type": pl.UInt8(), "imos": pl.List(pl.Int32), "names": pl.List(pl.String), "callsigns": pl.List(pl.String),
})
#: what :func:`identities` returns, one row per MMSI
IDENTITY_COLUMNS = tuple(_SCHEMA.names())

#: ITU-R M.1371-5 Table 53: ship and cargo type, by code (first digit: the family)
SHIP_TYPES = {
    30: "Fishing", 31: "Towing", 32: "Towing (large)", 33: "Dredging or underwater operations",
    34: "Diving operations", 35: "Military operations", 36: "Sailing", 37: "Pleasure craft",
    50: "Pilot vessel", 51: "Search and rescue vessel", 52: "Tug", 53: "Port tender",
    54: "Anti-pollution equipment", 55: "Law enforcement", 58: "Medical transport",
    59: "Noncombatant ship",
}
SHIP_FAMILIES = {
    2: "Wing in ground", 4: "High speed craft", 6: "Passenger", 7: "Cargo", 8: "Tanker", 9: "Other type",
}


def ship_type_label(code: int | None) -> str | None:
    """The ship type in words (``Tanker``, ``Fishing``), or None for 0 / not available / reserved codes."""
    if code is None:
        return None
    return SHIP_TYPES.get(code) or (SHIP_FAMILIES.get(code // 10) if 20 <= code <= 99 else None)


def identities(store: Store, keep: pl.Expr) -> pl.DataFrame:
    """The identity of each MMSI whose static reports ``keep`` selects (a filter on ``mmsi``)."""
    files = store.files("statics")
    if not files:
        return pl.DataFrame(schema=_SCHEMA)
    reports = pl.scan_parquet(files, hive_partitioning=False).select(_READ).filter(keep).collect()
    return identities_of(reports)


def identities_of(reports: pl.DataFrame) -> pl.DataFrame:
    """:func:`identities` of a table of static reports (``ts``, ``mmsi``, ``imo``, ``shipname``, ...).

    ``imo``, ``vessel_name``, ``callsign``, ``ship_type``: the latest non-empty value of each
    (untimed reports count as the oldest); ``imos``, ``names``, ``callsigns``: every value
    broadcast, in the order first heard.
    """
    if reports.is_empty():
        return pl.DataFrame(schema=_SCHEMA)
    named = reports.with_columns(
        shipname=pl.col("shipname").str.strip_chars().replace("", None),
        callsign=pl.col("callsign").str.strip_chars().replace("", None),
        ship_type=pl.col("ship_type").replace(0, None),
    ).sort("mmsi", "ts", nulls_last=False, maintain_order=True)
    out = named.group_by("mmsi", maintain_order=True).agg(
        imo=pl.col("imo").drop_nulls().last(),
        vessel_name=pl.col("shipname").drop_nulls().last(),
        callsign=pl.col("callsign").drop_nulls().last(),
        ship_type=pl.col("ship_type").drop_nulls().last(),
        imos=pl.col("imo").drop_nulls().unique(maintain_order=True),
        names=pl.col("shipname").drop_nulls().unique(maintain_order=True),
        callsigns=pl.col("callsign").drop_nulls().unique(maintain_order=True),
    )
    return out.cast(_SCHEMA)
