"""Where a simulated vessel is: paths, phases, and its state at any set of times.

A vessel's plan is a list of :class:`Phase` covering the run without overlap: moored at a
berth (nav status 5), at anchor (1), sailing a :class:`Path` (0), or drifting at sea (0,
for ship-to-ship transfers). A sailing phase carries a speed profile along its path,
made when the plan is built (so arrival times are known): harbour speed out of the
berth, accelerating over the first kilometres to the cruise speed, a slight wander of
speed at sea, slowing down towards the end. :func:`states` evaluates the plan at an
array of times, all vectorised: positions along a path come from the cumulative
distance at each time, never from per-step loops.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from shadowtrace.geo.land import is_land
from shadowtrace.geo.sphere import bearing_deg, destination_point, haversine_m

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

KN: Final = 1852.0 / 3600.0  # metres per second in a knot
HARBOUR_KN: Final = 4.0
RAMP_M: Final = 6000.0
M_PER_DEG: Final = 111_320.0

SAIL, BERTH, ANCHOR, DRIFT = "sail", "berth", "anchor", "drift"
STATUS: Final = {SAIL: 0, BERTH: 5, ANCHOR: 1, DRIFT: 0}


@dataclass(frozen=True)
class Path:
    """A polyline, straight in (lat, lon) between its vertices, with cumulative metres."""

    lat: F64
    lon: F64
    cum_m: F64

    @classmethod
    def of(cls, lat: npt.ArrayLike, lon: npt.ArrayLike) -> Path:
        la = np.asarray(lat, dtype=np.float64)
        lo = np.asarray(lon, dtype=np.float64)
        step = haversine_m(la[:-1], lo[:-1], la[1:], lo[1:])
        keep = np.concatenate([[True], step > 0.5])
        la, lo = la[keep], lo[keep]
        if la.size == 1:
            la, lo = np.repeat(la, 2), np.repeat(lo, 2)
        cum = np.concatenate([[0.0], np.cumsum(haversine_m(la[:-1], lo[:-1], la[1:], lo[1:]))])
        return cls(la, lo, cum)

    @property
    def length_m(self) -> float:
        return float(self.cum_m[-1])

    @property
    def start(self) -> tuple[float, float]:
        return float(self.lat[0]), float(self.lon[0])

    @property
    def end(self) -> tuple[float, float]:
        return float(self.lat[-1]), float(self.lon[-1])

    def at(self, d: F64) -> tuple[F64, F64, F64]:
        """Latitude, longitude and course (degrees) at distances ``d`` metres along the path."""
        d = np.clip(d, 0.0, self.length_m)
        i = np.clip(np.searchsorted(self.cum_m, d, side="right") - 1, 0, self.lat.size - 2)
        seg = self.cum_m[i + 1] - self.cum_m[i]
        f = np.where(seg > 0, (d - self.cum_m[i]) / np.where(seg > 0, seg, 1.0), 0.0)
        lat = self.lat[i] + f * (self.lat[i + 1] - self.lat[i])
        lon = self.lon[i] + f * (self.lon[i + 1] - self.lon[i])
        course = bearing_deg(self.lat[i], self.lon[i], self.lat[i + 1], self.lon[i + 1])
        return lat, lon, course

    def upto(self, i: int, tail: tuple[float, float] | None = None) -> Path:
        """Vertices 0..i, then ``tail`` if given."""
        la, lo = list(self.lat[: i + 1]), list(self.lon[: i + 1])
        if tail:
            la.append(tail[0])
            lo.append(tail[1])
        return Path.of(la, lo)

    def since(self, i: int, head: tuple[float, float] | None = None) -> Path:
        """``head`` if given, then vertices i..end."""
        la, lo = list(self.lat[i:]), list(self.lon[i:])
        if head:
            la.insert(0, head[0])
            lo.insert(0, head[1])
        return Path.of(la, lo)

    def nearest_vertex(self, lat: float, lon: float) -> tuple[int, float]:
        d = haversine_m(self.lat, self.lon, lat, lon)
        i = int(np.argmin(d))
        return i, float(d[i])


@dataclass
class Phase:
    """One stretch of a plan. Stationary phases use ``lat``/``lon``; sailing ones ``path`` and the profile."""

    kind: str
    start: float  # seconds since the start of the run
    end: float
    lat: float = 0.0
    lon: float = 0.0
    heading: float = 0.0
    path: Path | None = None
    prof_t: F64 = field(default_factory=lambda: np.zeros(0))  # seconds since the phase start
    prof_d: F64 = field(default_factory=lambda: np.zeros(0))  # metres along the path
    prof_v: F64 = field(default_factory=lambda: np.zeros(0))  # knots
    drift_kn: float = 0.0
    drift_deg: float = 0.0
    swing_m: float = 0.0
    wander_m: float = 0.0
    wander_phase: float = 0.0
    port: str = ""

    @property
    def status(self) -> int:
        return STATUS[self.kind]

    @property
    def moving(self) -> bool:
        return self.kind in (SAIL, DRIFT)

    def end_position(self) -> tuple[float, float]:
        if self.path is not None:
            return self.path.end
        if self.kind == DRIFT and self.drift_kn > 0:
            lat, lon = destination_point(
                self.lat, self.lon, self.drift_deg, self.drift_kn * KN * (self.end - self.start)
            )
            return float(lat), float(lon)
        return self.lat, self.lon


def speed_profile(path: Path, cruise_kn: float, rng: np.random.Generator) -> tuple[F64, F64, F64]:
    """(seconds, metres, knots) along ``path``: out of the harbour, up to cruise, wandering, and down again."""
    length = max(path.length_m, 1.0)
    n = int(max(16, min(4000, length / 1000.0)))
    d = np.linspace(0.0, length, n)
    ramp = np.minimum(np.minimum(d, length - d) / RAMP_M, 1.0)
    top = cruise_kn if length > 2 * RAMP_M else min(cruise_kn, max(HARBOUR_KN + 2.0, cruise_kn * length / (2 * RAMP_M)))
    v = HARBOUR_KN + (top - HARBOUR_KN) * np.sqrt(np.clip(ramp, 0.0, 1.0))
    phase1, phase2 = rng.uniform(0, 2 * np.pi, 2)
    wander = 0.03 * np.sin(2 * np.pi * d / 90_000.0 + phase1) + 0.015 * np.sin(2 * np.pi * d / 23_000.0 + phase2)
    v = np.maximum(v * (1.0 + wander * ramp), 1.5)
    mid = 0.5 * (v[1:] + v[:-1])
    t = np.concatenate([[0.0], np.cumsum(np.diff(d) / (mid * KN))])
    return t, d, v


def sail_phase(path: Path, start: float, cruise_kn: float, rng: np.random.Generator, port: str = "") -> Phase:
    t, d, v = speed_profile(path, cruise_kn, rng)
    return Phase(
        SAIL,
        start,
        start + float(t[-1]),
        path=path,
        prof_t=t,
        prof_d=d,
        prof_v=v,
        wander_m=float(rng.uniform(40.0, 140.0)),
        wander_phase=float(rng.uniform(0, 2 * np.pi)),
        port=port,
    )


@dataclass
class States:
    """A vessel's true state at report times (the truth, before reception and GPS noise)."""

    t: F64
    lat: F64
    lon: F64
    sog: F64
    cog: F64
    heading: F64
    status: I64
    moving: npt.NDArray[np.bool_]

    @classmethod
    def empty(cls) -> States:
        z = np.zeros(0)
        return cls(z, z, z, z, z, z, np.zeros(0, np.int64), np.zeros(0, np.bool_))

    def take(self, idx: npt.NDArray[np.intp] | npt.NDArray[np.bool_]) -> States:
        return States(
            self.t[idx],
            self.lat[idx],
            self.lon[idx],
            self.sog[idx],
            self.cog[idx],
            self.heading[idx],
            self.status[idx],
            self.moving[idx],
        )

    @classmethod
    def concat(cls, parts: list[States]) -> States:
        if not parts:
            return cls.empty()
        return cls(
            *(
                np.concatenate([getattr(p, f) for p in parts])
                for f in ("t", "lat", "lon", "sog", "cog", "heading", "status", "moving")
            )
        )


