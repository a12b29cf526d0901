"""Voyages: from one reported port call to the next, with what the vessel broadcast on the way.

A voyage is the passage of a vessel from the departure of one reported port call to the arrival of
its next one (open while no next call is seen); it carries every AIS destination text the vessel
broadcast in between, and, once :func:`attach_declarations` has run, the port-clearance record
filed for its departure. Calls below ``min_confidence`` (vessels passing a port) do not cut a
voyage; where two transmitters share an MMSI, each ``track`` has its own voyages, but static
reports carry no position, so both tracks' broadcasts are heard on each.

The voyages table (:data:`VOYAGE_COLUMNS`), one row per voyage, sorted by ``mmsi`` and
``departed_at``. ``destinations`` is a list of structs, one per distinct text, in order of first
broadcast: ``text`` (as received: untrusted), ``first_seen``, ``last_seen``, ``count`` and
``evidence`` (a list of ``{source_id, line}``: the sentences that carried it).
"""

from __future__ import annotations

import polars as pl

from shadowtrace.tracks.exprs import require_columns
from shadowtrace.tracks.params import VoyageParams

VOYAGE_COLUMNS = {
    "mmsi": "vessel",
    "track": "which transmitter under this MMSI (0 but where two share it)",
    "voyage": "number of the call it leaves, among the vessel's reported calls",
    "imo": "IMO number in the static report nearest the arrival of the call left (null: none)",
    "vessel_name": "the name in that report",
    "from_locode": "port of departure (UN/LOCODE)",
    "from_port": "its name",
    "from_country": "its country",
    "departed_at": "departure of the call left (see tracks.port_times)",
    "to_locode": "port of arrival (null: open voyage)",
    "to_port": "its name",
    "to_country": "its country",
    "arrived_at": "arrival of the call reached (null: open voyage)",
    "from_call": "event id of the PORT_CALL left",
    "to_call": "event id of the PORT_CALL reached",
    "destinations": "AIS destinations broadcast during the voyage (list of structs)",
}

#: what :func:`attach_declarations` adds: the matched record's facts (all null: no match)
DECLARATION_COLUMNS = {
    "declaration_id": "the record's own id",
    "declared_next_locode": "the next port declared to the port authority",
    "declared_next_name": "its name as written",
    "cargo": "declared cargo",
    "declared_departure": "departure time on the record",
    "declaration_source_id": "",
    "declaration_line": "provenance of the record",
}

_STATIC_REQUIRED = ("mmsi", "ts", "source_id", "line", "destination")


def with_identity(frame: pl.DataFrame, statics: pl.DataFrame, at: str) -> pl.DataFrame:
    """``frame`` with ``imo`` and ``vessel_name``: the static report of its vessel nearest in time to ``at``."""
    names = statics.filter(pl.col("shipname").is_not_null() & pl.col("ts").is_not_null())
    names = names.select(
        "mmsi",
        imo="imo",
        vessel_name="shipname",
        _ts=pl.col("ts").cast(frame.schema[at]),
        _src="source_id",
        _line="line",
    )
    out = (
        frame.with_row_index("_row")
        .sort(at)
        .join_asof(
            names.sort("_ts", "_src", "_line"),
            left_on=at,
            right_on="_ts",
            by="mmsi",
            strategy="nearest",
            check_sortedness=False,
        )
    )
    return out.sort("_row").drop("_row", "_ts", "_src", "_line")


def build_voyages(calls: pl.DataFrame, statics: pl.DataFrame) -> pl.DataFrame:
    """The voyages between consecutive calls of the calls table, with the destinations broadcast on each."""
    require_columns(statics, _STATIC_REQUIRED, "the statics table")
    track = pl.col("track") if "track" in calls.columns else pl.lit(0, pl.UInt32)
    c = calls.with_columns(track=track).sort("mmsi", "track", "arrival", maintain_order=True)
    same = [(pl.col(k) == pl.col(k).shift(-1)) for k in ("mmsi", "track")]
    nxt = pl.all_horizontal(same).fill_null(False)
    to = {f"to_{k}": pl.when(nxt).then(pl.col(v).shift(-1)) for k, v in _PORT.items()}
    ids = "event_id" in c.columns
    voyages = c.with_columns(
        arrived_at=pl.when(nxt).then(pl.col("arrival").shift(-1)),
        to_call=pl.when(nxt).then(pl.col("event_id").shift(-1)) if ids else pl.lit(None, pl.String),
        **to,
    ).filter(pl.col("left"))
    voyages = voyages.select(
        "mmsi",
        "track",
        voyage=pl.col("call"),
        imo=pl.col("imo") if "imo" in c.columns else pl.lit(None, pl.Int32),
        vessel_name=pl.col("vessel_name") if "vessel_name" in c.columns else pl.lit(None, pl.String),
        **{f"from_{k}": pl.col(v) for k, v in _PORT.items()},
        departed_at=pl.col("departure"),
        **{k: pl.col(k) for k in to},
        arrived_at=pl.col("arrived_at"),
        from_call=pl.col("event_id") if ids else pl.lit(None, pl.String),
        to_call=pl.col("to_call"),
    )
    return _with_destinations(voyages, statics)


