"""Sea routes between ports, land-free from berth to berth.

A route is the cheapest way from one berth to the other over searoute's maritime network (Eurostat
MARNET), each port joining the network by sea-grid paths to whichever node makes the voyage shortest
(:mod:`shadowtrace.geo.network`). The network is coarse near many coasts and some of its links cross
land, so every stretch of the route that touches a land pixel of the mask is replaced by a shortest
path on a sea grid around it (:mod:`shadowtrace.geo.seagrid`); the route is then straightened
where a shortcut keeps clear of land. A port within the sea grid searched from the other is also
joined to it directly on that grid, and the shorter of the two routes is kept. The result touches
no land pixel at all (checked exactly, see :func:`shadowtrace.geo.land.segments_crossing_land`).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from shadowtrace.errors import InputError
from shadowtrace.geo.land import (
    PIXELS_PER_DEG,
    is_land,
    land_at_pixels,
    land_near_pixels,
    pixel_centre,
    points_touch_land,
    segments_crossing_land,
    touched_pixels,
    unwrap_polyline_lon,
)
from shadowtrace.geo.network import Approach, Network, approach, join, marnet
from shadowtrace.geo.ports import Port
from shadowtrace.geo.seagrid import PIXEL_M, SeaGrid, pull_string, sea_path
from shadowtrace.geo.sphere import FloatArray, course_deg, densify, haversine_m, lon_step, wrap_lon


@dataclass(frozen=True)
class RouteSettings:
    """How sea routes are built."""

    coast_clearance_m: float = field(
        default=3000.0,
        metadata={"unit": "m", "help": "grid paths keep this far from land where the sea allows"},
    )
    coast_penalty: float = field(
        default=2.0,
        metadata={
            "unit": "1",
            "help": "extra cost of a grid step right at the coast, fading out at "
            "coast_clearance_m (0: shortest path, hugging the coast)",
        },
    )
    shortcut_clearance_m: float = field(
        default=1000.0,
        metadata={"unit": "m", "help": "least distance from land of a straightening shortcut"},
    )
    grid_margin_km: float = field(
        default=40.0,
        metadata={"unit": "km", "help": "margin of sea grid around a stretch that crosses land"},
    )
    max_grid_cells: int = field(
        default=3_000_000,
        metadata={"unit": "cells", "help": "larger sea grids are coarsened to stay under this size"},
    )
    max_repairs: int = field(
        default=200, metadata={"unit": "1", "help": "most land-crossing stretches mended per route"}
    )
    approach_radius_km: float = field(
        default=250.0,
        metadata={
            "unit": "km",
            "help": "half-size of the sea grid searched from a berth for network "
            "nodes and nearby berths (tripled, then tripled again, while no node is found)",
        },
    )
    link_step_km: float = field(
        default=30.0,
        metadata={
            "unit": "km",
            "help": "network links are cut into pieces this long, so ports may join them part-way",
        },
    )
    shortcut_end_grace_m: float = field(
        default=5000.0,
        metadata={
            "unit": "m",
            "help": "a shortcut may pass nearer land than shortcut_clearance_m this close "
            "to an end that is itself that near land (a berth, a strait)",
        },
    )
    max_land_passage_km: float = field(
        default=200.0,
        metadata={
            "unit": "km",
            "help": "longest stretch of a network link over land kept where no sea path exists "
            "(canals such as Suez, Panama or Kiel, and straits narrower than the land mask resolves)",
        },
    )
    avoid_passages: tuple[str, ...] = field(
        default=("northwest",),
        metadata={
            "unit": "",
            "help": "searoute passages routes may not use (northwest, suez, panama, "
            "bosporus, gibraltar, babalmandab, ormuz, malacca, sunda, chili, south_africa, bering)",
        },
    )


@dataclass(frozen=True, eq=False)
class Route:
    """A polyline at sea from one port's berth to another's, with cumulative distance along it.

    ``land_passages_m`` lists the (start, end) distances of the segments that cross land pixels:
    canals and straits narrower than the land mask resolves. It is empty for most routes, and for
    every route within the Sea of Japan or the Baltic.
    """

    origin: str
    destination: str
    lat: FloatArray
    lon: FloatArray
    cum_m: FloatArray
    land_passages_m: tuple[tuple[float, float], ...] = ()

    @classmethod
    def from_vertices(
        cls,
        lat: npt.ArrayLike,
        lon: npt.ArrayLike,
        origin: str = "",
        destination: str = "",
        land_segments: npt.ArrayLike = (),
    ) -> Route:
        """The route through the given vertices (copied, read-only); ``land_segments`` index land passages."""
        la = np.array(lat, dtype=np.float64, ndmin=1)
        lo = np.array(wrap_lon(lon), dtype=np.float64, ndmin=1)
        if la.size == 0 or la.shape != lo.shape:
            raise InputError(
                f"a route needs matching, non-empty lat and lon arrays, got shapes {la.shape} and {lo.shape}"
            )
        cum = np.concatenate([[0.0], np.cumsum(haversine_m(la[:-1], lo[:-1], la[1:], lo[1:]))])
        for a in (la, lo, cum):
            a.flags.writeable = False
        seg = np.asarray(land_segments, dtype=np.int64).ravel()
        passages = tuple((float(cum[k]), float(cum[k + 1])) for k in sorted(set(seg.tolist())))
        return cls(origin, destination, la, lo, cum, passages)

    @property
    def length_m(self) -> float:
        """Length of the route, metres."""
        return float(self.cum_m[-1])

    def reversed(self) -> Route:
        """The same route sailed the other way."""
        n = self.lat.size - 1
        land = [n - 1 - int(np.searchsorted(self.cum_m, start)) for start, _ in self.land_passages_m]
        return Route.from_vertices(self.lat[::-1], self.lon[::-1], self.destination, self.origin, land)

    def position_at(self, distance_m: npt.ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(lat, lon, course_deg) at each distance along the route (clipped to its ends).

        Positions are interpolated linearly in (lat, lon) between vertices, exactly as the route
        was checked for land; the course is the direction of travel there.
        """
        d = np.clip(np.asarray(distance_m, dtype=np.float64), 0.0, self.length_m)
        if self.lat.size == 1:
            z = np.zeros(d.shape)
            return z + self.lat[0], z + self.lon[0], z
        seg = np.clip(np.searchsorted(self.cum_m, d, side="right") - 1, 0, self.lat.size - 2)
        seg_m = self.cum_m[seg + 1] - self.cum_m[seg]
        frac = np.divide(d - self.cum_m[seg], seg_m, out=np.zeros(d.shape), where=seg_m > 0)
        dlat = self.lat[seg + 1] - self.lat[seg]
        dlon = lon_step(self.lon[seg], self.lon[seg + 1])
        lat = self.lat[seg] + frac * dlat
        return lat, wrap_lon(self.lon[seg] + frac * dlon), course_deg(lat, dlat, dlon)


