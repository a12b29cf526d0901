"""The simulated fleet: vessels, and the voyage plans they sail.

Each vessel has an identity (:mod:`shadowtrace.sim.identities`), a type, dimensions, a
cruise speed, and habits: how its crew writes the AIS destination, how long after departure
they update it. Its plan is built by an :class:`Itinerary`: berth, sail to the next
port (sometimes waiting at the anchorage first), berth again... recording as it goes
the port calls, the AIS voyage data (destination, draught, ETA) over time and the
port-clearance declarations filed at each departure. Evasive acts
(:mod:`shadowtrace.sim.acts`) and their look-alikes (:mod:`shadowtrace.sim.lookalikes`)
use the same builder with their own legs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np

from shadowtrace.geo.land import crosses_land
from shadowtrace.geo.ports import Gazetteer, Port
from shadowtrace.geo.routes import sea_route
from shadowtrace.geo.sphere import densify
from shadowtrace.sim.identities import Identity, Registry
from shadowtrace.sim.motion import ANCHOR, BERTH, DRIFT, Path, Phase, sail_phase
from shadowtrace.sim.scenario import Scenario, TypeSpec

H: Final = 3600.0
DAY: Final = 86400.0

#: how crews write destinations; weights of each vessel's habitual style
DEST_STYLES: Final[dict[str, float]] = {
    "locode_space": 0.2,
    "locode": 0.2,
    "route": 0.1,
    "name": 0.2,
    "name_country": 0.1,
    "misspelt": 0.08,
    "for_orders": 0.06,
    "blank": 0.06,
}
_COUNTRY_WORD: Final = {
    "CN": "CHINA",
    "KR": "KOREA",
    "JP": "JAPAN",
    "RU": "RUSSIA",
    "KP": "DPRK",
    "FI": "FINLAND",
    "EE": "ESTONIA",
    "LV": "LATVIA",
    "LT": "LITHUANIA",
    "PL": "POLAND",
    "DE": "GERMANY",
    "SE": "SWEDEN",
    "DK": "DENMARK",
}
_MISSPELT: Final = {
    "VLADIVOSTOK": "VLADIVOSTOCK",
    "NAKHODKA": "NAHODKA",
    "VOSTOCHNY": "VOSTOCHNIY",
    "PUSAN": "BUSAN",
    "BUSAN": "PUSAN",
    "NINGBO": "NINGPO",
    "QINGDAO": "TSINGTAO",
    "DALIAN": "DALIEN",
    "ULSAN": "ULSAN ANCH",
    "SAINT PETERSBURG": "ST.PETERSBURG",
    "PRIMORSK": "PRIMORSK RUS",
    "GDANSK": "GDANSK ROADS",
    "NIIGATA": "NIIGATA JP",
}


def destination_text(style: str, port: Port | None, origin: Port | None) -> str:
    """The destination as this crew would type it."""
    if style == "blank" or port is None:
        return ""
    if style == "for_orders":
        return "FOR ORDERS"
    code = port.locode
    name = _clean(port.name)
    if style == "locode_space":
        return f"{code[:2]} {code[2:]}"
    if style == "locode":
        return code
    if style == "route" and origin is not None:
        return f"{origin.locode[:2]} {origin.locode[2:]}>{code[:2]} {code[2:]}"
    if style == "name_country":
        return f"{name} {_COUNTRY_WORD.get(port.country, port.country)}"[:20]
    if style == "misspelt":
        return _MISSPELT.get(name, name + " PORT")[:20]
    return name[:20]


def _clean(name: str) -> str:
    s = "".join(c if (c.isascii() and (c.isalnum() or c in " -.")) else " " for c in name.upper())
    return " ".join(s.split())


@dataclass
class VoyageData:
    """AIS voyage-related data as set by the crew from ``t`` on."""

    t: float
    destination: str
    draught_m: float
    eta: float  # seconds since the start of the run; nan: not set


@dataclass
class PortCall:
    locode: str
    arrival: float | None  # None: before the run
    departure: float | None  # None: after the run
    berth: tuple[float, float]
    anchorage: tuple[float, float, float, float] | None = None  # start, end, lat, lon
    dark: bool = False
    stay: str = "berth"  # "anchorage": the call never reached a berth


@dataclass
class Declaration:
    port: str
    departure: float
    declared_next: str
    cargo: str
    identity: Identity
    id: str = ""


@dataclass
class Vessel:
    idx: int
    vtype: TypeSpec
    identity: Identity
    length_m: int
    beam_m: int
    max_draught_m: float
    cruise_kn: float
    style: str
    update_delay_h: float
    moving_s: float
    still_s: float
    heading_bias: float
    turn_indicator: bool
    home: str
    phases: list[Phase] = field(default_factory=list)
    voyage: list[VoyageData] = field(default_factory=list)
    calls: list[PortCall] = field(default_factory=list)
    declarations: list[Declaration] = field(default_factory=list)
    identities: list[tuple[float, Identity]] = field(default_factory=list)  # (from, identity)
    dark: list[tuple[float, float, str]] = field(default_factory=list)  # (from, to, act id)
    spoof: list[tuple[float, float, float, float]] = field(default_factory=list)  # (from, to, lat, lon)
    role: str = ""  # the act it plays in, if any
    laden: bool = False
    ship_type: int = 0  # 0: the type's own code

    def __post_init__(self) -> None:
        if not self.ship_type:
            self.ship_type = self.vtype.ship_type

    @property
    def ais_class(self) -> str:
        return self.vtype.ais_class

    @property
    def dims(self) -> tuple[int, int, int, int]:
        bow = int(self.length_m * 0.8)
        port = self.beam_m // 2
        return bow, self.length_m - bow, port, self.beam_m - port


class World:
    """What every plan is built against: the scenario, its ports, routes (cached), time and seed."""

    def __init__(self, scenario: Scenario, gazetteer: Gazetteer, seed: int, days: float) -> None:
        self.scenario = scenario
        self.seed = seed
        self.T = days * DAY
        self.ports: dict[str, Port] = {p.locode: gazetteer.get(p.locode) for p in scenario.ports}
        self.weights = {p.locode: p.weight for p in scenario.ports}
        self._paths: dict[tuple[str, str], tuple[Path, Path, Path, tuple[float, float]] | None] = {}
        self.coverage: Callable[[Any, Any], Any] | None = None  # lat, lon -> terrestrial mask

    def rng(self, *key: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, *key])

    def role(self, role: str) -> list[str]:
        return [p.locode for p in self.scenario.ports_with(role)]

    def roles_of(self, locode: str) -> tuple[str, ...]:
        return next((p.roles for p in self.scenario.ports if p.locode == locode), ())

    def route(self, a: str, b: str) -> tuple[Path, Path, Path, tuple[float, float]] | None:
        """(whole route, to the anchorage, anchorage to berth, anchorage point) from berth a to berth b."""
        key = (a, b)
        if key not in self._paths:
            self._paths[key] = self._make_route(a, b)
        return self._paths[key]

    def _make_route(self, a: str, b: str) -> tuple[Path, Path, Path, tuple[float, float]] | None:
        if a == b:
            return None
        try:
            r = sea_route(self.ports[a], self.ports[b])
        except Exception:  # no sea route between them: the pair is simply never sailed
            return None
        whole = Path.of(*densify(r.lat, r.lon, 2000.0)[:2])  # the same lines, with vertices every 2 km
        if whole.length_m < 15_000:
            return None
        dest = self.ports[b]
        anch = (dest.anchorage_lat, dest.anchorage_lon)
        near = np.nonzero(whole.cum_m >= whole.length_m - 30_000)[0]
        dist = [
            float(np.hypot(whole.lat[i] - anch[0], (whole.lon[i] - anch[1]) * math.cos(math.radians(anch[0]))))
            for i in near
        ]
        i = int(near[int(np.argmin(dist))]) if near.size else whole.lat.size - 2
        i = min(i, whole.lat.size - 2)
        if not crosses_land([whole.lat[i], anch[0]], [whole.lon[i], anch[1]], step_m=100.0):
            return whole, whole.upto(i, anch), whole.since(i, anch), anch
        point = (float(whole.lat[i]), float(whole.lon[i]))
        return whole, whole.upto(i), whole.since(i), point


def make_vessel(world: World, registry: Registry, idx: int, vtype: TypeSpec, home: str, flag: str) -> Vessel:
    rng = world.rng(idx, 1)
    small = vtype.ais_class == "B"
    length = int(rng.uniform(*vtype.length_m))
    styles = list(DEST_STYLES)
    style = styles[int(rng.choice(len(styles), p=np.array(list(DEST_STYLES.values())) / sum(DEST_STYLES.values())))]
    rec = world.scenario.reception
    v = Vessel(
        idx=idx,
        vtype=vtype,
        identity=registry.identity(flag, small),
        length_m=length,
        beam_m=max(3, int(length * rng.uniform(0.13, 0.17))),
        max_draught_m=round(float(rng.uniform(*vtype.max_draught_m)), 1),
        cruise_kn=float(rng.uniform(*vtype.speed_kn)),
        style=style,
        update_delay_h=float(rng.uniform(0.3, 2.0)),
        moving_s=float(rng.uniform(*rec.moving_interval_s)),
        still_s=float(rng.uniform(*rec.stationary_interval_s)),
        heading_bias=float(rng.normal(0, 1.5)),
        turn_indicator=bool(rng.random() < 0.7),
        home=home,
    )
    v.identities.append((-math.inf, v.identity))
    return v


# --------------------------------------------------------------------------- itineraries


class Itinerary:
    """Builds a vessel's plan in time order: where it is, since when, and what it has declared."""

    def __init__(self, world: World, vessel: Vessel, rng: np.random.Generator) -> None:
        self.world = world
        self.v = vessel
        self.rng = rng
        self.port: str | None = None
        self.t = 0.0

    # ---- the start

    def begin_at_berth(self, locode: str, laden: bool, until: float, since: float | None = None) -> None:
        port = self.world.ports[locode]
        self.v.laden = laden
        self.port = locode
        lat, lon = self._berth_spot(port)
        self.v.phases.append(
            Phase(
                BERTH,
                0.0 if since is None else since,
                until,
                lat=lat,
                lon=lon,
                heading=float(self.rng.uniform(0, 360)),
                port=locode,
            )
        )
        self.v.calls.append(PortCall(locode, since, None, (lat, lon)))
        self._set_voyage(0.0, self.v.style, locode, self._draught(laden), math.nan, origin=None)
        self.t = until

    def _berth_spot(self, port: Port) -> tuple[float, float]:
        return port.berth_lat + float(self.rng.normal(0, 0.00008)), port.berth_lon + float(self.rng.normal(0, 0.0001))

    def _draught(self, laden: bool) -> float:
        share = self.v.vtype.laden if laden else self.v.vtype.ballast
        return round(self.v.max_draught_m * float(self.rng.uniform(*share)), 1)

    def _set_voyage(
        self, t: float, style: str, dest: str | None, draught: float, eta: float, origin: str | None
    ) -> None:
        ports = self.world.ports
        text = destination_text(style, ports.get(dest) if dest else None, ports.get(origin) if origin else None)
        self.v.voyage.append(VoyageData(t, text, draught, eta))

    def voyage_style(self) -> str:
        if self.rng.random() < 0.2:
            styles = list(DEST_STYLES)
            return styles[int(self.rng.integers(len(styles)))]
        return self.v.style

    # ---- sailing

    def depart(self, at: float) -> None:
        """Leave the current berth (or drift) at ``at``."""
        last = self.v.phases[-1]
        last.end = max(at, last.start + 60.0)
        self.t = last.end
        if self.v.calls and self.v.calls[-1].departure is None and last.kind == BERTH:
            self.v.calls[-1].departure = self.t

    def sail(
        self,
        to: str,
        *,
        laden_after: bool | None = None,
        ais_dest: str | None = None,
        declared: str | None = None,
        update_delay_h: float | None = None,
        anchor_wait_h: float | None = None,
        stay_h: float | None = None,
        cruise_kn: float | None = None,
    ) -> float | None:
        """Depart now from the current port, sail to ``to`` and berth there; returns the berth time.

        ``ais_dest`` is what the crew types (default: the true port), ``declared`` what the
        clearance says (default: the true port), ``laden_after`` the load state the draught
        shows once updated. None if there is no sea route.
        """
        assert self.port is not None
        legs = self.world.route(self.port, to)
        if legs is None:
            return None
        whole, to_anch, anch_to_berth, anch = legs
        rng = self.rng
        origin = self.port
        dep = self.t
        self.depart(dep)
        if laden_after is not None:
            self.v.laden = laden_after
        speed = (cruise_kn or self.v.cruise_kn) * float(rng.uniform(0.96, 1.04))
        wait = (
            anchor_wait_h
            if anchor_wait_h is not None
            else (float(rng.uniform(2, 18)) if self.v.ais_class == "A" and rng.random() < 0.35 else 0.0)
        )
        if wait > 0:
            first = sail_phase(to_anch, dep, speed, rng, port=to)
            self.v.phases.append(first)
            a0 = first.end
            a1 = a0 + wait * H
            self.v.phases.append(
                Phase(
                    ANCHOR,
                    a0,
                    a1,
                    lat=anch[0],
                    lon=anch[1],
                    heading=float(rng.uniform(0, 360)),
                    swing_m=0.4 * self.v.length_m,
                    port=to,
                )
            )
            second = sail_phase(anch_to_berth, a1, min(speed, 8.0), rng, port=to)
            self.v.phases.append(second)
            arrive, berth_t = a0, second.end
        else:
            leg = sail_phase(whole, dep, speed, rng, port=to)
            self.v.phases.append(leg)
            arrive = berth_t = leg.end
        port = self.world.ports[to]
        lat, lon = self._berth_spot(port)
        stay = (stay_h if stay_h is not None else self.stay_h()) * H
        self.v.phases.append(
            Phase(BERTH, berth_t, berth_t + stay, lat=lat, lon=lon, heading=float(rng.uniform(0, 360)), port=to)
        )
        self.v.calls.append(
            PortCall(to, arrive, None, (lat, lon), (arrive, berth_t, anch[0], anch[1]) if wait > 0 else None)
        )
        # what the crew and the port authority say
        delay = (update_delay_h if update_delay_h is not None else self.v.update_delay_h) * H
        eta = arrive + float(rng.normal(0, 3 * H))
        style = self.voyage_style()
        if ais_dest is not None and style in ("blank", "for_orders"):
            style = "name"  # an act's declared destination is always written out: it is what it labels
        self._set_voyage(dep + delay, style, ais_dest or to, self._draught(self.v.laden), eta, origin)
        self.declare(origin, dep, declared or to)
        self.port = to
        self.t = berth_t + stay
        return berth_t

    def declare(self, origin: str, dep: float, declared: str) -> None:
        if self.v.ais_class != "A":
            return
        if self.world.ports[origin].country not in self.world.scenario.clearance_countries:
            return
        cargo = self.v.vtype.cargo if self.v.laden and self.v.vtype.cargo else "in ballast"
        if self.v.vtype.name in ("container", "general_cargo"):
            cargo = self.v.vtype.cargo
        self.v.declarations.append(Declaration(origin, dep, declared, cargo, self.identity_at(dep)))

    def identity_at(self, t: float) -> Identity:
        ident = self.v.identities[0][1]
        for since, i in self.v.identities:
            if since <= t:
                ident = i
        return ident

    def stay_h(self) -> float:
        if self.v.ais_class == "B":
            return float(self.rng.uniform(4, 36))
        return float(self.rng.uniform(14, 60))

    def drift(
        self,
        lat: float,
        lon: float,
        until: float,
        drift_kn: float = 0.0,
        drift_deg: float = 0.0,
        heading: float | None = None,
    ) -> None:
        self.v.phases.append(
            Phase(
                DRIFT,
                self.t,
                until,
                lat=lat,
                lon=lon,
                drift_kn=drift_kn,
                drift_deg=drift_deg,
                heading=float(self.rng.uniform(0, 360)) if heading is None else heading,
            )
        )
        self.t = until

    def sail_path(self, path: Path, cruise_kn: float | None = None) -> float:
        """Sail a free path (to or from a point at sea) from now; returns the arrival time."""
        if self.v.phases and self.v.phases[-1].kind == BERTH:
            self.depart(self.t)
        leg = sail_phase(path, self.t, (cruise_kn or self.v.cruise_kn) * float(self.rng.uniform(0.96, 1.04)), self.rng)
        self.v.phases.append(leg)
        self.t = leg.end
        return leg.end

    def append_leg(self, leg: Phase, start: float) -> float:
        """Sail a prebuilt leg (its profile made with start 0) from ``start``; returns the arrival time."""
        if self.v.phases and self.v.phases[-1].kind == BERTH:
            self.depart(start)
        duration = leg.end - leg.start
        leg.start, leg.end = start, start + duration
        self.v.phases.append(leg)
        self.t = leg.end
        return leg.end

    def berth_after_path(self, to: str, stay_h: float) -> None:
        """Berth at ``to`` after :meth:`sail_path` brought the vessel there."""
        port = self.world.ports[to]
        lat, lon = self._berth_spot(port)
        self.v.phases.append(
            Phase(
                BERTH, self.t, self.t + stay_h * H, lat=lat, lon=lon, heading=float(self.rng.uniform(0, 360)), port=to
            )
        )
        self.v.calls.append(PortCall(to, self.t, None, (lat, lon)))
        self.port = to
        self.t += stay_h * H

    # ---- ordinary trade

    def next_port(self) -> str | None:
        """The next port of ordinary trade for this vessel's type and load."""
        w = self.world
        name = self.v.vtype.name
        if name in ("tanker", "bulker"):
            cands = w.role("import") if self.v.laden else w.role("export")
        elif name == "small_craft":
            cands = [p for p in w.role("local") if p != self.port and self._near(p, 400_000)]
        else:
            cands = w.role("hub") or [*w.role("import"), *w.role("export")]
        cands = [c for c in cands if c != self.port and self.port is not None and w.route(self.port, c) is not None]
        if not cands:
            return None
        weights = np.array([w.weights[c] for c in cands], dtype=float)
        return cands[int(self.rng.choice(len(cands), p=weights / weights.sum()))]

    def _near(self, other: str, metres: float) -> bool:
        assert self.port is not None
        r = self.world.route(self.port, other)
        return r is not None and r[0].length_m <= metres

    def trade_until(self, until: float) -> None:
        """Ordinary voyages until ``until`` (the last berth stay is cut there)."""
        guard = 0
        while self.t < until and guard < 200:
            guard += 1
            self.cargo_operations()
            to = self.next_port()
            if to is None or self.sail(to) is None:
                break
        self.close(until)

    def cargo_operations(self) -> None:
        """Tankers and bulkers load at an export port and discharge at an import port."""
        if self.v.vtype.name not in ("tanker", "bulker") or self.port is None:
            return
        roles = self.world.roles_of(self.port)
        if not self.v.laden and "export" in roles:
            self.v.laden = True
        elif self.v.laden and "import" in roles:
            self.v.laden = False

    def close(self, until: float) -> None:
        """Stay put from now until ``until``: extend the last phase."""
        if self.v.phases and self.v.phases[-1].end < until:
            self.v.phases[-1].end = until
        self.t = max(self.t, until)
