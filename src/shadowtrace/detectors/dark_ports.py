"""Ports a vessel could have called at while dark.

``DARK_PORT_CALL_POSSIBLE``: an AIS gap of at least ``min_gap_h`` during which a port of a
watched country (default North Korea) could have been reached, stayed in for at least
``min_port_stay_h`` (default 12 h: long enough to load or discharge), and left in time to
reappear where the vessel did. Its severity is the gap's (see :mod:`shadowtrace.detectors.gaps`).

A port P is feasible for a gap from A (at ``start``) to B (at ``end``) when

    detour_factor x (gc(A, P) + gc(P, B)) <= speed x (duration - min_port_stay_h)

where gc is the great-circle distance (not the sea-lane network), ``detour_factor`` (default 1.3)
stands for the longer way round by sea, and speed is ``port_speed_kn`` (default 14 kn) or, when
that is None, the 90th percentile of the vessel's own reported speeds above ``moving_speed_kn``.
Candidates are the gazetteer's ports within speed x duration / 2 of A (listed positions). The
feasible stay window runs from the earliest arrival (start + detour x gc(A, P) / speed) to the
latest departure (end - detour x gc(P, B) / speed). The port the vessel was seen in as it fell
silent or reappeared (within ``in_port_km``) is not counted: no call there was hidden.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import polars as pl

from shadowtrace.detectors.gaps import (
    GapParams,
    PortArrays,
    ais_gap_events,
    draught_change_events,
    find_gaps,
    gap_event,
    gap_severity,
    port_arrays,
    ports_seen_in,
    reception_details,
)
from shadowtrace.geo.ports import Gazetteer
from shadowtrace.geo.sphere import haversine_m
from shadowtrace.models.events import Event
from shadowtrace.tracks.exprs import KN_M_S


def _own_speeds(clean_positions: pl.DataFrame, params: GapParams) -> dict[int, float]:
    """Each vessel's 90th percentile of reported speeds at or above ``moving_speed_kn``."""
    speeds = (
        clean_positions.filter(pl.col("sog_kn") >= params.moving_speed_kn)
        .group_by("mmsi")
        .agg(p90=pl.col("sog_kn").cast(pl.Float64).quantile(0.9, "linear"))
    )
    return {int(m): float(s) for m, s in speeds.iter_rows() if s is not None and s > 0}


def feasible_ports(g: dict[str, Any], speed_kn: float, ports: PortArrays, params: GapParams) -> list[dict[str, Any]]:
    """Ports reachable and returnable within gap ``g`` (see the module docstring), nearest first."""
    duration_s = g["duration_h"] * 3600.0
    speed_m_s = speed_kn * KN_M_S
    budget_m = speed_m_s * (duration_s - params.min_port_stay_h * 3600.0)
    if budget_m <= 0 or not ports.codes:
        return []
    d_start = haversine_m(g["start_lat"], g["start_lon"], ports.lat, ports.lon)
    idx = np.flatnonzero(d_start <= speed_m_s * duration_s / 2.0)
    d_end = haversine_m(g["end_lat"], g["end_lon"], ports.lat[idx], ports.lon[idx])
    ok = params.detour_factor * (d_start[idx] + d_end) <= budget_m
    out = []
    for i, d_in, d_out in zip(idx[ok], d_start[idx][ok], d_end[ok], strict=True):
        arrive = g["start"] + dt.timedelta(seconds=params.detour_factor * float(d_in) / speed_m_s)
        leave = g["end"] - dt.timedelta(seconds=params.detour_factor * float(d_out) / speed_m_s)
        out.append({
            "locode": ports.codes[i], "name": ports.names[i], "country": str(ports.countries[i]),
            "distance_from_start_km": round(float(d_in) / 1000.0, 1),
            "distance_to_end_km": round(float(d_out) / 1000.0, 1),
            "earliest_arrival": arrive, "latest_departure": leave,
            "max_stay_h": round((leave - arrive).total_seconds() / 3600.0, 2),
        })
    return sorted(out, key=lambda p: (p["distance_from_start_km"], p["locode"]))


def dark_port_calls_possible(clean_positions: pl.DataFrame, statics: pl.DataFrame, gazetteer: Gazetteer,
                             params: GapParams) -> list[Event]:
    """DARK_PORT_CALL_POSSIBLE events (see the module docstring); ``statics`` is not used."""
    return dark_port_events(find_gaps(clean_positions, gazetteer, params), clean_positions, gazetteer, params)


def dark_port_events(gaps: pl.DataFrame, clean_positions: pl.DataFrame, gazetteer: Gazetteer,
                     params: GapParams) -> list[Event]:
    """DARK_PORT_CALL_POSSIBLE events of the rows of :func:`find_gaps` (``clean_positions`` for the
    vessels' own speeds)."""
    gaps = gaps.filter(pl.col("duration_h") >= params.min_gap_h)
    if gaps.is_empty():
        return []
    ports = port_arrays(gazetteer)
    own = _own_speeds(clean_positions, params) if params.port_speed_kn is None else {}
    watched = set(params.watched_countries)
    events = []
    for g in gaps.iter_rows(named=True):
        speed_kn = params.port_speed_kn if params.port_speed_kn is not None else own.get(g["mmsi"])
        if speed_kn is None:
            continue  # never reported moving: no plausible speed to judge by
        feasible = feasible_ports(g, speed_kn, ports, params)
        seen = ports_seen_in(g, params)  # no call was hidden in the port it was seen in
        hits = [p for p in feasible if p["country"] in watched and p["locode"] not in seen]
        if not hits:
            continue
        severity, gap_reasons = gap_severity(g, params)  # as sure as the silence itself
        names = ", ".join(f"{p['name']} ({p['locode']})" for p in hits[:5])
        why = f"{len(hits)} port(s) of a watched country within reach while dark: {names}"
        details = {
            "duration_h": round(g["duration_h"], 3), "speed_kn": round(speed_kn, 2),
            "speed_source": "setting" if params.port_speed_kn is not None else "own 90th percentile",
            "detour_factor": params.detour_factor, "min_port_stay_h": params.min_port_stay_h,
            "watched_ports": hits, "feasible_ports_count": len(feasible),
            "feasible_countries": sorted({p["country"] for p in feasible}),
            "start_lat": g["start_lat"], "start_lon": g["start_lon"], "end_lat": g["end_lat"],
            "end_lon": g["end_lon"], **reception_details(g),
        }
        events.append(gap_event("DARK_PORT_CALL_POSSIBLE", g, params, severity, [why, *gap_reasons], details))
    return events


def detect_gaps(clean_positions: pl.DataFrame, statics: pl.DataFrame, gazetteer: Gazetteer,
                params: GapParams | None = None) -> list[Event]:
    """AIS_GAP, DRAUGHT_CHANGE_DARK and DARK_PORT_CALL_POSSIBLE events, in a stable order."""
    p = params or GapParams()
    gaps = find_gaps(clean_positions, gazetteer, p)
    events = ais_gap_events(gaps, p)
    if "draught_m" in statics.columns:
        events += draught_change_events(gaps, statics, p)
    events += dark_port_events(gaps, clean_positions, gazetteer, p)
    return sorted(events, key=lambda e: (e.start, e.kind, e.subject))
