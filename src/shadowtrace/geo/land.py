"""Land or sea: vectorised checks on the GLOBE land mask shipped in ``global-land-mask``.

The mask is a 30 arc-second raster (1/120 degree, about 0.93 km north-south) of the whole Earth;
most lakes count as land. Pixel ``(row, col)`` covers latitudes ``90 - (row + 1) / 120`` to
``90 - row / 120`` and longitudes ``-180 + col / 120`` to ``-180 + (col + 1) / 120``.

The mask is read on first use (about 4 s and 1 GB of memory, once per process), so importing this
module costs nothing. Polylines are straight lines in (lat, lon), as everywhere in
:mod:`shadowtrace.geo`; their exact check (``step_m=None``) finds every pixel a line touches,
corners included, so a polyline that passes it is land-free at any sampling step.
"""

from __future__ import annotations

import functools
from types import ModuleType

import numpy as np
import numpy.typing as npt

from shadowtrace.errors import InputError
from shadowtrace.geo.sphere import FloatArray, densify, lon_step, wrap_lon

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

#: Resolution of the land mask: pixels per degree of latitude or longitude (30 arc-seconds).
PIXELS_PER_DEG = 120
MASK_ROWS = 180 * PIXELS_PER_DEG
MASK_COLS = 360 * PIXELS_PER_DEG
_EPS_PX = 1e-7


@functools.cache
def _globe() -> ModuleType:
    """The ``global_land_mask.globe`` module, imported (and its raster read) on first use."""
    from global_land_mask import globe

    module: ModuleType = globe
    return module


