"""When a port call began and ended, read from the fixes around each moment.

Two spans per call:

- ``entered_at`` / ``exited_at``: crossing the entry radius inwards and the exit radius outwards
  (the bounds of a Global Fishing Watch port visit);
- ``arrival`` / ``departure``: reaching the spot where the vessel first stopped (within
  ``arrival_radius_m`` of it) and leaving the spot where it last stopped; for a call without a stop,
  the entry and exit.

A silence can hide the moment. Each time is then dead-reckoned from the fix on the far side at its
reported speed (at least 1 kn), slowed to ``approach_speed_kn`` within ``approach_km`` of the
spot (ships slow down for the pilot and the harbour: at sea speed all the way, the reckoning is
always early): never earlier than the fix before the moment, never later than the fix after it.
Without a speed, the nearer observed fix stands.
"""

from __future__ import annotations

import polars as pl

from shadowtrace.tracks.exprs import KN_M_S, haversine_m
from shadowtrace.tracks.params import PortCallParams

#: facts kept of the fix before and after each fix (same vessel and segment), as ``_prev_*``/``_next_*``
AROUND = ("ts", "lat", "lon", "sog_kn", "source_id", "line")
MIN_RECKON_KN = 1.0


def neighbours(same_seg_prev: pl.Expr, same_seg_next: pl.Expr) -> dict[str, pl.Expr]:
    """Columns ``_prev_<c>`` and ``_next_<c>``: the fix before and after, when in the same segment."""
    cols: dict[str, pl.Expr] = {}
    for c in AROUND:
        cols[f"_prev_{c}"] = pl.when(same_seg_prev).then(pl.col(c).shift(1))
        cols[f"_next_{c}"] = pl.when(same_seg_next).then(pl.col(c).shift(-1))
    return cols


def reckoned(side: str, gap_m: pl.Expr, towards: pl.Expr, radius_m: float, p: PortCallParams) -> pl.Expr:
    """The time the vessel covered ``gap_m`` from the fix ``side`` ("_prev" or "_next") to ``radius_m``
    from a spot, bounded by ``towards`` (the observed fix on the other side of the moment).

    Moving forward from the fix before (or back from the fix after) at its reported speed, and at
    most ``approach_speed_kn`` over the part of the way within ``approach_km`` of the spot;
    ``towards`` itself when the fix on the far side is missing or had no speed.
    """
    sog = pl.col(f"{side}_sog_kn")
    speed = pl.when(sog >= MIN_RECKON_KN).then(sog * KN_M_S)
    slow_speed = pl.min_horizontal(speed, pl.lit(p.approach_speed_kn * KN_M_S))
    gap = gap_m.clip(0.0)
    slow_m = pl.min_horizontal(gap, pl.lit(max(p.approach_km * 1000.0 - radius_m, 0.0)))
    seconds = (gap - slow_m) / speed + slow_m / slow_speed
    step = pl.duration(milliseconds=(seconds * 1000.0).cast(pl.Int64))
    if side == "_prev":
        t = pl.min_horizontal(pl.col("_prev_ts") + step, towards)
    else:
        t = pl.max_horizontal(pl.col("_next_ts") - step, towards)
    return pl.coalesce(t, towards)


def stop_spot_columns(p: PortCallParams) -> dict[str, pl.Expr]:
    """Per fix inside a visit (frame grouped by ``_visit``): near the first / last stop spot, and the
    arrival / departure time each fix would give."""
    radius_m = p.arrival_radius_m
    stopped = pl.col("_stopped")
    spot = {
        f"_{which}_{c}": getattr(pl.col(c).filter(stopped), which)().over("_visit")
        for which in ("first", "last")
        for c in ("lat", "lon")
    }
    cols: dict[str, pl.Expr] = {}
    for which, side in (("first", "_prev"), ("last", "_next")):
        s_lat, s_lon = spot[f"_{which}_lat"], spot[f"_{which}_lon"]
        cols[f"_near_{which}"] = haversine_m(pl.col("lat"), pl.col("lon"), s_lat, s_lon) <= radius_m
        far_m = haversine_m(pl.col(f"{side}_lat"), pl.col(f"{side}_lon"), s_lat, s_lon) - radius_m
        cols[f"_t_{which}"] = reckoned(side, far_m, pl.col("ts"), radius_m, p)
    return cols


def stop_spot_aggs() -> list[pl.Expr]:
    """Aggregations per visit: ``_arrival`` and ``_departure`` at the stop spots (null: never stopped)."""
    return [
        pl.col("_t_first").filter(pl.col("_near_first")).first().alias("_arrival"),
        pl.col("_t_last").filter(pl.col("_near_last")).last().alias("_departure"),
    ]


def _port_distance_m(lat: pl.Expr, lon: pl.Expr) -> pl.Expr:
    """Distance in metres from a fix to the nearer of the call's berth and anchorage."""
    berth = haversine_m(lat, lon, pl.col("port_lat"), pl.col("port_lon"))
    return pl.min_horizontal(berth, haversine_m(lat, lon, pl.col("_alat"), pl.col("_alon")))


def with_times(calls: pl.DataFrame, p: PortCallParams) -> pl.DataFrame:
    """The calls (with ``_prev_*`` of their first fix, ``_next_*`` of their last, the port's berth and
    ``_alat``/``_alon``) with ``entered_at``, ``exited_at``, ``arrival`` and ``departure``."""
    entry_m, exit_m = p.entry_radius_km * 1000.0, p.exit_radius_km * 1000.0
    gap_in = _port_distance_m(pl.col("_prev_lat"), pl.col("_prev_lon")) - entry_m
    gap_out = _port_distance_m(pl.col("_next_lat"), pl.col("_next_lon")) - exit_m
    out = calls.with_columns(
        entered_at=pl.when(pl.col("entry"))
        .then(reckoned("_prev", gap_in, pl.col("first_inside"), entry_m, p))
        .otherwise(pl.col("first_inside")),
        exited_at=pl.when(pl.col("exit"))
        .then(reckoned("_next", gap_out, pl.col("last_inside"), exit_m, p))
        .otherwise(pl.col("last_inside")),
    )
    return out.with_columns(
        arrival=pl.coalesce("_arrival", "entered_at"), departure=pl.coalesce("_departure", "exited_at")
    )
