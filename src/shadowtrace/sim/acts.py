"""Evasive acts and legitimate look-alikes, staged on the fleet and labelled.

Each act builds the plans of the vessels it involves with the :class:`Itinerary` builder
(the same one ordinary trade uses) and records an :class:`Act`: what happened, where and
when, and ``expect``, the events a detector should report (an empty list for a look-alike
that must not be flagged). Times are seconds since the start of the run until
:mod:`shadowtrace.sim.writers` writes them as ISO 8601.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np

from shadowtrace.geo.land import crosses_land, is_land
from shadowtrace.geo.sphere import destination_point, haversine_m
from shadowtrace.sim.fleet import DAY, H, Identity, Itinerary, Registry, Vessel, World, make_vessel
from shadowtrace.sim.motion import ANCHOR, BERTH, DRIFT, SAIL, Path, Phase, sail_phase, states_at
from shadowtrace.sim.scenario import ACT_KINDS, LOOK_ALIKES, Scenario

#: vessels each act needs
VESSELS_PER_ACT: Final = {
    "declared_elsewhere": 1,
    "dark_delivery": 1,
    "sts_transfer": 2,
    "identity_change": 1,
    "shared_mmsi": 2,
    "position_jump": 1,
    "late_destination_update": 1,
    "announced_diversion": 1,
    "open_sea_gap": 1,
    "pilot_alongside": 2,
    "bunker_alongside": 2,
}


@dataclass
class Act:
    id: str
    kind: str
    variant: str
    vessels: list[Vessel]
    start: float
    end: float
    lat: float
    lon: float
    locode: str | None
    expect: list[dict[str, Any]] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def look_alike(self) -> bool:
        return self.kind in LOOK_ALIKES


def act_schedule(scenario: Scenario, vessels: int, days: float) -> list[tuple[str, str]]:
    """Which acts to stage: one of each kind and variant first, then more by rate, within the fleet."""
    specs = [s for s in scenario.acts if s.rate > 0]
    order: list[tuple[str, str]] = [(s.kind, v) for s in specs for v in s.variants]
    for s in specs:
        extra = round(s.rate * vessels / 100.0 * days / 30.0) - len(s.variants)
        order += [(s.kind, s.variants[i % len(s.variants)]) for i in range(max(0, extra))]
    budget = int(vessels * 0.6)
    out = []
    for kind, variant in order:
        need = VESSELS_PER_ACT[kind]
        if need <= budget:
            out.append((kind, variant))
            budget -= need
    return out


class Stage:
    """Stages acts: creates the vessels they need and builds their plans."""

    def __init__(
        self, world: World, registry: Registry, next_idx: Callable[[], int], covered: Callable[[Any, Any], Any]
    ) -> None:
        self.w = world
        self.reg = registry
        self.next_idx = next_idx
        self.covered = covered
        self.vessels: list[Vessel] = []
        self.acts: list[Act] = []
        self.skipped: list[str] = []

    # ---- helpers

    def vessel(self, type_name: str, home: str, rng: np.random.Generator, flag: str | None = None) -> Vessel:
        sc = self.w.scenario
        flags = list(sc.flags)
        share = np.array([sc.flags[f] for f in flags])
        flag = flag or flags[int(rng.choice(len(flags), p=share / share.sum()))]
        v = make_vessel(self.w, self.reg, self.next_idx(), sc.types[type_name], home, flag)
        v.update_delay_h = float(rng.uniform(0.5, 1.5))
        self.vessels.append(v)
        return v

    def pick(self, rng: np.random.Generator, items: list[str]) -> str:
        return items[int(rng.integers(len(items)))]

    def when(self, rng: np.random.Generator, lo: float = 0.08, hi: float = 0.35) -> float:
        return float(rng.uniform(lo, hi)) * self.w.T + 2 * H

    def reachable(self, a: str, targets: list[str], within: float) -> list[str]:
        """Targets with a route from ``a`` short enough to sail in ``within`` seconds at 12 kn."""
        out = []
        for b in targets:
            r = self.w.route(a, b)
            if r is not None and r[0].length_m / (12 * 0.5144) < within:
                out.append(b)
        return out

    def add(self, act: Act) -> None:
        act.id = f"A{len(self.acts) + 1:03d}-{act.kind}"
        self.acts.append(act)
        for v in act.vessels:
            v.role = v.role or act.id

    def stage(self, kind: str, variant: str, rng: np.random.Generator) -> None:
        """Stage one act; a draw that does not fit (no route, no coverage...) is retried a few times."""
        fn = getattr(self, f"_{kind}")
        for _ in range(6):
            before = len(self.vessels)
            if fn(variant, rng):
                return
            del self.vessels[before:]
        self.skipped.append(f"{kind}/{variant}")

    # ---- evasive acts

    def _evasive_route(self, rng: np.random.Generator, max_h: float) -> tuple[str, str, str] | None:
        w = self.w
        origins, decoys, watched = w.role("origin"), w.role("decoy"), w.role("watched")
        for _ in range(20):
            if not (origins and decoys and watched):
                return None
            o = self.pick(rng, origins)
            ok = self.reachable(o, watched, max_h * H)
            if ok:
                return o, self.pick(rng, [d for d in decoys if w.route(o, d)] or decoys), self.pick(rng, ok)
        return None

    def _declared_elsewhere(self, variant: str, rng: np.random.Generator) -> bool:
        picked = self._evasive_route(rng, 0.35 * self.w.T / H)
        if picked is None:
            return False
        o, d, kp = picked
        v = self.vessel("tanker", o, rng)
        it = Itinerary(self.w, v, rng)
        t0 = self.when(rng)
        it.begin_at_berth(o, laden=True, until=t0, since=t0 - rng.uniform(20, 40) * H)
        ais = d if variant in ("both_lie", "ais_lies") else kp
        declared = d if variant in ("both_lie", "clearance_lies") else kp
        arrive = it.sail(kp, ais_dest=ais, declared=declared, anchor_wait_h=0.0, stay_h=float(rng.uniform(24, 72)))
        assert arrive is not None
        call = v.calls[-1]
        v.laden = False
        it.trade_until(self.w.T)
        port = self.w.ports[kp]
        facts = {
            "mmsi": v.identity.mmsi,
            "imo": v.identity.imo,
            "departed": o,
            "departed_at": t0,
            "actual_port": kp,
            "arrived_at": call.arrival,
            "left_at": call.departure,
        }
        expect = []
        if ais != kp:
            expect.append(
                {
                    "kind": "DESTINATION_MISMATCH",
                    **facts,
                    "declared_port": d,
                    "ais_destination": v.voyage[-_after(v, t0)].destination,
                }
            )
        if declared != kp:
            expect.append(
                {
                    "kind": "DECLARATION_MISMATCH",
                    **facts,
                    "declared_port": d,
                    "declaration": v.declarations[_decl_index(v, o, t0)],
                }
            )
        self.add(
            Act(
                "",
                "declared_elsewhere",
                variant,
                [v],
                t0,
                call.departure or self.w.T,
                port.berth_lat,
                port.berth_lon,
                kp,
                expect,
                {"ais_declared": ais, "clearance_declared": declared, **facts},
            )
        )
        return True

    def _dark_delivery(self, variant: str, rng: np.random.Generator) -> bool:
        picked = self._evasive_route(rng, 0.25 * self.w.T / H)
        if picked is None:
            return False
        o, d, kp = picked
        w = self.w
        back = [p for p in w.role("origin") if w.route(kp, p)]
        if not back:
            return False
        o2 = self.pick(rng, back)
        v = self.vessel("tanker", o, rng)
        it = Itinerary(w, v, rng)
        t0 = self.when(rng)
        it.begin_at_berth(o, laden=True, until=t0, since=t0 - rng.uniform(20, 40) * H)
        it.sail(kp, ais_dest=d, declared=d, anchor_wait_h=0.0, stay_h=float(rng.uniform(24, 60)))
        leg = v.phases[-2]
        call = v.calls[-1]
        assert leg.path is not None and call.departure is None
        # silent on approach, where shore stations still hear it
        s = np.linspace(max(leg.path.length_m - 250_000, 0.0), max(leg.path.length_m - 40_000, 0.0), 60)
        lat, lon, _ = leg.path.at(s)
        ok = np.nonzero(self.covered(lat, lon))[0]
        s_off = float(s[ok[-1]]) if ok.size else float(s[len(s) // 2])
        t_off = leg.start + float(np.interp(s_off, leg.prof_d, leg.prof_t))
        v.laden = False
        dep = it.t
        it.sail(o2, update_delay_h=float(rng.uniform(0.5, 2.0)))
        ret = v.phases[-2] if v.phases[-2].kind == SAIL else v.phases[-3]
        t_on = dep + min(float(rng.uniform(8, 30)) * H, 0.8 * (ret.end - ret.start))
        it.trade_until(w.T)
        call.dark = True
        act_id = f"A{len(self.acts) + 1:03d}-dark_delivery"
        v.dark.append((t_off, t_on, act_id))
        draught_after = next(x.draught_m for x in v.voyage if x.t > dep)
        draught_before = [x.draught_m for x in v.voyage if x.t <= t_off][-1]
        port = w.ports[kp]
        base = {"mmsi": v.identity.mmsi, "imo": v.identity.imo}
        expect: list[dict[str, Any]] = [
            {"kind": "AIS_GAP", **base, "dark_start": t_off, "dark_end": t_on},
            {
                "kind": "DARK_PORT_CALL_POSSIBLE",
                **base,
                "port": kp,
                "arrived_at": call.arrival,
                "left_at": call.departure,
                "dark_start": t_off,
                "dark_end": t_on,
            },
            {
                "kind": "DRAUGHT_CHANGE_DARK",
                **base,
                "draught_before_m": draught_before,
                "draught_after_m": draught_after,
                "dark_start": t_off,
                "dark_end": t_on,
            },
            {
                "kind": "DESTINATION_MISMATCH",
                **base,
                "declared_port": d,
                "actual_port": kp,
                "next_port_seen": o2,
                "departed": o,
                "departed_at": t0,
            },
            {
                "kind": "DECLARATION_MISMATCH",
                **base,
                "declared_port": d,
                "actual_port": kp,
                "next_port_seen": o2,
                "declaration": v.declarations[_decl_index(v, o, t0)],
            },
        ]
        self.add(
            Act(
                "",
                "dark_delivery",
                variant,
                [v],
                t_off,
                t_on,
                port.berth_lat,
                port.berth_lon,
                kp,
                expect,
                {
                    **base,
                    "departed": o,
                    "departed_at": t0,
                    "declared_port": d,
                    "actual_port": kp,
                    "dark_start": t_off,
                    "dark_end": t_on,
                    "arrived_at": call.arrival,
                    "left_at": call.departure,
                },
            )
        )
        return True

    def _sts_point(self, rng: np.random.Generator) -> tuple[str, float, float] | None:
        areas = list(self.w.scenario.sts_areas)
        if not areas:
            return None
        for _ in range(40):
            a = areas[int(rng.integers(len(areas)))]
            plat, plon = destination_point(a.lat, a.lon, rng.uniform(0, 360), rng.uniform(0, a.radius_km * 1000))
            lat, lon = float(plat), float(plon)
            if is_land(lat, lon) or crosses_land([lat, lat + 0.02], [lon, lon + 0.02], step_m=300.0):
                continue
            near_port = any(haversine_m(lat, lon, p.berth_lat, p.berth_lon) < 25_000 for p in self.w.ports.values())
            if not near_port:
                return a.name, lat, lon
        return None

    def _spur(self, a: str, b: str, lat: float, lon: float, max_m: float) -> tuple[Path, Path] | None:
        """Route a->b detoured to (lat, lon): the path there, and from there on to b."""
        r = self.w.route(a, b)
        if r is None:
            return None
        whole = r[0]
        d = haversine_m(whole.lat, whole.lon, lat, lon)
        for i in np.argsort(d)[:6].tolist():
            i = min(max(int(i), 1), whole.lat.size - 2)
            if d[i] > max_m:
                break
            if not crosses_land([whole.lat[i], lat], [whole.lon[i], lon], step_m=200.0):
                return whole.upto(i, (lat, lon)), whole.since(i, (lat, lon))
        return None

    def _sts_transfer(self, variant: str, rng: np.random.Generator) -> bool:
        w = self.w
        for _ in range(30):
            point = self._sts_point(rng)
            if point is None:
                return False
            area, lat, lon = point
            o, d = self.pick(rng, w.role("origin")), self.pick(rng, w.role("decoy"))
            kp = self.pick(rng, w.role("watched"))
            starts = [p for p in (*w.role("decoy"), *w.role("import")) if p != kp]
            s = self.pick(rng, starts)
            giver = self._spur(o, d, lat, lon, 250_000)
            recv = self._spur(s, kp, lat, lon, 250_000)
            if giver and recv:
                break
        else:
            return False
        g = self.vessel("tanker", o, rng)
        r = self.vessel("tanker", s, rng)
        side = float(rng.uniform(0, 360))
        off = float(rng.uniform(60, 150))
        rlat, rlon = (float(x) for x in destination_point(lat, lon, side, off))
        recv_in = Path.of([*recv[0].lat[:-1], rlat], [*recv[0].lon[:-1], rlon])
        leg_g = sail_phase(giver[0], 0.0, g.cruise_kn, rng)
        leg_r = sail_phase(recv_in, 0.0, r.cruise_kn, rng)
        wait = float(rng.uniform(1, 4)) * H
        t0 = max(self.when(rng, 0.05, 0.3), leg_r.end - leg_g.end - wait + 6 * H)
        # the giver: loaded at o, declares d, stops at sea
        ig = Itinerary(w, g, rng)
        ig.begin_at_berth(o, laden=True, until=t0, since=t0 - rng.uniform(20, 40) * H)
        ig._set_voyage(t0 + g.update_delay_h * H, g.style, d, g.voyage[-1].draught_m, math.nan, origin=o)
        ig.declare(o, t0, d)
        tg = ig.append_leg(leg_g, t0)
        tr = tg + wait
        # the receiver leaves s in ballast to be there when the giver has waited
        dep_r = tr - leg_r.end
        ir = Itinerary(w, r, rng)
        ir.begin_at_berth(s, laden=False, until=dep_r, since=dep_r - rng.uniform(20, 40) * H)
        ir.declare(s, dep_r, kp)
        ir._set_voyage(dep_r + r.update_delay_h * H, r.style, kp, r.voyage[-1].draught_m, math.nan, origin=s)
        ir.append_leg(leg_r, dep_r)
        ig.drift(lat, lon, tr)
        te = tr + float(rng.uniform(5, 10)) * H
        drift_kn, drift_deg = float(rng.uniform(0.2, 0.6)), float(rng.uniform(0, 360))
        heading = float(rng.uniform(0, 360))
        ig.drift(lat, lon, te, drift_kn, drift_deg, heading)
        ir.drift(rlat, rlon, te, drift_kn, drift_deg, heading)
        # after: the giver goes on to the declared port, the receiver to the watched one, laden
        glat, glon = g.phases[-1].end_position()
        ig.sail_path(Path.of([glat, *giver[1].lat[1:]], [glon, *giver[1].lon[1:]]))
        ig.berth_after_path(d, float(rng.uniform(12, 36)))
        g.laden = False
        ig.trade_until(w.T)
        r.laden = True
        blat, blon = r.phases[-1].end_position()
        before = r.voyage[-1].draught_m
        ir._set_voyage(te + 1 * H, r.style, kp, ir._draught(True), math.nan, origin=s)
        ir.sail_path(Path.of([blat, *recv[1].lat[1:]], [blon, *recv[1].lon[1:]]))
        ir.berth_after_path(kp, float(rng.uniform(24, 48)))
        r.laden = False
        ir.trade_until(w.T)
        gi, ri = g.identity, r.identity
        act_id = f"A{len(self.acts) + 1:03d}-sts_transfer"
        expect: list[dict[str, Any]] = [
            {"kind": "LOITERING", "mmsi": gi.mmsi, "imo": gi.imo, "start": tg, "end": te, "lat": lat, "lon": lon}
        ]
        facts: dict[str, Any] = {
            "area": area,
            "giver": {"mmsi": gi.mmsi, "imo": gi.imo, "from": o, "declared": d},
            "receiver": {"mmsi": ri.mmsi, "imo": ri.imo, "from": s, "to": kp},
            "alongside_start": tr,
            "alongside_end": te,
            "distance_m": round(off, 1),
        }
        if variant == "receiver_dark":
            off_t, on_t = tr - float(rng.uniform(2, 4)) * H, te + float(rng.uniform(3, 6)) * H
            r.dark.append((off_t, on_t, act_id))
            expect += [
                {"kind": "AIS_GAP", "mmsi": ri.mmsi, "imo": ri.imo, "dark_start": off_t, "dark_end": on_t},
                {
                    "kind": "DRAUGHT_CHANGE_DARK",
                    "mmsi": ri.mmsi,
                    "imo": ri.imo,
                    "draught_before_m": before,
                    "draught_after_m": r.voyage[-_after(r, te)].draught_m,
                    "dark_start": off_t,
                    "dark_end": on_t,
                },
            ]
            times = np.arange(tr, te, 600.0)
            st = states_at(r.phases, times, np.random.default_rng(0))
            facts["receiver_track"] = [
                [float(t), round(float(a), 6), round(float(b), 6)] for t, a, b in zip(st.t, st.lat, st.lon, strict=True)
            ]
        else:
            expect += [
                {
                    "kind": "ENCOUNTER",
                    "mmsi": gi.mmsi,
                    "imo": gi.imo,
                    "other_mmsi": ri.mmsi,
                    "other_imo": ri.imo,
                    "start": tr,
                    "end": te,
                    "lat": lat,
                    "lon": lon,
                    "max_distance_m": 300,
                },
                {"kind": "LOITERING", "mmsi": ri.mmsi, "imo": ri.imo, "start": tr, "end": te, "lat": rlat, "lon": rlon},
            ]
        self.add(Act("", "sts_transfer", variant, [g, r], tr, te, lat, lon, None, expect, facts))
        return True

    def _identity_change(self, variant: str, rng: np.random.Generator) -> bool:
        v, it = self._trader(rng)
        t_c = float(rng.uniform(0.35, 0.6)) * self.w.T
        old = v.identity
        flag = self.pick(rng, [f for f in self.w.scenario.flags if f != old.flag] or [old.flag])
        new = Identity(self.reg.mmsi(flag), old.imo, self.reg.name(flag, False), self.reg.callsign(flag), flag)
        v.identities.append((t_c, new))
        it.trade_until(self.w.T)
        lat, lon = _where(v, t_c)
        expect = [
            {"kind": "IDENTITY_CHANGE", "imo": old.imo, "changed_at": t_c, "old": _ident(old), "new": _ident(new)}
        ]
        self.add(
            Act(
                "",
                "identity_change",
                variant,
                [v],
                t_c,
                t_c,
                lat,
                lon,
                None,
                expect,
                {"old": _ident(old), "new": _ident(new)},
            )
        )
        return True

    def _shared_mmsi(self, variant: str, rng: np.random.Generator) -> bool:
        a, ia = self._trader(rng)
        b, ib = self._trader(rng)
        ia.trade_until(self.w.T)
        ib.trade_until(self.w.T)
        best = None
        for _ in range(12):
            t0 = float(rng.uniform(0.2, 0.6)) * self.w.T
            t1 = t0 + float(rng.uniform(12, 48)) * H
            pa, pb = _where(a, (t0 + t1) / 2), _where(b, (t0 + t1) / 2)
            dist = float(haversine_m(pa[0], pa[1], pb[0], pb[1]))
            if best is None or dist > best[0]:
                best = (dist, t0, min(t1, self.w.T))
            if dist > 150_000:
                break
        assert best is not None
        dist, t0, t1 = best
        b.identities += [(t0, a.identity), (t1, b.identity)]
        pa, pb = _where(a, t0), _where(b, t0)
        expect = [
            {
                "kind": "SHARED_MMSI",
                "mmsi": a.identity.mmsi,
                "start": t0,
                "end": t1,
                "imo": a.identity.imo,
                "other_imo": b.identity.imo,
                "places": [list(pa), list(pb)],
            }
        ]
        self.add(
            Act(
                "",
                "shared_mmsi",
                variant,
                [a, b],
                t0,
                t1,
                pa[0],
                pa[1],
                None,
                expect,
                {"owner": _ident(a.identity), "impostor": _ident(b.identity), "distance_km": round(dist / 1000, 1)},
            )
        )
        return True

    def _position_jump(self, variant: str, rng: np.random.Generator) -> bool:
        v, it = self._trader(rng)
        it.trade_until(self.w.T)
        sails = [p for p in v.phases if p.kind == SAIL and p.end - p.start > 6 * H and 0 < p.start < self.w.T * 0.8]
        bbox = self.w.scenario.bbox
        for ph in sails[:6]:
            times = np.linspace(ph.start + H, ph.end - 2 * H, 20)
            st = states_at(v.phases, times, np.random.default_rng(1))
            ok = np.nonzero(self.covered(st.lat, st.lon))[0]
            if not ok.size:
                continue
            k = int(ok[int(rng.integers(ok.size))])
            t0 = float(times[k])
            for _ in range(60):
                slat, slon = (
                    float(x)
                    for x in destination_point(st.lat[k], st.lon[k], rng.uniform(0, 360), rng.uniform(200_000, 600_000))
                )
                if bbox[0] < slat < bbox[2] and bbox[1] < slon < bbox[3] and not is_land(slat, slon):
                    t1 = t0 + float(rng.uniform(20, 90)) * 60
                    v.spoof.append((t0, t1, slat, slon))
                    dist = float(haversine_m(st.lat[k], st.lon[k], slat, slon))
                    expect = [
                        {
                            "kind": "POSITION_JUMP",
                            "mmsi": v.identity.mmsi,
                            "imo": v.identity.imo,
                            "start": t0,
                            "end": t1,
                            "true_lat": float(st.lat[k]),
                            "true_lon": float(st.lon[k]),
                            "spoofed_lat": slat,
                            "spoofed_lon": slon,
                            "distance_km": round(dist / 1000, 1),
                        }
                    ]
                    self.add(
                        Act(
                            "",
                            "position_jump",
                            variant,
                            [v],
                            t0,
                            t1,
                            slat,
                            slon,
                            None,
                            expect,
                            {"distance_km": round(dist / 1000, 1)},
                        )
                    )
                    return True
        return False

    # ---- look-alikes

    def _trader(self, rng: np.random.Generator, type_name: str | None = None) -> tuple[Vessel, Itinerary]:
        w = self.w
        type_name = type_name or self.pick(rng, ["tanker", "bulker", "container", "general_cargo"])
        ports = w.role("hub") if type_name in ("container", "general_cargo") else w.role("export")
        home = self.pick(rng, ports or [p.locode for p in w.scenario.ports])
        v = self.vessel(type_name, home, rng)
        it = Itinerary(w, v, rng)
        it.begin_at_berth(
            home,
            laden=type_name in ("tanker", "bulker"),
            until=float(rng.uniform(2, 20)) * H,
            since=-float(rng.uniform(5, 30)) * H,
        )
        return v, it

    def _long_leg(self, it: Itinerary, rng: np.random.Generator, min_m: float, max_h: float) -> str | None:
        assert it.port is not None
        w = self.w
        cands = [*w.role("import"), *w.role("hub")]
        ok = [c for c in cands if (r := w.route(it.port, c)) and min_m <= r[0].length_m <= max_h * H * 12 * 0.5144]
        return self.pick(rng, sorted(set(ok))) if ok else None

    def _late_destination_update(self, variant: str, rng: np.random.Generator) -> bool:
        v, it = self._trader(rng)
        to = self._long_leg(it, rng, 300_000, 0.5 * self.w.T / H)
        if to is None:
            return False
        it.cargo_operations()
        dep = it.t
        delay = float(rng.uniform(2.5, 4.5))
        it.sail(to, update_delay_h=delay)
        call = v.calls[-1]
        it.trade_until(self.w.T)
        port = self.w.ports[to]
        self.add(
            Act(
                "",
                "late_destination_update",
                variant,
                [v],
                dep,
                call.arrival or dep,
                port.berth_lat,
                port.berth_lon,
                to,
                [],
                {"mmsi": v.identity.mmsi, "departed_at": dep, "updated_at": dep + delay * H, "port": to},
            )
        )
        return True

    def _announced_diversion(self, variant: str, rng: np.random.Generator) -> bool:
        v, it = self._trader(rng)
        to = self._long_leg(it, rng, 400_000, 0.5 * self.w.T / H)
        if to is None:
            return False
        assert it.port is not None
        first = [c for c in (*self.w.role("import"), *self.w.role("hub")) if c not in (to, it.port)]
        if not first:
            return False
        planned = self.pick(rng, first)
        it.cargo_operations()
        dep = it.t
        it.sail(to, ais_dest=planned, declared=planned, anchor_wait_h=0.0)
        call = v.calls[-1]
        assert call.arrival is not None
        t_div = dep + 0.35 * (call.arrival - dep)
        v.voyage.append(type(v.voyage[-1])(t_div, _dest(it, to), v.voyage[-1].draught_m, call.arrival))
        it.trade_until(self.w.T)
        port = self.w.ports[to]
        self.add(
            Act(
                "",
                "announced_diversion",
                variant,
                [v],
                dep,
                call.arrival,
                port.berth_lat,
                port.berth_lon,
                to,
                [],
                {
                    "mmsi": v.identity.mmsi,
                    "planned_port": planned,
                    "actual_port": to,
                    "departed_at": dep,
                    "announced_at": t_div,
                    "arrived_at": call.arrival,
                },
            )
        )
        return True

    def _open_sea_gap(self, variant: str, rng: np.random.Generator) -> bool:
        w = self.w
        holes = [h for h in w.scenario.holes if h.satellite <= 0.25]
        best = None
        pool = sorted({*w.role("export"), *w.role("import"), *w.role("hub")})
        for a in pool:
            for b in pool:
                r = w.route(a, b)
                if r is None:
                    continue
                s = np.linspace(0, r[0].length_m, 200)
                lat, lon, _ = r[0].at(s)
                inside = np.zeros(s.size, dtype=np.bool_)
                for h in holes:
                    inside |= h.contains(lat, lon)
                km = inside.mean() * r[0].length_m
                if km > 80_000 and r[0].length_m < 0.4 * w.T * 12 * 0.5144 and (best is None or km > best[0]):
                    best = (km, a, b)
        if best is None:
            return False
        _, a, b = best
        v = self.vessel("general_cargo", a, rng)
        it = Itinerary(w, v, rng)
        t0 = self.when(rng, 0.05, 0.3)
        it.begin_at_berth(a, laden=True, until=t0, since=t0 - rng.uniform(10, 30) * H)
        it.sail(b, anchor_wait_h=0.0)
        leg = v.phases[-2]
        it.trade_until(w.T)
        assert leg.path is not None
        times = np.arange(leg.start, leg.end, 300.0)
        st = states_at(v.phases, times, np.random.default_rng(2))
        inside = np.zeros(times.size, dtype=np.bool_)
        for h in holes:
            inside |= h.contains(st.lat, st.lon)
        idx = np.nonzero(inside)[0]
        mid = int(idx[idx.size // 2])
        self.add(
            Act(
                "",
                "open_sea_gap",
                variant,
                [v],
                float(times[idx[0]]),
                float(times[idx[-1]]),
                float(st.lat[mid]),
                float(st.lon[mid]),
                None,
                [],
                {
                    "mmsi": v.identity.mmsi,
                    "from": a,
                    "to": b,
                    "draught_m": v.voyage[-_after(v, leg.start)].draught_m,
                    "why": "no receiver in range: the hole the route crosses",
                },
            )
        )
        return True

    def _alongside(self, kind: str, variant: str, rng: np.random.Generator) -> bool:
        w = self.w
        ports = [p for p in (*w.role("hub"), *w.role("import"), *w.role("export"))]
        host, it = self._trader(rng)
        x = self.pick(rng, [p for p in ports if p != it.port])
        it.cargo_operations()
        if it.sail(x, anchor_wait_h=float(rng.uniform(4, 10)) if kind == "pilot_alongside" else 0.0) is None:
            return False
        call = host.calls[-1]
        it.trade_until(w.T)
        helper_type = "small_craft" if kind == "pilot_alongside" else "tanker"
        helper = self.vessel(
            helper_type, x, rng, flag=w.ports[x].country if w.ports[x].country in w.scenario.flags else None
        )
        helper.ship_type = 50 if kind == "pilot_alongside" else 80
        helper.length_m = 18 if kind == "pilot_alongside" else int(rng.uniform(60, 85))
        helper.max_draught_m = 2.0 if kind == "pilot_alongside" else 5.5
        other = next((p for p in ports if p != x and w.route(p, x)), None)
        if other is None:
            return False
        legs = w.route(other, x)
        assert legs is not None
        into = legs[2]  # anchorage -> berth
        ih = Itinerary(w, helper, rng)
        if kind == "pilot_alongside":
            assert call.anchorage is not None
            a1 = call.anchorage[1]
            meet0, meet1 = a1 - float(rng.uniform(25, 45)) * 60, a1
            spot = (call.anchorage[2], call.anchorage[3])
            ih.begin_at_berth(x, laden=False, until=meet0 - 1800, since=-H)
            out = Path.of([*into.lat[::-1][:-1], spot[0]], [*into.lon[::-1][:-1], spot[1]])
            arrive = ih.sail_path(out, cruise_kn=14.0)
            meet0 = max(meet0, arrive)
            ih.drift(spot[0] + 0.0003, spot[1], meet1)
            ih.sail_path(Path.of([spot[0] + 0.0003, *into.lat[1:]], [spot[1], *into.lon[1:]]), cruise_kn=12.0)
            ih.berth_after_path(x, 1.0)
            ih.close(w.T)
            where = spot
        else:
            b0 = call.departure
            berth_t = next(
                p.start for p in host.phases if p.kind == BERTH and p.port == x and p.start >= (call.arrival or 0)
            )
            meet0 = berth_t + float(rng.uniform(1, 4)) * H
            meet1 = min(meet0 + float(rng.uniform(3, 6)) * H, (b0 or w.T) - H)
            anch = (into.lat[0], into.lon[0])
            ih.v.phases.append(_anchor_phase(anch, meet0 - 2 * H, rng))
            ih.v.calls.append(type(call)(x, None, None, anch, (-H, meet0 - 2 * H, anch[0], anch[1]), stay="anchorage"))
            ih.port, ih.t = x, meet0 - 2 * H
            ih._set_voyage(0.0, helper.style, x, 4.5, math.nan, origin=None)
            hl, ho = call.berth
            ih.sail_path(Path.of([*into.lat[:-1], hl + 0.00025], [*into.lon[:-1], ho]), cruise_kn=7.0)
            meet0 = max(meet0, ih.t)
            ih.drift(hl + 0.00025, ho, meet1)
            ih.sail_path(Path.of([hl + 0.00025, *into.lat[::-1][1:]], [ho, *into.lon[::-1][1:]]), cruise_kn=7.0)
            ih.v.phases.append(_anchor_phase(anch, w.T, rng, start=ih.t))
            where = call.berth
        self.add(
            Act(
                "",
                kind,
                variant,
                [host, helper],
                meet0,
                meet1,
                where[0],
                where[1],
                x,
                [],
                {"host": host.identity.mmsi, "helper": helper.identity.mmsi, "port": x, "why": "in port"},
            )
        )
        return True

    def _pilot_alongside(self, variant: str, rng: np.random.Generator) -> bool:
        return self._alongside("pilot_alongside", variant, rng)

    def _bunker_alongside(self, variant: str, rng: np.random.Generator) -> bool:
        return self._alongside("bunker_alongside", variant, rng)


def _anchor_phase(at: tuple[float, float], until: float, rng: np.random.Generator, start: float = -3600.0) -> Phase:
    return Phase(
        ANCHOR, start, until, lat=float(at[0]), lon=float(at[1]), heading=float(rng.uniform(0, 360)), swing_m=30.0
    )


def _dest(it: Itinerary, to: str) -> str:
    from shadowtrace.sim.fleet import destination_text

    return destination_text(
        it.v.style if it.v.style not in ("blank", "for_orders") else "name", it.world.ports[to], None
    )


def _after(v: Vessel, t: float) -> int:
    """Negative index of the first voyage data set after ``t`` (as -k into v.voyage)."""
    for k, x in enumerate(v.voyage):
        if x.t > t:
            return len(v.voyage) - k
    return 1


def _decl_index(v: Vessel, port: str, t: float) -> int:
    return next(i for i, d in enumerate(v.declarations) if d.port == port and abs(d.departure - t) < 1.0)


def _ident(i: Identity) -> dict[str, Any]:
    return {"mmsi": i.mmsi, "imo": i.imo, "name": i.name, "callsign": i.callsign, "flag": i.flag}


def _where(v: Vessel, t: float) -> tuple[float, float]:
    st = states_at(v.phases, np.array([t]), np.random.default_rng(3))
    return float(st.lat[0]), float(st.lon[0])


KINDS: Final = tuple(ACT_KINDS)
_UNUSED = (DAY, DRIFT)