def _checked(lat: npt.ArrayLike, lon: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Positions as float arrays, longitudes wrapped; InputError naming the first invalid one."""
    la, lo = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
    bad = ~np.isfinite(la) | ~np.isfinite(lo) | (np.abs(la) > 90.0)
    if np.any(bad):
        i = int(np.flatnonzero(np.broadcast_to(bad, np.broadcast_shapes(la.shape, lo.shape)))[0])
        bad_lat = np.broadcast_to(la, bad.shape).flat[i]
        bad_lon = np.broadcast_to(lo, bad.shape).flat[i]
        raise InputError(
            f"position ({bad_lat}, {bad_lon}) is not a valid (lat, lon): latitude must be a finite "
            "number in [-90, 90] and longitude a finite number"
        )
    return la, wrap_lon(lo)


def is_land(lat: npt.ArrayLike, lon: npt.ArrayLike) -> BoolArray:
    """Whether each (lat, lon) point lies on a land pixel of the mask (arguments broadcast)."""
    la, lo = _checked(lat, lon)
    return np.asarray(_globe().is_land(la, lo), dtype=np.bool_)


def pixel_centre(rows: npt.ArrayLike, cols: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Latitude and longitude of the centres of mask pixels (columns taken modulo the globe)."""
    r = np.clip(np.asarray(rows, dtype=np.int64), 0, MASK_ROWS - 1)
    c = np.asarray(cols, dtype=np.int64) % MASK_COLS
    return 90.0 - (r + 0.5) / PIXELS_PER_DEG, -180.0 + (c + 0.5) / PIXELS_PER_DEG


def land_at_pixels(rows: npt.ArrayLike, cols: npt.ArrayLike) -> BoolArray:
    """Whether mask pixels are land (rows clipped to the globe, columns taken modulo it)."""
    r = np.clip(np.asarray(rows, dtype=np.int64), 0, MASK_ROWS - 1)
    c = np.asarray(cols, dtype=np.int64) % MASK_COLS
    sea = getattr(_globe(), "_mask", None)  # the package's own raster (True: sea), read directly
    if isinstance(sea, np.ndarray) and sea.shape == (MASK_ROWS, MASK_COLS):
        return np.asarray(~sea[r, c], dtype=np.bool_)
    return is_land(*pixel_centre(r, c))


def points_touch_land(lat: npt.ArrayLike, lon: npt.ArrayLike) -> BoolArray:
    """Whether each point lies on a land pixel or on the edge or corner of one."""
    y = (90.0 - np.atleast_1d(np.asarray(lat, dtype=np.float64))) * PIXELS_PER_DEG
    x = (np.atleast_1d(np.asarray(lon, dtype=np.float64)) + 180.0) * PIXELS_PER_DEG
    out = np.zeros(y.shape, dtype=np.bool_)
    for dy in (-_EPS_PX, _EPS_PX):
        for dx in (-_EPS_PX, _EPS_PX):
            out |= land_at_pixels(np.floor(y + dy), np.floor(x + dx))
    return out


def land_near_pixels(rows: npt.ArrayLike, cols: npt.ArrayLike, halo_px: int = 0) -> BoolArray:
    """Whether any of the given mask pixels, or of those up to ``halo_px`` rows or columns away, is land."""
    r = np.clip(np.asarray(rows, dtype=np.int64).ravel(), 0, MASK_ROWS - 1)
    c = np.asarray(cols, dtype=np.int64).ravel() % MASK_COLS
    if halo_px > 0:
        key = np.unique(r * MASK_COLS + c)
        r, c = np.divmod(key, MASK_COLS)
        offsets = np.arange(-halo_px, halo_px + 1)
        r = (r[:, None, None] + offsets[:, None]).ravel()
        c = (c[:, None, None] + offsets[None, :]).ravel()
    return np.asarray(land_at_pixels(r, c).any(), dtype=np.bool_)


def unwrap_polyline_lon(lon: npt.ArrayLike) -> FloatArray:
    """Longitudes made continuous along a polyline (no jumps of 360 at the antimeridian)."""
    lo = np.atleast_1d(np.asarray(lon, dtype=np.float64))
    if lo.size < 2:
        return lo.copy()
    return np.concatenate([lo[:1], lo[0] + np.cumsum(lon_step(lo[:-1], lo[1:]))])


def _crossings(p0: FloatArray, p1: FloatArray) -> tuple[FloatArray, IntArray]:
    """Where (as a fraction of each segment) segments from p0 to p1 cross integer pixel edges."""
    first = np.floor(np.minimum(p0, p1)).astype(np.int64) + 1
    last = np.ceil(np.maximum(p0, p1)).astype(np.int64) - 1
    counts = np.clip(last - first + 1, 0, None)
    seg = np.repeat(np.arange(p0.size, dtype=np.int64), counts)
    offset = np.arange(seg.size, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    k = (first[seg] + offset).astype(np.float64)
    return (k - p0[seg]) / (p1 - p0)[seg], seg


def touched_pixels(
    lat: npt.ArrayLike, lon: npt.ArrayLike, per_deg: float = PIXELS_PER_DEG
) -> tuple[IntArray, IntArray, IntArray]:
    """Every pixel (row, col, segment) that each segment of a polyline touches, corners included.

    Pixels are those of a grid with ``per_deg`` pixels per degree aligned with the land mask; rows
    count south from 90N, columns east from 180W and are not wrapped (the polyline's longitudes are
    made continuous first). A pixel may be listed more than once.
    """
    y = (90.0 - np.atleast_1d(np.asarray(lat, dtype=np.float64))) * per_deg
    x = (unwrap_polyline_lon(lon) + 180.0) * per_deg
    n = y.size - 1
    if n < 1:
        return np.floor(y).astype(np.int64), np.floor(x).astype(np.int64), np.zeros(y.size, np.int64)
    y0, y1, x0, x1 = y[:-1], y[1:], x[:-1], x[1:]
    ty, sy = _crossings(y0, y1)
    tx, sx = _crossings(x0, x1)
    ends = np.arange(n, dtype=np.int64)
    t = np.concatenate([np.zeros(n), np.ones(n), ty, tx])
    s = np.concatenate([ends, ends, sy, sx])
    order = np.lexsort((t, s))
    t, s = t[order], s[order]
    same = s[1:] == s[:-1]
    t_mid, s_mid = ((t[1:] + t[:-1]) / 2.0)[same], s[1:][same]
    # every node and every midpoint between nodes, each nudged to the four sides of any pixel edge
    # or corner it lies on (a line running along an edge touches the pixels on both sides)
    t_all = np.repeat(np.concatenate([t_mid, t]), 4)
    s_all = np.repeat(np.concatenate([s_mid, s]), 4)
    py = y0[s_all] + t_all * (y1 - y0)[s_all] + np.tile([-_EPS_PX, -_EPS_PX, _EPS_PX, _EPS_PX], t_all.size // 4)
    px = x0[s_all] + t_all * (x1 - x0)[s_all] + np.tile([-_EPS_PX, _EPS_PX, -_EPS_PX, _EPS_PX], t_all.size // 4)
    return np.floor(py).astype(np.int64), np.floor(px).astype(np.int64), s_all


def segments_crossing_land(lat: npt.ArrayLike, lon: npt.ArrayLike, step_m: float | None = 500.0) -> BoolArray:
    """For each segment of a polyline, whether it meets land.

    With ``step_m`` the segment is sampled every ``step_m`` metres (ends included); with ``None``
    every pixel it touches is checked (exact).
    """
    la = np.atleast_1d(np.asarray(lat, dtype=np.float64))
    n = la.size - 1
    if n < 1:
        return np.zeros(0, dtype=np.bool_)
    _checked(la, lon)
    if step_m is None:
        rows, cols, seg = touched_pixels(la, lon)
        land = land_at_pixels(rows, cols)
    else:
        plat, plon, seg = densify(la, lon, step_m)
        land = is_land(plat, plon)
    return np.asarray(np.bincount(seg, weights=land, minlength=n) > 0, dtype=np.bool_)


def line_near_land(lat: npt.ArrayLike, lon: npt.ArrayLike, halo_px: int = 0) -> bool:
    """Whether a polyline touches land, or passes within ``halo_px`` mask pixels of it (square halo)."""
    rows, cols, _ = touched_pixels(lat, lon)
    return bool(land_near_pixels(rows, cols, halo_px))


def crosses_land(lat: npt.ArrayLike, lon: npt.ArrayLike, step_m: float | None = 500.0) -> bool:
    """Whether a polyline (or a single point) meets land, sampled every ``step_m`` metres or exactly."""
    la = np.atleast_1d(np.asarray(lat, dtype=np.float64))
    if la.size == 1:
        return bool(np.any(is_land(la, lon)))
    return bool(segments_crossing_land(la, lon, step_m).any())


def land_raster(row0: int, row1: int, col0: int, col1: int) -> BoolArray:
    """Whether each mask pixel of rows ``row0``..``row1 - 1`` and columns ``col0``..``col1 - 1`` is land
    (rows clipped to the globe, columns taken modulo it), as a 2-D array: north up, west left."""
    rows = np.clip(np.arange(row0, row1, dtype=np.int64), 0, MASK_ROWS - 1)
    cols = np.arange(col0, col1, dtype=np.int64) % MASK_COLS
    sea = getattr(_globe(), "_mask", None)
    if isinstance(sea, np.ndarray) and sea.shape == (MASK_ROWS, MASK_COLS):
        return np.asarray(~sea[np.ix_(rows, cols)], dtype=np.bool_)
    return land_at_pixels(rows[:, None], cols[None, :])
