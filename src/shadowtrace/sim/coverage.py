"""Who hears what: shore stations, the satellite feed, holes, thinning and GPS noise.

A vessel transmits at its ITU-R M.1371 rate; the simulator draws its candidate reports
already thinned to what an aggregating network keeps (one per ``moving_interval_s`` under
way, one per ``stationary_interval_s`` moored or at anchor, see
:class:`~shadowtrace.sim.scenario.Reception`). Each candidate is then:

* heard by the nearest shore station in range, unless it lies in a hole;
* else heard by the satellite when a pass of that vessel's satellite schedule (one every
  ``satellite_interval_min``) comes by: the first candidate after each pass is kept. In a
  hole only the share ``satellite`` of the passes hear anything (0: total silence);
* else lost.

GPS noise (a few metres, now and then tens of metres) is added to what is received.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from shadowtrace.sim.scenario import Scenario

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]

M_PER_DEG = 111_320.0
SAT_WINDOW_S = 900.0  # a pass hears the first report within this many seconds


@dataclass
class Reception:
    """What a receiver network kept of some candidate reports: which, and through which station."""

    keep: B
    station: I64  # index into Receivers.names (last = the satellite feed)


class Receivers:
    """The shore stations, the satellite feed and the holes of a scenario."""

    def __init__(self, scenario: Scenario) -> None:
        st = scenario.stations
        self.names = [s.name for s in st] + [scenario.reception.satellite_station]
        self.sat = len(st)
        self.lat = np.array([s.lat for s in st], dtype=np.float64)
        self.lon = np.array([s.lon for s in st], dtype=np.float64)
        self.range_m = np.array([s.range_km * 1000.0 for s in st], dtype=np.float64)
        self.holes = scenario.holes
        self.sat_minutes = scenario.reception.satellite_interval_min
        self.rec = scenario.reception

    def hole_of(self, lat: F64, lon: F64) -> I64:
        """Index of the hole holding each point, -1 outside every hole."""
        out = np.full(np.shape(lat), -1, dtype=np.int64)
        for k in range(len(self.holes) - 1, -1, -1):
            out[self.holes[k].contains(lat, lon)] = k
        return out

    def terrestrial(self, lat: F64, lon: F64) -> I64:
        """The station that hears each point (the nearest in range), -1 for none."""
        lat = np.asarray(lat, dtype=np.float64)
        lon = np.asarray(lon, dtype=np.float64)
        if self.lat.size == 0 or lat.size == 0:
            return np.full(lat.shape, -1, dtype=np.int64)
        dy = (lat[:, None] - self.lat[None, :]) * M_PER_DEG
        dx = (lon[:, None] - self.lon[None, :]) * M_PER_DEG * np.cos(np.radians(lat))[:, None]
        d = np.hypot(dx, dy)
        d = np.where(d <= self.range_m[None, :], d, np.inf)
        best = np.argmin(d, axis=1)
        heard = np.isfinite(d[np.arange(lat.size), best])
        out = np.where(heard, best, -1).astype(np.int64)
        out[self.hole_of(lat, lon) >= 0] = -1
        return out

    def covered(self, lat: F64, lon: F64) -> B:
        """Whether a shore station hears each point."""
        return np.asarray(self.terrestrial(np.atleast_1d(lat), np.atleast_1d(lon)) >= 0)

    def satellite_share(self, lat: F64, lon: F64) -> F64:
        """The share of satellite passes that hear each point (1 outside holes)."""
        hole = self.hole_of(lat, lon)
        shares = np.array([h.satellite for h in self.holes] + [1.0])
        return np.asarray(shares[hole], dtype=np.float64)

    def passes(self, rng: np.random.Generator, t_end: float) -> tuple[F64, F64]:
        """One vessel's satellite passes: times and a uniform draw (a hole keeps a pass if draw < share)."""
        lo, hi = self.sat_minutes
        n = int(t_end / (lo * 60.0)) + 2
        gaps = rng.uniform(lo * 60.0, hi * 60.0, n)
        times = np.cumsum(gaps) - rng.uniform(0, lo * 60.0)
        times = times[times < t_end]
        return times, rng.uniform(0.0, 1.0, times.size)

    def receive(self, t: F64, lat: F64, lon: F64, passes: tuple[F64, F64]) -> Reception:
        """Which candidate reports (times ``t`` at true positions) the network keeps, and how."""
        station = self.terrestrial(lat, lon)
        keep = station >= 0
        rest = np.nonzero(~keep)[0]
        pt, pu = passes
        if rest.size and pt.size:
            tr = t[rest]
            j = np.searchsorted(pt, tr, side="right") - 1
            ok = (j >= 0) & (tr - pt[np.maximum(j, 0)] < SAT_WINDOW_S)
            ok &= pu[np.maximum(j, 0)] < self.satellite_share(lat[rest], lon[rest])
            # the first candidate after each pass
            first = np.ones(rest.size, dtype=np.bool_)
            first[1:] = j[1:] != j[:-1]
            hit = rest[ok & first]
            keep[hit] = True
            station[hit] = self.sat
        return Reception(keep, station)


def gps_noise(lat: F64, lon: F64, rng: np.random.Generator, sigma_m: float, outlier_share: float) -> tuple[F64, F64]:
    """Positions with GPS-like noise: ``sigma_m`` metres, and a share of outliers of 10-40 m."""
    n = lat.size
    scale = np.full(n, sigma_m)
    out = rng.random(n) < outlier_share
    scale[out] = rng.uniform(10.0, 40.0, int(out.sum()))
    dy = rng.normal(0.0, 1.0, n) * scale
    dx = rng.normal(0.0, 1.0, n) * scale
    return lat + dy / M_PER_DEG, lon + dx / (M_PER_DEG * np.cos(np.radians(lat)))