@functools.lru_cache(maxsize=4096)
def _grid_detour(
    lat_t: tuple[float, ...], lon_t: tuple[float, ...], settings: RouteSettings
) -> tuple[FloatArray, FloatArray] | None:
    """A sea path from the first to the last of some vertices, on a grid around all of them."""
    lat, lon = np.array(lat_t), np.array(lon_t)
    span_km = float(haversine_m(lat[0], lon[0], lat[-1], lon[-1])) / 1000.0
    margin_km = max(settings.grid_margin_km, 0.5 * span_km)
    for _ in range(3):
        dlat = margin_km / 111.2
        mid = math.radians(float(np.mean(lat)))
        dlon = margin_km / (111.2 * max(math.cos(mid), 0.05))
        box = (
            max(float(lat.min()) - dlat, -89.9),
            min(float(lat.max()) + dlat, 89.9),
            float(lon.min()) - dlon,
            float(lon.max()) + dlon,
        )
        cells = (box[1] - box[0]) * (box[3] - box[2]) * (1000.0 * 111.2 / PIXEL_M) ** 2
        factor = max(1, math.ceil(math.sqrt(cells / settings.max_grid_cells)))
        grid = SeaGrid.around(*box, factor=factor)
        path = sea_path(
            grid,
            (float(lat[0]), float(lon[0])),
            (float(lat[-1]), float(lon[-1])),
            settings.coast_clearance_m,
            settings.coast_penalty,
        )
        if path is not None:
            return path
        margin_km *= 2.0
    return None


