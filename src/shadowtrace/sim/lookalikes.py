"""Legitimate look-alikes: acts that resemble evasion and must not be flagged.

Late destination update, announced diversion, gap in open sea without coverage, and a pilot
boat or bunker barge alongside in port: each is a method of :class:`LookAlikes` that records
an :class:`~shadowtrace.sim.stage.Act` whose ``expect`` list is empty.
"""

from __future__ import annotations

import math

import numpy as np

from shadowtrace.sim.fleet import H, Itinerary, destination_text
from shadowtrace.sim.motion import ANCHOR, BERTH, Path, Phase, states_at
from shadowtrace.sim.stage import Act, Stage, voyage_after


class LookAlikes(Stage):
    """The look-alikes: ordinary trade that a careless detector would flag."""

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
                    "draught_m": voyage_after(v, leg.start).draught_m,
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
    return destination_text(
        it.v.style if it.v.style not in ("blank", "for_orders") else "name", it.world.ports[to], None
    )
