"""Small spherical helpers: distances, bearings, destinations and polyline interpolation.

Positions are degrees (latitude north, longitude east), distances metres, bearings degrees clockwise
from true north in ``[0, 360)``. Every function is vectorised: arguments broadcast like numpy
arrays, and scalars give numpy scalars.

Polylines are interpolated linearly in (latitude, longitude), the same way everywhere in
:mod:`shadowtrace.geo`: the land checks of :mod:`shadowtrace.geo.land` and
:meth:`shadowtrace.geo.routes.Route.position_at` see the same points, so a polyline found land-free
stays land-free wherever a ship is placed on it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from shadowtrace.errors import InputError

FloatArray = npt.NDArray[np.float64]

#: Mean Earth radius (IUGG), metres.
EARTH_RADIUS_M = 6_371_008.8


def _f64(x: npt.ArrayLike) -> FloatArray:
    """``x`` as a float64 array."""
    return np.asarray(x, dtype=np.float64)


def wrap_lon(lon: npt.ArrayLike) -> FloatArray:
    """Longitude brought into ``[-180, 180)`` degrees."""
    return (_f64(lon) + 180.0) % 360.0 - 180.0


def haversine_m(lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike) -> FloatArray:
    """Great-circle distance in metres between (lat1, lon1) and (lat2, lon2)."""
    p1, p2 = np.radians(_f64(lat1)), np.radians(_f64(lat2))
    dp = p2 - p1
    dl = np.radians(_f64(lon2) - _f64(lon1))
    a = np.sin(dp / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2.0) ** 2
    result: FloatArray = 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return result


def bearing_deg(lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike) -> FloatArray:
    """Initial great-circle bearing in degrees from (lat1, lon1) towards (lat2, lon2)."""
    p1, p2 = np.radians(_f64(lat1)), np.radians(_f64(lat2))
    dl = np.radians(_f64(lon2) - _f64(lon1))
    y = np.sin(dl) * np.cos(p2)
    x = np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dl)
    result: FloatArray = np.degrees(np.arctan2(y, x)) % 360.0
    return result


def destination_point(
    lat: npt.ArrayLike, lon: npt.ArrayLike, bearing_deg: npt.ArrayLike, distance_m: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """The point reached from (lat, lon) by ``distance_m`` along a great circle at ``bearing_deg``."""
    p1, l1 = np.radians(_f64(lat)), np.radians(_f64(lon))
    theta = np.radians(_f64(bearing_deg))
    delta = _f64(distance_m) / EARTH_RADIUS_M
    p2 = np.arcsin(np.sin(p1) * np.cos(delta) + np.cos(p1) * np.sin(delta) * np.cos(theta))
    l2 = l1 + np.arctan2(np.sin(theta) * np.sin(delta) * np.cos(p1), np.cos(delta) - np.sin(p1) * np.sin(p2))
    return np.degrees(p2), wrap_lon(np.degrees(l2))


def lon_step(lon1: npt.ArrayLike, lon2: npt.ArrayLike) -> FloatArray:
    """The eastward longitude change from lon1 to lon2, taken the short way round, in ``[-180, 180)``."""
    return wrap_lon(_f64(lon2) - _f64(lon1))


def course_deg(lat: npt.ArrayLike, dlat: npt.ArrayLike, dlon: npt.ArrayLike) -> FloatArray:
    """Course over ground in degrees of a straight (lat, lon) line moving by (dlat, dlon) at ``lat``."""
    east = _f64(dlon) * np.cos(np.radians(_f64(lat)))
    result: FloatArray = np.degrees(np.arctan2(east, _f64(dlat))) % 360.0
    return result


def densify(
    lat: npt.ArrayLike, lon: npt.ArrayLike, step_m: float
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.intp]]:
    """Points every ``step_m`` metres or closer along a polyline, and the segment each point is on.

    Both ends of every segment are included; points are interpolated linearly in (lat, lon), and
    longitudes are returned in ``[-180, 180)``.
    """
    if not step_m > 0:
        raise InputError(f"densify step_m must be > 0, got {step_m!r}")
    la, lo = np.atleast_1d(_f64(lat)), np.atleast_1d(_f64(lon))
    if la.size < 2:
        return la.copy(), wrap_lon(lo), np.zeros(la.size, dtype=np.intp)
    seg_m = haversine_m(la[:-1], lo[:-1], la[1:], lo[1:])
    counts = np.ceil(seg_m / step_m).astype(np.intp) + 1
    seg = np.repeat(np.arange(seg_m.size), counts)
    starts = np.cumsum(counts) - counts
    frac = (np.arange(seg.size) - starts[seg]) / np.maximum(counts[seg] - 1, 1)
    dlat = la[1:] - la[:-1]
    dlon = lon_step(lo[:-1], lo[1:])
    out_lat = la[:-1][seg] + frac * dlat[seg]
    out_lon = wrap_lon(lo[:-1][seg] + frac * dlon[seg])
    return out_lat, out_lon, seg