def phase_states(ph: Phase, t: F64, rng: np.random.Generator, heading_bias: float) -> States:
    """The state of one phase at times ``t`` (all within the phase)."""
    n = t.size
    noise = rng.normal(0.0, 1.0, (3, n))
    if ph.kind == SAIL and ph.path is not None:
        s = np.interp(t - ph.start, ph.prof_t, ph.prof_d)
        v = np.interp(t - ph.start, ph.prof_t, ph.prof_v)
        lat, lon, course = ph.path.at(s)
        length = ph.path.length_m
        taper = np.clip(np.minimum(s, length - s) / 8000.0, 0.0, 1.0)
        off = ph.wander_m * taper * np.sin(2 * np.pi * s / 37_000.0 + ph.wander_phase)
        side = np.radians(course + 90.0)
        wl = lat + off * np.cos(side) / M_PER_DEG
        wo = lon + off * np.sin(side) / (M_PER_DEG * np.cos(np.radians(lat)))
        if n:
            ok = ~is_land(wl, wo)
            lat, lon = np.where(ok, wl, lat), np.where(ok, wo, lon)
        sog = np.maximum(v + 0.15 * noise[0], 0.0)
        cog = (course + 1.0 * noise[1]) % 360.0
        heading = (course + heading_bias + 0.8 * noise[2]) % 360.0
    elif ph.kind == ANCHOR:
        # swinging round the anchor with the tide (12.4 h) and the wind
        ang = 2 * np.pi * t / 44_640.0 + ph.heading / 57.3
        lat = ph.lat + ph.swing_m * np.cos(ang) / M_PER_DEG
        lon = ph.lon + ph.swing_m * np.sin(ang) / (M_PER_DEG * np.cos(np.radians(ph.lat)))
        sog = np.abs(0.1 + 0.08 * noise[0])
        cog = np.degrees(ang + np.pi / 2) % 360.0
        heading = (np.degrees(ang) + 180.0 + 3.0 * noise[2]) % 360.0
    elif ph.kind == DRIFT:
        dt = t - ph.start
        if ph.drift_kn > 0:
            lat, lon = destination_point(ph.lat, ph.lon, ph.drift_deg, ph.drift_kn * KN * dt)
        else:
            lat, lon = np.full(n, ph.lat), np.full(n, ph.lon)
        sog = np.abs(max(ph.drift_kn, 0.2) + 0.1 * noise[0])
        cog = (ph.drift_deg + 15.0 * noise[1]) % 360.0
        heading = (ph.heading + 2.0 * noise[2]) % 360.0
    else:  # berth
        lat, lon = np.full(n, ph.lat), np.full(n, ph.lon)
        sog = np.abs(0.03 * noise[0])
        cog = rng.uniform(0.0, 360.0, n)
        heading = (ph.heading + 0.3 * noise[2]) % 360.0
    return States(
        np.asarray(t, np.float64),
        np.asarray(lat, np.float64),
        np.asarray(lon, np.float64),
        sog,
        cog,
        heading,
        np.full(n, ph.status, np.int64),
        np.full(n, ph.moving, np.bool_),
    )


