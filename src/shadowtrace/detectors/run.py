"""Run every detector over a store and replace its events and voyages.

Tracks (cleaning, POSITION_JUMP, PORT_CALL), voyages with their AIS destinations and
clearance records, DESTINATION_MISMATCH and DECLARATION_MISMATCH, identity (IDENTITY_CHANGE,
SHARED_MMSI), dark activity (AIS_GAP, DRAUGHT_CHANGE_DARK, DARK_PORT_CALL_POSSIBLE), meetings
(ENCOUNTER, LOITERING), and sanctions screening (SANCTIONS_MATCH, when lists are loaded). The
events and voyages tables are rewritten whole in one transaction, so a rerun replaces, never
duplicates (event ids are deterministic).

The clean positions of the whole store are held in memory while the detectors run (about
100 bytes a fix); bucketing the cross-vessel detectors by space and time would lift that.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import polars as pl
import pyarrow as pa

from shadowtrace.detectors.dark_ports import detect_gaps
from shadowtrace.detectors.encounters import EncounterParams, detect_encounters
from shadowtrace.detectors.gaps import GapParams
from shadowtrace.detectors.identity import detect_identity
from shadowtrace.detectors.loitering import LoiteringParams, detect_loitering, latest_ship_types
from shadowtrace.detectors.mismatch import Declared, MismatchParams, detect_mismatches
from shadowtrace.detectors.sanctions import detect_sanctions
from shadowtrace.geo.destinations import DestinationResolver, Resolution
from shadowtrace.geo.ports import Gazetteer
from shadowtrace.models.events import Event, events_table
from shadowtrace.models.voyages import VOYAGES
from shadowtrace.sanctions.lists import read_listed
from shadowtrace.store.sql import connect
from shadowtrace.store.store import Store
from shadowtrace.tracks.params import TrackParams
from shadowtrace.tracks.pipeline import TrackResult, run_tracks
from shadowtrace.tracks.voyages import attach_declarations


@dataclass
class DetectReport:
    events_by_kind: Counter[str] = field(default_factory=Counter)
    voyages: int = 0
    cleaning: dict[str, int] = field(default_factory=dict)


def declared(resolution: Resolution, gazetteer: Gazetteer) -> Declared:
    """What the mismatch rules need of a destination resolution."""
    legs = tuple(leg.locode for leg in resolution.legs if leg.locode)
    if resolution.locode and (not legs or legs[-1] != resolution.locode):
        legs += (resolution.locode,)
    port = gazetteer.record(legs[-1]) if legs and legs[-1] in gazetteer else None
    return Declared(
        raw=resolution.raw, locodes=legs, country=resolution.country, kind=resolution.kind,
        rule=resolution.rule, confidence=resolution.confidence,
        lat=port.lat if port else None, lon=port.lon if port else None,
    )


def detect(
    store: Store,
    *,
    gazetteer: Gazetteer | None = None,
    track_params: TrackParams | None = None,
    mismatch_params: MismatchParams | None = None,
    gap_params: GapParams | None = None,
    encounter_params: EncounterParams | None = None,
    loitering_params: LoiteringParams | None = None,
    progress: Callable[[str], None] | None = None,
) -> DetectReport:
    """Every detector over the store; events and voyages replaced in one transaction."""
    say = progress or (lambda _m: None)
    gaz = gazetteer or Gazetteer.from_searoute()
    tp = track_params or TrackParams()
    say("tracks, port calls and voyages")
    mp = mismatch_params or MismatchParams()
    tracks = run_tracks(store, gaz, tp, keep_positions=True)
    voyages = _voyages(store, tracks, tp, mp.dark_gap_h)
    say(f"mismatches over {voyages.height:,} voyages")
    resolver = DestinationResolver(gaz)
    events: list[Event] = [
        *tracks.events,
        *detect_mismatches(voyages, lambda text: declared(resolver.resolve(text), gaz), mp),
    ]
    say("identities")
    positions, statics = _read(store, _RAW_POSITIONS), _read(store, _STATICS)
    identity = detect_identity(positions, statics)
    events = _shared_mmsi_rules([*events, *identity])
    say("gaps, draught changes and dark port calls")
    events += detect_gaps(tracks.positions, statics, gaz, gap_params)
    say("encounters and loitering")
    names = _names(statics)
    encounters = detect_encounters(tracks.positions, gaz, encounter_params or EncounterParams(), names=names)
    loitering = detect_loitering(
        tracks.positions, gaz, loitering_params or LoiteringParams(), encounters,
        names=names, ship_types=latest_ship_types(statics),
    )
    events += [*encounters, *loitering]
    listed = read_listed(store)
    if not listed.is_empty():
        say(f"sanctions screening against {listed['list_name'].n_unique()} list(s)")
        events += detect_sanctions(statics, listed)
    with store.transaction("detect") as txn:
        txn.write("events", 0, events_table(events))
        txn.write("voyages", 0, voyages_table(voyages))
    return DetectReport(Counter(e.kind for e in events), voyages.height, dict(tracks.counts))


_RAW_POSITIONS = (
    "SELECT source_id, line, ts, mmsi, lat, lon, sog_kn FROM positions WHERE msg_type IN (1, 2, 3, 18, 19, 27)"
)
_STATICS = (
    "SELECT source_id, line, ts, msg_type, mmsi, imo, callsign, shipname, ship_type, draught_m, destination "
    "FROM statics"
)


def _read(store: Store, query: str) -> pl.DataFrame:
    con = connect(store)
    try:
        return _frame(con.sql(query).to_arrow_table())
    finally:
        con.close()


def _names(statics: pl.DataFrame) -> dict[int, str]:
    """Each MMSI's latest broadcast name."""
    named = (
        statics.filter(pl.col("shipname").is_not_null()).sort("ts").group_by("mmsi").agg(pl.col("shipname").last())
    )
    return dict(zip(named["mmsi"].to_list(), named["shipname"].to_list(), strict=True))