def _land_km(lat: FloatArray, lon: FloatArray) -> float:
    """Length of a polyline over land, sampled every 500 m, in km."""
    plat, plon, _ = densify(lat, lon, 500.0)
    step_km = float(haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:]).sum()) / 1000.0 / max(plat.size - 1, 1)
    return float(is_land(plat, plon).sum()) * step_km


def _detour_of(
    lat: FloatArray, lon: FloatArray, first: int, last: int, settings: RouteSettings
) -> tuple[FloatArray, FloatArray] | None:
    """The sea-grid replacement of segments ``first`` to ``last`` of a polyline, if there is one."""
    run = slice(first, last + 2)
    return _grid_detour(tuple(lat[run].tolist()), tuple(lon[run].tolist()), settings)


def make_land_free(
    lat: FloatArray, lon: FloatArray, settings: RouteSettings, label: str = "route"
) -> tuple[FloatArray, FloatArray]:
    """The polyline with every run of land-touching segments replaced by a sea-grid path.

    A segment the sea grid cannot replace is kept if it crosses at most ``max_land_passage_km`` of
    land (a canal or a strait narrower than the land mask resolves); otherwise InputError.
    """
    kept: set[tuple[float, float, float, float]] = set()
    for _ in range(settings.max_repairs):
        bad = segments_crossing_land(lat, lon, step_m=None)
        if kept:
            keys = zip(lat[:-1], lon[:-1], lat[1:], lon[1:], strict=True)
            bad &= np.array([k not in kept for k in keys], dtype=bool)
        if not bad.any():
            return lat, lon
        first = int(np.argmax(bad))
        last = first
        while last + 1 < bad.size and bad[last + 1]:
            last += 1
        detour = _detour_of(lat, lon, first, last, settings)
        if detour is None and last > first:  # mend what can be mended, one segment at a time
            last = first
            detour = _detour_of(lat, lon, first, last, settings)
        if detour is not None:
            lat = np.concatenate([lat[:first], detour[0], lat[last + 2 :]])
            lon = np.concatenate([lon[:first], detour[1], lon[last + 2 :]])
            continue
        land_km = _land_km(lat[first : last + 2], lon[first : last + 2])
        if land_km > settings.max_land_passage_km:
            raise InputError(
                f"no sea passage found for the {label} near ({lat[first]:.4f}, {wrap_lon(lon[first]):.4f}): "
                f"it would cross {land_km:.0f} km of land; one of its ports may lie on water the land "
                "mask does not connect to the sea"
            )
        kept.add((lat[first], lon[first], lat[first + 1], lon[first + 1]))
    raise InputError(f"the {label} still crosses land after {settings.max_repairs} repairs")


def straighten(lat: FloatArray, lon: FloatArray, settings: RouteSettings) -> tuple[FloatArray, FloatArray]:
    """The polyline with vertices dropped wherever the shortcut touches no land and keeps clear of it.

    A shortcut keeps ``shortcut_clearance_m`` from land, except within ``shortcut_end_grace_m`` of
    an end vertex that is itself nearer land than that.
    """
    halo = max(0, math.ceil(settings.shortcut_clearance_m / PIXEL_M))
    rows_v = np.floor((90.0 - lat) * PIXELS_PER_DEG).astype(np.int64)
    cols_v = np.floor((lon + 180.0) * PIXELS_PER_DEG).astype(np.int64)
    tight = np.array([land_near_pixels(r, c, halo) for r, c in zip(rows_v, cols_v, strict=True)])

    def ok(i: int, j: int) -> bool:
        """Whether the shortcut from vertex i to vertex j is allowed."""
        if j == i + 1:
            return True
        rows, cols, _ = touched_pixels(lat[[i, j]], lon[[i, j]])
        if land_at_pixels(rows, cols).any():
            return False
        plat, plon = pixel_centre(rows, cols)
        grace = np.zeros(rows.size, dtype=bool)
        for k in (i, j):
            if tight[k]:
                grace |= haversine_m(lat[k], lon[k], plat, plon) <= settings.shortcut_end_grace_m
        return not land_near_pixels(rows[~grace], cols[~grace], halo)

    keep = pull_string(lat.size, ok)
    return lat[keep], lon[keep]


