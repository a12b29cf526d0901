"""The labelled ground truth of a simulation (``truth.json``) and its clearance records.

Times inside the simulator are seconds since the start of the run; here they become ISO
8601 UTC texts. The schema is documented in ``docs/simulate.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from shadowtrace.sim.coverage import Receivers
from shadowtrace.sim.fleet import Declaration, Vessel, World
from shadowtrace.sim.identities import Identity
from shadowtrace.sim.scenario import Scenario
from shadowtrace.sim.stage import Act

#: keys whose numbers are times (seconds since the start of the run)
TIME_KEYS: Final = frozenset(
    {
        "start",
        "end",
        "departed_at",
        "arrived_at",
        "left_at",
        "dark_start",
        "dark_end",
        "changed_at",
        "announced_at",
        "updated_at",
        "alongside_start",
        "alongside_end",
    }
)
EVENT_KINDS: Final = (
    "DESTINATION_MISMATCH",
    "DECLARATION_MISMATCH",
    "AIS_GAP",
    "DARK_PORT_CALL_POSSIBLE",
    "DRAUGHT_CHANGE_DARK",
    "ENCOUNTER",
    "LOITERING",
    "IDENTITY_CHANGE",
    "SHARED_MMSI",
    "POSITION_JUMP",
)


class _Clock:
    def __init__(self, start_ms: int) -> None:
        self.start_ms = start_ms

    def iso(self, t: float | None) -> str | None:
        if t is None:
            return None
        ms = self.start_ms + round(t * 1000)
        return datetime.fromtimestamp(ms / 1000.0, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def convert(self, value: Any, key: str = "") -> Any:
        if isinstance(value, Declaration):
            return value.id
        if isinstance(value, Mapping):
            return {k: self.convert(v, k) for k, v in value.items()}
        if isinstance(value, list | tuple):
            if key == "receiver_track":
                return [[self.iso(p[0]), p[1], p[2]] for p in value]
            return [self.convert(v, key) for v in value]
        if key in TIME_KEYS and isinstance(value, float | int) and not isinstance(value, bool):
            return self.iso(float(value))
        if isinstance(value, float):
            return round(value, 6)
        return value


def declaration_rows(fleet: list[Vessel], world: World, start_ms: int) -> list[dict[str, Any]]:
    """Clearance records of departures within the run, oldest first; gives each its id."""
    clock = _Clock(start_ms)
    decls = [(d, v) for v in fleet for d in v.declarations if 0.0 <= d.departure <= world.T]
    decls.sort(key=lambda dv: (dv[0].departure, dv[0].port, dv[0].identity.mmsi))
    seq: dict[str, int] = {}
    rows = []
    for d, _v in decls:
        seq[d.port] = seq.get(d.port, 0) + 1
        d.id = f"{d.port}-{seq[d.port]:06d}"
        port, nxt = world.ports[d.port], world.ports[d.declared_next]
        ident = d.identity
        rows.append(
            {
                "declaration_id": d.id,
                "mmsi": ident.mmsi,
                "imo": ident.imo or "",
                "vessel_name": ident.name,
                "flag": ident.flag,
                "port_locode": d.port,
                "port_name": port.name,
                "departure_time": clock.iso(600.0 * round(d.departure / 600.0)),
                "declared_next_port_locode": nxt.locode,
                "declared_next_port_name": nxt.name,
                "cargo": d.cargo,
            }
        )
    return rows


def _identity_at(v: Vessel, t: float) -> Identity:
    ident = v.identities[0][1]
    for since, i in v.identities:
        if since <= t:
            ident = i
    return ident


def build_truth(
    sc: Scenario,
    seed: int,
    days: float,
    fleet: list[Vessel],
    acts: list[Act],
    gaps: list[dict[str, Any]],
    world: World,
    rec: Receivers,
    start_ms: int,
    decls: list[dict[str, Any]],
) -> dict[str, Any]:
    clock = _Clock(start_ms)
    by_idx = {v.idx: v for v in fleet}
    T = world.T
    vessels = []
    for v in fleet:
        own = v.identities[0][1]
        vessels.append(
            {
                "mmsi": own.mmsi,
                "imo": own.imo or None,
                "name": own.name,
                "callsign": own.callsign,
                "type": v.vtype.name,
                "class": v.ais_class,
                "flag": own.flag,
                "ship_type": v.ship_type,
                "length_m": v.length_m,
                "beam_m": v.beam_m,
                "max_draught_m": v.max_draught_m,
                "identities": [
                    {
                        "from": None if since < 0 else clock.iso(since),
                        "mmsi": i.mmsi,
                        "name": i.name,
                        "callsign": i.callsign,
                        "flag": i.flag,
                    }
                    for since, i in v.identities
                ],
                "role": v.role or None,
            }
        )
    calls = []
    for v in fleet:
        for c in v.calls:
            if (c.arrival is not None and c.arrival >= T) or (c.departure is not None and c.departure <= 0):
                continue
            port = world.ports[c.locode]
            t_ref = max(c.arrival or 0.0, 0.0)
            ident = _identity_at(v, t_ref)
            calls.append(
                {
                    "mmsi": ident.mmsi,
                    "imo": ident.imo or None,
                    "vessel": ident.name,
                    "locode": c.locode,
                    "port_name": port.name,
                    "country": port.country,
                    "arrival": clock.iso(c.arrival) if c.arrival is not None and c.arrival >= 0 else None,
                    "departure": clock.iso(c.departure) if c.departure is not None and c.departure < T else None,
                    "stay": c.stay,
                    "berth": {"lat": round(c.berth[0], 6), "lon": round(c.berth[1], 6)},
                    "anchorage": None
                    if c.anchorage is None
                    else {
                        "start": clock.iso(max(c.anchorage[0], 0.0)),
                        "end": clock.iso(min(c.anchorage[1], T)),
                        "lat": round(c.anchorage[2], 6),
                        "lon": round(c.anchorage[3], 6),
                    },
                    "dark": c.dark,
                }
            )
    calls.sort(key=lambda c: (c["arrival"] or "", c["mmsi"]))
    act_list = []
    for a in acts:
        act_list.append(
            {
                "id": a.id,
                "kind": a.kind,
                "variant": a.variant,
                "look_alike": a.look_alike,
                "vessels": [
                    {"mmsi": v.identities[0][1].mmsi, "imo": v.identity.imo or None, "name": v.identity.name}
                    for v in a.vessels
                ],
                "start": clock.iso(a.start),
                "end": clock.iso(a.end),
                "place": {"lat": round(a.lat, 6), "lon": round(a.lon, 6), "locode": a.locode},
                "expect": clock.convert(a.expect),
                "facts": clock.convert(a.facts),
            }
        )
    gap_list = []
    for g in sorted(gaps, key=lambda g: (g["start"], g["vessel"])):
        v = by_idx[g["vessel"]]
        ident = _identity_at(v, g["start"])
        gap_list.append(
            {
                "mmsi": ident.mmsi,
                "imo": ident.imo or None,
                "start": clock.iso(g["start"]),
                "end": clock.iso(g["end"]),
                "duration_h": round((g["end"] - g["start"]) / 3600.0, 2),
                "cause": g["cause"],
                "detail": g["detail"],
            }
        )
    return {
        "scenario": sc.name,
        "seed": seed,
        "generator": "shadowtrace simulate",
        "period": {"start": clock.iso(0.0), "end": clock.iso(T), "days": days},
        "event_kinds": [*EVENT_KINDS, *sorted({x["kind"] for a in acts for x in a.expect} - set(EVENT_KINDS))],
        "receivers": {
            "stations": [{"name": s.name, "lat": s.lat, "lon": s.lon, "range_km": s.range_km} for s in sc.stations],
            "satellite": {
                "station": sc.reception.satellite_station,
                "interval_min": list(sc.reception.satellite_interval_min),
            },
            "holes": [
                {
                    "name": h.name,
                    "bbox": [h.lat_min, h.lon_min, h.lat_max, h.lon_max],
                    "satellite": h.satellite,
                    "reason": h.reason,
                }
                for h in sc.holes
            ],
            "moving_interval_s": list(sc.reception.moving_interval_s),
            "stationary_interval_s": list(sc.reception.stationary_interval_s),
        },
        "vessels": vessels,
        "port_calls": calls,
        "acts": act_list,
        "gaps": gap_list,
        "declarations": len(decls),
    }
