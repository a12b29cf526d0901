"""Evasive acts, staged on the fleet and labelled with the events they should raise.

Declared elsewhere, dark delivery, ship-to-ship transfer, identity change, shared MMSI and
position jump: each is a method of :class:`EvasiveActs` that plans the vessels involved and
records an :class:`~shadowtrace.sim.stage.Act` with its ``expect`` list.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from shadowtrace.geo.land import crosses_land, is_land
from shadowtrace.geo.sphere import destination_point, haversine_m
from shadowtrace.sim.fleet import H, Itinerary, Vessel
from shadowtrace.sim.identities import Identity
from shadowtrace.sim.motion import SAIL, Path, sail_phase, states_at
from shadowtrace.sim.stage import Act, Stage, voyage_after


class EvasiveActs(Stage):
    """The evasive acts: what the detectors are built to find."""

    def reachable(self, a: str, targets: list[str], within: float) -> list[str]:
        """Targets with a route from ``a`` short enough to sail in ``within`` seconds at 12 kn."""
        out = []
        for b in targets:
            r = self.w.route(a, b)
            if r is not None and r[0].length_m / (12 * 0.5144) < within:
                out.append(b)
        return out

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
                    "ais_destination": voyage_after(v, t0).destination,
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
        return_call = v.calls[-1]  # the call at o2 after the dark delivery
        # the sea leg home (not the short anchorage-to-berth leg that follows it after a wait at anchor)
        ret = next(p for p in v.phases if p.kind == SAIL and p.start >= dep)
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
        ]
        if return_call.arrival is not None and return_call.arrival < w.T:  # judged only once it arrives
            expect += [
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
                    "draught_after_m": voyage_after(r, te).draught_m,
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
        # the impostor's own MMSI is silent meanwhile: a dark-activity event on it is true, but not required
        expect += [
            {
                "kind": kind,
                "mmsi": b.identity.mmsi,
                "imo": b.identity.imo,
                "dark_start": t0,
                "dark_end": t1,
                "optional": True,
            }
            for kind in ("AIS_GAP", "DRAUGHT_CHANGE_DARK", "DARK_PORT_CALL_POSSIBLE")
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


def _decl_index(v: Vessel, port: str, t: float) -> int:
    return next(i for i, d in enumerate(v.declarations) if d.port == port and abs(d.departure - t) < 1.0)


def _ident(i: Identity) -> dict[str, Any]:
    return {"mmsi": i.mmsi, "imo": i.imo, "name": i.name, "callsign": i.callsign, "flag": i.flag}


def _where(v: Vessel, t: float) -> tuple[float, float]:
    st = states_at(v.phases, np.array([t]), np.random.default_rng(3))
    return float(st.lat[0]), float(st.lon[0])
