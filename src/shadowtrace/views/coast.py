"""Land as polygons, for maps drawn without tiles: contours of the land mask packaged with
``global-land-mask`` (GLOBE, 30 arc-seconds, see :mod:`shadowtrace.geo.land`).

The mask over a box is averaged into at most ``max_cells`` cells a side (a fraction of land per
cell) and contoured at one half with ``contourpy``: rings of (lon, lat) that follow the coast to
within one cell, about 1 km for a harbour, 6 km for a whole sea. Outer rings and holes (lakes, or
a sea closed in by land within the box) wind in opposite directions, so a renderer that fills them
as one path with the non-zero rule, as Plotly's ``fill="toself"`` does, leaves the holes open.
"""

from __future__ import annotations

import itertools
import math

import contourpy
import numpy as np

from shadowtrace.geo.land import PIXELS_PER_DEG, land_raster

#: cells a side of the raster contoured for one map
MAX_CELLS = 360
#: decimals kept in the coordinates (4: about 10 m)
DECIMALS = 4

Ring = tuple[list[float], list[float]]


def land_polygons(lat0: float, lat1: float, lon0: float, lon1: float, *, max_cells: int = MAX_CELLS) -> list[Ring]:
    """The land within a box as rings ``(lons, lats)``, each closed (last point = first)."""
    lat0, lat1 = max(-90.0, min(lat0, lat1)), min(90.0, max(lat0, lat1))
    lon0, lon1 = min(lon0, lon1), max(lon0, lon1)
    if lat1 - lat0 <= 0 or lon1 - lon0 <= 0:
        return []
    r0, r1 = math.floor((90.0 - lat1) * PIXELS_PER_DEG), math.ceil((90.0 - lat0) * PIXELS_PER_DEG)
    c0, c1 = math.floor((lon0 + 180.0) * PIXELS_PER_DEG), math.ceil((lon1 + 180.0) * PIXELS_PER_DEG)
    step = max(1, math.ceil(max(r1 - r0, c1 - c0) / max_cells))
    r1 = r0 + math.ceil((r1 - r0) / step) * step
    c1 = c0 + math.ceil((c1 - c0) / step) * step
    land = land_raster(r0, r1, c0, c1)
    if not land.any():
        return []
    h, w = land.shape[0] // step, land.shape[1] // step
    frac = land.reshape(h, step, w, step).mean(axis=(1, 3))
    frac = np.pad(frac, 1)  # sea all round: every ring closes inside the padded box
    centre = (np.arange(-1, h + 1) + 0.5) * step
    lats = 90.0 - (r0 + centre) / PIXELS_PER_DEG
    lons = -180.0 + (c0 + (np.arange(-1, w + 1) + 0.5) * step) / PIXELS_PER_DEG
    gen = contourpy.contour_generator(lons, lats, frac, fill_type=contourpy.FillType.OuterOffset)
    points, offsets = gen.filled(0.5, 2.0)[:2]
    rings: list[Ring] = []
    for pts, offs in zip(points, offsets, strict=True):
        if pts is None or offs is None:
            continue
        for a, b in itertools.pairwise(offs.tolist()):
            ring = np.round(pts[a:b], DECIMALS)
            rings.append((ring[:, 0].tolist(), ring[:, 1].tolist()))
    return rings