_PORT = {"locode": "locode", "port": "port_name", "country": "country"}


def _with_destinations(voyages: pl.DataFrame, statics: pl.DataFrame) -> pl.DataFrame:
    """Each voyage with the list of destination texts broadcast between its departure and arrival."""
    when_t = voyages.schema["departed_at"]
    heard = statics.filter(pl.col("destination").is_not_null() & pl.col("ts").is_not_null()).select(
        "mmsi", "source_id", "line", text=pl.col("destination"), ts=pl.col("ts").cast(when_t)
    )
    legs = voyages.select("mmsi", "voyage", "departed_at", "arrived_at").sort("departed_at")
    on_leg = heard.sort("ts").join_asof(
        legs, left_on="ts", right_on="departed_at", by="mmsi", strategy="backward", check_sortedness=False
    )
    on_leg = on_leg.filter(
        pl.col("voyage").is_not_null() & (pl.col("arrived_at").is_null() | (pl.col("ts") < pl.col("arrived_at")))
    )
    per_text = (
        on_leg.sort("ts", "source_id", "line")
        .group_by("mmsi", "voyage", "text", maintain_order=True)
        .agg(
            first_seen=pl.col("ts").first(),
            last_seen=pl.col("ts").last(),
            count=pl.len().cast(pl.UInt32),
            evidence=pl.struct("source_id", "line"),
        )
        .sort("mmsi", "voyage", "first_seen", "text")
    )
    lists = per_text.group_by("mmsi", "voyage", maintain_order=True).agg(
        destinations=pl.struct("text", "first_seen", "last_seen", "count", "evidence")
    )
    out = voyages.join(lists, on=["mmsi", "voyage"], how="left", maintain_order="left")
    empty = pl.lit([], dtype=out.schema["destinations"])
    return out.with_columns(destinations=pl.col("destinations").fill_null(empty)).sort(
        "mmsi", "departed_at", "track", "voyage"
    )


def attach_declarations(voyages: pl.DataFrame, declarations: pl.DataFrame, params: VoyageParams) -> pl.DataFrame:
    """The voyages with the port-clearance record of each departure (:data:`DECLARATION_COLUMNS`).

    A record (a row of a DECLARATIONS table) matches a voyage when it names the same vessel (MMSI,
    or IMO when both have one), the voyage's port of departure, and a departure time within
    ``declaration_tolerance_h`` of the voyage's. Each voyage takes its nearest record in time, and
    each record goes to one voyage at most (its nearest).
    """
    require_columns(declarations, ("mmsi", "imo", "port_locode", "departure_time", "declaration_id"), "declarations")
    when_t = voyages.schema["departed_at"]
    decl = declarations.with_columns(pl.col("departure_time").cast(when_t)).with_row_index("_decl")
    legs = voyages.with_row_index("_leg").select("_leg", "mmsi", "imo", "from_locode", "departed_at")
    pairs = pl.concat(
        [
            legs.join(decl.drop("imo").filter(pl.col("mmsi").is_not_null()), on="mmsi"),
            legs.filter(pl.col("imo").is_not_null())
            .join(decl.drop("mmsi").filter(pl.col("imo").is_not_null()), on="imo")
            .select(legs.columns + [c for c in decl.columns if c not in legs.columns]),
        ],
        how="diagonal_relaxed",
    ).unique(["_leg", "_decl"])
    off_s = (pl.col("departure_time") - pl.col("departed_at")).dt.total_seconds().abs()
    pairs = pairs.filter(
        (pl.col("port_locode") == pl.col("from_locode")) & (off_s <= params.declaration_tolerance_h * 3600.0)
    ).with_columns(_off=off_s)
    best = (
        pairs.sort("_off", "_leg", "_decl")
        .unique("_leg", keep="first", maintain_order=True)
        .unique("_decl", keep="first", maintain_order=True)
    )
    facts = best.select(
        "_leg",
        declaration_id="declaration_id",
        declared_next_locode=_col_or_null(best, "declared_next_port_locode", pl.String),
        declared_next_name=_col_or_null(best, "declared_next_port_name", pl.String),
        cargo=_col_or_null(best, "cargo", pl.String),
        declared_departure="departure_time",
        declaration_source_id=_col_or_null(best, "source_id", pl.Int32),
        declaration_line=_col_or_null(best, "line", pl.Int64),
    )
    out = voyages.drop([c for c in DECLARATION_COLUMNS if c in voyages.columns])
    out = out.with_row_index("_leg").join(facts, on="_leg", how="left", maintain_order="left")
    return out.drop("_leg")


def _col_or_null(df: pl.DataFrame, name: str, dtype: pl.DataType | type[pl.DataType]) -> pl.Expr:
    """A column when present, else a null column of ``dtype``."""
    return pl.col(name) if name in df.columns else pl.lit(None, dtype)