def report_times(
    phases: list[Phase], t0: float, t1: float, moving_s: float, still_s: float, rng: np.random.Generator, class_b: bool
) -> tuple[F64, I64]:
    """Candidate report times in [t0, t1) at the vessel's kept interval, and the phase of each."""
    times: list[F64] = []
    which: list[I64] = []
    for k, ph in enumerate(phases):
        a, b = max(ph.start, t0), min(ph.end, t1)
        if b <= a:
            continue
        slow = ph.kind in (BERTH, ANCHOR) or (class_b and ph.kind == DRIFT and ph.drift_kn < 2.0)
        step = still_s if slow else moving_s
        offset = float(rng.uniform(0.0, step))
        t = np.arange(a + offset, b, step)
        if t.size:
            t = t + rng.uniform(-1.5, 1.5, t.size)
            t = t[(t >= a) & (t < b)]
        times.append(t)
        which.append(np.full(t.size, k, np.int64))
    if not times:
        return np.zeros(0), np.zeros(0, np.int64)
    return np.concatenate(times), np.concatenate(which)


def states(phases: list[Phase], t: F64, which: I64, rng: np.random.Generator, heading_bias: float) -> States:
    """The plan evaluated at times ``t`` (``which`` gives each time's phase index)."""
    parts = []
    for k in np.unique(which).tolist():
        sel = which == k
        parts.append(phase_states(phases[k], t[sel], rng, heading_bias))
    out = States.concat(parts)
    order = np.argsort(out.t, kind="stable")
    return out.take(order)


def states_at(phases: list[Phase], t: F64, rng: np.random.Generator) -> States:
    """The plan at arbitrary times (each assigned to the phase holding it)."""
    starts = np.array([p.start for p in phases])
    which = np.clip(np.searchsorted(starts, t, side="right") - 1, 0, len(phases) - 1).astype(np.int64)
    return states(phases, t, which, rng, 0.0)