def _shared_mmsi_rules(events: list[Event]) -> list[Event]:
    """What a SHARED_MMSI episode changes in the other events of its MMSI: an IDENTITY_CHANGE
    during it (or a day after) is two ships, not one changing, and is dropped; a
    DESTINATION_MISMATCH overlapping it rests on destinations that may be the other ship's, and
    is kept at low severity with that reason."""
    shared = [(e.mmsi, e.start, e.end or e.start) for e in events if e.kind == "SHARED_MMSI"]

    def during(e: Event, margin: dt.timedelta) -> bool:
        return any(m == e.mmsi and a <= (e.end or e.start) and e.start <= b + margin for m, a, b in shared)

    out = []
    for e in events:
        if e.kind == "IDENTITY_CHANGE" and during(e, _SHARED_MARGIN):
            continue
        if e.kind == "DESTINATION_MISMATCH" and during(e, dt.timedelta(0)):
            e = replace(e, severity="low", reasons=[*e.reasons, "the MMSI was shared by two transmitters during "
                                                   "this voyage: the destination may be the other ship's"])
        out.append(e)
    return out


_SHARED_MARGIN = dt.timedelta(hours=24)

#: silences of a vessel's position reports at least ? hours long
_SILENCES = """
WITH p AS (SELECT mmsi, ts, lag(ts) OVER (PARTITION BY mmsi ORDER BY ts) AS prev
           FROM positions WHERE ts IS NOT NULL)
SELECT mmsi, prev AS silence_start, ts AS silence_end FROM p
WHERE prev IS NOT NULL AND ts - prev >= to_milliseconds(CAST(? * 3600000 AS BIGINT))
"""


def _voyages(store: Store, tracks: TrackResult, tp: TrackParams, dark_gap_h: float) -> pl.DataFrame:
    """Voyages with the arrival port's position and first fix, the last long silence during the
    voyage (``dark_from``, ``dark_until``), and the clearance records."""
    calls = tracks.calls.select(
        to_call="event_id", to_lat="port_lat", to_lon="port_lon",
        arrival_source_id="first_src", arrival_line="first_line",
    )
    voyages = tracks.voyages.join(calls, on="to_call", how="left", maintain_order="left")
    con = connect(store)
    try:
        declarations = _frame(con.sql("SELECT * EXCLUDE (date) FROM declarations").to_arrow_table())
        silences = _frame(con.sql(_SILENCES, params=[dark_gap_h]).to_arrow_table())
    finally:
        con.close()
    voyages = _with_dark_until(voyages, silences)
    if declarations.is_empty():
        return voyages
    return attach_declarations(voyages, declarations, tp.voyages)


def _frame(table: pa.Table) -> pl.DataFrame:
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame


def _with_dark_until(voyages: pl.DataFrame, silences: pl.DataFrame) -> pl.DataFrame:
    if voyages.is_empty():
        when = voyages.schema["departed_at"]
        return voyages.with_columns(dark_from=pl.lit(None, when), dark_until=pl.lit(None, when))
    when_t = voyages.schema["departed_at"]
    legs = voyages.with_row_index("_leg").select("_leg", "mmsi", "departed_at", "arrived_at")
    inside = legs.join(
        silences.with_columns(pl.col("silence_start", "silence_end").cast(when_t)), on="mmsi"
    ).filter(
        (pl.col("silence_start") >= pl.col("departed_at"))
        & (pl.col("arrived_at").is_null() | (pl.col("silence_end") <= pl.col("arrived_at")))
    )
    last = inside.sort("silence_end").group_by("_leg").agg(
        dark_from=pl.col("silence_start").last(), dark_until=pl.col("silence_end").last()
    )
    return (
        voyages.with_row_index("_leg").join(last, on="_leg", how="left", maintain_order="left").drop("_leg")
    )


def voyages_table(voyages: pl.DataFrame) -> pa.Table:
    """The voyages as the stored VOYAGES table (columns it lacks are null)."""
    if voyages.is_empty():
        return VOYAGES.empty_table()
    table = voyages.to_arrow()
    columns = [
        table.column(f.name).cast(f.type) if f.name in table.column_names else pa.nulls(table.num_rows, f.type)
        for f in VOYAGES
    ]
    return pa.Table.from_arrays(columns, schema=VOYAGES)