def _tidy(lat: FloatArray, lon: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The polyline without repeats and without inner vertices on or at the edge of land pixels.

    Longitudes are made continuous; the ends are kept as they are.
    """
    lon = unwrap_polyline_lon(lon)
    keep = np.concatenate([[True], (np.diff(lat) != 0) | (np.diff(lon) != 0)])
    keep[1:-1] &= ~points_touch_land(lat[1:-1], lon[1:-1])
    keep[-1] = True
    return lat[keep], lon[keep]


def _network(settings: RouteSettings) -> Network:
    """The maritime network as the settings cut and restrict it."""
    return marnet(settings.avoid_passages, settings.link_step_km)


@functools.lru_cache(maxsize=64)
def _approach(port: Port, settings: RouteSettings) -> Approach:
    """A port's ways onto the network (remembered for the 64 ports used last, about 10 MB each)."""
    found = approach(
        _network(settings),
        (port.berth_lat, port.berth_lon),
        settings.approach_radius_km,
        settings.coast_clearance_m,
        settings.coast_penalty,
        settings.max_grid_cells,
    )
    if found is None:
        raise InputError(
            f"port {port.locode} ({port.name}): no node of the maritime network is reachable by sea "
            f"within {9 * settings.approach_radius_km:.0f} km of its berth "
            f"({port.berth_lat:.4f}, {port.berth_lon:.4f})"
        )
    return found


def _direct(a: Port, b: Port, settings: RouteSettings) -> tuple[FloatArray, FloatArray] | None:
    """Port ``a``'s berth joined to ``b``'s on the sea grid searched from ``a``, if it reaches ``b``."""
    search = _approach(a, settings).search
    lon_b = a.berth_lon + float(lon_step(a.berth_lon, b.berth_lon))
    return search.path_to((b.berth_lat, lon_b))


def sea_route(a: Port, b: Port, settings: RouteSettings | None = None) -> Route:
    """The land-free sea route from port ``a``'s berth to port ``b``'s (cached per pair and settings)."""
    settings = settings or RouteSettings()
    for port in (a, b):
        if not port.sea_access:
            raise InputError(
                f"port {port.locode} ({port.name}) has no sea within reach of the land mask (a river or "
                "lake port), so no sea route can start or end there; choose a seaport nearby"
            )
    if (a.locode, a.berth_lat, a.berth_lon) > (b.locode, b.berth_lat, b.berth_lon):
        return _cached_route(b, a, settings).reversed()
    return _cached_route(a, b, settings)


@functools.lru_cache(maxsize=4096)
def _cached_route(a: Port, b: Port, settings: RouteSettings) -> Route:
    """The route from ``a`` to ``b``: the shorter of the direct grid path and the network path."""
    if a.berth_lat == b.berth_lat and a.berth_lon == b.berth_lon:
        return Route.from_vertices([a.berth_lat], [a.berth_lon], a.locode, b.locode)
    label = f"route {a.locode}->{b.locode}"
    found: list[Route] = []
    direct = _direct(a, b, settings)
    paths = [] if direct is None else [direct]
    joined = join(_approach(a, settings), _approach(b, settings), _network(settings))
    if joined is not None:
        paths.append((joined[0], joined[1]))
    for path in paths:
        lat, lon = make_land_free(*_tidy(*path), settings, label)
        lat, lon = straighten(lat, lon, settings)
        land = np.flatnonzero(segments_crossing_land(lat, lon, step_m=None))
        found.append(Route.from_vertices(lat, lon, a.locode, b.locode, land))
    if not found:
        raise InputError(
            f"no sea route from {a.locode} ({a.name}) to {b.locode} ({b.name}): the maritime network "
            "does not join them (a passage they need may be avoided in the route settings)"
        )
    return min(found, key=lambda r: r.length_m)
