"""The ports near a set of tracks, and the nearest port point to every fix, vectorised.

A port contributes up to two points: its berth and its anchorage (see
:class:`~shadowtrace.geo.ports.Port`; a port without sea access has its listed position for both).
Candidate ports are found on a 1-degree occupancy grid of the fixes, so only the few dozen ports
near the traffic have their berths placed; the nearest point to each fix comes from a k-d tree of
unit vectors (chord distance, exact great-circle metres after conversion).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from shadowtrace.geo.ports import Gazetteer, Port
from shadowtrace.geo.sphere import EARTH_RADIUS_M, haversine_m

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

BERTH, ANCHORAGE = 0, 1
_KM_PER_DEG = 111.2


def _unit_vectors(lat: F64, lon: F64) -> F64:
    """Points on the unit sphere, one row (x, y, z) per (lat, lon) in degrees."""
    p, lam = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(p) * np.cos(lam), np.cos(p) * np.sin(lam), np.sin(p)])


def _occupancy(lat: F64, lon: F64) -> npt.NDArray[np.int64]:
    """A summed-area table of the 1-degree cells holding a fix, padded 180 cells each side in longitude."""
    occ = np.zeros((180, 360), dtype=np.int64)
    ok = np.isfinite(lat) & np.isfinite(lon)
    i = np.clip(np.floor(lat[ok] + 90.0).astype(np.int64), 0, 179)
    j = np.floor(lon[ok] + 180.0).astype(np.int64) % 360
    occ[i, j] = 1
    wide = np.concatenate([occ[:, 180:], occ, occ[:, :180]], axis=1)  # columns -180..539
    sat = np.zeros((181, 721), dtype=np.int64)
    sat[1:, 1:] = wide.cumsum(0).cumsum(1)
    return sat


def _windows_hit(sat: npt.NDArray[np.int64], lat: F64, lon: F64, reach_km: float) -> npt.NDArray[np.bool_]:
    """Whether any occupied cell lies within the box of ``reach_km`` around each point."""
    i = np.clip(np.floor(lat + 90.0).astype(np.int64), 0, 179)
    j = np.floor(lon + 180.0).astype(np.int64) % 360 + 180
    di = math.ceil(reach_km / _KM_PER_DEG)
    dj = np.minimum(np.ceil(reach_km / (_KM_PER_DEG * np.maximum(np.cos(np.radians(lat)), 0.02))), 179)
    dj = dj.astype(np.int64)
    i0, i1 = np.clip(i - di, 0, 180), np.clip(i + di + 1, 0, 180)
    j0, j1 = j - dj, j + dj + 1
    total = sat[i1, j1] - sat[i0, j1] - sat[i1, j0] + sat[i0, j0]
    hit: npt.NDArray[np.bool_] = total > 0
    return hit


@dataclass(frozen=True)
class PortPoints:
    """Berth and anchorage points of some ports: ``port[k]`` indexes ``ports``, ``kind[k]`` is
    :data:`BERTH` or :data:`ANCHORAGE`."""

    ports: tuple[Port, ...]
    lat: F64
    lon: F64
    port: I64
    kind: I64

    @classmethod
    def of(cls, ports: list[Port]) -> PortPoints:
        """The points of these ports (an anchorage on its berth counts once, as the berth).

        Ports placed on the same point (two codes for one harbour, such as Ningbo and Jiaxing) share
        it by rule: the point goes to the port listed nearest to it, then to the first listed.
        """
        best: dict[tuple[float, float], tuple[float, int, int]] = {}  # point -> (listed distance, port, kind)
        for k, p in enumerate(ports):
            spots = [(p.berth_lat, p.berth_lon, BERTH)]
            if (p.anchorage_lat, p.anchorage_lon) != (p.berth_lat, p.berth_lon):
                spots.append((p.anchorage_lat, p.anchorage_lon, ANCHORAGE))
            for la, lo, kd in spots:
                key = (round(la, 6), round(lo, 6))
                listed_m = float(haversine_m(p.lat, p.lon, la, lo))
                if key not in best or listed_m < best[key][0]:
                    best[key] = (listed_m, k, kd)
        keys = list(best)
        return cls(
            tuple(ports),
            np.array([k[0] for k in keys], dtype=np.float64),
            np.array([k[1] for k in keys], dtype=np.float64),
            np.array([best[k][1] for k in keys], dtype=np.int64),
            np.array([best[k][2] for k in keys], dtype=np.int64),
        )

    @classmethod
    def near(cls, gazetteer: Gazetteer, lat: F64, lon: F64, radius_km: float) -> PortPoints:
        """Points of every gazetteer port whose berth or anchorage can lie within ``radius_km`` of a fix.

        A berth lies within the sea window of its listed position (a box of half-size
        ``sea_window_km``), an anchorage a few km farther: ports listed farther than that from every
        fix cannot matter, and are never placed.
        """
        s = gazetteer.settings
        reach_km = s.sea_window_km * math.sqrt(2.0) + 4.0 * s.anchorage_max_km + radius_km
        codes = gazetteer.locodes
        rec = [gazetteer.record(c) for c in codes]
        plat = np.array([r.lat for r in rec], dtype=np.float64)
        plon = np.array([r.lon for r in rec], dtype=np.float64)
        if lat.size == 0 or plat.size == 0:
            return cls.of([])
        hit = _windows_hit(_occupancy(lat, lon), plat, plon, reach_km)
        return cls.of([gazetteer.get(codes[k]) for k in np.flatnonzero(hit)])

    def __len__(self) -> int:
        """Number of points."""
        return int(self.lat.size)

    def nearest(self, lat: F64, lon: F64, radius_m: float) -> tuple[F64, I64]:
        """Distance in metres to the nearest point within ``radius_m`` of each fix, and that point's index.

        Fixes with no point in reach get NaN and -1. Only fixes in a grid cell next to a point's
        cell are looked up in the tree (most fixes are at sea, far from every port).
        """
        n = lat.size
        dist, point = np.full(n, np.nan), np.full(n, -1, dtype=np.int64)
        if n == 0 or len(self) == 0:
            return dist, point
        near = np.flatnonzero(self._near_cells(lat, lon, radius_m))
        tree = cKDTree(_unit_vectors(self.lat, self.lon))
        chord_max = 2.0 * math.sin(min(radius_m / EARTH_RADIUS_M, math.pi) / 2.0)
        chord, idx = tree.query(_unit_vectors(lat[near], lon[near]), k=1, distance_upper_bound=chord_max, workers=-1)
        found = np.isfinite(chord)
        dist[near[found]] = 2.0 * EARTH_RADIUS_M * np.arcsin(np.clip(chord[found] / 2.0, 0.0, 1.0))
        point[near[found]] = idx[found]
        return dist, point

    def _near_cells(self, lat: F64, lon: F64, radius_m: float) -> npt.NDArray[np.bool_]:
        """A superset of the fixes within ``radius_m`` of a point: those in a cell next to a point's cell.

        Cells are ``radius_m`` high and at least as wide, over the box of the points; every fix when
        the box is too large for a grid, or touches the antimeridian or a pole.
        """
        pad = 1.05 * radius_m / (_KM_PER_DEG * 1000.0)  # degrees of latitude
        top = float(np.max(np.abs(self.lat))) + pad
        lon0, lon1 = float(self.lon.min()), float(self.lon.max())
        if top >= 85.0 or lon0 - 3 * pad < -179.0 or lon1 + 3 * pad > 179.0:
            return np.ones(lat.size, dtype=bool)
        pad_lon = pad / math.cos(math.radians(top))  # a degree of longitude is shortest at the top
        lat0 = float(self.lat.min()) - pad
        rows = int((float(self.lat.max()) + pad - lat0) / pad) + 2
        cols = int((lon1 + pad_lon - (lon0 - pad_lon)) / pad_lon) + 2
        if rows * cols > 50_000_000:
            return np.ones(lat.size, dtype=bool)
        grid = np.zeros((rows + 2, cols + 2), dtype=bool)  # one spare cell on every side
        pi = ((self.lat - lat0) / pad).astype(np.int64) + 1
        pj = ((self.lon - (lon0 - pad_lon)) / pad_lon).astype(np.int64) + 1
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                grid[pi + di, pj + dj] = True
        fi = np.floor((lat - lat0) / pad).astype(np.int64) + 1
        fj = np.floor((lon - (lon0 - pad_lon)) / pad_lon).astype(np.int64) + 1
        inside = (fi >= 0) & (fi < rows + 2) & (fj >= 0) & (fj < cols + 2)
        hit = np.zeros(lat.size, dtype=bool)
        hit[inside] = grid[fi[inside], fj[inside]]
        return hit
