"""Shortest sea paths on a window of the land mask, kept off the coast where the sea allows.

A :class:`SeaGrid` is a rectangle of land-mask pixels (optionally merged ``factor`` x ``factor``, a
merged cell being land if any of its pixels is), with each sea cell's distance to the nearest land
cell. :func:`sea_path` finds the cheapest 8-connected path between two points over sea cells
(diagonal steps only between four sea cells, so a path never squeezes between two land corners),
where a step costs its length times a penalty that grows near the coast, and then straightens it
with :func:`pull_string` without bringing it closer to land than the grid path was.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import ndimage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra

from shadowtrace.geo.land import MASK_COLS, MASK_ROWS, PIXELS_PER_DEG, BoolArray, is_land, touched_pixels
from shadowtrace.geo.sphere import EARTH_RADIUS_M, FloatArray

IntArray = npt.NDArray[np.int64]

#: North-south size of one land-mask pixel, metres.
PIXEL_M = math.pi * EARTH_RADIUS_M / 180.0 / PIXELS_PER_DEG
_FAR_M = 1e9


@dataclass(frozen=True, eq=False)
class SeaGrid:
    """A window of the land mask at ``factor`` mask pixels per cell, with each cell's distance to land.

    Cell ``(i, j)`` is global cell ``(row0 + i, col0 + j)`` of the grid with ``120 / factor`` cells
    per degree; columns are not wrapped, so a window may straddle the antimeridian.
    """

    row0: int
    col0: int
    factor: int
    land: BoolArray
    clearance_m: FloatArray

    @classmethod
    def around(cls, lat_min: float, lat_max: float, lon_min: float, lon_max: float, factor: int = 1) -> SeaGrid:
        """The grid covering a (lat, lon) box (``lon_max`` may exceed 180 to cross the antimeridian)."""
        per_deg = PIXELS_PER_DEG / factor
        r0 = max(math.floor((90.0 - lat_max) * per_deg), 0)
        r1 = min(math.floor((90.0 - lat_min) * per_deg), MASK_ROWS // factor - 1)
        c0 = math.floor((lon_min + 180.0) * per_deg)
        c1 = math.floor((lon_max + 180.0) * per_deg)
        rows = np.arange(r0 * factor, (r1 + 1) * factor)
        cols = np.arange(c0 * factor, (c1 + 1) * factor)
        lat = 90.0 - (rows + 0.5) / PIXELS_PER_DEG
        lon = -180.0 + ((cols % MASK_COLS) + 0.5) / PIXELS_PER_DEG
        fine = is_land(lat[:, None], lon[None, :])
        land = np.asarray(fine.reshape(r1 - r0 + 1, factor, c1 - c0 + 1, factor).any(axis=(1, 3)), dtype=np.bool_)
        mid_lat = math.radians((lat_min + lat_max) / 2.0)
        cell_m = (PIXEL_M * factor, PIXEL_M * factor * max(math.cos(mid_lat), 0.01))
        if land.any():
            clearance = np.asarray(ndimage.distance_transform_edt(~land, sampling=cell_m), dtype=np.float64)
        else:
            clearance = np.full(land.shape, _FAR_M)
        return cls(r0, c0, factor, land, clearance)

    @property
    def per_deg(self) -> float:
        """Cells per degree."""
        return PIXELS_PER_DEG / self.factor

    def cell(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> tuple[IntArray, IntArray]:
        """Local (i, j) of the cells holding (lat, lon) points; may fall outside the window."""
        la, lo = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
        i = np.floor((90.0 - la) * self.per_deg).astype(np.int64) - self.row0
        j = np.floor((lo + 180.0) * self.per_deg).astype(np.int64) - self.col0
        return i, j

    def centre(self, i: npt.ArrayLike, j: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        """(lat, lon) of the centres of local cells (longitudes continuous across the window)."""
        ii, jj = np.asarray(i, dtype=np.float64), np.asarray(j, dtype=np.float64)
        return 90.0 - (self.row0 + ii + 0.5) / self.per_deg, -180.0 + (self.col0 + jj + 0.5) / self.per_deg

    def inside(self, i: IntArray, j: IntArray) -> BoolArray:
        """Whether local cells lie in the window."""
        nr, nc = self.land.shape
        return np.asarray((i >= 0) & (i < nr) & (j >= 0) & (j < nc), dtype=np.bool_)

    def line_clearance_m(self, lat: FloatArray, lon: FloatArray) -> float:
        """Least distance to land over the cells a straight line touches (0 if it leaves the window)."""
        rows, cols, _ = touched_pixels(lat, lon, self.per_deg)
        i, j = rows - self.row0, cols - self.col0
        if not self.inside(i, j).all():
            return 0.0
        return float(self.clearance_m[i, j].min())


def pull_string(n: int, ok: Callable[[int, int], bool]) -> list[int]:
    """Indices of the vertices kept when a path of ``n`` vertices is straightened greedily.

    From each kept vertex the next is found by galloping ahead (2, 4, 8, ... vertices) while the
    shortcut ``ok(i, j)`` holds, then bisecting back; ``ok(i, i + 1)`` is taken as true.
    """
    keep = [0]
    i = 0
    while i < n - 1:
        good, step = i + 1, 2
        bad = n
        while good < n - 1:
            j = min(i + step, n - 1)
            if ok(i, j):
                good = j
                step *= 2
            else:
                bad = j
                break
        while bad - good > 1:
            mid = (good + bad) // 2
            if ok(i, mid):
                good = mid
            else:
                bad = mid
        keep.append(good)
        i = good
    return keep


def _edges(grid: SeaGrid, coast_clearance_m: float, coast_penalty: float) -> coo_matrix:
    """The sea cells' step graph: step length times the mean coast penalty of its two cells."""
    water = ~grid.land
    nr, nc = water.shape
    node = np.full(water.shape, -1, dtype=np.int64)
    node[water] = np.arange(int(water.sum()))
    penalty = 1.0 + coast_penalty * np.clip(1.0 - grid.clearance_m / coast_clearance_m, 0.0, 1.0)
    lat, _ = grid.centre(np.arange(nr), np.zeros(nr))
    dy = PIXEL_M * grid.factor
    dx = dy * np.maximum(np.cos(np.radians(lat)), 0.01)
    block = water[:-1, :-1] & water[:-1, 1:] & water[1:, :-1] & water[1:, 1:]
    diag = np.hypot(dy, (dx[:-1] + dx[1:]) / 2.0)[:, None]
    steps = [
        (
            water[:, :-1] & water[:, 1:],
            (slice(None), slice(None, -1)),
            (slice(None), slice(1, None)),
            np.broadcast_to(dx[:, None], (nr, nc - 1)),
        ),
        (
            water[:-1, :] & water[1:, :],
            (slice(None, -1), slice(None)),
            (slice(1, None), slice(None)),
            np.full((nr - 1, nc), dy),
        ),
        (
            block,
            (slice(None, -1), slice(None, -1)),
            (slice(1, None), slice(1, None)),
            np.broadcast_to(diag, block.shape),
        ),
        (
            block,
            (slice(None, -1), slice(1, None)),
            (slice(1, None), slice(None, -1)),
            np.broadcast_to(diag, block.shape),
        ),
    ]
    us, vs, ws = [], [], []
    for mask, a, b, length in steps:
        us.append(node[a][mask])
        vs.append(node[b][mask])
        ws.append(length[mask] * (penalty[a][mask] + penalty[b][mask]) / 2.0)
    n = int(water.sum())
    return coo_matrix((np.concatenate(ws), (np.concatenate(us), np.concatenate(vs))), shape=(n, n))


