"""Port calls: an explicit state machine with hysteresis, run over every vessel at once.

A PORT_CALL event is a vessel's visit to a port, from its first fix within ``entry_radius_km`` of
the port's berth or anchorage until it is next seen beyond ``exit_radius_km`` of every port
point, timed from its arrival at the spot where it first stopped to its departure from the spot
where it last stopped (see :mod:`~shadowtrace.tracks.port_times`) and graded 1-4 by what was seen;
calls below ``min_confidence`` are not reported.

States, per vessel (fixes sorted by time; each state is a column, carried forward with a
vectorised forward fill that never crosses to another vessel or visit):

``in_port`` (hysteresis on distance)
    outside -> inside when a fix is within ``entry_radius_km`` of any port point; inside ->
    outside when a fix is beyond ``exit_radius_km`` of every port point; between the two radii a
    fix keeps the state of the fix before. A silence between two fixes inside is part of the
    visit, however long (Global Fishing Watch: a gap in port is still one visit).
``stopped`` (hysteresis on reported speed, reset at each visit's first fix)
    moving -> stopped below ``stop_speed_kn``; stopped -> moving above ``resume_speed_kn``; a
    fix without speed keeps the state.

Each visit becomes one row of the calls table; its port is the one whose berth or anchorage the
vessel came closest to during the visit (ports closer together than the two radii merge into one
visit). Confidence, as Global Fishing Watch grades port visits: 1 = entry or exit seen, no stop
or gap; 2 = stop or gap only; 3 = entry or exit, and stop or gap; 4 = entry, exit and stop or gap.
An entry (exit) is seen when the fix before (after) the visit is outside and in the same segment.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from shadowtrace.models.events import Event, params_hash
from shadowtrace.tracks.exprs import (
    evidence,
    fill_forward_from,
    haversine_m,
    require_columns,
    same_vessel_as_next,
    same_vessel_as_previous,
    step_s,
)
from shadowtrace.tracks.params import PortCallParams
from shadowtrace.tracks.port_index import ANCHORAGE, BERTH, PortPoints
from shadowtrace.tracks.port_times import AROUND, neighbours, stop_spot_aggs, stop_spot_columns, with_times

DETECTOR = "tracks.port_calls@1"

REQUIRED = ("mmsi", "ts", "lat", "lon", "sog_kn", "segment", "source_id", "line")

#: the calls table, one row per port call (times UTC), column by column
CALL_COLUMNS = {
    "mmsi": "the vessel",
    "locode": "UN/LOCODE of the port",
    "port_name": "its name",
    "country": "its country, ISO 3166 alpha-2",
    "port_lat": "latitude of its berth",
    "port_lon": "longitude of its berth",
    "arrival": "reached the spot of its first stop (no stop: entered_at); see tracks.port_times",
    "departure": "left the spot of its last stop (no stop: exited_at)",
    "track": "which transmitter under this MMSI (0 but where two share it; see tracks.clean)",
    "first_inside": "time of the first fix inside",
    "last_inside": "time of the last fix inside",
    "first_stop": "time of the first stopped fix (null: never stopped)",
    "entry": "seen coming in: the fix before is outside, in the same segment",
    "exit": "seen leaving: the fix after is outside, in the same segment",
    "left": "the vessel has a later fix (else it is still in port when the data ends)",
    "stopped": "stopped at least once",
    "max_gap_h": "longest silence between two fixes inside",
    "anchored": "first stopped nearer the port's anchorage than its berth",
    "berthed": "stopped nearer the berth at some time",
    "positions": "fixes inside",
    "min_distance_m": "closest approach to the port's berth or anchorage",
    "first_src": "source_id of the first fix inside",
    "first_line": "its line",
    "stop_src": "source_id of the first stopped fix",
    "stop_line": "its line",
    "last_src": "source_id of the last fix inside",
    "last_line": "its line",
    "gap": "a silence in port of at least gap_in_port_h",
    "confidence": "1-4, as Global Fishing Watch grades port visits (see the module docstring)",
    "before_src": "source_id of the fix before the call (entry seen)",
    "before_line": "its line",
    "after_src": "source_id of the fix after the call (exit seen)",
    "after_line": "its line",
    "entered_at": "crossed the entry radius (dead-reckoned in a silence)",
    "exited_at": "crossed the exit radius (dead-reckoned in a silence)",
    "call": "number of the call among the vessel's reported calls, from 0, by arrival",
}


def detect_port_calls(positions: pl.DataFrame, points: PortPoints, params: PortCallParams) -> pl.DataFrame:
    """The calls table (columns: :data:`CALL_COLUMNS`, in that order) of clean positions sorted by mmsi and ts."""
    require_columns(positions, REQUIRED, "the clean positions table")
    exit_m = params.exit_radius_km * 1000.0
    dist, point = points.nearest(positions["lat"].to_numpy(), positions["lon"].to_numpy(), exit_m)
    port = np.where(point >= 0, points.port[np.maximum(point, 0)], -1)
    kind = np.where(point >= 0, points.kind[np.maximum(point, 0)], -1)
    df = positions.select(
        *REQUIRED,
        track=pl.col("track") if "track" in positions.columns else pl.lit(0, pl.UInt32),
        _d=pl.Series(dist, nan_to_null=True),
        _port=pl.Series(port),
        _kind=pl.Series(kind),
    )
    if df["track"].max() not in (0, None):  # two transmitters under one MMSI: one state machine each
        df = df.sort("mmsi", "track", "ts", maintain_order=True)
    df = df.with_columns(_vessel=pl.col("mmsi").cast(pl.Int64) * 65536 + pl.col("track").cast(pl.Int64))
    visits = _with_ports(_visits(_states(df, params), params), points)
    calls = _timed(visits.filter(pl.col("confidence") >= params.min_confidence), params)
    calls = calls.sort("mmsi", "arrival", "track", maintain_order=True)
    return calls.with_columns(call=pl.int_range(pl.len(), dtype=pl.UInt32).over("mmsi"))


def _states(df: pl.DataFrame, p: PortCallParams) -> pl.DataFrame:
    """The fixes inside ports, with the two state columns and the per-visit facts of each fix."""
    entry_m, exit_m = p.entry_radius_km * 1000.0, p.exit_radius_km * 1000.0
    prev, nxt = same_vessel_as_previous("_vessel"), same_vessel_as_next("_vessel")
    near = pl.when(pl.col("_d").is_null() | (pl.col("_d") > exit_m)).then(False).when(pl.col("_d") < entry_m).then(True)
    df = df.with_columns(_in=fill_forward_from(~prev, near, False))
    inside = pl.col("_in")
    starts = inside & ~(prev & inside.shift(1)).fill_null(False)
    ends = inside & ~(nxt & inside.shift(-1)).fill_null(False)
    same_seg_prev = prev & (pl.col("segment") == pl.col("segment").shift(1)).fill_null(False)
    same_seg_next = nxt & (pl.col("segment") == pl.col("segment").shift(-1)).fill_null(False)
    slow = pl.when(pl.col("sog_kn") < p.stop_speed_kn).then(True).when(pl.col("sog_kn") > p.resume_speed_kn).then(False)
    df = df.with_columns(
        _start=starts,
        _entry=starts & same_seg_prev,
        _exit=ends & same_seg_next,
        _left=nxt,
        _gap_s=pl.when(inside & ~starts).then(step_s()),
        **neighbours(same_seg_prev, same_seg_next),
    )
    df = df.with_columns(_stopped=fill_forward_from(pl.col("_start"), slow, False)).filter(inside)
    df = df.with_columns(_visit=(pl.col("_start") | _moved_to_another_port(p)).cum_sum())
    return df.with_columns(**stop_spot_columns(p))


def _moved_to_another_port(p: PortCallParams) -> pl.Expr:
    """True at a stopped fix (inside ports) nearest another port than the stop before it in the same
    visit, and more than two arrival radii away from it: the vessel has moved on to a neighbouring
    port without leaving the exit radius (Gdansk to Gdynia), and a new call starts there."""
    stopped, start = pl.col("_stopped"), pl.col("_start")
    before = {  # the last stop before each fix in its visit (port -1: none yet)
        c: fill_forward_from(start, pl.when(stopped).then(pl.col(c)), blank).shift(1)
        for c, blank in (("lat", 0.0), ("lon", 0.0), ("_port", -1))
    }
    away = haversine_m(pl.col("lat"), pl.col("lon"), before["lat"], before["lon"]) > 2.0 * p.arrival_radius_m
    other = (before["_port"] >= 0) & (pl.col("_port") != before["_port"])
    return (stopped & ~start & other & away).fill_null(False)


def _visits(df: pl.DataFrame, p: PortCallParams) -> pl.DataFrame:
    """One row per visit: times, what was seen, the nearest port, evidence rows, confidence."""
    port = pl.col("_port").get(pl.col("_d").arg_min())
    stopped = pl.col("_stopped")
    at_port = pl.col("_port") == port
    v = df.group_by("_visit", maintain_order=True).agg(
        *stop_spot_aggs(),
        *[pl.col(f"_prev_{c}").first() for c in AROUND],
        *[pl.col(f"_next_{c}").last() for c in AROUND],
        pl.col("mmsi").first(),
        pl.col("track").first(),
        _port=port,
        first_inside=pl.col("ts").first(),
        last_inside=pl.col("ts").last(),
        first_stop=pl.col("ts").filter(stopped).first(),
        entry=pl.col("_entry").first(),
        exit=pl.col("_exit").last(),
        left=pl.col("_left").last(),
        stopped=stopped.any(),
        max_gap_h=pl.col("_gap_s").max().fill_null(0.0) / 3600.0,
        anchored=((pl.col("_kind") == ANCHORAGE) & at_port).filter(stopped).first().fill_null(False),
        berthed=(stopped & (pl.col("_kind") == BERTH) & at_port).any(),
        positions=pl.len().cast(pl.UInt32),
        min_distance_m=pl.col("_d").min(),
        first_src=pl.col("source_id").first(),
        first_line=pl.col("line").first(),
        stop_src=pl.col("source_id").filter(stopped).first(),
        stop_line=pl.col("line").filter(stopped).first(),
        last_src=pl.col("source_id").last(),
        last_line=pl.col("line").last(),
    )
    seen = pl.col("entry") | pl.col("exit")
    stop_or_gap = pl.col("stopped") | pl.col("gap")
    confidence = (
        pl.when(pl.col("entry") & pl.col("exit") & stop_or_gap)
        .then(4)
        .when(seen & stop_or_gap)
        .then(3)
        .when(stop_or_gap)
        .then(2)
        .when(seen)
        .then(1)
        .otherwise(0)
    )
    v = v.with_columns(gap=pl.col("max_gap_h") >= p.gap_in_port_h)
    return v.with_columns(confidence=confidence.cast(pl.UInt8)).drop("_visit")


def _with_ports(visits: pl.DataFrame, points: PortPoints) -> pl.DataFrame:
    """The visits with their port's code, name, country and berth in place of its index."""
    ports = pl.DataFrame(
        {
            "_port": pl.Series(range(len(points.ports)), dtype=pl.Int64),
            "locode": [p.locode for p in points.ports],
            "port_name": [p.name for p in points.ports],
            "country": [p.country for p in points.ports],
            "port_lat": [p.berth_lat for p in points.ports],
            "port_lon": [p.berth_lon for p in points.ports],
            "_alat": [p.anchorage_lat for p in points.ports],
            "_alon": [p.anchorage_lon for p in points.ports],
        },
        schema_overrides={"locode": pl.String, "port_name": pl.String, "country": pl.String}
        | {c: pl.Float64 for c in ("port_lat", "port_lon", "_alat", "_alon")},
    )
    joined = visits.join(ports, on="_port", how="left", maintain_order="left").drop("_port")
    return joined


