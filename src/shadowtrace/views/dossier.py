"""Everything the store knows about one vessel, for a report or a page: :func:`load_dossier`.

A vessel is named as people type it: an MMSI (9 digits) or an IMO number (7 digits). An IMO
gathers every MMSI that broadcast it, and those the risk score groups under it. The dossier holds
the vessel's identity history, its clean track (thinned for display), port calls, voyages with
their declared destinations and clearance records, dark periods, every event with its evidence
resolved to raw lines, and its risk score with the reasons. Read-only; no detection is redone
but the cleaning of the track, which is a pure function of the positions.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl

from shadowtrace.errors import InputError
from shadowtrace.models.events import event_summary
from shadowtrace.models.imo import valid_imo
from shadowtrace.models.mid import MID_FLAGS
from shadowtrace.models.vessels import parse_vessel
from shadowtrace.risk.score import VesselRisk
from shadowtrace.risk.store import store_risks
from shadowtrace.store import sql as store_sql
from shadowtrace.store.store import Store
from shadowtrace.tracks.clean import clean_positions
from shadowtrace.tracks.params import CleanParams
from shadowtrace.views.evidence import EvidenceRow, resolve_evidence

#: most track points kept for display; each segment keeps its first and last fix
MAX_TRACK_POINTS = 20_000
#: most evidence rows resolved per event (the rest are counted in ``evidence_total``)
MAX_EVIDENCE_ROWS = 100
#: identity fields followed over time, in display order
IDENTITY_FIELDS = ("shipname", "callsign", "imo", "ship_type", "flag", "mmsi")


@dataclass(frozen=True)
class IdentityRecord:
    """One value an identity field took: when first and last broadcast, how often, under which MMSIs."""

    field: str  # one of IDENTITY_FIELDS
    value: str  # untrusted text for shipname and callsign
    first_seen: dt.datetime | None
    last_seen: dt.datetime | None
    reports: int
    mmsis: tuple[int, ...]


@dataclass(frozen=True)
class TrackSegment:
    """A stretch of track without a silence of a day or more (``tracks.clean``), numbered over the vessel."""

    segment: int  # display number, in time order over all the vessel's MMSIs
    mmsi: int
    track: int  # 0, or another transmitter sharing the MMSI
    start: dt.datetime
    end: dt.datetime
    points: int  # clean fixes
    drawn: int  # fixes kept for display


@dataclass(frozen=True)
class Track:
    """Clean fixes as columns (thinned to at most MAX_TRACK_POINTS), and the fixes set aside as jumps."""

    ts: tuple[dt.datetime, ...] = ()
    lat: tuple[float, ...] = ()
    lon: tuple[float, ...] = ()
    sog_kn: tuple[float | None, ...] = ()
    segment: tuple[int, ...] = ()  # TrackSegment.segment of each fix
    segments: tuple[TrackSegment, ...] = ()
    points_total: int = 0  # clean fixes before thinning
    jumps: tuple[Mapping[str, Any], ...] = ()  # ts, lat, lon, mmsi, source_id, line of each fix set aside

    @property
    def points_drawn(self) -> int:
        return len(self.ts)

    def bbox(self) -> tuple[float, float, float, float] | None:
        """(lat0, lat1, lon0, lon1) of the fixes, None without any."""
        if not self.lat:
            return None
        return min(self.lat), max(self.lat), min(self.lon), max(self.lon)


@dataclass(frozen=True)
class EventView:
    """An event of the vessel with its details parsed and its evidence resolved."""

    event_id: str
    kind: str
    detector: str
    subject: str
    mmsi: int | None
    imo: int | None
    vessel_name: str | None  # untrusted text
    start: dt.datetime
    end: dt.datetime | None
    lat: float | None
    lon: float | None
    severity: str
    score: float | None
    reasons: tuple[str, ...]
    details: Mapping[str, Any]  # untrusted text inside (names, destinations)
    summary: str
    evidence: tuple[EvidenceRow, ...] = ()
    evidence_total: int = 0  # references the event holds (evidence may show fewer: MAX_EVIDENCE_ROWS)
    focus: bool = False  # asked for by the caller (``event_ids``)

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id, "kind": self.kind, "detector": self.detector, "subject": self.subject,
            "mmsi": self.mmsi, "imo": self.imo, "vessel_name": self.vessel_name, "start": self.start.isoformat(),
            "end": self.end.isoformat() if self.end else None, "lat": self.lat, "lon": self.lon,
            "severity": self.severity, "score": self.score, "reasons": list(self.reasons),
            "details": dict(self.details), "summary": self.summary,
            "evidence": [e.to_dict() for e in self.evidence], "evidence_total": self.evidence_total,
            "focus": self.focus,
        }


@dataclass(frozen=True)
class Dossier:
    """Everything about one vessel (see the module docstring). Texts broadcast or declared are untrusted."""

    vessel: str  # "imo:<IMO>" or "mmsi:<MMSI>"
    mmsis: tuple[int, ...]
    imo: int | None
    name: str | None  # latest broadcast
    callsign: str | None
    flag: str | None  # ISO-2 of the latest MMSI's MID
    identities: tuple[IdentityRecord, ...] = ()
    track: Track = field(default_factory=Track)
    port_calls: tuple[EventView, ...] = ()  # PORT_CALL events
    voyages: tuple[Mapping[str, Any], ...] = ()  # rows of the voyages table (destinations, clearance record)
    declarations: tuple[Mapping[str, Any], ...] = ()  # rows of the declarations table (clearance records)
    dark_periods: tuple[EventView, ...] = ()  # AIS_GAP events
    events: tuple[EventView, ...] = ()  # every event of the vessel, by start
    risk: VesselRisk | None = None
    focus: tuple[str, ...] = ()  # the event ids asked for

    @property
    def number(self) -> str:
        """The vessel as typed: the IMO number (7 digits) or the MMSI (9 digits)."""
        return self.vessel.split(":", 1)[1]

    def event(self, event_id: str) -> EventView | None:
        return next((e for e in self.events if e.event_id == event_id), None)


def load_dossier(
    store: Store,
    vessel: str,
    *,
    event_ids: Sequence[str] = (),
    risks: Sequence[VesselRisk] | None = None,
    max_track_points: int = MAX_TRACK_POINTS,
) -> Dossier:
    """Everything about ``vessel`` (an MMSI or IMO number, as typed).

    ``event_ids``: events to put forward (``EventView.focus``; a report of one event). ``risks``:
    the store's scores when already computed (:func:`shadowtrace.risk.store.store_risks`), to
    share them between dossiers. InputError when the store knows nothing of the vessel.
    """
    column, number = parse_vessel(vessel)
    all_risks = store_risks(store) if risks is None else risks
    con = store_sql.connect(store)
    try:
        mmsis, imo = _vessel_mmsis(con, column, number, all_risks)
        if not mmsis:
            raise InputError(f"vessel {vessel}: the store has no reports of it (IMO {number} never broadcast)")
        where = f"mmsi IN ({', '.join(str(m) for m in mmsis)})"
        statics = _frame(con.sql(f"SELECT mmsi, ts, shipname, callsign, imo, ship_type FROM statics WHERE {where}"))
        positions = _frame(con.sql(
            f"SELECT source_id, line, ts, msg_type, mmsi, lat, lon, sog_kn FROM positions WHERE {where}"
        ))
        imo_cond = f" OR imo = {imo}" if column == "imo" else ""
        partner = "TRY_CAST(json_extract_string(details, '$.other.mmsi') AS BIGINT)"
        events = con.sql(
            f'SELECT * FROM events WHERE {where}{imo_cond} OR (kind = \'ENCOUNTER\' AND {partner} IN '
            f'({", ".join(str(m) for m in mmsis)})) ORDER BY start, kind, event_id'
        ).to_arrow_table().to_pylist()
        voyages = con.sql(f"SELECT * FROM voyages WHERE {where} ORDER BY departed_at").to_arrow_table().to_pylist()
        declarations = con.sql(
            f"SELECT * EXCLUDE (date) FROM declarations WHERE {where}{imo_cond} ORDER BY departure_time"
        ).to_arrow_table().to_pylist()
    finally:
        con.close()
    if statics.is_empty() and positions.is_empty() and not events:
        raise InputError(f"vessel {vessel}: the store has no reports and no events of it")
    key = f"imo:{imo}" if column == "imo" else f"mmsi:{number}"
    risk = next((r for r in all_risks if r.is_vessel(vessel)), None)
    views = _event_views(store, events, set(event_ids))
    latest = _latest(statics)
    return Dossier(
        vessel=key, mmsis=mmsis, imo=imo, name=latest.get("shipname") or (risk.name if risk else None),
        callsign=latest.get("callsign"), flag=MID_FLAGS.get(int(latest.get("mmsi", mmsis[-1])) // 1_000_000),
        identities=_identities(statics, positions), track=_track(positions, max_track_points),
        port_calls=tuple(e for e in views if e.kind == "PORT_CALL"), voyages=tuple(voyages),
        declarations=tuple(declarations), dark_periods=tuple(e for e in views if e.kind == "AIS_GAP"),
        events=tuple(views), risk=risk, focus=tuple(event_ids),
    )


def top_vessels(store: Store, n: int, *, risks: Sequence[VesselRisk] | None = None) -> list[str]:
    """The ``n`` vessels of highest risk (level, then score), as :func:`load_dossier` takes them."""
    if n < 1:
        raise InputError(f"top {n}: give a number of vessels, 1 or more")
    ranked = store_risks(store) if risks is None else risks
    return [r.vessel.split(":", 1)[1] if r.imo is None else f"{r.imo:07d}" for r in ranked[:n]]


def vessel_of_event(store: Store, event_id: str) -> str:
    """The vessel an event is about, as :func:`load_dossier` takes it (its IMO where one is known)."""
    if not event_id or not all(c.isalnum() or c in "-_" for c in event_id):
        raise InputError(f"event id {event_id!r}: give an id as `shadowtrace events` lists it")
    con = store_sql.connect(store)
    try:
        rows = con.sql("SELECT mmsi, imo FROM events WHERE event_id = ?", params=[event_id]).fetchall()
        if not rows:
            raise InputError(f"event {event_id}: no such event in the store (run `shadowtrace detect`?)")
        mmsi, imo = rows[0]
        if imo is not None and valid_imo(int(imo)):
            return f"{int(imo):07d}"
        if mmsi is None:
            raise InputError(f"event {event_id} is not about a vessel")
        known = con.sql(
            "SELECT imo FROM statics WHERE mmsi = ? AND imo IS NOT NULL GROUP BY imo ORDER BY count(*) DESC, imo",
            params=[int(mmsi)],
        ).fetchall()
    finally:
        con.close()
    valid = [int(i) for (i,) in known if valid_imo(int(i))]
    return f"{valid[0]:07d}" if valid else f"{int(mmsi):09d}"


def _frame(rel: Any) -> pl.DataFrame:
    frame = pl.from_arrow(rel.to_arrow_table())
    assert isinstance(frame, pl.DataFrame)
    return frame


def _vessel_mmsis(
    con: Any, column: str, number: int, risks: Sequence[VesselRisk]
) -> tuple[tuple[int, ...], int | None]:
    """The MMSIs of the vessel and its IMO number (for an MMSI: the valid IMO it broadcast most)."""
    if column == "mmsi":
        known = con.sql(
            "SELECT imo FROM statics WHERE mmsi = ? AND imo IS NOT NULL GROUP BY imo ORDER BY count(*) DESC, imo",
            params=[number],
        ).fetchall()
        valid = [int(i) for (i,) in known if valid_imo(int(i))]
        return (number,), valid[0] if valid else None
    found = {
        int(m)
        for (m,) in con.sql(
            "SELECT DISTINCT mmsi FROM statics WHERE imo = ? UNION SELECT DISTINCT mmsi FROM events "
            "WHERE imo = ? AND mmsi IS NOT NULL",
            params=[number, number],
        ).fetchall()
    }
    for r in risks:
        if r.imo == number:
            found.update(r.mmsis)
    return tuple(sorted(found)), number


def _latest(statics: pl.DataFrame) -> dict[str, Any]:
    """The latest non-empty value of each identity field broadcast (and the MMSI that broadcast it last)."""
    out: dict[str, Any] = {}
    ordered = statics.sort("ts", nulls_last=False)
    for name in ("shipname", "callsign", "mmsi"):
        values = ordered.filter(pl.col(name).is_not_null())[name]
        values = values.filter(values.cast(pl.String).str.strip_chars() != "")
        if values.len():
            last = values[-1]
            out[name] = last.strip() if isinstance(last, str) else last
    return out


def _identities(statics: pl.DataFrame, positions: pl.DataFrame) -> tuple[IdentityRecord, ...]:
    """Each distinct value of each identity field, in order of first broadcast."""
    seen = pl.concat([
        statics.select("mmsi", "ts", "shipname", "callsign", "imo", "ship_type"),
        positions.select("mmsi", "ts").with_columns(
            shipname=pl.lit(None, pl.String), callsign=pl.lit(None, pl.String), imo=pl.lit(None, pl.Int32),
            ship_type=pl.lit(None, pl.UInt8),
        ),
    ], how="vertical_relaxed").with_columns(
        flag=pl.col("mmsi").cast(pl.Int64).floordiv(1_000_000).replace_strict(MID_FLAGS, default=None,
                                                                             return_dtype=pl.String),
    )
    out: list[IdentityRecord] = []
    for name in IDENTITY_FIELDS:
        values = seen.filter(pl.col(name).is_not_null())
        values = values.with_columns(value=pl.col(name).cast(pl.String).str.strip_chars())
        grouped = values.filter(pl.col("value") != "").group_by("value").agg(
            first_seen=pl.col("ts").min(), last_seen=pl.col("ts").max(), reports=pl.len(),
            mmsis=pl.col("mmsi").unique().sort(),
        ).sort("first_seen", "value", nulls_last=True)
        for row in grouped.iter_rows(named=True):
            out.append(IdentityRecord(
                field=name, value=row["value"], first_seen=row["first_seen"], last_seen=row["last_seen"],
                reports=int(row["reports"]), mmsis=tuple(int(m) for m in row["mmsis"]),
            ))
    return tuple(out)


def _track(positions: pl.DataFrame, max_points: int) -> Track:
    """Clean fixes in segments, thinned to ``max_points`` (every k-th fix, and each segment's ends)."""
    if positions.is_empty():
        return Track()
    clean = clean_positions(positions, CleanParams())
    fixes = clean.positions
    jumps = tuple(
        clean.jumps.select("ts", "lat", "lon", "mmsi", "source_id", "line").sort("ts").to_dicts()
    ) if clean.jumps.height else ()
    if fixes.is_empty():
        return Track(jumps=jumps)
    spans = (
        fixes.group_by("mmsi", "track", "segment")
        .agg(start=pl.col("ts").min(), end=pl.col("ts").max(), points=pl.len())
        .sort("start", "mmsi", "track").with_row_index("number")
    )
    fixes = fixes.join(spans.select("mmsi", "track", "segment", "number"), on=["mmsi", "track", "segment"])
    fixes = fixes.sort("number", "ts")
    stride = max(1, math.ceil(fixes.height / max(1, max_points)))
    idx = pl.int_range(pl.len()).over("number")
    keep = (idx % stride == 0) | (idx == pl.len().over("number") - 1)
    drawn = fixes.filter(keep)
    counts = dict(drawn.group_by("number").len().iter_rows())
    segments = tuple(
        TrackSegment(
            segment=int(r["number"]), mmsi=int(r["mmsi"]), track=int(r["track"]), start=r["start"], end=r["end"],
            points=int(r["points"]), drawn=int(counts.get(r["number"], 0)),
        )
        for r in spans.iter_rows(named=True)
    )
    return Track(
        ts=tuple(drawn["ts"].to_list()), lat=tuple(drawn["lat"].to_list()), lon=tuple(drawn["lon"].to_list()),
        sog_kn=tuple(drawn["sog_kn"].cast(pl.Float64).to_list()), segment=tuple(int(s) for s in drawn["number"]),
        segments=segments, points_total=fixes.height, jumps=jumps,
    )


def _details(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {"unparsed": text}
    return value if isinstance(value, dict) else {"value": value}


def _summary(kind: str, details: Mapping[str, Any]) -> str:
    """One line about an event: its own ``summary`` where it has one."""
    text = details.get("summary")
    if isinstance(text, str) and text.strip():
        return text
    if kind == "PORT_CALL" and details.get("port_name"):
        return f"{details['port_name']} ({details.get('locode') or '?'}), confidence {details.get('confidence', '?')}"
    return event_summary(kind, details)


def _event_views(store: Store, rows: list[dict[str, Any]], focus: set[str]) -> list[EventView]:
    """Events with details parsed and evidence resolved (all of them in one pass over each file)."""
    refs: dict[tuple[int, int], None] = {}
    for row in rows:
        for ev in (row["evidence"] or [])[:MAX_EVIDENCE_ROWS]:
            refs[(int(ev["source_id"]), int(ev["line"]))] = None
    resolved = {(e.source_id, e.line): e for e in resolve_evidence(store, [(s, ln, "") for s, ln in refs])}
    out = []
    for row in rows:
        details = _details(row["details"])
        ev_refs = row["evidence"] or []
        evidence = tuple(
            replace(resolved[(int(e["source_id"]), int(e["line"]))], role=e["role"] or "")
            for e in ev_refs[:MAX_EVIDENCE_ROWS]
        )
        out.append(EventView(
            event_id=row["event_id"], kind=row["kind"], detector=row["detector"], subject=row["subject"],
            mmsi=row["mmsi"], imo=row["imo"], vessel_name=row["vessel_name"], start=row["start"], end=row["end"],
            lat=row["lat"], lon=row["lon"], severity=row["severity"],
            score=None if row["score"] is None else float(row["score"]), reasons=tuple(row["reasons"] or ()),
            details=details, summary=_summary(row["kind"], details), evidence=evidence,
            evidence_total=len(ev_refs), focus=row["event_id"] in focus,
        ))
    return out