def _snap_to_sea(grid: SeaGrid, i: int, j: int) -> tuple[int, int]:
    """The cell itself if it is sea, else the nearest sea cell of the window."""
    if not grid.land[i, j]:
        return i, j
    _, idx = ndimage.distance_transform_edt(grid.land, return_indices=True)
    return int(idx[0][i, j]), int(idx[1][i, j])


class GridSearch:
    """The cheapest sea paths from one start point to every cell of a :class:`SeaGrid`."""

    def __init__(
        self, grid: SeaGrid, start: tuple[float, float], coast_clearance_m: float, coast_penalty: float
    ) -> None:
        """Search the grid from ``start`` (lat, lon), which must lie in the window."""
        self.grid = grid
        self.start = start
        self.coast_clearance_m = coast_clearance_m
        ci, cj = grid.cell(start[0], start[1])
        self.usable = bool(grid.inside(ci, cj)) and not grid.land.all()
        water = ~grid.land
        self._node = (np.cumsum(water.ravel()).reshape(water.shape) - 1).astype(np.int32)
        self._cells = np.flatnonzero(water.ravel()).astype(np.int32)
        self.cost: npt.NDArray[np.float32] = np.full(self._cells.size, np.inf, dtype=np.float32)
        self._pred = np.full(self._cells.size, -9999, dtype=np.int32)
        self._start_cell = (0, 0)
        if self.usable:
            self._start_cell = _snap_to_sea(grid, int(ci), int(cj))
            src = int(self._node[self._start_cell])
            cost, pred = dijkstra(
                _edges(grid, coast_clearance_m, coast_penalty).tocsr(),
                directed=False,
                indices=src,
                return_predecessors=True,
            )
            self.cost, self._pred = np.asarray(cost, dtype=np.float32), np.asarray(pred, dtype=np.int32)

    def cost_at(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> FloatArray:
        """Cost of the cheapest path to the cells of (lat, lon) points (inf: land, outside, unreachable)."""
        i, j = self.grid.cell(lat, lon)
        out = np.full(i.shape, np.inf, dtype=np.float64)
        inside = self.grid.inside(i, j)
        ii, jj = i[inside], j[inside]
        sea = ~self.grid.land[ii, jj]
        vals = np.full(ii.shape, np.inf)
        vals[sea] = self.cost[self._node[ii[sea], jj[sea]]]
        out[inside] = vals
        return out

    def path_to(self, end: tuple[float, float]) -> tuple[FloatArray, FloatArray] | None:
        """The straightened cheapest path from the start to ``end`` (lat, lon), or None if there is none."""
        ci, cj = self.grid.cell(end[0], end[1])
        if not self.usable or not bool(self.grid.inside(ci, cj)):
            return None
        ei, ej = _snap_to_sea(self.grid, int(ci), int(cj))
        dst = int(self._node[ei, ej])
        if not np.isfinite(self.cost[dst]):
            return None
        chain = [dst]
        while self._pred[chain[-1]] >= 0:
            chain.append(int(self._pred[chain[-1]]))
        cell_i, cell_j = np.divmod(self._cells[np.array(chain[::-1])], self.grid.land.shape[1])
        clat, clon = self.grid.centre(cell_i, cell_j)
        si, sj = self._start_cell
        lat = np.concatenate([[self.start[0]], clat, [end[0]]])
        lon = np.concatenate([[self.start[1]], clon, [end[1]]])
        clear = self.grid.clearance_m
        clear_v = np.concatenate([[clear[si, sj]], clear[cell_i, cell_j], [clear[ei, ej]]])
        target = self.coast_clearance_m

        def ok(a: int, b: int) -> bool:
            """Whether the shortcut from vertex a to b touches only sea no nearer land than the path."""
            if b == a + 1:
                return True
            need = min(target, float(clear_v[a : b + 1].min()))
            return self.grid.line_clearance_m(lat[[a, b]], lon[[a, b]]) >= need - 1e-6

        keep = pull_string(lat.size, ok)
        return lat[keep], lon[keep]


def sea_path(
    grid: SeaGrid,
    start: tuple[float, float],
    end: tuple[float, float],
    coast_clearance_m: float,
    coast_penalty: float,
) -> tuple[FloatArray, FloatArray] | None:
    """The straightened cheapest sea path from ``start`` to ``end`` (lat, lon) in the window, or None.

    The path begins at ``start`` and ends at ``end`` exactly; None means the two are not joined by
    sea inside the window (or lie outside it, or the window has no sea).
    """
    return GridSearch(grid, start, coast_clearance_m, coast_penalty).path_to(end)