def _timed(calls: pl.DataFrame, p: PortCallParams) -> pl.DataFrame:
    """The calls with their times (see :mod:`shadowtrace.tracks.port_times`), columns in order."""
    out = with_times(calls, p)
    out = out.rename(
        {"_prev_source_id": "before_src", "_prev_line": "before_line"}
        | {"_next_source_id": "after_src", "_next_line": "after_line"}
    )
    return out.select([c for c in CALL_COLUMNS if c != "call"])


_TIMES = ("arrival", "departure", "entered_at", "exited_at", "first_inside", "last_inside", "first_stop")


def port_call_events(calls: pl.DataFrame, params: PortCallParams) -> list[Event]:
    """One PORT_CALL event per row of the calls table, in the table's order."""
    phash = params_hash(params)
    texts = calls.select(  # formatted once per column, not per row
        **{c: pl.col(c).dt.strftime("%Y-%m-%dT%H:%M:%SZ") for c in _TIMES},
        hours=(pl.col("departure") - pl.col("arrival")).dt.total_seconds(fractional=True) / 3600.0,
    )
    rows = zip(calls.iter_rows(named=True), texts.iter_rows(named=True), strict=True)
    return [_event(row, text, phash) for row, text in rows]


def _event(r: dict[str, Any], text: dict[str, Any], phash: str) -> Event:
    """The PORT_CALL event of one call (``text``: its times as ISO 8601, its length in hours)."""
    mmsi = int(r["mmsi"])
    how = "stopped" if r["stopped"] else "no stop seen"
    left = r["left"]
    return Event(
        kind="PORT_CALL",
        detector=DETECTOR,
        subject=f"mmsi:{mmsi}",
        mmsi=mmsi,
        imo=r.get("imo"),
        vessel_name=r.get("vessel_name"),
        start=r["arrival"],
        end=r["departure"] if left else None,
        lat=r["port_lat"],
        lon=r["port_lon"],
        severity="info",
        score=float(r["confidence"]),
        reasons=[f"{text['hours']:.1f} h in {r['port_name']} ({r['locode']}), {how}, confidence {r['confidence']}"],
        details={
            "locode": r["locode"],
            "port_name": r["port_name"],
            "country": r["country"],
            "arrival": text["arrival"],
            "departure": text["departure"] if left else None,
            "entered_at": text["entered_at"],
            "exited_at": text["exited_at"] if left else None,
            "first_inside": text["first_inside"],
            "last_inside": text["last_inside"],
            "first_stop": text["first_stop"],
            "confidence": r["confidence"],
            "entry": r["entry"],
            "exit": r["exit"],
            "stopped": r["stopped"],
            "gap": r["gap"],
            "max_gap_h": round(r["max_gap_h"], 2),
            "anchored_first": bool(r["anchored"] and r["berthed"]),
            "anchored": r["anchored"],
            "berthed": r["berthed"],
            "positions": r["positions"],
            "min_distance_m": round(r["min_distance_m"], 1) if r["min_distance_m"] is not None else None,
        },
        params_hash=phash,
        evidence=evidence(
            [
                (r["before_src"], r["before_line"], "last_outside"),
                (r["first_src"], r["first_line"], "first_inside"),
                (r["stop_src"], r["stop_line"], "first_stop"),
                (r["last_src"], r["last_line"], "last_inside"),
                (r["after_src"], r["after_line"], "first_outside"),
            ]
        ),
    )
